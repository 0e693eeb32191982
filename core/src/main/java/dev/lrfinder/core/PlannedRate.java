package dev.lrfinder.core;

import dev.lrfinder.core.internal.Checks;
import java.util.Objects;
import java.util.Optional;

/**
 * The one place the learning rate for a planned run is decided: from the curve's analysis, the
 * plan, the batch the range test ran at and the optimizer's family, the suggestion and the branch
 * that produced it.
 *
 * <p>The range test is itself a short run: it holds each rate for a few steps, and the rate it
 * reads off the curve is the best constant rate for a run about as long as the sweep takes to cross
 * {@link #HORIZON_DECADES} decades at its pace there ({@code H} steps: 20 x its iterations per
 * decade, 247.5 for the default sweep of 100 iterations from 1e-7 to 10, 997.5 for 400). The noisy
 * quadratic model (Zhang et al., arXiv 1907.04164) moves that rate to a run of {@code T} steps at
 * batch {@code B}: after {@code T} steps at rate {@code lr} the loss still owes a bias that shrinks
 * like {@code 1 / (lr T)} and carries a noise floor that grows like {@code lr / B}; their sum is
 * least at {@code lr ~ sqrt(B / T)}. So:
 *
 * <ul>
 *   <li>for SGD and Nesterov, on a curve that descends clearly, the {@link CurveAnalysis#reach()
 *       reach} (where it is {@link #reachUncertain() uncertain}, a decade below the best point)
 *       times {@code sqrt(H / T)}, times {@code sqrt(B / B_test)} when the plan's batch differs
 *       from the test's (at a fixed number of epochs this is the linear scaling rule);
 *   <li>for an adaptive optimizer (Adam, AdamW, RmsProp, ...), {@link SuggestionRules#guarded()}'s
 *       reading times {@code sqrt(H / T)}, whatever the batch: an adaptive step divides the
 *       gradient by its own root mean square, which the noise dominates ({@code ~ sigma /
 *       sqrt(B)}), so {@code sqrt(B / T)} becomes {@code 1 / sqrt(T)} (at a fixed number of epochs,
 *       the square-root scaling rule for Adam, Malladi et al., NeurIPS 2022);
 * </ul>
 *
 * <p>and never more than {@link #ONSET_CAP} of the onset. The sweep must be long enough to see the
 * noise the run will see: at batch 16 a sweep of 100 iterations reads a reach 3-5x above the one a
 * sweep of 400 reads, which is why a range test given a plan runs {@link
 * RangeTestConfig#plannedIterations as many iterations as the plan has steps}, from 100 to 400.
 *
 * <p>On a curve without a clear descent there is no reach, and SGD's anchor is {@code guarded}'s
 * reading, scaled the same way. The rate is {@code guarded}'s, unscaled, and the branch says why,
 * where the optimizer is not one the model describes (schedule-free or unknown) or the plan names a
 * batch and the test's is unknown.
 *
 * <pre>{@code
 * PlannedRate planned = PlannedRate.of(analysis, TrainingPlan.ofSteps(938), 128, OptimizerFamily.SGD);
 * System.out.println(planned); // e.g. "0.0451 (scaled by the plan: 938 steps at batch 128)"
 * }</pre>
 */
public final class PlannedRate {

    /**
     * The run length, in decades of the sweep at its pace where the rate is read, for which that
     * rate is the best constant one. Fitted once, on the 24 classification scenarios of
     * docs/BENCHMARKS.md (sweeps of 100 to 400 iterations, runs of 47 to 5,000 steps at batch 16 to
     * 1024, SGD, Nesterov, Adam and AdamW; any value from 16 to 24 scored alike), the same for
     * every curve and optimizer.
     */
    public static final double HORIZON_DECADES = 20;

    /**
     * The planned rate never exceeds this fraction of the onset: the onset lies near the edge of
     * stability, and half of it still damps the sharpest direction.
     */
    public static final double ONSET_CAP = 0.5;

    /**
     * A reach read more than this factor below the curve's best point is uncertain ({@link
     * #reachUncertain()}): the loss lies within its noise of its lowest over more than a decade of
     * rates, the reach is the lower edge of that band, and the rate is scaled from this factor
     * below the best point instead. Of the range tests stored in docs/bench, every clear descent of
     * a classification with SGD or Nesterov reads its reach within 0.93 decades of its best point;
     * an L2 regression at batch 64 and below, swept 400 iterations, 1.2-4.2 decades, and 0.4-0.9
     * swept as long as its run.
     */
    public static final double MAX_REACH_SPAN = 10;

