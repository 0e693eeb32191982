package dev.lrfinder.core;

import dev.lrfinder.core.internal.Checks;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * The built-in suggestion rules and the combinators that build rules from rules. Every rule is a
 * function of one {@link CurveAnalysis}.
 *
 * <p>Rules that read one point: {@link #steepest()} (fast.ai v1's and Lightning's heuristic),
 * {@link #valley()} (fast.ai's default), {@link #minimum()} and {@link #slide()} (fast.ai's other
 * two), and {@link #onset()} (Smith's base rate). Composites: {@link #consensus()}, the {@link
 * #geometricMean} of steepest, valley and minimum, and {@link #guarded()}, the default: consensus
 * {@link #guard guarded} by the onset.
 *
 * <pre>{@code
 * CurveAnalysis analysis = CurveAnalysis.of(curve);
 * for (SuggestionRule rule : SuggestionRules.all()) {
 *     rule.suggest(analysis).ifPresent(System.out::println);
 * }
 * }</pre>
 */
public final class SuggestionRules {

    /**
     * Smith's base learning rate is a third to a quarter of the onset; the rules take a quarter.
     */
    public static final double ONSET_DIVISOR = 4;

    private static final SuggestionRule STEEPEST = rule("steepest", SuggestionRules::steepestOf);
    private static final SuggestionRule VALLEY = rule("valley", SuggestionRules::valleyOf);
    private static final SuggestionRule MINIMUM = rule("minimum", SuggestionRules::minimumOf);
    private static final SuggestionRule SLIDE = rule("slide", SuggestionRules::slideOf);
    private static final SuggestionRule ONSET = rule("onset", SuggestionRules::onsetOf);
    private static final SuggestionRule CONSENSUS =
            geometricMean("consensus", STEEPEST, VALLEY, MINIMUM);
    private static final SuggestionRule GUARDED =
            guard(
                    "guarded",
                    CONSENSUS,
                    ONSET,
                    (analysis, s) ->
                            analysis.clearDescent() && analysis.atOrBelowOnset(s.learningRate()));

    private SuggestionRules() {}

    /**
     * Returns the rule that picks the learning rate where the smoothed loss falls fastest: the most
     * negative derivative of the smoothed loss with respect to log10(lr). fast.ai v1's and
     * Lightning's heuristic (Smith reads the range of the descent, not its steepest point).
     *
     * @return the rule named {@code steepest}
     */
    public static SuggestionRule steepest() {
        return STEEPEST;
    }

    /**
     * Returns fast.ai's default: the longest stretch over which the smoothed loss keeps decreasing,
     * read about halfway through its middle third.
     *
     * @return the rule named {@code valley}
     */
    public static SuggestionRule valley() {
        return VALLEY;
    }

    /**
     * Returns the rule that divides the learning rate of the lowest smoothed loss by 10.
     *
     * @return the rule named {@code minimum}
     */
    public static SuggestionRule minimum() {
        return MINIMUM;
    }

    /**
     * Returns fast.ai's {@code slide}: from the end of the curve, walk left until the slopes at two
     * points 15 apart differ by less than 0.005 and take that learning rate.
     *
     * @return the rule named {@code slide}
     */
    public static SuggestionRule slide() {
        return SLIDE;
    }

    /**
     * Returns a quarter of the learning rate where the loss turns worse for good (the {@link
     * CurveAnalysis#onset() onset}): Smith's base learning rate, the one signal a flat curve still
     * has.
     *
     * @return the rule named {@code onset}
     */
    public static SuggestionRule onset() {
        return ONSET;
    }

    /**
     * Returns the {@link #geometricMean geometric mean} of the {@link #steepest()}, {@link
     * #valley()} and {@link #minimum()} suggestions. The three rules err in different directions:
     * {@code minimum} sits high for adaptive optimizers, {@code valley} low for momentum SGD,
     * {@code steepest} high for it; their geometric mean cancels part of each bias and has no
     * parameter of its own.
     *
     * @return the rule named {@code consensus}
     */
    public static SuggestionRule consensus() {
        return CONSENSUS;
    }

    /**
     * Returns {@link #consensus()} {@link #guard guarded} by {@link #onset()}: {@code consensus} on
     * a curve that descends clearly ({@link CurveAnalysis#clearDescent()}) when it lies at or below
     * the onset; a quarter of the onset otherwise. A flat curve, as a warm model gives, has nothing
     * else to read, and a suggestion beyond the onset lies where the loss already turns worse:
     * there the descent's rules read the divergence.
     *
     * @return the rule named {@code guarded}
     */
    public static SuggestionRule guarded() {
        return GUARDED;
    }

    /**
     * Returns the rule {@code LrFinder} uses unless told otherwise: {@link #guarded()}, which came
     * closest to a grid search's best learning rate over the fresh setups and the scenarios (warm
     * start, transfer, batch 16 and 1024, AdamW, batch norm) of docs/BENCHMARKS.md.
     *
     * @return the default rule
     */
    public static SuggestionRule defaultRule() {
        return GUARDED;
    }

    /**
     * Returns the rule for a planned phase of SGD training: {@link PlannedRate}'s rate for the
     * plan, read as if the optimizer were SGD or Nesterov.
     *
     * @param plan the phase: its steps and, when it differs from the range test's, its batch
     * @param testBatchSize the batch size the range test ran at, at least 1
     * @return the rule named {@code planned}
     * @throws IllegalArgumentException if {@code testBatchSize} is below 1
     */
    public static SuggestionRule planned(TrainingPlan plan, int testBatchSize) {
        return plannedFor(plan, testBatchSize, OptimizerFamily.SGD);
    }

    /**
     * Returns the rule for a planned phase of training with an optimizer of a given family: {@link
     * PlannedRate}'s rate (scaled by the plan for SGD and Nesterov, {@link #guarded()}'s
     * otherwise), named {@code planned}.
     *
     * @param plan the phase
     * @param testBatchSize the batch size the range test ran at, at least 1
     * @param family the optimizer's family
     * @return the rule named {@code planned}
     * @throws IllegalArgumentException if {@code testBatchSize} is below 1
     */
    public static SuggestionRule plannedFor(
            TrainingPlan plan, int testBatchSize, OptimizerFamily family) {
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(family, "family");
        Checks.atLeast("testBatchSize", testBatchSize, 1);
        return rule(
                "planned",
                a -> PlannedRate.of(a, plan, testBatchSize, family).map(PlannedRate::suggestion));
    }

    /**
     * Returns every built-in rule.
     *
     * @return steepest, valley, minimum, slide, consensus, onset and guarded
     */
    public static List<SuggestionRule> all() {
        return List.of(STEEPEST, VALLEY, MINIMUM, SLIDE, CONSENSUS, ONSET, GUARDED);
    }

    /**
     * Returns a built-in rule by name.
     *
     * @param name steepest, valley, minimum, slide, consensus, onset or guarded (any case)
     * @return the rule
     * @throws IllegalArgumentException if no rule has that name
     */
    public static SuggestionRule byName(String name) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return all().stream()
                .filter(r -> r.name().equals(key))
                .findFirst()
                .orElseThrow(
                        () ->
                                new IllegalArgumentException(
                                        "rule must be one of steepest, valley, minimum, slide,"
                                                + " consensus, onset, guarded, got "
                                                + name));
    }

    /**
     * Returns a rule from a name and a function of the analysis.
     *
     * @param name the rule's name
     * @param reading what the rule reads off an analysis
     * @return the rule
     */
    public static SuggestionRule rule(
            String name, Function<CurveAnalysis, Optional<Suggestion>> reading) {
        return new Named(Checks.name("name", name), Objects.requireNonNull(reading, "reading"));
    }

    /**
     * Returns a rule under another name: the same suggestions, named after the new rule.
     *
     * @param name the new name
     * @param rule the rule
     * @return the renamed rule
     */
    public static SuggestionRule renamed(String name, SuggestionRule rule) {
        Objects.requireNonNull(rule, "rule");
        return rule(
                name,
                a -> rule.suggest(a).map(s -> a.suggestion(name, s.index(), s.learningRate())));
    }

    /**
     * Returns the geometric mean of several rules' suggestions. It needs more than half of them to
     * give a suggestion (two of three; a learning rate that is not a finite number &gt; 0 counts as
     * none); it names the curve point nearest to the mean.
     *
     * @param name the composite's name
     * @param rules the rules, at least two
     * @return the composite rule
     * @throws IllegalArgumentException if fewer than two rules are given
     */
    public static SuggestionRule geometricMean(String name, SuggestionRule... rules) {
        List<SuggestionRule> parts = List.of(rules);
        if (parts.size() < 2) {
            throw new IllegalArgumentException(
                    "rules must hold at least two rules, got " + parts.size());
        }
        return rule(
                name,
                analysis -> {
                    List<Double> logs = new ArrayList<>();
                    for (SuggestionRule part : parts) {
                        part.suggest(analysis)
                                .filter(
                                        s ->
                                                s.learningRate() > 0
                                                        && Double.isFinite(s.learningRate()))
                                .ifPresent(s -> logs.add(Math.log(s.learningRate())));
                    }
                    if (2 * logs.size() <= parts.size()) {
                        return Optional.empty();
                    }
                    double lr =
                            Math.exp(
                                    logs.stream().mapToDouble(Double::doubleValue).sum()
                                            / logs.size());
                    return Optional.of(analysis.suggestion(name, analysis.nearestIndex(lr), lr));
                });
    }

    /**
     * Returns a primary rule guarded by a fallback: the primary's suggestion when there is one and
     * the condition accepts it, else the fallback's; the primary's when the fallback has none. The
     * suggestion keeps the chosen rule's point and takes the composite's name.
     *
     * @param name the composite's name
     * @param primary the rule to follow when the condition holds
     * @param fallback the rule to follow otherwise
     * @param accept the condition on the curve and the primary's suggestion
     * @return the composite rule
     */
    public static SuggestionRule guard(
            String name,
            SuggestionRule primary,
            SuggestionRule fallback,
            BiPredicate<CurveAnalysis, Suggestion> accept) {
        Objects.requireNonNull(primary, "primary");
        Objects.requireNonNull(fallback, "fallback");
        Objects.requireNonNull(accept, "accept");
        return rule(
                name,
                analysis -> {
                    Optional<Suggestion> first = primary.suggest(analysis);
                    Optional<Suggestion> chosen =
                            first.filter(s -> accept.test(analysis, s))
                                    .or(() -> fallback.suggest(analysis))
                                    .or(() -> first);
                    return chosen.map(s -> analysis.suggestion(name, s.index(), s.learningRate()));
                });
    }

    private static Optional<Suggestion> steepestOf(CurveAnalysis a) {
        if (!a.windowUsable()) {
            return Optional.empty();
        }
        double[] slope = a.slopesPerDecade();
        int best = 0;
        for (int i = 1; i < slope.length; i++) {
            if (slope[i] < slope[best]) {
                best = i;
            }
        }
        int index = a.windowStart() + best;
        return Optional.of(a.suggestion("steepest", index, a.learningRate(index)));
    }

    private static Optional<Suggestion> minimumOf(CurveAnalysis a) {
        if (!a.windowUsable()) {
            return Optional.empty();
        }
        int best = a.windowStart();
        for (int i = best + 1; i < a.windowEnd(); i++) {
            if (a.smoothedLoss(i) < a.smoothedLoss(best)) {
                best = i;
            }
        }
        return Optional.of(a.suggestion("minimum", best, a.learningRate(best) / 10));
    }

    private static Optional<Suggestion> valleyOf(CurveAnalysis a) {
        if (!a.windowUsable()) {
            return Optional.empty();
        }
        int from = a.windowStart();
        int n = a.windowSize();
        // runLength[i]: length of the longest strictly decreasing subsequence ending at i
        int[] runLength = new int[n];
        int bestEnd = 0;
        for (int i = 0; i < n; i++) {
            runLength[i] = 1;
            for (int j = 0; j < i; j++) {
                if (a.smoothedLoss(from + i) < a.smoothedLoss(from + j)
                        && runLength[j] + 1 > runLength[i]) {
                    runLength[i] = runLength[j] + 1;
                }
            }
            if (runLength[i] > runLength[bestEnd]) {
                bestEnd = i;
            }
        }
        int start = Math.max(0, bestEnd - runLength[bestEnd]);
        int third = (bestEnd - start) / 3;
        int pick = from + Math.min(n - 1, start + third + third / 2);
        return Optional.of(a.suggestion("valley", pick, a.learningRate(pick)));
    }

    private static final int SLIDE_DISTANCE = 15;
    private static final double SLIDE_THRESHOLD = 0.005;

    private static Optional<Suggestion> slideOf(CurveAnalysis a) {
        int n = a.windowSize();
        if (n <= SLIDE_DISTANCE) {
            return Optional.empty();
        }
        int from = a.windowStart();
        double[] index = new double[n];
        double[] loss = new double[n];
        for (int i = 0; i < n; i++) {
            index[i] = i;
            loss[i] = a.smoothedLoss(from + i);
        }
        double[] slope = CurveAnalysis.gradient(index, loss);
        int right = n - 1;
        int left = right - SLIDE_DISTANCE;
        int pick = left;
        while (left >= 0 && Math.abs(slope[right] - slope[left]) > SLIDE_THRESHOLD) {
            pick = left;
            right--;
            left--;
        }
        return Optional.of(a.suggestion("slide", from + pick, a.learningRate(from + pick)));
    }

    private static Optional<Suggestion> onsetOf(CurveAnalysis a) {
        if (!a.readable()) {
            return Optional.empty();
        }
        return Optional.of(a.suggestion("onset", a.onset(), a.onsetLearningRate() / ONSET_DIVISOR));
    }

    /** A rule made of a name and a reading. */
    private record Named(String name, Function<CurveAnalysis, Optional<Suggestion>> reading)
            implements SuggestionRule {

        @Override
        public Optional<Suggestion> suggest(CurveAnalysis analysis) {
            return reading.apply(Objects.requireNonNull(analysis, "analysis"));
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
