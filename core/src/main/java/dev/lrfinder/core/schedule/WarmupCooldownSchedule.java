package dev.lrfinder.core.schedule;

import dev.lrfinder.core.internal.Checks;

/**
 * A constant learning rate with an optional warm-up and an optional cool-down (a trapezoid): the
 * rate rises from {@code lr / warmupDivFactor} to {@code lr} over the first {@code warmupFraction}
 * of the steps, holds, then falls to {@code finalLr} over the last {@code cooldownFraction} of the
 * steps. DJL can build each part alone ({@code WarmUpTracker} a warm-up, {@code LinearTracker} and
 * {@code PolynomialDecayTracker} a decay); this is the three in one schedule, with the momentum
 * left alone. Its phases are a {@link PhasedSchedule}; the listeners module's {@code
 * ScheduleTracker} makes it a DJL {@code Tracker}. With a cool-down the last step always has {@code
 * finalLr}: a warm-up that would end inside the last step ends just before it.
 *
 * <pre>{@code
 * LrSchedule s = WarmupCooldownSchedule.builder().setLr(0.05).setTotalSteps(1000)
 *         .optWarmupFraction(0.1).optCooldownFraction(0.2).build();
 * }</pre>
 */
public final class WarmupCooldownSchedule implements LrSchedule {

    private final PhasedSchedule phases;

    private WarmupCooldownSchedule(Builder b) {
        double lr = b.lr;
        int totalSteps = b.totalSteps; // checked by the PhasedSchedule built below, its owner
        double warmupFraction = b.warmupFraction;
        double cooldownFraction = b.cooldownFraction;
        double warmupDivFactor = b.warmupDivFactor;
        double finalLr = b.finalLr;
        Annealing annealing = b.annealing;
        Checks.positive("lr", lr);
        Checks.inUnitInterval("warmupFraction", warmupFraction);
        Checks.inUnitInterval("cooldownFraction", cooldownFraction);
        if (warmupFraction + cooldownFraction > 1) {
            throw new IllegalArgumentException(
                    "warmupFraction + cooldownFraction must be <= 1, got "
                            + (warmupFraction + cooldownFraction));
        }
        Checks.positive("warmupDivFactor", warmupDivFactor);
        if (!(finalLr >= 0) || Double.isInfinite(finalLr)) {
            throw new IllegalArgumentException(
                    "finalLr must be a finite number >= 0, got " + finalLr);
        }
        java.util.Objects.requireNonNull(annealing, "annealing");
        double last = totalSteps - 1;
        // with a cool-down, the last step belongs to it (finalLr) however short the run
        double warmupEnd =
                cooldownFraction > 0
                        ? Math.max(0, Math.min(warmupFraction * totalSteps, Math.nextDown(last)))
                        : warmupFraction * totalSteps;
        PhasedSchedule.Builder p = PhasedSchedule.builder().setTotalSteps(totalSteps);
        if (warmupFraction > 0) {
            p.addPhase(warmupEnd, annealing, lr / warmupDivFactor, lr);
        }
        if (cooldownFraction > 0) {
            double cooldownStart = Math.min((1 - cooldownFraction) * totalSteps, last - 0.5);
            if (cooldownStart > warmupEnd) {
                p.addPhase(cooldownStart, Annealing.LINEAR, lr, lr);
            }
            p.addPhase(Math.max(last, warmupEnd), annealing, lr, finalLr);
        } else {
            p.addPhase(Math.max(last, warmupEnd), Annealing.LINEAR, lr, lr);
        }
        this.phases = p.build();
    }

    /**
     * Returns a builder; {@code setLr} and {@code setTotalSteps} are required.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** {@inheritDoc} */
    @Override
    public double learningRate(int step) {
        return phases.learningRate(step);
    }

    /** {@inheritDoc} */
    @Override
    public int totalSteps() {
        return phases.totalSteps();
    }

    /**
     * Returns the schedule's phases: warm-up (when asked), hold, cool-down (when asked).
     *
     * @return the phased schedule this one is
     */
    public PhasedSchedule phased() {
        return phases;
    }

    /** Configures a {@link WarmupCooldownSchedule}. */
    public static final class Builder {

        private double lr = Double.NaN;
        private int totalSteps;
        private double warmupFraction;
        private double cooldownFraction;
        private double warmupDivFactor = 1;
        private double finalLr;
        private Annealing annealing = Annealing.LINEAR;

        Builder() {}

        /**
         * Sets the learning rate between warm-up and cool-down (required).
         *
         * @param lr &gt; 0
         * @return this builder
         */
        public Builder setLr(double lr) {
            this.lr = lr;
            return this;
        }

        /**
         * Sets the number of steps (required).
         *
         * @param totalSteps &gt; 0
         * @return this builder
         */
        public Builder setTotalSteps(int totalSteps) {
            this.totalSteps = totalSteps;
            return this;
        }

        /**
         * Sets the fraction of steps spent warming up (default 0: no warm-up).
         *
         * @param warmupFraction in [0, 1)
         * @return this builder
         */
        public Builder optWarmupFraction(double warmupFraction) {
            this.warmupFraction = warmupFraction;
            return this;
        }

        /**
         * Sets the fraction of steps spent cooling down (default 0: no cool-down).
         *
         * @param cooldownFraction in [0, 1), with the warm-up at most 1 together
         * @return this builder
         */
        public Builder optCooldownFraction(double cooldownFraction) {
            this.cooldownFraction = cooldownFraction;
            return this;
        }

        /**
         * Makes the warm-up start at {@code lr / warmupDivFactor} (default 1).
         *
         * @param warmupDivFactor &gt; 0
         * @return this builder
         */
        public Builder optWarmupDivFactor(double warmupDivFactor) {
            this.warmupDivFactor = warmupDivFactor;
            return this;
        }

        /**
         * Sets the learning rate of the last step (default 0).
         *
         * @param finalLr &gt;= 0
         * @return this builder
         */
        public Builder optFinalLr(double finalLr) {
            this.finalLr = finalLr;
            return this;
        }

        /**
         * Sets how the rate moves during warm-up and cool-down (default linear).
         *
         * @param annealing linear or cosine
         * @return this builder
         */
        public Builder optAnnealing(Annealing annealing) {
            this.annealing = annealing;
            return this;
        }

        /**
         * Builds the schedule.
         *
         * @return the schedule
         * @throws IllegalArgumentException if a parameter is out of range, naming it and its value
         */
        public WarmupCooldownSchedule build() {
            return new WarmupCooldownSchedule(this);
        }
    }
}
