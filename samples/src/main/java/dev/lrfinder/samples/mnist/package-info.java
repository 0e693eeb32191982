/**
 * Real MNIST and what trains on it, shared by the command and the studies: the IDX files ({@link
 * dev.lrfinder.samples.mnist.MnistIdx}, {@link dev.lrfinder.samples.mnist.MnistArrays}), where they
 * come from ({@link dev.lrfinder.samples.mnist.MnistSource}), the networks ({@link
 * dev.lrfinder.samples.mnist.Models}) and the optimizers ({@link
 * dev.lrfinder.samples.mnist.Optimizers}).
 */
package dev.lrfinder.samples.mnist;
