package dev.lrfinder.listeners.optimizers;

import ai.djl.ndarray.NDArray;

/**
 * Schedule-Free SGD (Defazio et al., arXiv 2405.15682): SGD whose iterates are averaged on the fly,
 * so that a run needs no learning-rate schedule, only a rate. The base direction is the gradient;
 * see {@link ScheduleFreeOptimizer} for the method and which weights the model holds.
 *
 * <p>Defaults as in the authors' reference code ({@code SGDScheduleFree}): learning rate 1.0,
 * momentum (beta) 0.9, no warm-up, {@code weight_lr_power} 2, no weight decay. The authors find the
 * best rate 10-50x a classical SGD rate; an LR range test run with this optimizer measures it.
 *
 * <pre>{@code
 * Optimizer sgd = ScheduleFreeSgd.builder()
 *         .optLearningRate(0.5f)
 *         .optWarmupSteps(totalSteps / 20)
 *         .optTotalSteps(totalSteps) // the model holds the averaged point after the last step
 *         .build();
 * TrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
 *         .optOptimizer(sgd);
 * }</pre>
 */
public final class ScheduleFreeSgd extends ScheduleFreeOptimizer {

    /** The reference code's default learning rate. */
    public static final float DEFAULT_LEARNING_RATE = 1.0f;

    private ScheduleFreeSgd(Builder builder) {
        super(builder);
    }

    /**
     * Returns a builder with the reference defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** {@inheritDoc} */
    @Override
    protected NDArray direction(String parameterId, NDArray y, NDArray grad, int step) {
        return grad;
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return "ScheduleFreeSgd";
    }

    /** Configures a {@link ScheduleFreeSgd}. */
    public static final class Builder extends ScheduleFreeOptimizer.Builder<Builder> {

        Builder() {
            super(DEFAULT_LEARNING_RATE);
        }

        /** {@inheritDoc} */
        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Builds the optimizer.
         *
         * @return the optimizer
         * @throws IllegalArgumentException if a parameter is out of range, naming it and its value
         */
        public ScheduleFreeSgd build() {
            return new ScheduleFreeSgd(this);
        }
    }
}
