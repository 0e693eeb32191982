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
 * <p>The two shapes recent work favours over cosine are built in: {@link #wsd} (warmup-stable-decay
 * with a {@code 1 - sqrt} cool-down over the last 20 %, Hägele et al., arXiv 2405.18392) and {@link
 * #linearToZero} (a linear decay to zero after the warm-up, Bergsma et al., arXiv 2502.15938).
 *
 * <pre>{@code
 * LrSchedule s = WarmupCooldownSchedule.builder().setLr(0.05).setTotalSteps(1000)
 *         .optWarmupFraction(0.1).optCooldownFraction(0.2).build();
 * LrSchedule wsd = WarmupCooldownSchedule.wsd(0.05, 1000);
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
        Annealing cooldownAnnealing = b.cooldownAnnealing == null ? annealing : b.cooldownAnnealing;
        Checks.positive("lr", lr);
        Checks.inUnitInterval("warmupFraction", warmupFraction);
        Checks.inUnitInterval("cooldownFraction", cooldownFraction);
        if (warmupFraction + cooldownFraction > 1) {
            throw new IllegalArgumentException(
                    "warmupFraction + cooldownFraction must be <= 1, got "
                            + (warmupFraction + cooldownFraction));
        }
        if (!(warmupDivFactor > 0)) { // infinity: the warm-up starts from 0
            throw new IllegalArgumentException(
                    "warmupDivFactor must be > 0 (infinity to start from 0), got "
                            + warmupDivFactor);
        }
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
            p.addPhase(Math.max(last, warmupEnd), cooldownAnnealing, lr, finalLr);
        } else {
            p.addPhase(Math.max(last, warmupEnd), Annealing.LINEAR, lr, lr);
        }
        this.phases = p.build();
    }

    /**
     * The warm-up of {@link #wsd}, {@link #linearToZero} and {@link #warmupConstant}: 5 % of the
     * steps.
     */
    public static final double WARMUP_FRACTION = 0.05;

    /** The cool-down of {@link #wsd}: the last 20 % of the steps (Hägele et al.). */
    public static final double WSD_COOLDOWN_FRACTION = 0.2;

    /**
     * Returns warmup-stable-decay: a linear warm-up from 0 over the first 5 %, the peak rate held,
     * then a {@code 1 - sqrt} cool-down to 0 over the last 20 % (Hägele et al., arXiv 2405.18392).
     *
     * @param lr the peak rate, &gt; 0
     * @param totalSteps the run's steps, &gt; 0
     * @return the schedule
     * @throws IllegalArgumentException if a parameter is out of range, naming it and its value
     */
    public static WarmupCooldownSchedule wsd(double lr, int totalSteps) {
        return warmingUp(lr, totalSteps)
                .optCooldownFraction(WSD_COOLDOWN_FRACTION)
                .optCooldownAnnealing(Annealing.SQRT)
                .build();
    }

    /**
     * Returns a constant rate after a linear warm-up from 0 over the first 5 %: a constant run that
     * does not start cold at a rate a range test reached only after hundreds of steps at smaller
     * ones (on an L2 regression a cold start at the planned rate collapsed to the mean predictor,
     * docs/BENCHMARKS.md).
     *
     * @param lr the rate held, &gt; 0
     * @param totalSteps the run's steps, &gt; 0
     * @return the schedule
     * @throws IllegalArgumentException if a parameter is out of range, naming it and its value
     */
    public static WarmupCooldownSchedule warmupConstant(double lr, int totalSteps) {
        return warmingUp(lr, totalSteps).build();
    }

    /**
     * Returns a linear decay to zero: a linear warm-up from 0 over the first 5 %, then a straight
     * line from the peak to 0 at the last step (Bergsma et al., "Straight to Zero", arXiv
     * 2502.15938).
     *
     * @param lr the peak rate, &gt; 0
     * @param totalSteps the run's steps, &gt; 0
     * @return the schedule
     * @throws IllegalArgumentException if a parameter is out of range, naming it and its value
     */
    public static WarmupCooldownSchedule linearToZero(double lr, int totalSteps) {
        return warmingUp(lr, totalSteps).optCooldownFraction(1 - WARMUP_FRACTION).build();
    }

    /** A builder for a run at {@code lr} that warms up linearly from 0 over the first 5 %. */
    private static Builder warmingUp(double lr, int totalSteps) {
        return builder()
                .setLr(lr)
                .setTotalSteps(totalSteps)
                .optWarmupFraction(WARMUP_FRACTION)
                .optWarmupDivFactor(Double.POSITIVE_INFINITY);
    }

    /**
     * Returns the mean of the rate over the run as a fraction of the peak: what a decaying
     * schedule's peak must be divided by to give the same mean rate as a constant one.
     *
     * @return the mean rate over the steps, over the peak
     */
    public double meanFraction() {
        double sum = 0;
        double peak = 0;
        for (int step = 0; step < totalSteps(); step++) {
            sum += learningRate(step);
            peak = Math.max(peak, learningRate(step));
        }
        return sum / totalSteps() / peak;
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
        private Annealing cooldownAnnealing;

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
         * @param warmupDivFactor &gt; 0; infinity starts the warm-up from 0
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
         * Sets how the rate moves during the cool-down alone (default: as the warm-up).
         *
         * @param cooldownAnnealing linear, cosine or {@link Annealing#SQRT} ({@code 1 - sqrt})
         * @return this builder
         */
        public Builder optCooldownAnnealing(Annealing cooldownAnnealing) {
            this.cooldownAnnealing = cooldownAnnealing;
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
