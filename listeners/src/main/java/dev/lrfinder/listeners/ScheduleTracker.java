package dev.lrfinder.listeners;

import ai.djl.training.tracker.Tracker;
import dev.lrfinder.core.schedule.LrSchedule;

/**
 * Any lrfinder {@link LrSchedule} (one-cycle, warm-up/cool-down, any {@code PhasedSchedule}) as a
 * DJL {@link Tracker}, set on the optimizer the way DJL's own {@code CosineTracker} or {@code
 * WarmUpTracker} are. No listener is needed for the learning rate.
 *
 * <pre>{@code
 * OneCycleSchedule schedule = OneCycleScheduler.scheduleFor(result, epochs * stepsPerEpoch);
 * Optimizer sgd = Optimizer.sgd()
 *         .setLearningRateTracker(ScheduleTracker.of(schedule))
 *         .optMomentum(0.9f)
 *         .build();
 * }</pre>
 *
 * <p>DJL's optimizers call a tracker once per parameter per update with their update count {@code
 * numUpdate}: the largest number of updates any parameter has had, counted from the builder's
 * {@code optBeginNumUpdate} (default 0), so that the first step asks for {@code numUpdate} 1 for
 * every parameter. The tracker answers the schedule's value of step {@code (numUpdate - 1) /
 * updatesPerStep}: step 0 for the first update. To resume a job at step {@code k}, build the
 * optimizer with {@code optBeginNumUpdate(k)}. DJL's {@code LocalParameterServer} (the PyTorch
 * engine's) updates each parameter once per device, so a trainer on {@code d} devices counts {@code
 * d} updates per step: build the tracker with {@code optUpdatesPerStep(d)} there.
 *
 * <p>A tracker cannot move the momentum (SGD's {@code momentum}, Adam's {@code beta1} are fixed
 * when DJL builds the optimizer): one-cycle's momentum needs {@link ScheduleListener}, which leaves
 * a {@code ScheduleTracker} of its own schedule in place and moves the momentum alone. The
 * optimizer keeps its update count across trainers: give each training run its own optimizer.
 */
public final class ScheduleTracker implements Tracker {

    private final LrSchedule schedule;
    private final int updatesPerStep;

    private ScheduleTracker(Builder b) {
        if (b.schedule == null) {
            throw new IllegalArgumentException("schedule must be set, got null");
        }
        this.schedule = b.schedule;
        if (b.updatesPerStep < 1) {
            throw new IllegalArgumentException(
                    "updatesPerStep must be >= 1, got " + b.updatesPerStep);
        }
        this.updatesPerStep = b.updatesPerStep;
    }

    /**
     * Returns a tracker for a schedule, for a trainer on one device.
     *
     * @param schedule the schedule
     * @return the tracker
     */
    public static ScheduleTracker of(LrSchedule schedule) {
        return builder().setSchedule(schedule).build();
    }

    /**
     * Returns a builder; {@code setSchedule} is required.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the learning rate of the step whose update this is.
     *
     * @param numUpdate the optimizer's update count, from 1
     * @return the schedule's learning rate at step {@code (numUpdate - 1) / updatesPerStep}
     */
    @Override
    public float getNewValue(int numUpdate) {
        return (float) schedule.learningRate(step(numUpdate));
    }

    /**
     * Returns the step an update count stands for.
     *
     * @param numUpdate the optimizer's update count, from 1
     * @return the step, from 0
     */
    public int step(int numUpdate) {
        return Math.max(0, numUpdate - 1) / updatesPerStep;
    }

    /**
     * Returns the schedule.
     *
     * @return the schedule
     */
    public LrSchedule schedule() {
        return schedule;
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return "ScheduleTracker(" + schedule + ")";
    }

    /** Configures a {@link ScheduleTracker}. */
    public static final class Builder {

        private LrSchedule schedule;
        private int updatesPerStep = 1;

        Builder() {}

        /**
         * Sets the schedule (required).
         *
         * @param schedule the schedule
         * @return this builder
         */
        public Builder setSchedule(LrSchedule schedule) {
            this.schedule = schedule;
            return this;
        }

        /**
         * Sets how many optimizer updates of one parameter make one step (default 1; the number of
         * devices under DJL's {@code LocalParameterServer}).
         *
         * @param updatesPerStep &gt;= 1
         * @return this builder
         */
        public Builder optUpdatesPerStep(int updatesPerStep) {
            this.updatesPerStep = updatesPerStep;
            return this;
        }

        /**
         * Builds the tracker.
         *
         * @return the tracker
         * @throws IllegalArgumentException if no schedule was set or a parameter is out of range,
         *     naming it and its value
         */
        public ScheduleTracker build() {
            return new ScheduleTracker(this);
        }
    }
}
