package dev.lrfinder.core;

import java.util.Arrays;
import java.util.Objects;

/**
 * Everything the suggestion rules and the verdict read off one range-test curve, computed once: the
 * window the rules read, the level of the loss, its noise, the descent and the onset.
 *
 * <pre>{@code
 * CurveAnalysis analysis = CurveAnalysis.of(curve);
 * Optional<Suggestion> lr = SuggestionRules.defaultRule().suggest(analysis);
 * Verdict verdict = CurveVerdict.assess(analysis, 100);
 * }</pre>
 *
 * <p><b>The window.</b> Like fast.ai, the rules that read the smoothed loss skip the first tenth of
 * the points (the loss is still settling) and the last points (at most five, a tenth of a short
 * curve), where the test is already diverging; the window also ends before the first point whose
 * smoothed loss is not finite (then only that point and the one before it are dropped).
 *
 * <p><b>The level.</b> The centered running median of the raw losses, which does not lag as the
 * smoothed loss does. For a curve of {@code n} points whose first {@code f} raw losses are finite:
 * the half-width is {@code h = max(2, round(f / 20))}; the level {@code m[i]} is the median of the
 * raw losses from {@code i - h} to {@code i + h}; its reading starts at {@code n / 10}, as the
 * window does; the noise {@code sigma} of a single batch's loss comes from the second differences
 * of the raw losses read, which a smooth trend hardly touches ({@code 1.4826 * median|l[i+1] - 2
 * l[i] + l[i-1]| / sqrt(6)}); the local noise {@code sigma[i]} is the same estimate over the {@code
 * 2h} second differences centered within {@code h + 1} points of {@code i} that leave out the three
 * holding {@code i}'s own loss (a spike must not widen its own yardstick); a spike is a point read
 * whose raw loss lies more than {@link #SPIKE} times the larger of {@code sigma} and {@code
 * sigma[i]} above its level (a batch that blew up, which the level's median then hides). The noise
 * of a batch's loss grows with the loss on some curves, so a batch is judged against the noise
 * around it, not only the curve's, which is measured mostly where the loss is low; the curve's
 * {@code sigma} is the floor, so that a median of a few quiet second differences does not make an
 * ordinary batch a spike. The level's tolerance {@code tau} is {@code 5 * sigma / sqrt(2h + 1)},
 * four standard errors of a median of {@code 2h + 1} losses. The first spike is the first one the
 * loss does not recover from: a spike after which the level falls more than {@code tau} below its
 * lowest value before the spike was a transient, not the limit of the rate (the catapult of a large
 * rate: the loss jumps, the curvature falls, training goes on lower; Lewkowycz et al. 2020, arXiv
 * 2003.02218), and the search goes on from that new low. The best point is the lowest level from
 * the start of the reading up to the first spike; the descent is the median raw loss of the first
 * {@code 2h + 1} points read minus the best level; the turn is the point after the last one whose
 * level lies within {@code tau} of the best: where the loss turns worse for good; the onset is the
 * turn, or the first spike if that comes sooner: where the loss turns worse for good or training
 * turns unstable (Smith's "the loss stops improving or turns worse", arXiv 1506.01186, section
 * 3.3). A rate held for a whole run must stay below the onset (a batch that blew up at a rate the
 * loss did not recover from will blow up again over thousands of steps at it); a schedule's peak,
 * passed through as the sweep passes its rates, only below the turn. The reach is where the loss
 * stops improving: where the trend, the level's running mean over the same {@code 2h + 1} points,
 * first comes within {@code tau} of its lowest value before the first spike, at the learning rate
 * interpolated in {@code log lr} between the two points the crossing lies between. The median moves
 * in steps of single batches' losses, so where the descent flattens out the level's first point
 * within {@code tau} jumps with one batch; the mean of the medians around it does not.
 *
 * <p>Each constant above is named, and its reason given, where it is defined.
 *
 * <p>The API is what a rule of your own reads: the window ({@link #windowStart()} to {@link
 * #windowEnd()}), each point's learning rate and smoothed loss, the slopes, whether the curve is
 * {@link #readable()}, the onset, whether it descends clearly, and {@link #suggestion}, the one way
 * to make a {@link Suggestion}. The level's internals (noise, tolerance, best point, descent) are
 * the verdict's: {@link CurveVerdict}'s details report them.
 *
 * <p>The raw loss read is the validation loss where the test measured one, the training loss
 * otherwise, as the smoothed loss is.
 */
