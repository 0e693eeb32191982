package dev.lrfinder.core;

import dev.lrfinder.core.internal.Checks;
import java.util.Optional;

/**
 * The settings of one LR range test, immutable and validated once: the sweep (start and end
 * learning rate, iterations, shape), the smoothing, the divergence factor, and either the rule
 * whose suggestion a result returns or the planned run the suggestion is for. {@link RangeTest},
 * and the listeners module's {@code LrFinder} and {@code LrRangeTestListener}, all take their
 * settings through {@link BaseBuilder}, so the options and their documentation exist once.
 *
 * <pre>{@code
 * RangeTestConfig config = RangeTestConfig.builder().optNumIterations(200).build();
 * RangeTest test = RangeTest.of(config);
 * }</pre>
 */
public final class RangeTestConfig {

    /** The smallest learning rate a sweep may start at, {@link LrSweep#MIN_LR}. */
    public static final double MIN_LR = LrSweep.MIN_LR;

    /** The largest learning rate a sweep may end at, {@link LrSweep#MAX_LR}. */
    public static final double MAX_LR = LrSweep.MAX_LR;

    /** The iterations of a range test unless told otherwise (or given a plan). */
    public static final int DEFAULT_ITERATIONS = 100;

    /** The fewest iterations a range test given a plan runs unless told otherwise: the default. */
    public static final int PLANNED_MIN_ITERATIONS = DEFAULT_ITERATIONS;

    /** The most iterations a range test given a plan runs unless told otherwise. */
    public static final int PLANNED_MAX_ITERATIONS = 400;

    /**
     * The most iterations of a sweep as long as the plan ({@link #forWholePlan()}): the longest run
     * the planned rate was measured for (docs/BENCHMARKS.md), which bounds what a second sweep
     * costs.
     */
    public static final int WHOLE_PLAN_MAX_ITERATIONS = 5_000;

    private final LrSweep sweep;
    private final double smoothing;
    private final double divergenceFactor;
    private final SuggestionRule rule;
    private final TrainingPlan plan;
    private final boolean plannedSweep;

    private RangeTestConfig(SweepBuilder<?> s) {
        // each value is checked where it is owned: the sweep, the smoother, the divergence rule
        if (s instanceof BaseBuilder<?> b) { // the reading: what a result suggests
            this.rule = checkRule(b.rule);
            this.plan = plan(b);
        } else {
            this.rule = SuggestionRules.defaultRule();
            this.plan = null;
        }
        this.plannedSweep = plan != null && !s.numIterationsSet;
        int iterations = plannedSweep ? plannedIterations(plan.steps()) : s.numIterations;
        this.sweep = LrSweep.of(s.shape, s.startLr, s.endLr, iterations);
        this.smoothing = new LossSmoother(s.smoothing).beta();
        this.divergenceFactor = new DivergenceRule(s.divergenceFactor).factor();
    }

    private RangeTestConfig(RangeTestConfig c, LrSweep sweep) {
        this.sweep = sweep;
        this.smoothing = c.smoothing;
        this.divergenceFactor = c.divergenceFactor;
        this.rule = c.rule;
        this.plan = c.plan;
        this.plannedSweep = false;
    }

    /**
     * Returns this configuration for a test that drives an optimizer of the given family. Where the
     * plan set the sweep's length and {@link PlannedRate}'s model does not describe the family
     * (schedule-free or unknown: its planned rate is {@code guarded}'s, read for the default
     * sweep), the same configuration with the default 100 iterations; otherwise this one.
     *
     * @param family the family of the optimizer the test drives
     * @return the configuration to run
     */
    public RangeTestConfig forFamily(OptimizerFamily family) {
        if (!plannedSweep || family.scalesWithPlan()) {
            return this;
        }
        return new RangeTestConfig(
                this,
                LrSweep.of(sweep.shape(), sweep.startLr(), sweep.endLr(), DEFAULT_ITERATIONS));
    }

