package dev.lrfinder.core;

import java.util.Arrays;

/**
 * What a range-test curve shows once its lag and its noise are taken out: the level of the loss (a
 * centered running median of the raw losses, which does not lag as the smoothed loss does), the
 * noise of single batches around it, how far the level descends from the start of the sweep, and
 * the onset, where the level turns worse for good (Smith's "the loss stops improving or turns
 * worse", arXiv 1506.01186, section 3.3). The suggestion rule {@link SuggestionRules#onset()} and
 * the {@link CurveVerdict} read it.
 *
 * <p>Definitions, for a curve of {@code n} points whose first {@code f} raw losses are finite: the
 * half-width {@code h = max(2, round(f / 20))}; the level {@code m[i]} is the median of the raw
 * losses from {@code i - h} to {@code i + h}; the reading starts at {@code n / 10}, as the rules
 * do; the best point is the lowest level from there on; the noise {@code sigma} of a single batch's
 * loss comes from the second differences of the raw losses read, which a smooth trend hardly
 * touches ({@code 1.4826 * median|l[i+1] - 2 l[i] + l[i-1]| / sqrt(6)}); the level's tolerance
 * {@code tau} is four standard errors of a median of {@code 2h + 1} losses, {@code 4 * 1.25 * sigma
 * / sqrt(2h + 1)}; the descent is the median raw loss of the first {@code 2h + 1} points read minus
 * the best level; the onset is the point after the last one whose level lies within {@code tau} of
 * the best.
 *
 * @param from the first point read (a tenth of the curve)
 * @param finite the number of leading points with a finite raw loss
 * @param best the index of the lowest level
 * @param onset the index where the level turns worse for good (at most the last finite point)
 * @param startLevel the loss at the start of the reading
 * @param bestLevel the lowest level
 * @param noise the standard deviation of a single batch's loss around the level
 * @param tolerance how far above the best level a level still counts as the best
 * @param turnsWorse true if the level rises above the tolerance after the best point, or the curve
 *     ends in a non-finite loss
 */
public record CurveShape(
        int from,
        int finite,
        int best,
        int onset,
        double startLevel,
        double bestLevel,
        double noise,
        double tolerance,
        boolean turnsWorse) {

    /** Fewer finite points than this leave nothing to read. */
    public static final int MIN_POINTS = 10;

    /**
     * Reads a curve's shape.
     *
     * @param curve the curve
     * @return the shape, or null when the curve has fewer than {@link #MIN_POINTS} finite points
     *     after its first tenth
     */
    public static CurveShape of(LossCurve curve) {
        int n = curve.size();
        int f = 0;
        while (f < n && Double.isFinite(curve.get(f).loss())) {
            f++;
        }
        int from = n / 10;
        if (f - from < MIN_POINTS) {
            return null;
        }
        int h = Math.max(2, Math.round(f / 20f));
        double[] raw = new double[f];
        for (int i = 0; i < f; i++) {
            raw[i] = curve.get(i).loss();
        }
        double[] level = level(raw, h);
        int best = from;
        for (int i = from + 1; i < f; i++) {
            if (level[i] < level[best]) {
                best = i;
            }
        }
        double[] curvature = new double[f - from - 2];
        for (int i = from + 1; i < f - 1; i++) {
            curvature[i - from - 1] = Math.abs(raw[i + 1] - 2 * raw[i] + raw[i - 1]);
        }
        double noise = 1.4826 * median(curvature) / Math.sqrt(6);
        double tolerance = 5 * noise / Math.sqrt(2 * h + 1);
        double startLevel = median(Arrays.copyOfRange(raw, from, Math.min(f, from + 2 * h + 1)));
        int last = best;
        for (int k = best; k < f; k++) {
            if (level[k] <= level[best] + tolerance) {
                last = k;
            }
        }
        boolean turnsWorse = last < f - 1 || f < n;
        return new CurveShape(
                from,
                f,
                best,
                Math.min(last + 1, f - 1),
                startLevel,
                level[best],
                noise,
                tolerance,
                turnsWorse);
    }

    /**
     * Returns how far the level descends, from the start of the reading to the best point.
     *
     * @return the start level minus the best level
     */
    public double descent() {
        return startLevel - bestLevel;
    }

    /**
     * Tells whether the curve descends by more than its level's noise can explain: the descent
     * exceeds {@link #tolerance()}.
     *
     * @return true for a real descent
     */
    public boolean descends() {
        return descent() > tolerance;
    }

    /**
     * Returns the centered running median of the raw losses.
     *
     * @param raw the raw losses, all finite
     * @param h the half-width
     * @return the level at every point
     */
    static double[] level(double[] raw, int h) {
        double[] m = new double[raw.length];
        for (int i = 0; i < raw.length; i++) {
            m[i] =
                    median(
                            Arrays.copyOfRange(
                                    raw, Math.max(0, i - h), Math.min(raw.length, i + h + 1)));
        }
        return m;
    }

    static double median(double[] v) {
        if (v.length == 0) {
            return Double.NaN;
        }
        double[] s = v.clone();
        Arrays.sort(s);
        int k = s.length / 2;
        return s.length % 2 == 1 ? s[k] : (s[k - 1] + s[k]) / 2;
    }
}
