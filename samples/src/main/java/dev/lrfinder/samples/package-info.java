/**
 * The {@code lrfinder} command line ({@link dev.lrfinder.samples.LrFinderCli}: {@code find}, the
 * studies and the benchmarks) on real MNIST, with DJL's MXNet engine (the default) or PyTorch. Its
 * parts: {@link dev.lrfinder.samples.cli} (the user's {@code find} command), {@link
 * dev.lrfinder.samples.mnist} (MNIST, the networks and optimizers) and {@link
 * dev.lrfinder.samples.bench} (the studies and benchmarks); {@code LrFinderCli} wires them.
 */
package dev.lrfinder.samples;
