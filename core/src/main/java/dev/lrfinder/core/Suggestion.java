package dev.lrfinder.core;

import java.util.Objects;

/**
 * A learning rate read off a {@link LossCurve}. Only {@link CurveAnalysis#suggestion} makes one, so
 * that every suggestion names a point of the analysed curve; a rule of your own calls it too.
 *
 * <pre>{@code
 * Suggestion s = analysis.suggestion("mine", index, analysis.learningRate(index) / 10);
 * double lr = s.learningRate();
 * }</pre>
 */
public final class Suggestion {

    private final String rule;
    private final double learningRate;
    private final int index;
    private final double pointLearningRate;
    private final double smoothedLoss;

    /**
     * Creates a suggestion; see {@link CurveAnalysis#suggestion}.
     *
     * @param rule the name of the rule that made it
     * @param learningRate the suggested learning rate
     * @param index the index of the curve point the rule picked
     * @param pointLearningRate the learning rate of that point
     * @param smoothedLoss the smoothed loss of that point
     */
    Suggestion(
            String rule,
            double learningRate,
            int index,
            double pointLearningRate,
            double smoothedLoss) {
        this.rule = rule;
        this.learningRate = learningRate;
        this.index = index;
        this.pointLearningRate = pointLearningRate;
        this.smoothedLoss = smoothedLoss;
    }

    /**
     * Returns the name of the rule that made it.
     *
     * @return the rule's name
     */
    public String rule() {
        return rule;
    }

    /**
     * Returns the suggested learning rate.
     *
     * @return the learning rate
     */
    public double learningRate() {
        return learningRate;
    }

    /**
     * Returns the index of the curve point the rule picked.
     *
     * @return the index
     */
    public int index() {
        return index;
    }

    /**
     * Returns the learning rate of the point the rule picked (the {@code minimum} rule divides it).
     *
     * @return the point's learning rate
     */
    public double pointLearningRate() {
        return pointLearningRate;
    }

    /**
     * Returns the smoothed loss of the point the rule picked.
     *
     * @return the point's smoothed loss
     */
    public double smoothedLoss() {
        return smoothedLoss;
    }

    /** {@inheritDoc} */
    @Override
    public boolean equals(Object o) {
        return o instanceof Suggestion s
                && Objects.equals(rule, s.rule)
                && Double.compare(learningRate, s.learningRate) == 0
                && index == s.index
                && Double.compare(pointLearningRate, s.pointLearningRate) == 0
                && Double.compare(smoothedLoss, s.smoothedLoss) == 0;
    }

    /** {@inheritDoc} */
    @Override
    public int hashCode() {
        return Objects.hash(rule, learningRate, index, pointLearningRate, smoothedLoss);
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return String.format(
                "%s: lr=%.4g (curve point %d, lr %.4g, smoothed loss %.4g)",
                rule, learningRate, index, pointLearningRate, smoothedLoss);
    }
}
