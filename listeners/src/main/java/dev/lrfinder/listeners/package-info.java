/**
 * DJL glue for the LR range test and the schedules. Entry points: {@link
 * dev.lrfinder.listeners.LrFinder} (one call that runs a test and restores the model and the
 * optimizer), {@link dev.lrfinder.listeners.LrRangeTestListener} (the test inside any {@code
 * EasyTrain.fit} loop), {@link dev.lrfinder.listeners.LrFinderResult} (what a test found) and
 * {@link dev.lrfinder.listeners.ScheduleListener} (any schedule as a listener, learning rate and
 * momentum), {@link dev.lrfinder.listeners.OneCycleScheduler} (one-cycle from a result) and {@link
 * dev.lrfinder.listeners.ScheduleTracker} (any schedule as a DJL {@code Tracker}).
 *
 * <p>How one {@code find()} flows, top to bottom: {@code LrFinder} checks the trainer and locates
 * its optimizer ({@code DjlInternals}, the one file that reaches into DJL's private fields); {@code
 * TrainingStateSnapshot} copies the parameters and optimizer state; {@code RangeTestSession}, the
 * engine under both entry points, installs its learning-rate tracker and records each batch's loss
 * one batch late into a core {@code RangeTest}; {@code LrFinder} drives the batches and, at the
 * end, the snapshot writes everything back; the session's {@code LrFinderResult} is returned.
 */
package dev.lrfinder.listeners;
