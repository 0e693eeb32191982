/**
 * DJL glue for the LR range test: {@link dev.lrfinder.listeners.LrRangeTestListener} plugs into
 * any {@code EasyTrain.fit} loop, {@link dev.lrfinder.listeners.LrFinder} runs a whole test in one
 * call and restores the model and optimizer afterwards.
 */
package dev.lrfinder.listeners;
