package dev.lrfinder.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Says whether a range-test curve supports a suggestion: a pure function of the curve. It reads the
 * curve's {@link CurveShape} and finds these reasons not to trust a suggestion, in this order:
 *
 * <ul>
 *   <li>{@code early-divergence}: the loss diverged within the first tenth of the sweep;
 *   <li>{@code too-short}: fewer than {@link CurveShape#MIN_POINTS} finite points after the first
 *       tenth;
 *   <li>{@code rises-from-start}: the lowest level lies in the first tenth of the points read, and
 *       the loss turns worse after it (the sweep starts at or above the useful range);
 *   <li>{@code no-clear-descent}: the level does not descend by more than its tolerance (noise
 *       larger than the descent), or by less than {@link #CLEAR_DESCENT} of the starting loss (a
 *       flat curve): a warm model, a model at a minimum, or data with nothing to learn look alike,
 *       and only the onset is left to read;
 *   <li>{@code no-onset}: the loss never turns worse, so the sweep ended too early;
 *   <li>{@code rules-disagree}: on a clear descent, {@code consensus} exceeds {@code onset} by more
 *       than {@link #MAX_DISAGREEMENT}, i.e. it lies beyond the onset, where the loss already turns
 *       worse (the descent's rules read the divergence; {@code guarded} then falls back to the
 *       onset).
 * </ul>
 *
 * <p>The two constants were measured on the scenario benchmark (docs/BENCHMARKS.md).
 */
public final class CurveVerdict {

    /** A clear descent takes at least this fraction of the loss at the start of the reading. */
    public static final double CLEAR_DESCENT = 1.0 / 3;

    /**
     * The largest ratio of {@code consensus} to {@code onset} on a trustworthy curve: 4, the
     * onset's divisor, so that {@code consensus} may reach the onset but not pass it.
     */
    public static final double MAX_DISAGREEMENT = OnsetRules.ONSET_DIVISOR;

    private CurveVerdict() {}

    /**
     * Judges a curve whose sweep had as many planned iterations as it has points.
     *
     * @param curve the curve
     * @return the verdict
     */
    public static Verdict assess(LossCurve curve) {
        return assess(curve, curve.size());
    }

    /**
     * Judges a curve.
     *
     * @param curve the curve
     * @param plannedIterations the number of iterations the sweep was planned to run
     * @return the verdict
     */
    public static Verdict assess(LossCurve curve, int plannedIterations) {
        List<Verdict.Reason> reasons = new ArrayList<>();
        List<String> details = new ArrayList<>();
        int n = curve.size();
        int finite = 0;
        while (finite < n && Double.isFinite(curve.get(finite).loss())) {
            finite++;
        }
        boolean stopped = finite < n || n < plannedIterations;
        if (stopped && finite <= plannedIterations / 10) {
            reasons.add(Verdict.Reason.EARLY_DIVERGENCE);
            details.add(
                    String.format(
                            "the loss diverged after %d of %d planned iterations, within"
                                    + " the first tenth of the sweep; start the sweep lower",
                            finite, plannedIterations));
        }
        CurveShape shape = CurveShape.of(curve);
        if (shape == null) {
            reasons.add(Verdict.Reason.TOO_SHORT);
            details.add(
                    String.format(
                            "only %d finite points, fewer than %d after the first tenth",
                            finite, CurveShape.MIN_POINTS));
            return new Verdict(reasons, details);
        }
        int read = shape.finite() - shape.from();
        if (shape.best() <= shape.from() + Math.max(2, read / 10) && shape.turnsWorse()) {
            reasons.add(Verdict.Reason.RISES_FROM_START);
            details.add(
                    String.format(
                            "the loss is lowest at lr %.3g, at the start of the reading,"
                                    + " and only rises after it",
                            curve.get(shape.best()).learningRate()));
        }
        if (!clearDescent(shape)) {
            reasons.add(Verdict.Reason.NO_CLEAR_DESCENT);
            details.add(
                    String.format(
                            "no clear descent: the loss falls by %.3g from %.3g, not"
                                    + " more than a third of it and than the %.3g its level's noise (%.3g per batch)"
                                    + " allows; the suggestion rests on the onset alone",
                            shape.descent(), shape.startLevel(), shape.tolerance(), shape.noise()));
        }
        if (!shape.turnsWorse() && !stopped) {
            reasons.add(Verdict.Reason.NO_ONSET);
            details.add(
                    String.format(
                            "the loss never turns worse up to lr %.3g: raise the end of"
                                    + " the sweep",
                            curve.get(n - 1).learningRate()));
        }
        if (reasons.isEmpty()) {
            Optional<Suggestion> c = SuggestionRules.consensus().suggest(curve);
            Optional<Suggestion> o = SuggestionRules.onset().suggest(curve);
            if (c.isPresent() && o.isPresent()) {
                double ratio = c.get().learningRate() / o.get().learningRate();
                if (ratio > MAX_DISAGREEMENT) {
                    reasons.add(Verdict.Reason.RULES_DISAGREE);
                    details.add(
                            String.format(
                                    "the rules disagree: consensus (%.3g) lies %.1f times"
                                            + " above onset (%.3g), beyond the lr %.3g where the loss turns worse",
                                    c.get().learningRate(),
                                    ratio,
                                    o.get().learningRate(),
                                    o.get().pointLearningRate()));
                }
            }
        }
        return new Verdict(reasons, details);
    }

    /**
     * Tells whether a curve descends clearly: by more than its level's tolerance (the descent is
     * not noise) and by more than {@link #CLEAR_DESCENT} of the starting loss (it is not flat).
     *
     * @param shape the curve's shape
     * @return true for a clear descent
     */
    public static boolean clearDescent(CurveShape shape) {
        return shape.descends() && shape.descent() > CLEAR_DESCENT * shape.startLevel();
    }
}
