/**
 * Learning-rate (and momentum) schedules, without any engine: {@link
 * dev.lrfinder.core.schedule.OneCycleSchedule} (Smith's one-cycle, PyTorch's {@code OneCycleLR}
 * parameters), {@link dev.lrfinder.core.schedule.WarmupCooldownSchedule}, and {@link
 * dev.lrfinder.core.schedule.PhasedSchedule}, which composes phases of {@link
 * dev.lrfinder.core.schedule.Annealing} as fast.ai's {@code combine_scheds} does. The listeners
 * module turns any {@link dev.lrfinder.core.schedule.LrSchedule} into a DJL {@code Tracker} or a
 * {@code TrainingListener}.
 */
package dev.lrfinder.core.schedule;
