/**
 * The LR range test without any deep-learning engine: learning-rate sweeps, loss smoothing, the
 * divergence rule, the recorded {@link dev.lrfinder.core.LossCurve} and the rules that read a
 * suggested learning rate off it.
 *
 * <p>The method is Leslie Smith's LR range test (arXiv 1506.01186); the suggestion rules follow
 * the ones fast.ai publishes.
 */
package dev.lrfinder.core;
