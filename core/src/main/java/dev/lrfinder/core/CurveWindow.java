package dev.lrfinder.core;

/**
 * The part of a curve the suggestion rules read. Like fast.ai, it drops the first tenth of the
 * points (the loss is still settling) and the last points (at most five, a tenth of a short curve),
 * where the test is already diverging; it also ends before the first point whose smoothed loss is
 * not finite.
 *
 * @param curve the whole curve
 * @param from the first index inside the window
 * @param to one past the last index inside the window
 */
public record CurveWindow(LossCurve curve, int from, int to) {

    /** Rules need at least this many points inside the window. */
    public static final int MIN_POINTS = 3;

    /**
     * Returns the window of a curve.
     *
     * @param curve the curve
     * @return the window, possibly with fewer than {@link #MIN_POINTS} points
     */
    public static CurveWindow of(LossCurve curve) {
        int n = curve.size();
        int finite = 0;
        while (finite < n && Double.isFinite(curve.get(finite).smoothedLoss())) {
            finite++;
        }
        int from = n / 10;
        int to = finite - Math.min(5, Math.max(1, n / 10));
        if (finite < n) {
            // the curve ended in a non-finite loss: drop that point and the one before it only
            to = Math.max(to, finite - 1);
        }
        return new CurveWindow(curve, from, Math.max(from, to));
    }

    /**
     * Returns the number of points inside the window.
     *
     * @return the size
     */
    public int size() {
        return to - from;
    }

    /**
     * Tells whether the window has enough points for a rule.
     *
     * @return true if at least {@link #MIN_POINTS} points
     */
    public boolean usable() {
        return size() >= MIN_POINTS;
    }

    /**
     * Returns the smoothed loss at a window position.
     *
     * @param i the position inside the window, from 0
     * @return the smoothed loss
     */
    public double loss(int i) {
        return curve.get(from + i).smoothedLoss();
    }

    /**
     * Returns the learning rate at a window position.
     *
     * @param i the position inside the window, from 0
     * @return the learning rate
     */
    public double lr(int i) {
        return curve.get(from + i).learningRate();
    }

    /**
     * Returns the suggestion that picks a window position.
     *
     * @param rule the rule name
     * @param i the position inside the window
     * @param learningRate the suggested learning rate
     * @return the suggestion
     */
    public Suggestion suggestion(String rule, int i, double learningRate) {
        CurvePoint p = curve.get(from + i);
        return new Suggestion(rule, learningRate, from + i, p.learningRate(), p.smoothedLoss());
    }

    /**
     * Returns the derivative of the smoothed loss with respect to log10 of the learning rate at
     * every window position: central differences inside, one-sided at the two ends.
     *
     * @return a new array of {@link #size()} slopes
     */
    public double[] slopesPerDecade() {
        int n = size();
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = Math.log10(lr(i));
            y[i] = loss(i);
        }
        return gradient(x, y);
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
