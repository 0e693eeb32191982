package dev.lrfinder.core;

import dev.lrfinder.core.internal.Checks;

/**
 * The learning rate of each iteration of a range test: it grows from {@code startLr} at iteration 0
 * to {@code endLr} at the last iteration, either geometrically ({@link #exponential}) or
 * arithmetically ({@link #linear}).
 */
public final class LrSweep {

    /** The smallest number of iterations a range test may ask for. */
    public static final int MIN_ITERATIONS = 10;

    /** The smallest learning rate a sweep may start at: below it a float learning rate is 0. */
    public static final double MIN_LR = Float.MIN_NORMAL;

    /** The largest learning rate a sweep may end at: above it a float learning rate is infinite. */
    public static final double MAX_LR = Float.MAX_VALUE;

    /** How the learning rate grows between the two ends of a sweep. */
    public enum Shape {
        /** Each iteration multiplies the learning rate by the same factor. */
        EXPONENTIAL,
        /** Each iteration adds the same amount to the learning rate. */
        LINEAR
    }

    private final Shape shape;
    private final double startLr;
    private final double endLr;
    private final int numIterations;

    private LrSweep(Shape shape, double startLr, double endLr, int numIterations) {
        if (shape == null) {
            throw new IllegalArgumentException("shape must not be null, got null");
        }
        Checks.positive("startLr", startLr);
        Checks.positive("endLr", endLr);
        if (startLr < MIN_LR) {
            throw new IllegalArgumentException(
                    "startLr must be >= "
                            + MIN_LR
                            + " (the smallest normal float, as optimizers take a float), got "
                            + startLr);
        }
        if (endLr > MAX_LR) {
            throw new IllegalArgumentException(
                    "endLr must be <= "
                            + MAX_LR
                            + " (the largest float, as optimizers take a float), got "
                            + endLr);
        }
        if (!(endLr > startLr)) {
            throw new IllegalArgumentException(
                    "endLr must be > startLr (" + startLr + "), got " + endLr);
        }
        Checks.atLeast("numIterations", numIterations, MIN_ITERATIONS);
        this.shape = shape;
        this.startLr = startLr;
        this.endLr = endLr;
        this.numIterations = numIterations;
    }

    /**
     * Returns a sweep whose learning rate grows by a constant factor each iteration.
     *
     * @param startLr the learning rate of iteration 0, at least {@link #MIN_LR}
     * @param endLr the learning rate of the last iteration, &gt; {@code startLr}, at most {@link
     *     #MAX_LR}
     * @param numIterations the number of iterations, at least {@link #MIN_ITERATIONS}
     * @return the sweep
     * @throws IllegalArgumentException if a parameter is out of range
     */
    public static LrSweep exponential(double startLr, double endLr, int numIterations) {
        return new LrSweep(Shape.EXPONENTIAL, startLr, endLr, numIterations);
    }

    /**
     * Returns a sweep whose learning rate grows by a constant amount each iteration.
     *
     * @param startLr the learning rate of iteration 0, at least {@link #MIN_LR}
     * @param endLr the learning rate of the last iteration, &gt; {@code startLr}, at most {@link
     *     #MAX_LR}
     * @param numIterations the number of iterations, at least {@link #MIN_ITERATIONS}
     * @return the sweep
     * @throws IllegalArgumentException if a parameter is out of range
     */
    public static LrSweep linear(double startLr, double endLr, int numIterations) {
        return new LrSweep(Shape.LINEAR, startLr, endLr, numIterations);
    }

    /**
     * Returns a sweep of the given shape.
     *
     * @param shape exponential or linear
     * @param startLr the learning rate of iteration 0, at least {@link #MIN_LR}
     * @param endLr the learning rate of the last iteration, &gt; {@code startLr}, at most {@link
     *     #MAX_LR}
     * @param numIterations the number of iterations, at least {@link #MIN_ITERATIONS}
     * @return the sweep
     * @throws IllegalArgumentException if a parameter is out of range or the shape is null
     */
    public static LrSweep of(Shape shape, double startLr, double endLr, int numIterations) {
        return new LrSweep(shape, startLr, endLr, numIterations);
    }

    /**
     * Returns the learning rate of an iteration.
     *
     * @param iteration the iteration, from 0 to {@code numIterations() - 1}
     * @return the learning rate
     * @throws IndexOutOfBoundsException if the iteration lies outside the sweep
     */
    public double learningRate(int iteration) {
        if (iteration < 0 || iteration >= numIterations) {
            throw new IndexOutOfBoundsException(
                    "iteration must be in [0, " + numIterations + "), got " + iteration);
        }
        if (iteration == numIterations - 1) {
            return endLr;
        }
        double t = (double) iteration / (numIterations - 1);
        return shape == Shape.EXPONENTIAL
                ? startLr * Math.pow(endLr / startLr, t)
                : startLr + (endLr - startLr) * t;
    }

    /**
     * Returns the shape of this sweep.
     *
     * @return the shape
     */
    public Shape shape() {
        return shape;
    }

    /**
     * Returns the learning rate of iteration 0.
     *
     * @return the start learning rate
     */
    public double startLr() {
        return startLr;
    }

    /**
     * Returns the learning rate of the last iteration.
     *
     * @return the end learning rate
     */
    public double endLr() {
        return endLr;
    }

    /**
     * Returns the number of iterations of this sweep.
     *
     * @return the number of iterations
     */
    public int numIterations() {
        return numIterations;
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return shape.name().toLowerCase()
                + " sweep "
                + startLr
                + " -> "
                + endLr
                + " in "
                + numIterations
                + " iterations";
    }
}