    /**
     * Returns this configuration with a sweep as long as the plan: as many iterations as the plan
     * has steps, at most {@link #WHOLE_PLAN_MAX_ITERATIONS}, the same rates and reading. A finder
     * given a plan runs it once more where the first sweep, capped at {@link
     * #PLANNED_MAX_ITERATIONS}, was too short to place the rate ({@link
     * PlannedRate#reachUncertain()}): on a noisy loss only a sweep about as long as the run sees
     * the noise the run will see.
     *
     * @return the longer configuration, or empty where the sweep's length was not the plan's to set
     *     (no plan, or {@code optNumIterations} given) or is already the plan's
     */
    public Optional<RangeTestConfig> forWholePlan() {
        if (!plannedSweep) {
            return Optional.empty();
        }
        int iterations = (int) Math.min(WHOLE_PLAN_MAX_ITERATIONS, plan.steps());
        if (iterations <= sweep.numIterations()) {
            return Optional.empty();
        }
        return Optional.of(
                new RangeTestConfig(
                        this,
                        LrSweep.of(sweep.shape(), sweep.startLr(), sweep.endLr(), iterations)));
    }

    /**
     * Returns the iterations of a range test given a plan, unless told otherwise: as many as the
     * plan has steps, from {@link #PLANNED_MIN_ITERATIONS} to {@link #PLANNED_MAX_ITERATIONS}, for
     * an optimizer the planned rate's model describes ({@link #forFamily}). The sweep is a short
     * run whose rate {@link PlannedRate} moves to the planned run's length; at a small batch only a
     * sweep about as long as the run sees the noise the run will see, and 4 x the peers' 100
     * iterations bounds what the test costs.
     *
     * @param plannedSteps the planned run's optimizer steps, at least 1
     * @return the sweep's iterations
     */
    public static int plannedIterations(long plannedSteps) {
        return (int)
                Math.max(PLANNED_MIN_ITERATIONS, Math.min(PLANNED_MAX_ITERATIONS, plannedSteps));
    }

    private static TrainingPlan plan(BaseBuilder<?> b) {
        if (!b.plannedStepsSet) {
            if (b.plannedBatchSizeSet) {
                throw new IllegalArgumentException(
                        "plannedBatchSize needs plannedSteps: give the planned run's steps too, got"
                                + " plannedBatchSize "
                                + b.plannedBatchSize
                                + " alone");
            }
            return null;
        }
        Checks.inRange("plannedSteps", b.plannedSteps, 1, Integer.MAX_VALUE);
        if (b.ruleSet) {
            throw new IllegalArgumentException(
                    "give a planned run or a suggestion rule, not both: the plan picks the rule"
                            + " (planned), got plannedSteps "
                            + b.plannedSteps
                            + " and rule "
                            + b.rule.name());
        }
        TrainingPlan.Builder plan = TrainingPlan.builder().setSteps(b.plannedSteps);
        if (b.plannedBatchSizeSet) {
            Checks.inRange("plannedBatchSize", b.plannedBatchSize, 1, Integer.MAX_VALUE);
            plan.optBatchSize(b.plannedBatchSize);
        }
        return plan.build();
    }

    /**
     * Checks a suggestion rule: a rule of the user's own must not take a built-in rule's name
     * (compared ignoring case), which results, the CLI and the metrics use as the rule's key.
     *
     * @param rule a built-in rule or one of the user's own
     * @return the rule
     * @throws IllegalArgumentException if the rule is null, or is not the built-in rule of its name
     */
    public static SuggestionRule checkRule(SuggestionRule rule) {
        if (rule == null) {
            throw new IllegalArgumentException("rule must not be null, got null");
        }
        String name = String.valueOf(rule.name()).trim().toLowerCase(java.util.Locale.ROOT);
        if (name.equals("planned")) {
            throw new IllegalArgumentException(
                    "rule must not be named planned, the name of the rule a plan picks, got a "
                            + rule.getClass().getName()
                            + ": give a plan (optPlannedSteps) for it, or your rule a name of its"
                            + " own");
        }
        for (SuggestionRule builtIn : SuggestionRules.all()) {
            if (builtIn.name().equals(name) && builtIn != rule) {
                throw new IllegalArgumentException(
                        "rule must not take a built-in rule's name, got a "
                                + rule.getClass().getName()
                                + " named "
                                + rule.name()
                                + ": give a rule of your own a name of its own (the built-in"
                                + " names are steepest, valley, minimum, slide, consensus,"
                                + " onset and guarded)");
            }
        }
        return rule;
    }

