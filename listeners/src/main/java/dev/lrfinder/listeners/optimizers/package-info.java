/**
 * Optimizers DJL does not ship: Schedule-Free SGD and Schedule-Free AdamW (Defazio et al., arXiv
 * 2405.15682), which average their iterates on the fly so that a run needs a learning rate but no
 * schedule. They are DJL {@code Optimizer}s: an LR range test drives and restores them like DJL's
 * own.
 */
package dev.lrfinder.listeners.optimizers;
