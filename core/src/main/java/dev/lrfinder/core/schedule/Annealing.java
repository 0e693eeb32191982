package dev.lrfinder.core.schedule;

/** How a schedule moves between two values over a phase. */
public enum Annealing {
    /** Half a cosine wave: slow at both ends, fastest in the middle. */
    COSINE {
        @Override
        double between(double from, double to, double fraction) {
            return to + (from - to) / 2 * (1 + Math.cos(Math.PI * fraction));
        }
    },
    /** A straight line. */
    LINEAR {
        @Override
        double between(double from, double to, double fraction) {
            return from + (to - from) * fraction;
        }
    },
    /**
     * Along the square root of the fraction: fast at first, slower towards the end. As a cool-down
     * from {@code lr} to 0 it is {@code lr (1 - sqrt(progress))}, the shape Hägele et al. found
     * best for warmup-stable-decay (arXiv 2405.18392).
     */
    SQRT {
        @Override
        double between(double from, double to, double fraction) {
            return from + (to - from) * Math.sqrt(fraction);
        }
    };

    /**
     * Returns the value a fraction of the way from one value to another.
     *
     * @param from the value at fraction 0
     * @param to the value at fraction 1
     * @param fraction in [0, 1]
     * @return the interpolated value
     */
    public double interpolate(double from, double to, double fraction) {
        if (fraction <= 0) {
            return from;
        }
        return fraction >= 1 ? to : between(from, to, fraction);
    }

    abstract double between(double from, double to, double fraction);
}