    /** Which branch produced the rate. */
    public enum Branch {
        /** SGD's: the reach scaled by the plan's steps (and its batch, where it differs). */
        SCALED("scaled by the plan"),
        /** An adaptive optimizer's: guarded's reading scaled by the plan's steps. */
        SCALED_ADAPTIVE("scaled by the plan, for an adaptive optimizer"),
        /**
         * SGD's on a curve with no clear descent, which has no reach: guarded's reading (the
         * onset's quarter on a flat curve) scaled by the plan's steps (and batch).
         */
        SCALED_FROM_GUARDED(
                "scaled by the plan from guarded's reading: the curve has no clear descent to read"
                        + " a reach from"),
        /** guarded's rate: the plan's model describes SGD and adaptive optimizers only. */
        NOT_MODELLED(
                "not scaled: the plan's model describes SGD and adaptive optimizers, and this"
                        + " one is schedule-free or unknown; guarded's rate"),
        /** guarded's rate: the plan names a batch size and the range test's is unknown. */
        NO_BATCH(
                "not scaled: the plan's batch size differs from the test's, which is unknown;"
                        + " guarded's rate");

        private final String description;

        Branch(String description) {
            this.description = description;
        }

        /**
         * Tells whether the plan scaled the rate (every branch but {@link #NOT_MODELLED} and {@link
         * #NO_BATCH}).
         *
         * @return true where the plan was used
         */
        public boolean scaled() {
            return this != NOT_MODELLED && this != NO_BATCH;
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
    private final double scaledRate;
    private final double turnRate;

    /** The reach's rate where the rate is scaled from the reach, else NaN. */
    private final double reachRate;

    /** The best point's rate where the rate is scaled from the reach, else NaN. */
    private final double bestRate;

    /**
     * How far the level descends where the rate is scaled from guarded's reading because the
     * descent lies within the level's tolerance, else NaN.
     */
    private final double hiddenDescent;

    /** The level's tolerance where {@link #hiddenDescent} is read, else NaN. */
    private final double tolerance;

    private PlannedRate(
            Suggestion suggestion,
            Branch branch,
            TrainingPlan plan,
            int batchSize,
            double scaledRate,
            CurveAnalysis analysis) {
        this.suggestion = suggestion;
        this.branch = branch;
        this.plan = plan;
        this.batchSize = batchSize;
        this.scaledRate = scaledRate;
        this.turnRate = analysis.readable() ? analysis.turnLearningRate() : Double.NaN;
        boolean reach = branch == Branch.SCALED;
        this.reachRate = reach ? analysis.reachLearningRate() : Double.NaN;
        this.bestRate = reach ? analysis.learningRate(analysis.best()) : Double.NaN;
        boolean hidden =
                branch == Branch.SCALED_FROM_GUARDED && analysis.readable() && !analysis.descends();
        this.hiddenDescent = hidden ? analysis.descent() : Double.NaN;
        this.tolerance = hidden ? analysis.tolerance() : Double.NaN;
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
        if (!family.scalesWithPlan()) {
            return guardedAs(analysis, Branch.NOT_MODELLED, plan, batch);
        }
        if (!adaptive && plan.batchSize().isPresent() && testBatchSize == 0) {
            return guardedAs(analysis, Branch.NO_BATCH, plan, batch);
        }
        // the anchor: SGD's reach on a clear descent, else guarded's reading
        boolean reach = !adaptive && analysis.clearDescent();
        Optional<Suggestion> anchor =
                reach
                        ? Optional.of(reachAnchor(analysis))
                        : SuggestionRules.guarded().suggest(analysis);
        Branch branch =
                adaptive
                        ? Branch.SCALED_ADAPTIVE
                        : reach ? Branch.SCALED : Branch.SCALED_FROM_GUARDED;
        double batchRatio =
                adaptive || plan.batchSize().isEmpty() ? 1 : (double) batch / testBatchSize;
        // the anchor is the best rate for the sweep's horizon H where it was read: times
        // sqrt(H / T) for T steps, and for SGD the batch ratio
        return anchor.map(
                a -> {
                    double horizon = HORIZON_DECADES * analysis.stepsPerDecade(a.index());
                    double x = a.learningRate() * Math.sqrt(horizon / plan.steps() * batchRatio);
                    double lr = Math.min(ONSET_CAP * analysis.onsetLearningRate(), x);
                    Suggestion s = analysis.suggestion("planned", analysis.nearestIndex(lr), lr);
                    return new PlannedRate(s, branch, plan, batch, x, analysis);
                });
    }

    /**
     * The reach, where the curve places it; where it is {@link #reachUncertain() uncertain}, the
     * rate {@link #MAX_REACH_SPAN} below the best point. Every clear descent that places its reach
     * reads it within that factor of its best point, so a reach the loss's noise pushed further
     * down lies at least there: the nearest rate the curve allows, and the same as the reach where
     * the band is exactly that wide.
     */
    private static Suggestion reachAnchor(CurveAnalysis analysis) {
        double reach = analysis.reachLearningRate();
        double best = analysis.learningRate(analysis.best());
        if (!uncertain(reach, best)) {
            return analysis.suggestion("reach", analysis.reach(), reach);
        }
        double floor = best / MAX_REACH_SPAN;
        return analysis.suggestion("reach", analysis.nearestIndex(floor), floor);
    }

    /** guarded's rate, as the planned rate of a branch the plan could not scale. */
    private static Optional<PlannedRate> guardedAs(
            CurveAnalysis analysis, Branch branch, TrainingPlan plan, int batch) {
        return SuggestionRules.guarded()
                .suggest(analysis)
                .map(
                        s ->
                                new PlannedRate(
                                        analysis.suggestion("planned", s.index(), s.learningRate()),
                                        branch,
                                        plan,
                                        batch,
                                        s.learningRate(),
                                        analysis));
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
     * Returns the rate before the cap of a rate held the whole run: the anchor moved to the plan's
     * horizon (guarded's rate on a branch the plan could not scale).
     *
     * @return the scaled rate, at least {@link #learningRate()}
     */
    double scaledRate() {
        return scaledRate;
    }

    /**
     * Returns the learning rate where the curve's loss turns worse for good ({@link
     * CurveAnalysis#turn()}), or NaN on a curve without a level.
     *
     * @return the turn's learning rate, or NaN
     */
    double turnRate() {
        return turnRate;
    }

    /**
     * Tells whether the curve could not place the reach: the best point lies more than {@link
     * #MAX_REACH_SPAN} times the reach's rate, so the loss lies within its noise of its lowest over
     * more than a decade, and the rate was scaled from a decade below the best point. Where the
     * sweep was shorter than the plan, a sweep as long as the plan sees the noise the run will see
     * and places it ({@link RangeTestConfig#forWholePlan()}, which {@code LrFinder} runs); an L2
     * regression at batch 16 swept 400 iterations for a plan of 2,500 steps trains 352 % above the
     * grid's best test error, swept 2,500 within 0.1 % (docs/BENCHMARKS.md).
     *
     * @return true for a reach more than a decade below the best point, on the {@link
     *     Branch#SCALED} branch (the only one that reads the reach)
     */
    public boolean reachUncertain() {
        return uncertain(reachRate, bestRate);
    }

    /** The one test of an uncertain reach: false on NaN, where no reach was read. */
    private static boolean uncertain(double reachRate, double bestRate) {
        return bestRate > MAX_REACH_SPAN * reachRate;
    }

    /**
     * Tells why the planned rate is uncertain, for a sweep of this many iterations: the reach is
     * {@link #reachUncertain() uncertain}, with the band of rates the loss could not tell apart,
     * and where the sweep had fewer iterations than the plan has steps, that it saw less of the
     * noise the run will see; or, on a curve whose descent lies within its noise (no reach to
     * read), that a sweep as long as the plan would tell that descent from the noise. The level's
     * tolerance is four standard errors of a median over a twentieth of the curve's points each
     * side, so a sweep of {@code T} iterations has {@code sqrt(iterations / T)} of this one's: a
     * descent beyond that may be real, and only a longer sweep shows it (an L2 regression at batch
     * 16 swept 383 iterations descends 0.20 under a tolerance of 0.25; swept 2,500 it descends
     * clearly and its planned rate trains 2 % below the grid's best test error,
     * docs/BENCHMARKS.md).
     *
     * @param iterations the sweep's iterations
     * @return the reason; empty where the rate is certain or the sweep was as long as the plan and
     *     read no reach
     */
    public Optional<String> uncertainty(int iterations) {
        // false on NaN, and from the plan's length on, where the longer tolerance is this one
        double longer = tolerance * Math.sqrt((double) iterations / plan.steps());
        if (hiddenDescent > longer) {
            return Optional.of(
                    String.format(
                            "the planned rate is uncertain: the loss descends by %.3g, within"
                                    + " its noise on a sweep of %d iterations (%.3g) but beyond"
                                    + " it on one as long as the plan's %d steps (%.3g)",
                            hiddenDescent, iterations, tolerance, plan.steps(), longer));
        }
        if (!reachUncertain()) {
            return Optional.empty();
        }
        String band =
                String.format(
                        "the planned rate is uncertain: the loss lies within its noise of its"
                                + " lowest from lr %.3g to %.3g, over %.1f decades, and the rate"
                                + " is scaled from a decade below the best point, %.3g",
                        reachRate,
                        bestRate,
                        Math.log10(bestRate / reachRate),
                        bestRate / MAX_REACH_SPAN);
        return Optional.of(
                iterations < plan.steps()
                        ? band
                                + String.format(
                                        "; a sweep of %d iterations sees less noise than %d steps"
                                                + " will",
                                        iterations, plan.steps())
                        : band + "; the sweep was as long as the plan");
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
        if (branch.scaled()) {
            boolean sgd = branch != Branch.SCALED_ADAPTIVE;
            why +=
                    ": "
                            + plan.steps()
                            + " steps"
                            + (sgd && batchSize > 0 ? " at batch " + batchSize : "");
        }
        return String.format("%.4g (%s)", learningRate(), why);
    }
}
