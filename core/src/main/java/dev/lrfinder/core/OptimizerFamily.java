package dev.lrfinder.core;

/**
 * What kind of optimizer a range test drove: the one fact about the optimizer that the planned rate
 * and the recommended run depend on. The listeners module computes it once, where it sees the
 * optimizer ({@code instanceof}, so that a subclass of DJL's {@code Sgd} is SGD too).
 */
public enum OptimizerFamily {
    /** SGD with or without momentum, and Nesterov (DJL's {@code Sgd} and {@code Nag}). */
    SGD(false),
    /** Adam, AdamW, RmsProp, Adagrad, Adadelta: each step divided by the gradient's own scale. */
    ADAPTIVE(false),
    /** Schedule-Free SGD (lrfinder's {@code ScheduleFreeSgd}). */
    SCHEDULE_FREE_SGD(true),
    /** Schedule-Free AdamW (lrfinder's {@code ScheduleFreeAdamW}). */
    SCHEDULE_FREE_ADAMW(true),
    /** An optimizer of the user's own, or none seen (a result read back from a file). */
    UNKNOWN(false);

    private final boolean scheduleFree;

    OptimizerFamily(boolean scheduleFree) {
        this.scheduleFree = scheduleFree;
    }

    /**
     * Tells whether the planned rate's model describes this optimizer ({@link PlannedRate}): SGD
     * and Nesterov, whose noise floor grows like {@code lr / B}, and the adaptive optimizers, whose
     * steps the gradient's own scale divides.
     *
     * @return true for {@link #SGD} and {@link #ADAPTIVE}
     */
    public boolean scalesWithPlan() {
        return this == SGD || this == ADAPTIVE;
    }

    /**
     * Tells whether the optimizer averages its own iterates (schedule-free): it needs no schedule.
     *
     * @return true for the schedule-free optimizers
     */
    public boolean scheduleFree() {
        return scheduleFree;
    }
}
