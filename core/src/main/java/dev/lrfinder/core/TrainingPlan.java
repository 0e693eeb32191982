package dev.lrfinder.core;

import dev.lrfinder.core.internal.Checks;
import java.util.OptionalInt;

/**
 * The training run a suggestion is for: how many optimizer steps the next phase takes and, when it
 * differs from the range test's, at which batch size. The best constant learning rate of a phase
 * depends on both (a short phase favours the largest stable rate, a long one a lower one; a larger
 * batch allows a larger one), and the range test, which holds each rate for about one step, shows
 * neither: the user knows them.
 *
 * <pre>{@code
 * TrainingPlan plan = TrainingPlan.builder()
 *         .setSteps(epochs * stepsPerEpoch)
 *         .optBatchSize(1024)      // only when it differs from the range test's batch
 *         .build();
 * double lr = result.suggestion(plan).learningRate();
 * }</pre>
 */
public final class TrainingPlan {

    private final int steps;
    private final int batchSize;

    private TrainingPlan(int steps, int batchSize) {
        this.steps = steps;
        this.batchSize = batchSize;
    }

    /**
     * Returns a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the plan of a phase of so many optimizer steps at the range test's batch size.
     *
     * @param steps the number of optimizer steps, in [1, {@link Integer#MAX_VALUE}]
     * @return the plan
     * @throws IllegalArgumentException if {@code steps} lies outside that range
     */
    public static TrainingPlan ofSteps(long steps) {
        return builder().setSteps(steps).build();
    }

    /**
     * Returns the number of optimizer steps of the phase.
     *
     * @return the steps, at least 1
     */
    public int steps() {
        return steps;
    }

    /**
     * Returns the phase's batch size, when the plan names one.
     *
     * @return the batch size, or empty for the range test's own
     */
    public OptionalInt batchSize() {
        return batchSize == 0 ? OptionalInt.empty() : OptionalInt.of(batchSize);
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return steps + " steps" + (batchSize == 0 ? "" : " at batch " + batchSize);
    }

    /** {@inheritDoc} */
    @Override
    public boolean equals(Object o) {
        return o instanceof TrainingPlan p && p.steps == steps && p.batchSize == batchSize;
    }

    /** {@inheritDoc} */
    @Override
    public int hashCode() {
        return 31 * steps + batchSize;
    }

    /** Builds a {@link TrainingPlan}; {@link #build()} checks every value. */
    public static final class Builder {

        private long steps;
        private long epochs;
        private long stepsPerEpoch;
        private boolean byEpochs;
        private long batchSize;
        private boolean batchSizeSet;

        private Builder() {}

        /**
         * Sets the number of optimizer steps of the phase (required): epochs x steps per epoch.
         *
         * @param steps the steps, in [1, {@link Integer#MAX_VALUE}]
         * @return this builder
         */
        public Builder setSteps(long steps) {
            this.steps = steps;
            this.byEpochs = false;
            return this;
        }

        /**
         * Sets the number of optimizer steps from epochs and the steps of one epoch.
         *
         * @param epochs the number of epochs, at least 1
         * @param stepsPerEpoch the steps of one epoch, at least 1
         * @return this builder
         */
        public Builder setEpochs(int epochs, long stepsPerEpoch) {
            this.epochs = epochs;
            this.stepsPerEpoch = stepsPerEpoch;
            this.byEpochs = true;
            return this;
        }

        /**
         * Sets the phase's batch size when it differs from the range test's (optional).
         *
         * @param batchSize the batch size, at least 1
         * @return this builder
         */
        public Builder optBatchSize(long batchSize) {
            this.batchSize = batchSize;
            this.batchSizeSet = true;
            return this;
        }

        /**
         * Builds the plan.
         *
         * @return the plan
         * @throws IllegalArgumentException if the steps were not set or lie outside [1, {@link
         *     Integer#MAX_VALUE}], or a batch size was set outside that range
         */
        public TrainingPlan build() {
            if (byEpochs) {
                Checks.inRange("epochs", epochs, 1, Integer.MAX_VALUE);
                Checks.inRange("stepsPerEpoch", stepsPerEpoch, 1, Integer.MAX_VALUE);
                steps = epochs * stepsPerEpoch; // both below 2^31: no overflow in a long
            }
            int s = (int) Checks.inRange("steps", steps, 1, Integer.MAX_VALUE);
            int b =
                    batchSizeSet
                            ? (int) Checks.inRange("batchSize", batchSize, 1, Integer.MAX_VALUE)
                            : 0;
            return new TrainingPlan(s, b);
        }
    }
}
