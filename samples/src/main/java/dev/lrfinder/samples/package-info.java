/**
 * The {@code lrfinder} command line ({@link dev.lrfinder.samples.LrFinderCli}: {@code find}) on
 * real MNIST, with DJL's MXNet engine (the default) or PyTorch. Its parts: {@link
 * dev.lrfinder.samples.cli} (the user's {@code find} command) and {@link
 * dev.lrfinder.samples.mnist} (MNIST, the networks, optimizers and their evaluation); {@code
 * LrFinderCli} wires them. The studies and benchmarks live in the unpublished {@code bench} module.
 */
package dev.lrfinder.samples;
