package dev.lrfinder.core;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The built-in suggestion rules: {@link #steepest()}, {@link #valley()}, {@link #minimum()} and
 * {@link #slide()} (fast.ai's four rules, described in words in their documentation), and {@link
 * #defaultRule()}.
 */
public final class SuggestionRules {

    private static final SuggestionRule STEEPEST = new Steepest();
    private static final SuggestionRule VALLEY = new Valley();
    private static final SuggestionRule MINIMUM = new Minimum();
    private static final SuggestionRule SLIDE = new Slide();
    private static final SuggestionRule CONSENSUS = new Consensus();
    private static final SuggestionRule ONSET = new OnsetRules.Onset();
    private static final SuggestionRule GUARDED = new OnsetRules.Guarded(CONSENSUS, ONSET);

    private SuggestionRules() {}

    /**
     * Returns the rule that picks the learning rate where the smoothed loss falls fastest: the most
     * negative derivative of the smoothed loss with respect to log10(lr). Smith's own reading of
     * the range test.
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
     * Returns the geometric mean of the {@link #steepest()}, {@link #valley()} and {@link
     * #minimum()} suggestions (of those the curve gives, at least two). The three rules err in
     * different directions: {@code minimum} sits high for adaptive optimizers, {@code valley} low
     * for momentum SGD, {@code steepest} high for it; their geometric mean cancels part of each
     * bias and has no parameter of its own.
     *
     * @return the rule named {@code consensus}
     */
    public static SuggestionRule consensus() {
        return CONSENSUS;
    }

    /**
     * Returns a quarter of the learning rate where the loss turns worse for good (the onset of
     * {@link CurveShape}): Smith's base learning rate, the one signal a flat curve still has.
     *
     * @return the rule named {@code onset}
     */
    public static SuggestionRule onset() {
        return ONSET;
    }

    /**
     * Returns {@link #consensus()} guarded by {@link #onset()}: {@code consensus} on a curve that
     * descends clearly, unless it lies beyond the onset; a quarter of the onset otherwise (a flat
     * curve, as a warm model gives, has nothing else to read).
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

    private static final class Steepest implements SuggestionRule {

        @Override
        public String name() {
            return "steepest";
        }

        @Override
        public Optional<Suggestion> suggest(LossCurve curve) {
            CurveWindow w = CurveWindow.of(curve);
            if (!w.usable()) {
                return Optional.empty();
            }
            double[] slope = w.slopesPerDecade();
            int best = 0;
            for (int i = 1; i < slope.length; i++) {
                if (slope[i] < slope[best]) {
                    best = i;
                }
            }
            return Optional.of(w.suggestion(name(), best, w.lr(best)));
        }
    }

    private static final class Minimum implements SuggestionRule {

        @Override
        public String name() {
            return "minimum";
        }

        @Override
        public Optional<Suggestion> suggest(LossCurve curve) {
            CurveWindow w = CurveWindow.of(curve);
            if (!w.usable()) {
                return Optional.empty();
            }
            int best = 0;
            for (int i = 1; i < w.size(); i++) {
                if (w.loss(i) < w.loss(best)) {
                    best = i;
                }
            }
            return Optional.of(w.suggestion(name(), best, w.lr(best) / 10));
        }
    }

    private static final class Valley implements SuggestionRule {

        @Override
        public String name() {
            return "valley";
        }

        @Override
        public Optional<Suggestion> suggest(LossCurve curve) {
            CurveWindow w = CurveWindow.of(curve);
            if (!w.usable()) {
                return Optional.empty();
            }
            int n = w.size();
            // runLength[i]: length of the longest strictly decreasing subsequence ending at i
            int[] runLength = new int[n];
            int bestEnd = 0;
            for (int i = 0; i < n; i++) {
                runLength[i] = 1;
                for (int j = 0; j < i; j++) {
                    if (w.loss(i) < w.loss(j) && runLength[j] + 1 > runLength[i]) {
                        runLength[i] = runLength[j] + 1;
                    }
                }
                if (runLength[i] > runLength[bestEnd]) {
                    bestEnd = i;
                }
            }
            int start = Math.max(0, bestEnd - runLength[bestEnd]);
            int third = (bestEnd - start) / 3;
            int pick = Math.min(n - 1, start + third + third / 2);
            return Optional.of(w.suggestion(name(), pick, w.lr(pick)));
        }
    }

    private static final class Consensus implements SuggestionRule {

        @Override
        public String name() {
            return "consensus";
        }

        @Override
        public Optional<Suggestion> suggest(LossCurve curve) {
            double logSum = 0;
            int n = 0;
            for (SuggestionRule rule : List.of(STEEPEST, VALLEY, MINIMUM)) {
                Optional<Suggestion> s = rule.suggest(curve);
                if (s.isPresent()) {
                    logSum += Math.log(s.get().learningRate());
                    n++;
                }
            }
            if (n < 2) {
                return Optional.empty();
            }
            double lr = Math.exp(logSum / n);
            int nearest = 0;
            for (int i = 1; i < curve.size(); i++) {
                if (Math.abs(Math.log(curve.get(i).learningRate() / lr))
                        < Math.abs(Math.log(curve.get(nearest).learningRate() / lr))) {
                    nearest = i;
                }
            }
            CurvePoint p = curve.get(nearest);
            return Optional.of(
                    new Suggestion(name(), lr, nearest, p.learningRate(), p.smoothedLoss()));
        }
    }

    private static final class Slide implements SuggestionRule {

        private static final int DISTANCE = 15;
        private static final double THRESHOLD = 0.005;

        @Override
        public String name() {
            return "slide";
        }

        @Override
        public Optional<Suggestion> suggest(LossCurve curve) {
            CurveWindow w = CurveWindow.of(curve);
            if (w.size() <= DISTANCE) {
                return Optional.empty();
            }
            int n = w.size();
            double[] index = new double[n];
            double[] loss = new double[n];
            for (int i = 0; i < n; i++) {
                index[i] = i;
                loss[i] = w.loss(i);
            }
            double[] slope = CurveWindow.gradient(index, loss);
            int right = n - 1;
            int left = right - DISTANCE;
            int pick = left;
            while (left >= 0 && Math.abs(slope[right] - slope[left]) > THRESHOLD) {
                pick = left;
                right--;
                left--;
            }
            return Optional.of(w.suggestion(name(), pick, w.lr(pick)));
        }
    }
}
