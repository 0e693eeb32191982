package dev.lrfinder.core;

/**
 * One iteration of a range test.
 *
 * @param iteration the iteration, from 0
 * @param learningRate the learning rate the iteration's update used
 * @param loss the raw training loss of the iteration's batch
 * @param smoothedLoss the smoothed loss the suggestion rules read; it smooths {@code
 *     validationLoss} when the test measured one, {@code loss} otherwise
 * @param validationLoss the loss on the validation set after the update, or NaN when the test had
 *     no validation set
 */
public record CurvePoint(
        int iteration,
        double learningRate,
        double loss,
        double smoothedLoss,
        double validationLoss) {

    /**
     * Creates a point without a validation loss.
     *
     * @param iteration the iteration
     * @param learningRate the learning rate
     * @param loss the raw loss
     * @param smoothedLoss the smoothed loss
     */
    public CurvePoint(int iteration, double learningRate, double loss, double smoothedLoss) {
        this(iteration, learningRate, loss, smoothedLoss, Double.NaN);
    }

    /**
     * Tells whether this point has a validation loss.
     *
     * @return true if the validation loss was measured
     */
    public boolean hasValidationLoss() {
        return !Double.isNaN(validationLoss);
    }
}
