package dev.lrfinder.core.schedule;

import dev.lrfinder.core.internal.Checks;
import java.util.List;

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
 * last value. The phases are a {@link PhasedSchedule} whose phase functions are {@link Annealing}.
 *
 * <pre>{@code
 * OneCycleSchedule s = OneCycleSchedule.builder().setMaxLr(0.1).setTotalSteps(epochs, batches).build();
 * }</pre>
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
    private final PhasedSchedule phases;

    OneCycleSchedule(OneCycleOptions<?> b) {
        maxLr = Checks.positive("maxLr", b.maxLr);
        totalSteps = b.totalSteps; // checked by the PhasedSchedule built below, its owner
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

        double initial = maxLr / divFactor;
        double end = initial / finalDivFactor;
        double high = b.cycleMomentum ? maxMomentum : Double.NaN;
        double low = b.cycleMomentum ? baseMomentum : Double.NaN;
        // PyTorch's boundaries, kept at least one step apart so that step 0 is always the start
        double last = totalSteps - 1;
        double warmEnd = Math.min(Math.max(1, warmupFraction * totalSteps - 1), last);
        PhasedSchedule.Builder p =
                PhasedSchedule.builder()
                        .setTotalSteps(totalSteps)
                        .addPhase(warmEnd, annealing, initial, maxLr, high, low);
        if (threePhase) {
            double downEnd =
                    Math.min(Math.max(warmEnd + 1, 2 * warmupFraction * totalSteps - 2), last);
            p.addPhase(downEnd, annealing, maxLr, initial, low, high)
                    .addPhase(last, annealing, initial, end, high, high);
        } else {
            p.addPhase(last, annealing, maxLr, end, low, high);
        }
        phases = p.build();
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
        return phases.learningRate(step);
    }

    /** {@inheritDoc} */
    @Override
    public double momentum(int step) {
        return phases.momentum(step);
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
        return phases.phases().get(0).lrFrom();
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
        List<PhasedSchedule.Phase> all = phases.phases();
        return all.get(all.size() - 1).lrTo();
    }

    /**
     * Returns the step at which the learning rate peaks.
     *
     * @return {@code warmupFraction * totalSteps - 1}, as a real number
     */
    public double peakStep() {
        return phases.phases().get(0).end();
    }

    /**
     * Returns the schedule's phases: warm-up and annealing (and the way back down, with three
     * phases).
     *
     * @return the phased schedule this one is
     */
    public PhasedSchedule phased() {
        return phases;
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
