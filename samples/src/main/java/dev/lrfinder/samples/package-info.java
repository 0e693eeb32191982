/** The lrfinder command line and examples on real MNIST with the MXNet engine. */
package dev.lrfinder.samples;
