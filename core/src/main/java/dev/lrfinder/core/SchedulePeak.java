package dev.lrfinder.core;

import java.util.Objects;

/**
 * The one place the peak of a decaying schedule is decided: the peak whose schedule has the planned
 * rate as its mean rate over the run, at most {@link PlannedRate#ONSET_CAP} of the turn, where the
 * range test's loss turns worse for good. A schedule that anneals to (near) zero removes most of
 * the noise floor a constant rate leaves, which is why it tolerates a peak above the best constant
 * rate (arXiv 1708.07120); the same mean rate makes as much progress.
 *
 * <p>The planned rate it starts from is the one before the cap a rate held the whole run takes
 * (half the onset, which a single batch that blew up may mark), and the cap is half the turn
 * instead: a schedule passes through its peak as the sweep passes through its rates, after a
 * warm-up, so a batch that blew up once and recovered does not bound it; where the loss turns worse
 * for good does. On the sweeps a plan calls for (up to 400 iterations), the first spike often comes
 * a decade below the turn, and capping the peak there cost one-cycle 0.3 points on average
 * (docs/BENCHMARKS.md, "One-cycle for the planned run").
 *
 * <pre>{@code
 * PlannedRate planned = result.plannedRate(TrainingPlan.ofSteps(938));
 * double peak = SchedulePeak.of(planned, SchedulePeak.HALF);
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
     * @param planned the planned rate for the run
     * @param meanFraction the schedule's mean rate over its peak, in (0, 1]
     * @return the planned rate before the onset's cap over {@code meanFraction}, at most {@link
     *     PlannedRate#ONSET_CAP} of the turn's rate (uncapped on a curve without a level)
     * @throws IllegalArgumentException if {@code meanFraction} is out of range, naming it and its
     *     value
     */
    public static double of(PlannedRate planned, double meanFraction) {
        Objects.requireNonNull(planned, "planned");
        if (!(meanFraction > 0 && meanFraction <= 1)) {
            throw new IllegalArgumentException(
                    "meanFraction must be in (0, 1], got " + meanFraction);
        }
        double peak = planned.scaledRate() / meanFraction;
        double turn = planned.turnRate();
        return turn > 0 ? Math.min(peak, PlannedRate.ONSET_CAP * turn) : peak;
    }
}
