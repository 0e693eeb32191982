package dev.lrfinder.core;

/**
 * The one place the peak of a decaying schedule is decided: the peak whose schedule has the planned
 * constant rate as its mean rate over the run, at most {@link PlannedRate#ONSET_CAP} of the onset.
 * A schedule that anneals to (near) zero removes most of the noise floor a constant rate leaves,
 * which is why it tolerates a peak above the best constant rate (arXiv 1708.07120); the same mean
 * rate makes as much progress, and the cap keeps the peak below the edge of stability the onset
 * marks.
 *
 * <pre>{@code
 * double peak = SchedulePeak.of(planned.learningRate(), 0.5, analysis.onsetLearningRate());
 * }</pre>
 */
public final class SchedulePeak {

    /**
     * The mean rate of a one-cycle or a cosine decay, as a fraction of its peak: about half (a half
     * cosine wave's mean is exactly half).
     */
    public static final double HALF = 0.5;

    private SchedulePeak() {}

    /**
     * Returns the peak of a schedule whose mean rate is the planned rate.
     *
     * @param plannedRate the planned constant rate, &gt; 0
     * @param meanFraction the schedule's mean rate over its peak, in (0, 1]
     * @param onsetRate the learning rate where the loss turns worse, &gt; 0; NaN when unknown
     * @return {@code min(plannedRate / meanFraction, ONSET_CAP * onsetRate)}
     * @throws IllegalArgumentException if a parameter is out of range, naming it and its value
     */
    public static double of(double plannedRate, double meanFraction, double onsetRate) {
        if (!(plannedRate > 0) || Double.isInfinite(plannedRate)) {
            throw new IllegalArgumentException(
                    "plannedRate must be a finite number > 0, got " + plannedRate);
        }
        if (!(meanFraction > 0 && meanFraction <= 1)) {
            throw new IllegalArgumentException(
                    "meanFraction must be in (0, 1], got " + meanFraction);
        }
        double peak = plannedRate / meanFraction;
        return onsetRate > 0 ? Math.min(peak, PlannedRate.ONSET_CAP * onsetRate) : peak;
    }
}
