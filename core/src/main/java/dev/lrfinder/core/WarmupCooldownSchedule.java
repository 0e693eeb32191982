package dev.lrfinder.core;

/**
 * A constant learning rate with an optional warm-up and an optional cool-down (a trapezoid): the
 * rate rises from {@code lr / warmupDivFactor} to {@code lr} over the first {@code warmupFraction}
 * of the steps, holds, then falls to {@code finalLr} over the last {@code cooldownFraction} of the
 * steps. DJL's {@code WarmUpTracker} covers the warm-up alone; DJL has no cool-down.
 */
public final class WarmupCooldownSchedule implements LrSchedule {

    private final double lr;
    private final int totalSteps;
    private final double warmupEnd;
    private final double cooldownStart;
    private final double warmupStartLr;
    private final double finalLr;
    private final Annealing annealing;

    /**
     * Creates the schedule.
     *
     * @param lr the learning rate between warm-up and cool-down, &gt; 0
     * @param totalSteps the number of steps, &gt; 0
     * @param warmupFraction the fraction of steps spent warming up, in [0, 1)
     * @param cooldownFraction the fraction of steps spent cooling down, in [0, 1), with the warm-up
     *     at most 1
     * @param warmupDivFactor the warm-up starts at {@code lr / warmupDivFactor}, &gt; 0
     * @param finalLr the learning rate of the last step, &gt;= 0
     * @param annealing how the rate moves during warm-up and cool-down
     */
    public WarmupCooldownSchedule(
            double lr,
            int totalSteps,
            double warmupFraction,
            double cooldownFraction,
            double warmupDivFactor,
            double finalLr,
            Annealing annealing) {
        this.lr = Checks.positive("lr", lr);
        if (totalSteps <= 0) {
            throw new IllegalArgumentException("totalSteps must be > 0, got " + totalSteps);
        }
        Checks.inUnitInterval("warmupFraction", warmupFraction);
        Checks.inUnitInterval("cooldownFraction", cooldownFraction);
        if (warmupFraction + cooldownFraction > 1) {
            throw new IllegalArgumentException(
                    "warmupFraction + cooldownFraction must be <= 1, got "
                            + (warmupFraction + cooldownFraction));
        }
        Checks.positive("warmupDivFactor", warmupDivFactor);
        if (!(finalLr >= 0) || Double.isInfinite(finalLr)) {
            throw new IllegalArgumentException("finalLr must be a finite number >= 0, got " + finalLr);
        }
        this.totalSteps = totalSteps;
        this.warmupEnd = warmupFraction * totalSteps;
        this.cooldownStart = (1 - cooldownFraction) * totalSteps;
        this.warmupStartLr = lr / warmupDivFactor;
        this.finalLr = finalLr;
        this.annealing = java.util.Objects.requireNonNull(annealing, "annealing");
    }

    /** {@inheritDoc} */
    @Override
    public double learningRate(int step) {
        if (step < warmupEnd) {
            return annealing.interpolate(warmupStartLr, lr, step / warmupEnd);
        }
        if (step >= totalSteps - 1) {
            return cooldownStart < totalSteps ? finalLr : lr;
        }
        if (step >= cooldownStart) {
            double span = (totalSteps - 1) - cooldownStart;
            double fraction = span <= 0 ? 1 : (step - cooldownStart) / span;
            return annealing.interpolate(lr, finalLr, Math.min(1, fraction));
        }
        return lr;
    }

    /** {@inheritDoc} */
    @Override
    public int totalSteps() {
        return totalSteps;
    }
}
