package dev.lrfinder.core.schedule;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A schedule made of phases, one after the other, as fast.ai's {@code combine_scheds} makes one:
 * within a phase the learning rate (and the momentum, when the schedule has one) moves from one
 * value to another along an {@link Annealing}. {@link OneCycleSchedule} and {@link
 * WarmupCooldownSchedule} are phased schedules; build one for any other shape.
 *
 * <pre>{@code
 * // linear warm-up over 100 steps, then a cosine decay to 0 at step 999
 * LrSchedule s = PhasedSchedule.builder()
 *         .setTotalSteps(1000)
 *         .addPhase(100, Annealing.LINEAR, 0.001, 0.1)
 *         .addPhase(999, Annealing.COSINE, 0.1, 0)
 *         .build();
 * }</pre>
 *
 * <p>A phase ends at a step given as a real number (PyTorch's {@code OneCycleLR} ends its warm-up
 * at {@code 0.3 * totalSteps - 1}); it starts where the previous one ended, the first at step 0. A
 * step belongs to the first phase whose end it does not pass, as in PyTorch; steps past the last
 * end hold the last phase's final value. A phase of no length takes its final value at once.
 */
public final class PhasedSchedule implements LrSchedule {

    private final int totalSteps;
    private final Phase[] phases;
    private final boolean hasMomentum;

    /**
     * One phase: the values it moves between, how, and the step it ends at.
     *
     * @param end the step the phase ends at, a real number
     * @param annealing how the values move
     * @param lrFrom the learning rate at the phase's start
     * @param lrTo the learning rate at its end
     * @param momentumFrom the momentum at its start, or NaN for none
     * @param momentumTo the momentum at its end, or NaN for none
     */
    public record Phase(
            double end,
            Annealing annealing,
            double lrFrom,
            double lrTo,
            double momentumFrom,
            double momentumTo) {}

    private PhasedSchedule(Builder b) {
        // the one check of totalSteps: every schedule of this package is built on a PhasedSchedule
        if (b.totalSteps <= 0) {
            throw new IllegalArgumentException("totalSteps must be > 0, got " + b.totalSteps);
        }
        if (b.phases.isEmpty()) {
            throw new IllegalArgumentException("phases must not be empty, got 0 phases");
        }
        totalSteps = b.totalSteps;
        phases = b.phases.toArray(new Phase[0]);
        hasMomentum = !Double.isNaN(phases[0].momentumFrom());
        double previous = 0;
        for (int i = 0; i < phases.length; i++) {
            Phase p = phases[i];
            if (!(p.end() >= previous) || Double.isInfinite(p.end())) {
                throw new IllegalArgumentException(
                        "phase "
                                + i
                                + " end must be a finite step >= "
                                + previous
                                + " (the previous end), got "
                                + p.end());
            }
            finite("phase " + i + " lrFrom", p.lrFrom());
            finite("phase " + i + " lrTo", p.lrTo());
            if (hasMomentum != !Double.isNaN(p.momentumFrom())
                    || hasMomentum != !Double.isNaN(p.momentumTo())) {
                throw new IllegalArgumentException(
                        "phase "
                                + i
                                + " momentum must be given in every phase or in none, got "
                                + p.momentumFrom()
                                + " -> "
                                + p.momentumTo());
            }
            previous = p.end();
        }
    }

    private static void finite(String name, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(
                    name + " must be a finite number >= 0, got " + value);
        }
    }

    /**
     * Returns a builder; {@code setTotalSteps} and at least one phase are required.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** {@inheritDoc} */
    @Override
    public double learningRate(int step) {
        int i = phaseOf(step);
        Phase p = phases[i];
        return p.annealing().interpolate(p.lrFrom(), p.lrTo(), fraction(i, step));
    }

    /** {@inheritDoc} */
    @Override
    public double momentum(int step) {
        if (!hasMomentum) {
            return Double.NaN;
        }
        int i = phaseOf(step);
        Phase p = phases[i];
        return p.annealing().interpolate(p.momentumFrom(), p.momentumTo(), fraction(i, step));
    }

    /** {@inheritDoc} */
    @Override
    public int totalSteps() {
        return totalSteps;
    }

    /**
     * Returns the phases.
     *
     * @return the phases, in order
     */
    public List<Phase> phases() {
        return List.of(phases);
    }

    private int phaseOf(int step) {
        for (int i = 0; i < phases.length - 1; i++) {
            if (step <= phases[i].end()) {
                return i;
            }
        }
        return phases.length - 1;
    }

    private double fraction(int phase, int step) {
        double start = phase == 0 ? 0 : phases[phase - 1].end();
        double span = phases[phase].end() - start;
        return span <= 0 ? 1 : Math.max(0, Math.min(1, (step - start) / span));
    }

    /** Configures a {@link PhasedSchedule}. */
    public static final class Builder {

        private int totalSteps;
        private final List<Phase> phases = new ArrayList<>();

        Builder() {}

        /**
         * Sets the number of steps of the run (required).
         *
         * @param totalSteps &gt; 0
         * @return this builder
         */
        public Builder setTotalSteps(int totalSteps) {
            this.totalSteps = totalSteps;
            return this;
        }

        /**
         * Adds a phase that moves the learning rate only.
         *
         * @param end the step the phase ends at, &gt;= the previous phase's end
         * @param annealing how the learning rate moves
         * @param lrFrom the learning rate at the phase's start, &gt;= 0
         * @param lrTo the learning rate at its end, &gt;= 0
         * @return this builder
         */
        public Builder addPhase(double end, Annealing annealing, double lrFrom, double lrTo) {
            return addPhase(end, annealing, lrFrom, lrTo, Double.NaN, Double.NaN);
        }

        /**
         * Adds a phase that moves the learning rate and the momentum.
         *
         * @param end the step the phase ends at, &gt;= the previous phase's end
         * @param annealing how the values move
         * @param lrFrom the learning rate at the phase's start, &gt;= 0
         * @param lrTo the learning rate at its end, &gt;= 0
         * @param momentumFrom the momentum at the phase's start (NaN in every phase for none)
         * @param momentumTo the momentum at its end
         * @return this builder
         */
        public Builder addPhase(
                double end,
                Annealing annealing,
                double lrFrom,
                double lrTo,
                double momentumFrom,
                double momentumTo) {
            phases.add(
                    new Phase(
                            end,
                            Objects.requireNonNull(annealing, "annealing"),
                            lrFrom,
                            lrTo,
                            momentumFrom,
                            momentumTo));
            return this;
        }

        /**
         * Builds the schedule.
         *
         * @return the schedule
         * @throws IllegalArgumentException if a parameter is out of range, naming it and its value
         */
        public PhasedSchedule build() {
            return new PhasedSchedule(this);
        }
    }
}