    /**
     * Returns a builder with the peers' defaults: an exponential sweep from 1e-7 to 10 in 100
     * iterations, smoothing 0.98, divergence at 4 x the best smoothed loss, the default rule.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the sweep.
     *
     * @return the learning rate of every iteration
     */
    public LrSweep sweep() {
        return sweep;
    }

    /**
     * Returns the smoothing factor of the loss.
     *
     * @return beta in [0, 1)
     */
    public double smoothing() {
        return smoothing;
    }

    /**
     * Returns the divergence factor.
     *
     * @return the factor over the best smoothed loss at which the test stops, &gt; 1
     */
    public double divergenceFactor() {
        return divergenceFactor;
    }

    /**
     * Returns the rule whose suggestion a result returns when no plan is set (with a plan, the
     * result's rule is {@link SuggestionRules#plannedFor}'s).
     *
     * @return the rule
     */
    public SuggestionRule rule() {
        return rule;
    }

    /**
     * Returns the planned run the suggestion is for, when one was given: the result's suggestion is
     * then the {@link SuggestionRules#planned planned} rule's for it.
     *
     * @return the plan, or empty
     */
    public Optional<TrainingPlan> plan() {
        return Optional.ofNullable(plan);
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return "RangeTestConfig{"
                + sweep
                + ", smoothing="
                + smoothing
                + ", divergenceFactor="
                + divergenceFactor
                + (plan == null ? ", rule=" + rule.name() : ", plan=" + plan)
                + '}';
    }

    /** Builds a {@link RangeTestConfig} on its own. */
    public static final class Builder extends BaseBuilder<Builder> {

        Builder() {}

        /** {@inheritDoc} */
        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Builds the configuration.
         *
         * @return the configuration
         * @throws IllegalArgumentException if an option is out of range, naming it and its value
         */
        public RangeTestConfig build() {
            return buildConfig();
        }
    }

    /**
     * The sweep's options (learning rates, iterations, smoothing, divergence), shared by every
     * builder that runs a range test, {@link RangeTest}'s included. Values are copied into a {@link
     * RangeTestConfig} and checked when it is built.
     *
     * @param <T> the concrete builder
     */
    public abstract static class SweepBuilder<T extends SweepBuilder<T>> {

        private LrSweep.Shape shape = LrSweep.Shape.EXPONENTIAL;
        private double startLr = 1e-7;
        private double endLr = 10;
        private int numIterations = DEFAULT_ITERATIONS;
        private boolean numIterationsSet;
        private double smoothing = LossSmoother.DEFAULT_BETA;
        private double divergenceFactor = DivergenceRule.DEFAULT_FACTOR;

        /** Creates a builder with the defaults. */
        protected SweepBuilder() {}

        /**
         * Returns this builder as its concrete type.
         *
         * @return this
         */
        protected abstract T self();

        /**
         * Sets the learning rate of the first iteration (default 1e-7).
         *
         * @param startLr in [{@link #MIN_LR}, endLr)
         * @return this builder
         */
        public T optStartLr(double startLr) {
            this.startLr = startLr;
            return self();
        }

        /**
         * Sets the learning rate of the last iteration (default 10).
         *
         * @param endLr in (startLr, {@link #MAX_LR}]
         * @return this builder
         */
        public T optEndLr(double endLr) {
            this.endLr = endLr;
            return self();
        }

        /**
         * Sets the number of iterations (default 100; with a planned run, {@link
         * RangeTestConfig#plannedIterations as many as it has steps, from 100 to 400}).
         *
         * @param numIterations at least {@link LrSweep#MIN_ITERATIONS}
         * @return this builder
         */
        public T optNumIterations(int numIterations) {
            this.numIterations = numIterations;
            this.numIterationsSet = true;
            return self();
        }

        /**
         * Sets the shape of the sweep (default exponential).
         *
         * @param shape exponential or linear
         * @return this builder
         */
        public T optShape(LrSweep.Shape shape) {
            this.shape = shape;
            return self();
        }

        /**
         * Sets the smoothing factor of the loss (default 0.98, fast.ai's and Lightning's).
         *
         * @param smoothing beta in [0, 1)
         * @return this builder
         */
        public T optSmoothing(double smoothing) {
            this.smoothing = smoothing;
            return self();
        }