public final class CurveAnalysis {

    /** The window rules need at least this many points. */
    public static final int MIN_WINDOW_POINTS = 3;

    /** The level needs at least this many finite points after the first tenth. */
    public static final int MIN_LEVEL_POINTS = 10;

    /**
     * A single batch's loss this many noise deviations (the curve's or the local one, whichever is
     * larger) above its level is a spike: the first one the level does not recover from, to a new
     * low, marks where training turns unstable.
     */
    public static final double SPIKE = 6;

    /** A clear descent takes at least this fraction of the loss at the start of the reading. */
    public static final double CLEAR_DESCENT = 1.0 / 3;

    /**
     * The level's half-width {@code h} is the number of finite points over this, so that the
     * median's window, {@code 2h + 1} points, spans about a tenth of the curve: wide enough to
     * follow the trend rather than a batch, narrow enough not to lag it.
     */
    private static final int HALF_WIDTH_DIVISOR = 20;

    /** The smallest half-width: a median of at least five losses. */
    private static final int MIN_HALF_WIDTH = 2;

    /**
     * {@code 1 / Phi^-1(3/4)}: the median absolute deviation of Gaussian values times this is their
     * standard deviation (the MAD, unlike the deviation, ignores the spikes it must find).
     */
    private static final double MAD_TO_SIGMA = 1.4826;

    /**
     * A second difference {@code l[i+1] - 2 l[i] + l[i-1]} of independent losses of deviation
     * {@code sigma} has deviation {@code sigma * sqrt(1 + 4 + 1)}: dividing by this gives one
     * batch's {@code sigma}, while a smooth trend adds next to nothing to a second difference.
     */
    private static final double SECOND_DIFFERENCE_SCALE = Math.sqrt(6);

    /**
     * The level's tolerance in units of {@code sigma / sqrt(2h + 1)}: the median of {@code m}
     * Gaussian values has a standard error of {@code sqrt(pi / 2) * sigma / sqrt(m)}, about {@code
     * 1.25 sigma / sqrt(m)}, so five of these units are four standard errors of the level.
     */
    private static final double TOLERANCE_SIGMAS = 5;

    private final LossCurve curve;
    private final int from;
    private final int windowEnd;
    private final int finite;
    private final boolean readable;
    private final double[] level;
    private final int best;
    private final int turn;
    private final int onset;
    private final int reach;
    private final double reachLearningRate;
    private final int spike;
    private final double startLevel;
    private final double noise;
    private final double tolerance;
    private final boolean turnsWorse;

    private CurveAnalysis(LossCurve curve) {
        this.curve = curve;
        int n = curve.size();
        this.from = n / 10;
        this.windowEnd = windowEnd(curve, from);
        double[] raw = leadingFiniteRaw(curve);
        this.finite = raw.length;
        this.readable = finite - from >= MIN_LEVEL_POINTS;
        if (!readable) {
            this.level = new double[0];
            this.best = -1;
            this.turn = -1;
            this.onset = -1;
            this.reach = -1;
            this.reachLearningRate = Double.NaN;
            this.spike = -1;
            this.startLevel = Double.NaN;
            this.noise = Double.NaN;
            this.tolerance = Double.NaN;
            this.turnsWorse = false;
            return;
        }
        int h = Math.max(MIN_HALF_WIDTH, Math.round(finite / (float) HALF_WIDTH_DIVISOR));
        this.level = runningMedian(raw, h);
        this.noise = MAD_TO_SIGMA * median(secondDifferences(raw, from)) / SECOND_DIFFERENCE_SCALE;
        // a curve without noise (a made-up one: its noise is rounding) has no spikes to tell apart
        boolean noisy = noise > 1e-9 * Math.abs(level[from]);
        this.tolerance = TOLERANCE_SIGMAS * noise / Math.sqrt(2 * h + 1);
        this.spike =
                noisy ? firstSpike(raw, level, localNoise(raw, h), noise, tolerance, from) : finite;
        this.best = argMin(level, from, Math.max(spike, from + 1));
        this.startLevel = median(Arrays.copyOfRange(raw, from, Math.min(finite, from + 2 * h + 1)));
        double[] trend = runningMean(level, h);
        double threshold = trend[argMin(trend, from, Math.max(spike, from + 1))] + tolerance;
        int first = from;
        while (trend[first] > threshold) {
            first++;
        }
        this.reach = first;
        this.reachLearningRate = crossing(first, trend, threshold);
        int last = best;
        for (int k = best; k < finite; k++) {
            if (level[k] <= level[best] + tolerance) {
                last = k;
            }
        }
        this.turnsWorse = last < finite - 1 || finite < n || spike < finite;
        this.turn = Math.min(last + 1, finite - 1);
        this.onset = Math.min(turn, spike);
    }

