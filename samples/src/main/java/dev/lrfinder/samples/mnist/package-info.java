/**
 * Real MNIST and what trains on it, shared by the command and the benchmarks (module {@code
 * bench}): the IDX files ({@link dev.lrfinder.samples.mnist.MnistIdx}, {@link
 * dev.lrfinder.samples.mnist.MnistArrays}), where they come from ({@link
 * dev.lrfinder.samples.mnist.MnistSource}), the networks ({@link
 * dev.lrfinder.samples.mnist.Models}), the optimizers ({@link
 * dev.lrfinder.samples.mnist.Optimizers}) and the scores of a trained model ({@link
 * dev.lrfinder.samples.mnist.Evaluation}).
 */
package dev.lrfinder.samples.mnist;