        /**
         * Sets the divergence factor (default 4): the test stops once the smoothed loss exceeds
         * this multiple of the best smoothed loss so far.
         *
         * @param divergenceFactor &gt; 1
         * @return this builder
         */
        public T optDivergenceFactor(double divergenceFactor) {
            this.divergenceFactor = divergenceFactor;
            return self();
        }

        /**
         * Copies every range-test option of another configuration into this builder.
         *
         * @param config the configuration to copy
         * @return this builder
         */
        public T optConfig(RangeTestConfig config) {
            LrSweep s = config.sweep();
            this.shape = s.shape();
            this.startLr = s.startLr();
            this.endLr = s.endLr();
            this.numIterations = s.numIterations();
            this.numIterationsSet = true;
            this.smoothing = config.smoothing();
            this.divergenceFactor = config.divergenceFactor();
            return self();
        }

        /**
         * Builds the immutable configuration from the options set so far.
         *
         * @return the configuration
         * @throws IllegalArgumentException if an option is out of range, naming it and its value
         */
        protected RangeTestConfig buildConfig() {
            return new RangeTestConfig(this);
        }
    }

    /**
     * The options of a range test and of its reading: the sweep's, plus the rule whose suggestion
     * the result returns or the planned run it is for. Shared by {@code LrFinder} and {@code
     * LrRangeTestListener}, whose results read the curve; {@link RangeTest} only records it.
     *
     * @param <T> the concrete builder
     */
    public abstract static class BaseBuilder<T extends BaseBuilder<T>> extends SweepBuilder<T> {

        private SuggestionRule rule = SuggestionRules.defaultRule();
        private boolean ruleSet;
        private long plannedSteps;
        private boolean plannedStepsSet;
        private long plannedBatchSize;
        private boolean plannedBatchSizeSet;

        /** Creates a builder with the defaults. */
        protected BaseBuilder() {}

        /**
         * Sets the rule whose suggestion the result returns (default {@link
         * SuggestionRules#defaultRule()}). A rule of your own must have a name of its own: one
         * under a built-in rule's name (e.g. {@code valley}) is refused at {@code build()}, see
         * {@link RangeTestConfig#checkRule}.
         *
         * @param rule the rule
         * @return this builder
         */
        public T optSuggestionRule(SuggestionRule rule) {
            this.rule = rule;
            this.ruleSet = true;
            return self();
        }

        /**
         * Sets the number of optimizer steps of the run the suggestion is for (epochs x steps per
         * epoch): the result then suggests the {@link SuggestionRules#plannedFor planned} rule's
         * learning rate ({@link PlannedRate}), which a short run raises and a long one lowers, and
         * the sweep runs {@link RangeTestConfig#plannedIterations as many iterations as the run has
         * steps, from 100 to 400} unless {@link #optNumIterations} says otherwise. Without a plan
         * the result suggests {@link SuggestionRules#defaultRule()}'s. A plan replaces {@link
         * #optSuggestionRule}: give one or the other.
         *
         * @param plannedSteps the steps, in [1, {@link Integer#MAX_VALUE}]
         * @return this builder
         */
        public T optPlannedSteps(long plannedSteps) {
            this.plannedSteps = plannedSteps;
            this.plannedStepsSet = true;
            return self();
        }

        /**
         * Sets the batch size of the planned run when it differs from the range test's (optional;
         * needs {@link #optPlannedSteps}).
         *
         * @param plannedBatchSize the batch size, in [1, {@link Integer#MAX_VALUE}]
         * @return this builder
         */
        public T optPlannedBatchSize(long plannedBatchSize) {
            this.plannedBatchSize = plannedBatchSize;
            this.plannedBatchSizeSet = true;
            return self();
        }

        /**
         * Copies every option of another configuration, the reading's included, into this builder.
         *
         * @param config the configuration to copy
         * @return this builder
         */
        @Override
        public T optConfig(RangeTestConfig config) {
            super.optConfig(config);
            this.rule = config.rule();
            this.ruleSet = config.plan == null && config.rule != SuggestionRules.defaultRule();
            this.plannedStepsSet = config.plan != null;
            this.plannedBatchSizeSet = config.plan != null && config.plan.batchSize().isPresent();
            if (config.plan != null) {
                this.plannedSteps = config.plan.steps();
                this.plannedBatchSize = config.plan.batchSize().orElse(0);
            }
            return self();
        }
    }
}
