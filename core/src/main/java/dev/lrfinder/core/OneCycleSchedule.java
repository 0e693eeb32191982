package dev.lrfinder.core;

/**
 * Smith's one-cycle schedule (arXiv 1803.09820, "super-convergence" arXiv 1708.07120) with the
 * parameters PyTorch's {@code OneCycleLR} and fast.ai's {@code fit_one_cycle} use.
 *
 * <p>Two phases (default): the learning rate rises from {@code maxLr / divFactor} to {@code maxLr}
 * over the first {@code warmupFraction} of the steps, then anneals to {@code maxLr / divFactor /
 * finalDivFactor} at the last step, while the momentum moves the opposite way (max, base, max).
 * Three phases: up to {@code maxLr}, back down to the start over as many steps, then down to the
 * final value. The warm-up ends at step {@code warmupFraction * totalSteps - 1} (at least step 1)
 * and the last value is reached at step {@code totalSteps - 1}, as in PyTorch; later steps hold the
 * last value.
 */
public final class OneCycleSchedule implements LrSchedule {

    private final double maxLr;
    private final int totalSteps;
    private final double warmupFraction;
    private final double divFactor;
    private final double finalDivFactor;
    private final Annealing annealing;
    private final boolean threePhase;
    private final double maxMomentum;
    private final double baseMomentum;
    private final boolean cycleMomentum;
    private final double[] phaseEnds;
    private final double[] lrPoints;
    private final double[] momentumPoints;

    OneCycleSchedule(OneCycleOptions<?> b) {
        maxLr = Checks.positive("maxLr", b.maxLr);
        if (b.totalSteps <= 0) {
            throw new IllegalArgumentException("totalSteps must be > 0, got " + b.totalSteps);
        }
        totalSteps = b.totalSteps;
        if (!(b.warmupFraction > 0 && b.warmupFraction < 1)) {
            throw new IllegalArgumentException(
                    "warmupFraction must be in (0, 1), got " + b.warmupFraction);
        }
        if (b.threePhase && b.warmupFraction >= 0.5) {
            throw new IllegalArgumentException(
                    "warmupFraction must be < 0.5 for three phases, got " + b.warmupFraction);
        }
        warmupFraction = b.warmupFraction;
        divFactor = Checks.positive("divFactor", b.divFactor);
        finalDivFactor = Checks.positive("finalDivFactor", b.finalDivFactor);
        annealing = b.annealing;
        threePhase = b.threePhase;
        maxMomentum = Checks.inUnitInterval("maxMomentum", b.maxMomentum);
        baseMomentum = Checks.inUnitInterval("baseMomentum", b.baseMomentum);
        if (b.cycleMomentum && baseMomentum > maxMomentum) {
            throw new IllegalArgumentException(
                    "momentum bounds are in reverse order: max "
                            + maxMomentum
                            + " must be >= base "
                            + baseMomentum
                            + " (optMomentum(max, base): momentum is lowest at the peak learning rate)");
        }
        cycleMomentum = b.cycleMomentum;

        double initial = maxLr / divFactor;
        double end = initial / finalDivFactor;
        // PyTorch's boundaries, kept at least one step apart so that step 0 is always the start
        double last = totalSteps - 1;
        double warmEnd = Math.min(Math.max(1, warmupFraction * totalSteps - 1), last);
        if (threePhase) {
            double downEnd =
                    Math.min(Math.max(warmEnd + 1, 2 * warmupFraction * totalSteps - 2), last);
            phaseEnds = new double[] {warmEnd, downEnd, last};
            lrPoints = new double[] {initial, maxLr, initial, end};
            momentumPoints = new double[] {maxMomentum, baseMomentum, maxMomentum, maxMomentum};
        } else {
            phaseEnds = new double[] {warmEnd, last};
            lrPoints = new double[] {initial, maxLr, end};
            momentumPoints = new double[] {maxMomentum, baseMomentum, maxMomentum};
        }
    }

    /**
     * Returns a builder; {@link Builder#setMaxLr} and {@link Builder#setTotalSteps} are required.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** {@inheritDoc} */
    @Override
    public double learningRate(int step) {
        return interpolate(lrPoints, step);
    }

    /** {@inheritDoc} */
    @Override
    public double momentum(int step) {
        return cycleMomentum ? interpolate(momentumPoints, step) : Double.NaN;
    }

    /** {@inheritDoc} */
    @Override
    public int totalSteps() {
        return totalSteps;
    }

    /**
     * Returns the learning rate of step 0.
     *
     * @return {@code maxLr / divFactor}
     */
    public double initialLr() {
        return lrPoints[0];
    }

    /**
     * Returns the peak learning rate.
     *
     * @return {@code maxLr}
     */
    public double maxLr() {
        return maxLr;
    }

    /**
     * Returns the learning rate of the last step and after.
     *
     * @return {@code maxLr / divFactor / finalDivFactor}
     */
    public double finalLr() {
        return lrPoints[lrPoints.length - 1];
    }

    /**
     * Returns the step at which the learning rate peaks.
     *
     * @return {@code warmupFraction * totalSteps - 1}, as a real number
     */
    public double peakStep() {
        return phaseEnds[0];
    }

    private double interpolate(double[] points, int step) {
        double start = 0;
        for (int phase = 0; phase < phaseEnds.length; phase++) {
            double end = phaseEnds[phase];
            if (step <= end || phase == phaseEnds.length - 1) {
                double span = end - start;
                double fraction = span <= 0 ? 1 : (step - start) / span;
                fraction = Math.max(0, Math.min(1, fraction));
                return annealing.interpolate(points[phase], points[phase + 1], fraction);
            }
            start = end;
        }
        throw new AssertionError("unreachable");
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return String.format(
                "one-cycle max %.4g over %d steps (warm-up %.2f, div %.4g, final div %.4g, %s%s)",
                maxLr,
                totalSteps,
                warmupFraction,
                divFactor,
                finalDivFactor,
                annealing.name().toLowerCase(),
                threePhase ? ", three phases" : "");
    }

    /** Builds a {@link OneCycleSchedule}. */
    public static final class Builder extends OneCycleOptions<Builder> {

        Builder() {}

        /** {@inheritDoc} */
        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Builds the schedule.
         *
         * @return the schedule
         * @throws IllegalArgumentException if a parameter is out of range, naming it and its value
         */
        public OneCycleSchedule build() {
            return buildSchedule();
        }
    }
}
