package dev.lrfinder.core;

import java.util.Optional;

/**
 * Decides when a range test has diverged: the loss is NaN or infinite, or the smoothed loss has
 * risen above {@code factor} times the best smoothed loss seen so far (fast.ai and Lightning use 4,
 * pytorch-lr-finder 5). The first iteration only sets the best loss.
 */
public final class DivergenceRule {

    /** The factor the peers use. */
    public static final double DEFAULT_FACTOR = 4;

    private final double factor;
    private double best = Double.POSITIVE_INFINITY;
    private int seen;

    /**
     * Creates a rule.
     *
     * @param factor how many times the best smoothed loss counts as diverged, &gt; 1
     * @throws IllegalArgumentException if {@code factor <= 1}
     */
    public DivergenceRule(double factor) {
        if (!(factor > 1) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException(
                    "divergenceFactor must be a finite number > 1, got " + factor);
        }
        this.factor = factor;
    }

    /**
     * Checks one iteration.
     *
     * @param loss the raw loss of the iteration
     * @param smoothedLoss the smoothed loss including this iteration
     * @return the reason, when this iteration diverged
     */
    public Optional<String> check(double loss, double smoothedLoss) {
        seen++;
        if (!Double.isFinite(loss)) {
            return Optional.of("loss is " + loss);
        }
        if (!Double.isFinite(smoothedLoss)) {
            return Optional.of("smoothed loss is " + smoothedLoss);
        }
        if (seen > 1 && smoothedLoss > factor * best) {
            return Optional.of(
                    String.format(
                            "smoothed loss %.6g exceeds %s x best smoothed loss %.6g",
                            smoothedLoss, factor, best));
        }
        best = Math.min(best, smoothedLoss);
        return Optional.empty();
    }

    /**
     * Returns the factor.
     *
     * @return the divergence factor
     */
    public double factor() {
        return factor;
    }

    /**
     * Returns the best smoothed loss seen so far.
     *
     * @return the best smoothed loss, or +Infinity before the first iteration
     */
    public double bestLoss() {
        return best;
    }
}