    /**
     * Analyses a curve.
     *
     * @param curve the curve
     * @return its analysis
     */
    public static CurveAnalysis of(LossCurve curve) {
        return new CurveAnalysis(Objects.requireNonNull(curve, "curve"));
    }

    /**
     * Returns the curve analysed.
     *
     * @return the curve
     */
    public LossCurve curve() {
        return curve;
    }

    /**
     * Returns the first index the rules read: a tenth of the curve.
     *
     * @return the window's first index
     */
    public int windowStart() {
        return from;
    }

    /**
     * Returns one past the last index of the window the smoothed-loss rules read.
     *
     * @return the window's end, at least {@link #windowStart()}
     */
    public int windowEnd() {
        return windowEnd;
    }

    /**
     * Returns the number of points inside the window.
     *
     * @return the window's size
     */
    public int windowSize() {
        return windowEnd - from;
    }

    /**
     * Tells whether the window has enough points for the smoothed-loss rules.
     *
     * @return true if it has at least {@link #MIN_WINDOW_POINTS} points
     */
    public boolean windowUsable() {
        return windowSize() >= MIN_WINDOW_POINTS;
    }

    /**
     * Returns the learning rate of a point.
     *
     * @param index the point's index in the curve
     * @return its learning rate
     */
    public double learningRate(int index) {
        return curve.get(index).learningRate();
    }

    /**
     * Returns the sweep's pace at a point: how many iterations it spends per decade of learning
     * rate there, from the step into the point (or out of it, at the first point). An exponential
     * sweep from 1e-7 to 10 in {@code n} iterations has {@code (n - 1) / 8} everywhere.
     *
     * @param index the point's index in the curve, in a curve of at least two points
     * @return iterations per decade, positive; infinite where the rate did not rise
     */
    double stepsPerDecade(int index) {
        int i = Math.max(1, index);
        double decades = Math.log10(learningRate(i) / learningRate(i - 1));
        return decades > 0 ? 1 / decades : Double.POSITIVE_INFINITY;
    }

    /**
     * Returns the smoothed loss of a point.
     *
     * @param index the point's index in the curve
     * @return its smoothed loss
     */
    public double smoothedLoss(int index) {
        return curve.get(index).smoothedLoss();
    }

