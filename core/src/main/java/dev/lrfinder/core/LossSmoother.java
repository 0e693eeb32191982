package dev.lrfinder.core;

import dev.lrfinder.core.internal.Checks;

/**
 * Debiased exponential moving average of the loss, as fast.ai and Lightning smooth a range test:
 * {@code avg = beta * avg + (1 - beta) * loss}, reported as {@code avg / (1 - beta^n)} after {@code
 * n} values so that the first values are not pulled towards zero.
 */
public final class LossSmoother {

    /** The smoothing factor the peers use. */
    public static final double DEFAULT_BETA = 0.98;

    private final double beta;
    private double average;
    private double betaPower = 1;

    /**
     * Creates a smoother.
     *
     * @param beta the smoothing factor in [0, 1); 0 turns smoothing off
     * @throws IllegalArgumentException if {@code beta} lies outside [0, 1)
     */
    public LossSmoother(double beta) {
        this.beta = Checks.inUnitInterval("smoothing", beta);
    }

    /**
     * Adds a loss and returns the smoothed loss so far. A non-finite loss makes every later value
     * non-finite, which the divergence rule reports.
     *
     * @param loss the raw loss of one iteration
     * @return the debiased moving average including {@code loss}
     */
    public double add(double loss) {
        average = beta * average + (1 - beta) * loss;
        betaPower *= beta;
        return average / (1 - betaPower);
    }

    /**
     * Returns the smoothing factor.
     *
     * @return beta
     */
    public double beta() {
        return beta;
    }
}
