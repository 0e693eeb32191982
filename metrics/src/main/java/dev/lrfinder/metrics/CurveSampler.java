package dev.lrfinder.metrics;

/**
 * Picks which points of a range-test curve to export when the export is capped at {@code max}
 * points: the learning-rate span is cut into {@code max} cells evenly in log learning rate (in
 * learning rate for a linear sweep, whose points are evenly spaced that way), and the first point
 * to land in a cell is kept. The points arrive one by one, as a live test records them, so the
 * choice never needs the whole curve; at most {@code max} points are kept.
 *
 * <p>With no cap, or before the span is known (no {@link #span} call), every point is kept.
 */
final class CurveSampler {

    private final int max;
    private boolean log = true;
    private double lo = Double.NaN;
    private double hi = Double.NaN;
    private int lastCell = -1;

    /**
     * Creates a sampler.
     *
     * @param max the most points to keep, or 0 to keep every point
     */
    CurveSampler(int max) {
        if (max != 0 && max < 2) {
            throw new IllegalArgumentException(
                    "maxCurvePoints must be 0 (every point) or at least 2, got " + max);
        }
        this.max = max;
    }

    /**
     * Starts a new curve over a learning-rate span.
     *
     * @param fromLr the first learning rate of the sweep
     * @param toLr the last learning rate of the sweep
     * @param logScale true for cells even in log learning rate (exponential sweep), false for cells
     *     even in learning rate (linear sweep)
     */
    void span(double fromLr, double toLr, boolean logScale) {
        lastCell = -1;
        log = logScale;
        boolean valid =
                Double.isFinite(fromLr)
                        && Double.isFinite(toLr)
                        && fromLr != toLr
                        && (!logScale || fromLr > 0 && toLr > 0);
        lo = valid ? scale(Math.min(fromLr, toLr)) : Double.NaN;
        hi = valid ? scale(Math.max(fromLr, toLr)) : Double.NaN;
    }

    private double scale(double lr) {
        return log ? Math.log(lr) : lr;
    }

    /** Forgets the span and the points kept, for a new curve whose span is not known. */
    void reset() {
        span(Double.NaN, Double.NaN, true);
    }

    /**
     * Tells whether to export a point, and if so counts it as kept.
     *
     * @param learningRate the point's learning rate
     * @return true to export it
     */
    boolean keep(double learningRate) {
        if (max == 0 || Double.isNaN(lo)) {
            return true;
        }
        if (log && !(learningRate > 0)) {
            return false;
        }
        double position = (scale(learningRate) - lo) / (hi - lo);
        int cell = (int) Math.floor(Math.max(0, Math.min(1, position)) * (max - 1) + 0.5);
        if (cell <= lastCell) {
            return false;
        }
        lastCell = cell;
        return true;
    }

    /**
     * Returns the cap.
     *
     * @return the most points kept, 0 for every point
     */
    int max() {
        return max;
    }
}
