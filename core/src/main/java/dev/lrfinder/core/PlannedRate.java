package dev.lrfinder.core;

import dev.lrfinder.core.internal.Checks;
import java.util.Objects;
import java.util.Optional;

/**
 * The one place the learning rate for a planned run is decided: from the curve's analysis, the
 * plan, the batch the range test ran at and the optimizer's family, the suggestion and the branch
 * that produced it.
 *
 * <p>On a curve that descends clearly, for SGD and Nesterov, the rate is the {@link
 * CurveAnalysis#reach() reach} scaled by {@code sqrt(B / (k T))} for a phase of {@code T} steps at
 * batch {@code B} ({@code k} = {@link #NOISE_SCALE}), and at most {@link #ONSET_CAP} of the onset.
 * The square root comes from the noisy quadratic model (Zhang et al., arXiv 1907.04164): after
 * {@code T} steps at rate {@code lr} the loss still owes a bias that shrinks like {@code 1 / (lr
 * T)} and carries a noise floor that grows like {@code lr / B}; their sum is least at {@code lr ~
 * sqrt(B / T)}. At a fixed number of epochs ({@code T ~ 1 / B}) this is the linear scaling rule.
 *
 * <p>For an adaptive optimizer (Adam, AdamW, RmsProp, ...) the rate is {@link
 * SuggestionRules#guarded()}'s reading scaled by {@code sqrt(T_A / T)} ({@code T_A} = {@link
 * #ADAPTIVE_STEPS}), at most {@link #ONSET_CAP} of the onset, whatever the batch. The same model
 * gives it: an adaptive step divides the gradient by its own root mean square, which the noise
 * dominates ({@code ~ sigma / sqrt(B)}), so its rate is SGD's times {@code sigma / sqrt(B)}, and
 * {@code sqrt(B / T)} becomes {@code 1 / sqrt(T)}; at a fixed number of epochs this is the
 * square-root scaling rule for Adam (Malladi et al., NeurIPS 2022).
 *
 * <p>Otherwise the rate is {@code guarded}'s, and the branch says why: the curve has no clear
 * descent, or the optimizer is not one the model describes (schedule-free or unknown), or the batch
 * is unknown.
 *
 * <pre>{@code
 * PlannedRate planned = PlannedRate.of(analysis, TrainingPlan.ofSteps(938), 128, OptimizerFamily.SGD);
 * System.out.println(planned); // e.g. "0.0628 (scaled by the plan: 938 steps at batch 128)"
 * }</pre>
 */
public final class PlannedRate {

    /**
     * The batch-to-steps ratio at which a phase's best constant rate equals the curve's reach, in
     * examples per step. Fitted once, on the eight SGD development sets of the scenario benchmark
     * (docs/BENCHMARKS.md; any value from 0.28 to 0.40 scored alike), the same for every curve.
     */
    public static final double NOISE_SCALE = 0.315;

    /**
     * The run length, in optimizer steps, for which {@code guarded}'s reading is an adaptive
     * optimizer's best constant rate. Fitted once, on the eight Adam and AdamW development sets of
     * docs/BENCHMARKS.md (63 to 2,000 steps, batch 32 to 256; any value from 200 to 400 scored
     * alike), the same for every curve.
     */
    public static final double ADAPTIVE_STEPS = 300;

    /**
     * The planned rate never exceeds this fraction of the onset: the onset lies near the edge of
     * stability, and half of it still damps the sharpest direction.
     */
    public static final double ONSET_CAP = 0.5;

    /** Which branch produced the rate. */
    public enum Branch {
        /** SGD's: the reach scaled by the plan's steps and batch. */
        SCALED("scaled by the plan"),
        /** An adaptive optimizer's: guarded's reading scaled by the plan's steps. */
        SCALED_ADAPTIVE("scaled by the plan, for an adaptive optimizer"),
        /** guarded's rate: the curve has no clear descent to read a reach from. */
        NO_CLEAR_DESCENT("not scaled: the curve has no clear descent; guarded's rate"),
        /** guarded's rate: the plan's model describes SGD and adaptive optimizers only. */
        NOT_MODELLED(
                "not scaled: the plan's model describes SGD and adaptive optimizers, and this"
                        + " one is schedule-free or unknown; guarded's rate"),
        /** guarded's rate: neither the test's batch size nor the plan's is known. */
        NO_BATCH("not scaled: the batch size is unknown (give the plan one); guarded's rate");

