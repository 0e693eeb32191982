/**
 * The {@code lrfinder} command line ({@link dev.lrfinder.samples.LrFinderCli}: {@code find}, the
 * studies and the benchmarks) on real MNIST, with DJL's MXNet engine (the default) or PyTorch.
 */
package dev.lrfinder.samples;
