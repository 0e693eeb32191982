/**
 * Weight averaging for any optimizer and schedule: {@code WeightAveraging}, a DJL listener that
 * keeps an exponential moving average of the weights and leaves it in the model at the end of the
 * planned run.
 */
package dev.lrfinder.listeners.averaging;
