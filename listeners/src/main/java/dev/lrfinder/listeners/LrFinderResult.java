package dev.lrfinder.listeners;

import dev.lrfinder.core.CurveAnalysis;
import dev.lrfinder.core.CurveVerdict;
import dev.lrfinder.core.LossCurve;
import dev.lrfinder.core.LrSweep;
import dev.lrfinder.core.OptimizerFamily;
import dev.lrfinder.core.PlannedRate;
import dev.lrfinder.core.RangeTest;
import dev.lrfinder.core.RangeTestConfig;
import dev.lrfinder.core.RangeTestStatus;
import dev.lrfinder.core.Suggestion;
import dev.lrfinder.core.SuggestionRule;
import dev.lrfinder.core.SuggestionRules;
import dev.lrfinder.core.TrainingPlan;
import dev.lrfinder.core.Verdict;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a range test found: the recorded curve, how it ended, and the learning rate each rule reads
 * off it. {@link #suggestion()} is the one the configured rule (by default {@link
 * SuggestionRules#defaultRule()}) gives, or, when the test was given a planned run, the {@link
 * SuggestionRules#planned planned} rule's; {@link #suggestion(TrainingPlan)} answers for any plan.
 *
 * <pre>{@code
 * LrFinderResult result = LrFinder.builder().build().find(trainer, trainingSet);
 * double lr = result.suggestion(TrainingPlan.ofSteps(epochs * stepsPerEpoch)).learningRate();
 * }</pre>
 */
public final class LrFinderResult {

    private final LossCurve curve;
    private final LrSweep sweep;
    private final RangeTestStatus status;
    private final String stopReason;
    private final Integer divergedAt;
    private final SuggestionRule rule;
    private final OptimizerSeen optimizer;
    private final Verdict verdict;
    private final int batchSize;
    private final TrainingPlan plan;
    private final CurveAnalysis analysis;
    private final Map<String, Optional<Suggestion>> suggestions = new LinkedHashMap<>();

    LrFinderResult(RangeTest test, RangeTestConfig config, OptimizerSeen optimizer, int batchSize) {
        this(test, ruleFor(config, batchSize, optimizer), optimizer, batchSize, config.plan());
    }

    LrFinderResult(RangeTest test, SuggestionRule rule, OptimizerSeen optimizer, int batchSize) {
        this(test, RangeTestConfig.checkRule(rule), optimizer, batchSize, Optional.empty());
    }

    private LrFinderResult(
            RangeTest test,
            SuggestionRule rule,
            OptimizerSeen optimizer,
            int batchSize,
            Optional<TrainingPlan> plan) {
        this.plan = plan.orElse(null);
        this.curve = test.curve();
        this.sweep = test.sweep();
        this.status = test.status();
        this.stopReason = test.stopReason().orElse(null);
        this.divergedAt = test.divergedAt().orElse(null);
        this.rule = rule; // the user's checked where it came in; planned is built here
        this.optimizer = optimizer;
        this.batchSize = batchSize;
        this.analysis = CurveAnalysis.of(curve);
        for (SuggestionRule r : SuggestionRules.all()) {
            suggestions.put(r.name(), suggest(r));
        }
        if (!suggestions.containsKey(rule.name())) {
            suggestions.put(rule.name(), suggest(rule)); // planned, or a rule of the user's own
        }
        this.verdict =
                withPlan(
                        CurveVerdict.assess(analysis, test.sweep().numIterations()),
                        test.sweep().numIterations());
    }

    /**
     * The curve's verdict, with {@code plan-not-used} when a configured plan did not scale it and
     * {@code reach-uncertain} when the curve could not place the reach the planned rate reads.
     */
    private Verdict withPlan(Verdict curveVerdict, int iterations) {
        if (plan == null
                || status == RangeTestStatus.RUNNING
                || status == RangeTestStatus.INTERRUPTED) {
            return curveVerdict; // no rule reads a partial curve
        }
        Optional<PlannedRate> planned =
                PlannedRate.of(analysis, plan, batchSize, optimizer.family());
        if (planned.isEmpty()) {
            return curveVerdict;
        }
        PlannedRate p = planned.get();
        if (!p.branch().scaled()) {
            return curveVerdict.with(
                    Verdict.Reason.PLAN_NOT_USED,
                    "the plan was not used: " + p.branch().description());
        }
        return p.uncertainty(iterations)
                .map(detail -> curveVerdict.with(Verdict.Reason.REACH_UNCERTAIN, detail))
                .orElse(curveVerdict);
    }

    /** The configured rule, or the planned rule for the configured plan. */
    private static SuggestionRule ruleFor(
            RangeTestConfig config, int batchSize, OptimizerSeen optimizer) {
        return config.plan()
                .map(plan -> plannedRule(plan, batchSize, optimizer))
                .orElse(config.rule());
    }

    /** The planned rule: {@link PlannedRate}'s for the plan, the test's batch and the family. */
    private static SuggestionRule plannedRule(
            TrainingPlan plan, int batchSize, OptimizerSeen optimizer) {
        return SuggestionRules.rule(
                "planned",
                a ->
                        PlannedRate.of(a, plan, batchSize, optimizer.family())
                                .map(PlannedRate::suggestion));
    }

    /**
     * Returns the result of a range test driven by hand (see {@link RangeTest}'s usage block), or
     * of a curve read back from a file into a test.
     *
     * @param test the test, stopped or still running
     * @param rule the rule whose suggestion {@link #suggestion()} returns
     * @return the result
     * @throws IllegalArgumentException if {@code rule} is a rule of the user's own under a built-in
     *     rule's name ({@link RangeTestConfig#checkRule})
     */
    public static LrFinderResult of(RangeTest test, SuggestionRule rule) {
        return new LrFinderResult(test, rule, OptimizerSeen.UNSEEN, 0);
    }

    /** A test still running, or interrupted, has a partial curve, which no rule may read. */
    private Optional<Suggestion> suggest(SuggestionRule r) {
        return status == RangeTestStatus.RUNNING || status == RangeTestStatus.INTERRUPTED
                ? Optional.empty()
                : r.suggest(analysis);
    }

    /**
     * Returns the suggestion of the configured rule.
     *
     * @return the suggestion
     * @throws IllegalStateException if the curve gave none (too short, or diverged at once); the
     *     message says why
     */
    public Suggestion suggestion() {
        return findSuggestion().orElseThrow(this::noSuggestion);
    }

    private IllegalStateException noSuggestion() {
        return new IllegalStateException(
                "no learning rate to suggest: the range test recorded "
                        + curve.size()
                        + " point(s) and "
                        + (stopReason == null
                                ? "is still running (a fit that ended before the test did leaves a"
                                        + " partial curve)"
                                : stopReason));
    }

    /**
     * Returns the learning rate for a planned run: {@link PlannedRate}'s, for the plan's steps, its
     * batch size (the range test's when the plan names none) and the optimizer's family.
     *
     * @param plan the run the learning rate is for
     * @return the suggestion
     * @throws IllegalStateException if the curve gave none
     */
    public Suggestion suggestion(TrainingPlan plan) {
        return plannedRate(plan).suggestion();
    }

    /**
     * Returns the learning rate for a planned run with the branch that produced it: scaled by the
     * plan, or not (no clear descent, an optimizer the plan's model does not describe, no batch
     * size known), and why.
     *
     * @param plan the run the learning rate is for
     * @return the planned rate
     * @throws IllegalStateException if the curve gave no suggestion
     */
    public PlannedRate plannedRate(TrainingPlan plan) {
        java.util.Objects.requireNonNull(plan, "plan");
        if (status == RangeTestStatus.RUNNING || status == RangeTestStatus.INTERRUPTED) {
            throw noSuggestion();
        }
        return PlannedRate.of(analysis, plan, batchSize, optimizer.family())
                .orElseThrow(this::noSuggestion);
    }

    /**
     * Returns the run this result recommends for a plan: the optimizer, the listeners and why (see
     * {@link Recommendation}).
     *
     * @param plan the run: its steps and, when it differs from the test's, its batch
     * @return the recommendation
     * @throws IllegalStateException if the curve gave no suggestion
     */
    public Recommendation recommend(TrainingPlan plan) {
        return Recommendation.of(this, plan);
    }

    /**
     * Returns the optimizer this result's test drove, as the recommendation carries it over.
     *
     * @return what the test saw
     */
    OptimizerSeen optimizerSeen() {
        return optimizer;
    }

    /**
     * Returns the planned run the test was configured with ({@code optPlannedSteps}).
     *
     * @return the plan, or empty
     */
    public Optional<TrainingPlan> plan() {
        return Optional.ofNullable(plan);
    }

    /**
     * Returns the analysis every rule and the verdict read: the curve's window, level, noise,
     * descent, reach and onset.
     *
     * @return the analysis of {@link #curve()}
     */
    public CurveAnalysis analysis() {
        return analysis;
    }

    /**
     * Returns the batch size the range test trained at: the size of its first batch.
     *
     * @return the batch size, or empty for a result made by {@link #of} or before the first batch
     */
    public OptionalInt batchSize() {
        return batchSize == 0 ? OptionalInt.empty() : OptionalInt.of(batchSize);
    }

    /**
     * Returns the suggestion of the configured rule, if the curve gave one.
     *
     * @return the suggestion or empty
     */
    public Optional<Suggestion> findSuggestion() {
        return suggestions.get(rule.name());
    }

    /**
     * Returns every built-in rule's suggestion, by rule name, plus the configured rule's.
     *
     * @return an unmodifiable map from rule name to suggestion (empty where a rule gave none)
     */
    public Map<String, Optional<Suggestion>> suggestions() {
        return java.util.Collections.unmodifiableMap(suggestions);
    }

    /**
     * Returns the rule whose suggestion {@link #suggestion()} returns.
     *
     * @return the rule
     */
    public SuggestionRule rule() {
        return rule;
    }

    /**
     * Tells whether the curve supports a suggestion, and why not when it does not (no clear
     * descent, a loss that rises from the start, a divergence within the first tenth of the sweep,
     * rules that disagree beyond the onset, ...; see {@link CurveVerdict}). A suggestion from a
     * curve that is not confident is a guess: read the plot.
     *
     * @return the verdict
     */
    public Verdict verdict() {
        return verdict;
    }

    /**
     * Returns the simple class name of the optimizer the test drove, when the test could see it.
     *
     * @return e.g. {@code Sgd} or {@code Adam}, or empty
     */
    public Optional<String> optimizer() {
        return Optional.ofNullable(optimizer.name());
    }

    /**
     * Returns the family of the optimizer the test drove.
     *
     * @return the family; {@link OptimizerFamily#UNKNOWN} for a result made by {@link #of}
     */
    public OptimizerFamily optimizerFamily() {
        return optimizer.family();
    }

    /**
     * Returns the sweep the test ran: the configured one, or, where {@link LrFinder} swept again as
     * long as the plan, that one.
     *
     * @return the sweep
     */
    public LrSweep sweep() {
        return sweep;
    }

    /**
     * Returns the recorded curve, including the iteration that diverged.
     *
     * @return the curve
     */
    public LossCurve curve() {
        return curve;
    }

    /**
     * Returns how the test ended.
     *
     * @return finished, diverged, interrupted ({@link LrFinder} throws {@link
     *     LrFinder.RangeTestInterruptedException} with it), or running for a test still in
     *     progress; neither of the last two has a suggestion
     */
    public RangeTestStatus status() {
        return status;
    }

    /**
     * Tells whether the loss diverged.
     *
     * @return true if the test stopped on divergence
     */
    public boolean diverged() {
        return status == RangeTestStatus.DIVERGED;
    }

    /**
     * Returns the iteration at which the loss diverged.
     *
     * @return the iteration, or empty
     */
    public Optional<Integer> divergedAt() {
        return Optional.ofNullable(divergedAt);
    }

    /**
     * Returns why the test stopped.
     *
     * @return the reason, or empty while running
     */
    public Optional<String> stopReason() {
        return Optional.ofNullable(stopReason);
    }

    /**
     * Writes the loss-against-learning-rate plot as PNG.
     *
     * @param file the PNG file
     * @throws IOException if writing fails
     */
    public void writePlot(Path file) throws IOException {
        LossCurvePlot.write(this, file);
    }

    /**
     * Writes the curve as CSV.
     *
     * @param file the file
     * @throws IOException if writing fails
     */
    public void writeCsv(Path file) throws IOException {
        curve.writeCsv(file);
    }

    /**
     * Writes the curve as JSON.
     *
     * @param file the file
     * @throws IOException if writing fails
     */
    public void writeJson(Path file) throws IOException {
        curve.writeJson(file);
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return "LrFinderResult{"
                + status
                + ", points="
                + curve.size()
                + ", suggestion="
                + findSuggestion().map(Suggestion::toString).orElse("none")
                + (plan != null && findSuggestion().isPresent()
                        ? ", planned " + plannedRate(plan)
                        : "")
                + ", reason="
                + stopReason
                + ", "
                + verdict
                + '}';
    }
}