    /**
     * Returns the derivative of the smoothed loss with respect to log10 of the learning rate at
     * every point of the window: central differences inside, one-sided at the two ends.
     *
     * @return a new array of {@link #windowSize()} slopes; entry {@code i} belongs to point {@code
     *     windowStart() + i}
     */
    public double[] slopesPerDecade() {
        int n = windowSize();
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = Math.log10(learningRate(from + i));
            y[i] = smoothedLoss(from + i);
        }
        return gradient(x, y);
    }

    /**
     * Tells whether the level could be read: at least {@link #MIN_LEVEL_POINTS} finite raw losses
     * after the first tenth. Every level accessor below needs it.
     *
     * @return true if the level, the noise, the descent and the onset exist
     */
    public boolean readable() {
        return readable;
    }

    /**
     * Returns the number of leading points with a finite raw loss.
     *
     * @return the count
     */
    int finitePoints() {
        return finite;
    }

    /**
     * Returns the level (running median of the raw loss) at a point.
     *
     * @param index the point's index, below {@link #finitePoints()}
     * @return the level
     * @throws IllegalStateException if the curve is not {@link #readable()}
     */
    double level(int index) {
        requireReadable();
        return level[index];
    }

    /**
     * Returns the index of the lowest level from the window's start up to the first spike.
     *
     * @return the best point's index
     * @throws IllegalStateException if the curve is not {@link #readable()}
     */
    int best() {
        requireReadable();
        return best;
    }

    /**
     * Returns the index where the level turns worse for good, or the first spike if that comes
     * sooner (at most the last finite point).
     *
     * @return the onset's index
     * @throws IllegalStateException if the curve is not {@link #readable()}
     */
    public int onset() {
        requireReadable();
        return onset;
    }

    /**
     * Returns the index after the last point whose level lies within its tolerance of the best:
     * where the loss turns worse for good, whatever single batches blew up before (at most the last
     * finite point, at least the onset).
     *
     * @return the turn's index
     * @throws IllegalStateException if the curve is not {@link #readable()}
     */
    int turn() {
        requireReadable();
        return turn;
    }

    /**
     * Returns the learning rate at the turn.
     *
     * @return the turn's learning rate
     * @throws IllegalStateException if the curve is not {@link #readable()}
     */
    double turnLearningRate() {
        return learningRate(turn());
    }

    /**
     * Returns the index where the trend (the level's running mean) first comes within the level's
     * tolerance of its lowest value before the first spike: where the loss stops improving (Smith's
     * maximum learning rate, read off a centered trend, which does not lag).
     *
     * @return the reach's index, before the first spike
     * @throws IllegalStateException if the curve is not {@link #readable()}
     */
    int reach() {
        requireReadable();
        return reach;
    }

    /**
     * Returns the learning rate where the loss stops improving: where the trend crosses its
     * tolerance above its lowest value, interpolated between {@link #reach()} and the point before
     * it.
     *
     * @return the reach's learning rate, from the one before {@link #reach()} to its own
     * @throws IllegalStateException if the curve is not {@link #readable()}
     */
    double reachLearningRate() {
        requireReadable();
        return reachLearningRate;
    }

    /**
     * Returns the learning rate at the onset.
     *
     * @return the onset's learning rate
     * @throws IllegalStateException if the curve is not {@link #readable()}
     */
    public double onsetLearningRate() {
        return learningRate(onset());
    }

    /**
     * Returns the loss at the start of the reading: the median raw loss of its first {@code 2h + 1}
     * points.
     *
     * @return the start level
     * @throws IllegalStateException if the curve is not {@link #readable()}
     */
    double startLevel() {
        requireReadable();
        return startLevel;
    }

    /**
     * Returns the lowest level.
     *
     * @return the best level
     * @throws IllegalStateException if the curve is not {@link #readable()}
     */
    double bestLevel() {
        return level(best());
    }

    /**
     * Returns the standard deviation of a single batch's loss around the level.
     *
     * @return the noise
     * @throws IllegalStateException if the curve is not {@link #readable()}
     */
    double noise() {
        requireReadable();
        return noise;
    }

    /**
     * Returns how far above the best level a level still counts as the best.
     *
     * @return the tolerance
     * @throws IllegalStateException if the curve is not {@link #readable()}
     */
    double tolerance() {
        requireReadable();
        return tolerance;
    }

    /**
     * Tells whether the level rises above its tolerance after the best point, a spike came, or the
     * curve ends in a non-finite loss.
     *
     * @return true if the loss turns worse for good
     */
    boolean turnsWorse() {
        return readable && turnsWorse;
    }

    /**
     * Returns how far the level descends, from the start of the reading to the best point.
     *
     * @return the start level minus the best level
     * @throws IllegalStateException if the curve is not {@link #readable()}
     */
    double descent() {
        return startLevel() - bestLevel();
    }

    /**
     * Tells whether the curve descends by more than its level's noise can explain: the descent
     * exceeds {@link #tolerance()}.
     *
     * @return true for a real descent; false on a curve that is not {@link #readable()}
     */
    boolean descends() {
        return readable && descent() > tolerance;
    }

    /**
     * Tells whether the curve descends clearly: by more than its level's tolerance (the descent is
     * not noise) and by more than {@link #CLEAR_DESCENT} of the starting loss (it is not flat).
     *
     * @return true for a clear descent; false on a curve that is not {@link #readable()}
     */
    public boolean clearDescent() {
        return descends() && descent() > CLEAR_DESCENT * startLevel;
    }

    /**
     * Tells whether a learning rate lies at or below the onset's, where the loss still improves.
     *
     * @param learningRate the learning rate
     * @return true if it is at most {@link #onsetLearningRate()}; false on a curve that is not
     *     {@link #readable()}
     */
    public boolean atOrBelowOnset(double learningRate) {
        return readable && learningRate <= onsetLearningRate();
    }

    /**
     * Returns the suggestion of a rule that picked a point: the one place a {@link Suggestion} is
     * built.
     *
     * @param rule the rule's name
     * @param index the point's index in the curve
     * @param learningRate the suggested learning rate (the point's, or derived from it)
     * @return the suggestion
     */
    public Suggestion suggestion(String rule, int index, double learningRate) {
        CurvePoint p = curve.get(index);
        return new Suggestion(rule, learningRate, index, p.learningRate(), p.smoothedLoss());
    }

    /**
     * Returns the index of the point whose learning rate lies closest to a given one, on a log
     * scale.
     *
     * @param learningRate a positive learning rate
     * @return the nearest point's index, or -1 on an empty curve
     */
    public int nearestIndex(double learningRate) {
        int nearest = -1;
        double distance = Double.POSITIVE_INFINITY;
        for (int i = 0; i < curve.size(); i++) {
            double d = Math.abs(Math.log(learningRate(i) / learningRate));
            if (d < distance) {
                distance = d;
                nearest = i;
            }
        }
        return nearest;
    }

    private void requireReadable() {
        if (!readable) {
            throw new IllegalStateException(
                    "the curve has "
                            + finite
                            + " finite points, fewer than "
                            + MIN_LEVEL_POINTS
                            + " after its first tenth: it has no level");
        }
    }

    /** The window's end: see the class comment. */
    private static int windowEnd(LossCurve curve, int from) {
        int n = curve.size();
        int finiteSmoothed = 0;
        while (finiteSmoothed < n && Double.isFinite(curve.get(finiteSmoothed).smoothedLoss())) {
            finiteSmoothed++;
        }
        int to = finiteSmoothed - Math.min(5, Math.max(1, n / 10));
        if (finiteSmoothed < n) {
            to = Math.max(to, finiteSmoothed - 1);
        }
        return Math.max(from, to);
    }

    /** The raw losses read (validation where measured) up to the first non-finite one. */
    private static double[] leadingFiniteRaw(LossCurve curve) {
        double[] raw = new double[curve.size()];
        int f = 0;
        while (f < raw.length) {
            CurvePoint p = curve.get(f);
            double loss = p.hasValidationLoss() ? p.validationLoss() : p.loss();
            if (!Double.isFinite(loss)) {
                break;
            }
            raw[f++] = loss;
        }
        return Arrays.copyOf(raw, f);
    }

    /**
     * Returns the first spike the loss does not recover from: the first point from {@code from}
     * whose raw loss lies more than {@link #SPIKE} times the larger of {@code noise} and its local
     * noise above its level, unless the level later falls more than {@code tolerance} below its
     * lowest value before that point; then the search goes on from that new low.
     *
     * @param raw the raw losses, all finite
     * @param level the level of the raw losses
     * @param local each point's local noise
     * @param noise the curve's noise, the floor of the local one
     * @param tolerance the level's tolerance
     * @param from the first point read
     * @return the first spike's index, or {@code raw.length} when there is none
     */
    private static int firstSpike(
            double[] raw,
            double[] level,
            double[] local,
            double noise,
            double tolerance,
            int from) {
        int spike = nextSpike(raw, level, local, noise, from);
        while (spike < raw.length) {
            double before = level[argMin(level, from, Math.max(spike, from + 1))];
            int low = spike + 1;
            while (low < raw.length && level[low] >= before - tolerance) {
                low++;
            }
            if (low == raw.length) {
                return spike;
            }
            spike = nextSpike(raw, level, local, noise, low);
        }
        return spike;
    }

    /**
     * Returns the first point from {@code from} whose raw loss lies more than {@link #SPIKE} times
     * the larger of {@code noise} and its local noise above its level.
     *
     * @param raw the raw losses, all finite
     * @param level the level of the raw losses
     * @param local each point's local noise
     * @param noise the curve's noise, the floor of the local one
     * @param from the first point to look at
     * @return the spike's index, or {@code raw.length} when there is none
     */
    private static int nextSpike(
            double[] raw, double[] level, double[] local, double noise, int from) {
        int i = from;
        while (i < raw.length && raw[i] <= level[i] + SPIKE * Math.max(noise, local[i])) {
            i++;
        }
        return i;
    }

    /**
     * Returns each point's local noise: the noise of a single batch's loss read, as {@code sigma}
     * is, from the {@code 2h} second differences centered within {@code h + 1} points of {@code i}
     * that leave out the three holding {@code i}'s own loss, so that a spike does not widen the
     * yardstick it is measured with.
     *
     * @param raw the raw losses, all finite, at least three
     * @param h the half-width
     * @return each point's local {@code sigma}
     */
    static double[] localNoise(double[] raw, int h) {
        int n = raw.length;
        double[] d = new double[n];
        for (int k = 1; k < n - 1; k++) {
            d[k] = Math.abs(raw[k + 1] - 2 * raw[k] + raw[k - 1]);
        }
        double[] noise = new double[n];
        double[] around = new double[2 * h + 2];
        for (int i = 0; i < n; i++) {
            int count = 0;
            for (int j = Math.max(1, i - h - 1); j <= Math.min(n - 2, i + h + 1); j++) {
                if (Math.abs(j - i) > 1) {
                    around[count++] = d[j];
                }
            }
            noise[i] =
                    count == 0
                            ? 0
                            : MAD_TO_SIGMA
                                    * median(Arrays.copyOf(around, count))
                                    / SECOND_DIFFERENCE_SCALE;
        }
        return noise;
    }

    private static double[] secondDifferences(double[] raw, int from) {
        int n = Math.max(0, raw.length - from - 2);
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            int k = from + 1 + i;
            d[i] = Math.abs(raw[k + 1] - 2 * raw[k] + raw[k - 1]);
        }
        return d;
    }

    /**
     * Returns the learning rate where a descending series crosses a threshold, interpolated in
     * {@code log lr} between the first point at or below it and the one before.
     */
    private double crossing(int first, double[] series, double threshold) {
        if (first == from) {
            return learningRate(first);
        }
        double above = series[first - 1];
        double t = (above - threshold) / (above - series[first]);
        double lo = Math.log(learningRate(first - 1));
        return Math.exp(lo + t * (Math.log(learningRate(first)) - lo));
    }

    private static int argMin(double[] v, int from, int to) {
        int best = from;
        for (int i = from + 1; i < to; i++) {
            if (v[i] < v[best]) {
                best = i;
            }
        }
        return best;
    }

    /**
     * Returns the centered running median.
     *
     * @param raw the values, all finite
     * @param h the half-width
     * @return the median of each value's neighbourhood of {@code 2h + 1} (fewer at the ends)
     */
    static double[] runningMedian(double[] raw, int h) {
        double[] m = new double[raw.length];
        for (int i = 0; i < raw.length; i++) {
            m[i] =
                    median(
                            Arrays.copyOfRange(
                                    raw, Math.max(0, i - h), Math.min(raw.length, i + h + 1)));
        }
        return m;
    }

    /**
     * Returns the centered running mean.
     *
     * @param v the values
     * @param h the half-width
     * @return the mean of each value's neighbourhood of {@code 2h + 1} (fewer at the ends)
     */
    static double[] runningMean(double[] v, int h) {
        double[] m = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            int lo = Math.max(0, i - h);
            int hi = Math.min(v.length, i + h + 1);
            double sum = 0;
            for (int k = lo; k < hi; k++) {
                sum += v[k];
            }
            m[i] = sum / (hi - lo);
        }
        return m;
    }

    /**
     * Returns the median.
     *
     * @param v the values
     * @return their median, NaN when there is none
     */
    static double median(double[] v) {
        if (v.length == 0) {
            return Double.NaN;
        }
        double[] s = v.clone();
        Arrays.sort(s);
        int k = s.length / 2;
        return s.length % 2 == 1 ? s[k] : (s[k - 1] + s[k]) / 2;
    }

    /**
     * Returns dy/dx by central differences inside and one-sided differences at the ends.
     *
     * @param x the abscissae, strictly increasing
     * @param y the ordinates
     * @return a new array of the same length
     */
    static double[] gradient(double[] x, double[] y) {
        int n = y.length;
        double[] g = new double[n];
        if (n < 2) {
            return g;
        }
        g[0] = (y[1] - y[0]) / (x[1] - x[0]);
        g[n - 1] = (y[n - 1] - y[n - 2]) / (x[n - 1] - x[n - 2]);
        for (int i = 1; i < n - 1; i++) {
            g[i] = (y[i + 1] - y[i - 1]) / (x[i + 1] - x[i - 1]);
        }
        return g;
    }
}
