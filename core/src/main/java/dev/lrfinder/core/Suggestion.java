package dev.lrfinder.core;

/**
 * A learning rate read off a {@link LossCurve}.
 *
 * @param rule the name of the rule that made it
 * @param learningRate the suggested learning rate
 * @param index the index of the curve point the rule picked
 * @param pointLearningRate the learning rate of that point (the {@code minimum} rule divides it)
 * @param smoothedLoss the smoothed loss of that point
 */
public record Suggestion(
        String rule,
        double learningRate,
        int index,
        double pointLearningRate,
        double smoothedLoss) {

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return String.format(
                "%s: lr=%.4g (curve point %d, lr %.4g, smoothed loss %.4g)",
                rule, learningRate, index, pointLearningRate, smoothedLoss);
    }
}
