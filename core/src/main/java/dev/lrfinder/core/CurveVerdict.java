package dev.lrfinder.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Says whether a range-test curve supports a suggestion: a pure function of the curve's {@link
 * CurveAnalysis}. It finds these reasons not to trust a suggestion, and reports them in this order,
 * the order it checks them:
 *
 * <ul>
 *   <li>{@code early-divergence}: the loss diverged within the first tenth of the sweep;
 *   <li>{@code too-short}: fewer than {@link CurveAnalysis#MIN_LEVEL_POINTS} finite points after
 *       the first tenth;
 *   <li>{@code rises-from-start}: the lowest level lies in the first tenth of the points read, and
 *       the loss turns worse after it (the sweep starts at or above the useful range);
 *   <li>{@code no-clear-descent}: the level does not descend by more than its tolerance (noise
 *       larger than the descent), or by less than {@link CurveAnalysis#CLEAR_DESCENT} of the
 *       starting loss (a flat curve): a warm model, a model at a minimum, or data with nothing to
 *       learn look alike, and only the onset is left to read;
 *   <li>{@code no-onset}: the loss never turns worse, so the sweep ended too early;
 *   <li>{@code rules-disagree}: on a clear descent, {@code consensus} lies beyond the onset, where
 *       the loss already turns worse (the descent's rules read the divergence; {@code guarded} then
 *       falls back to the onset).
 * </ul>
 *
 * <pre>{@code
 * Verdict verdict = CurveVerdict.assess(CurveAnalysis.of(curve), 100);
 * if (!verdict.confident()) {
 *     System.out.println(verdict);
 * }
 * }</pre>
 *
 * <p>The clear-descent fraction was measured on the scenario benchmark (docs/BENCHMARKS.md).
 */
public final class CurveVerdict {

    private CurveVerdict() {}

    /**
     * Judges a curve whose sweep had as many planned iterations as it has points.
     *
     * @param curve the curve
     * @return the verdict
     */
    public static Verdict assess(LossCurve curve) {
        return assess(CurveAnalysis.of(curve), curve.size());
    }

    /**
     * Judges a curve.
     *
     * @param curve the curve
     * @param plannedIterations the number of iterations the sweep was planned to run
     * @return the verdict
     */
    public static Verdict assess(LossCurve curve, int plannedIterations) {
        return assess(CurveAnalysis.of(curve), plannedIterations);
    }

    /**
     * Judges an analysed curve.
     *
     * @param analysis the curve's analysis
     * @param plannedIterations the number of iterations the sweep was planned to run
     * @return the verdict
     */
    public static Verdict assess(CurveAnalysis analysis, int plannedIterations) {
        List<Verdict.Reason> reasons = new ArrayList<>();
        List<String> details = new ArrayList<>();
        LossCurve curve = analysis.curve();
        int n = curve.size();
        int finite = analysis.finitePoints();
        boolean stopped = finite < n || n < plannedIterations;
        if (stopped && finite <= plannedIterations / 10) {
            reasons.add(Verdict.Reason.EARLY_DIVERGENCE);
            details.add(
                    String.format(
                            "the loss diverged after %d of %d planned iterations, within"
                                    + " the first tenth of the sweep; start the sweep lower",
                            finite, plannedIterations));
        }
        if (!analysis.readable()) {
            reasons.add(Verdict.Reason.TOO_SHORT);
            details.add(
                    String.format(
                            "only %d finite points, fewer than %d after the first tenth",
                            finite, CurveAnalysis.MIN_LEVEL_POINTS));
            return new Verdict(reasons, details);
        }
        int read = finite - analysis.windowStart();
        if (analysis.best() <= analysis.windowStart() + Math.max(2, read / 10)
                && analysis.turnsWorse()) {
            reasons.add(Verdict.Reason.RISES_FROM_START);
            details.add(
                    String.format(
                            "the loss is lowest at lr %.3g, at the start of the reading,"
                                    + " and only rises after it",
                            analysis.learningRate(analysis.best())));
        }
        if (!analysis.clearDescent()) {
            reasons.add(Verdict.Reason.NO_CLEAR_DESCENT);
            details.add(noClearDescent(analysis));
        }
        if (!analysis.turnsWorse() && !stopped) {
            reasons.add(Verdict.Reason.NO_ONSET);
            details.add(
                    String.format(
                            "the loss never turns worse up to lr %.3g: raise the end of the sweep",
                            analysis.learningRate(n - 1)));
        }
        if (reasons.isEmpty()) {
            Optional<Suggestion> c = SuggestionRules.consensus().suggest(analysis);
            if (c.isPresent() && !analysis.atOrBelowOnset(c.get().learningRate())) {
                reasons.add(Verdict.Reason.RULES_DISAGREE);
                details.add(
                        String.format(
                                "the rules disagree: consensus (%.3g) lies beyond the lr %.3g"
                                        + " where the loss turns worse, %.1f times the onset"
                                        + " rule's suggestion (%.3g)",
                                c.get().learningRate(),
                                analysis.onsetLearningRate(),
                                c.get().learningRate()
                                        * SuggestionRules.ONSET_DIVISOR
                                        / analysis.onsetLearningRate(),
                                analysis.onsetLearningRate() / SuggestionRules.ONSET_DIVISOR));
            }
        }
        return new Verdict(reasons, details);
    }

    /**
     * Names the threshold, or the two, that the descent missed: flat, within the noise, or both.
     */
    private static String noClearDescent(CurveAnalysis analysis) {
        List<String> missed = new ArrayList<>(2);
        if (analysis.descent() <= CurveAnalysis.CLEAR_DESCENT * analysis.startLevel()) {
            missed.add("a third of it");
        }
        if (!analysis.descends()) {
            missed.add(
                    String.format(
                            "the %.3g its level's noise (%.3g per batch) allows",
                            analysis.tolerance(), analysis.noise()));
        }
        return String.format(
                "no clear descent: the loss falls by %.3g from %.3g, not more than %s; the"
                        + " suggestion rests on the onset alone",
                analysis.descent(), analysis.startLevel(), String.join(" and than ", missed));
    }
}