        private final String description;

        Branch(String description) {
            this.description = description;
        }

        /**
         * Returns what the branch means, in words.
         *
         * @return the description
         */
        public String description() {
            return description;
        }
    }

    private final Suggestion suggestion;
    private final Branch branch;
    private final TrainingPlan plan;
    private final int batchSize;

    private PlannedRate(Suggestion suggestion, Branch branch, TrainingPlan plan, int batchSize) {
        this.suggestion = suggestion;
        this.branch = branch;
        this.plan = plan;
        this.batchSize = batchSize;
    }

    /**
     * Decides the learning rate for a planned run.
     *
     * @param analysis the range test's curve, analysed
     * @param plan the run: its steps and, when it differs from the test's, its batch
     * @param testBatchSize the batch the range test ran at, or 0 when unknown
     * @param family the optimizer's family
     * @return the rate and its branch, or empty when the curve gives no suggestion at all
     * @throws IllegalArgumentException if {@code testBatchSize} is negative
     */
    public static Optional<PlannedRate> of(
            CurveAnalysis analysis, TrainingPlan plan, int testBatchSize, OptimizerFamily family) {
        Objects.requireNonNull(analysis, "analysis");
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(family, "family");
        Checks.atLeast("testBatchSize", testBatchSize, 0);
        int batch = plan.batchSize().orElse(testBatchSize);
        boolean adaptive = family == OptimizerFamily.ADAPTIVE;
        Branch branch;
        if (!family.scalesWithPlan()) {
            branch = Branch.NOT_MODELLED;
        } else if (batch == 0 && !adaptive) {
            branch = Branch.NO_BATCH;
        } else if (!analysis.clearDescent()) {
            branch = Branch.NO_CLEAR_DESCENT;
        } else {
            // SGD: the reach times sqrt(B / (k T)); adaptive: guarded's reading times sqrt(T_A / T)
            Optional<Double> unbounded =
                    adaptive
                            ? SuggestionRules.guarded()
                                    .suggest(analysis)
                                    .map(
                                            g ->
                                                    g.learningRate()
                                                            * Math.sqrt(
                                                                    ADAPTIVE_STEPS / plan.steps()))
                            : Optional.of(
                                    analysis.learningRate(analysis.reach())
                                            * Math.sqrt(batch / (NOISE_SCALE * plan.steps())));
            Branch scaled = adaptive ? Branch.SCALED_ADAPTIVE : Branch.SCALED;
            return unbounded.map(
                    x -> {
                        double lr = Math.min(ONSET_CAP * analysis.onsetLearningRate(), x);
                        Suggestion s =
                                analysis.suggestion("planned", analysis.nearestIndex(lr), lr);
                        return new PlannedRate(s, scaled, plan, batch);
                    });
        }
        return SuggestionRules.guarded()
                .suggest(analysis)
                .map(
                        s ->
                                new PlannedRate(
                                        analysis.suggestion("planned", s.index(), s.learningRate()),
                                        branch,
                                        plan,
                                        batch));
    }

    /**
     * Returns the suggestion, named {@code planned}.
     *
     * @return the suggestion
     */
    public Suggestion suggestion() {
        return suggestion;
    }

    /**
     * Returns the learning rate.
     *
     * @return the suggestion's learning rate
     */
    public double learningRate() {
        return suggestion.learningRate();
    }

    /**
     * Returns the branch that produced the rate.
     *
     * @return the branch
     */
    public Branch branch() {
        return branch;
    }

    /**
     * Returns the plan the rate is for.
     *
     * @return the plan
     */
    public TrainingPlan plan() {
        return plan;
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        String why = branch.description();
        if (branch == Branch.SCALED) {
            why += ": " + plan.steps() + " steps at batch " + batchSize;
        } else if (branch == Branch.SCALED_ADAPTIVE) {
            why += ": " + plan.steps() + " steps";
        }
        return String.format("%.4g (%s)", learningRate(), why);
    }
}
