package dev.lrfinder.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One LR range test, without any engine: it hands out the learning rate of each iteration, takes
 * the loss that iteration measured, smooths it, records it and decides when to stop.
 *
 * <pre>{@code
 * RangeTest test = RangeTest.builder().optNumIterations(100).build();
 * while (test.status() == RangeTestStatus.RUNNING) {
 *     double lr = test.learningRate();
 *     double loss = trainOneBatch(lr);
 *     test.record(loss);
 * }
 * LossCurve curve = test.curve();
 * }</pre>
 *
 * <p>Not thread-safe: one training loop drives it.
 */
public final class RangeTest {

    private final RangeTestConfig config;
    private final LrSweep sweep;
    private final LossSmoother smoother;
    private final DivergenceRule divergence;
    private final List<CurvePoint> points = new ArrayList<>();
    private RangeTestStatus status = RangeTestStatus.RUNNING;
    private String stopReason;

    private RangeTest(RangeTestConfig config) {
        this.config = config;
        this.sweep = config.sweep();
        this.smoother = new LossSmoother(config.smoothing());
        this.divergence = new DivergenceRule(config.divergenceFactor());
    }

    /**
     * Returns a new running test with the given settings.
     *
     * @param config the settings
     * @return the test
     */
    public static RangeTest of(RangeTestConfig config) {
        return new RangeTest(java.util.Objects.requireNonNull(config, "config"));
    }

    /**
     * Returns a builder with the peers' defaults: exponential sweep from 1e-7 to 10 in 100
     * iterations, smoothing 0.98, divergence factor 4.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the learning rate of the next iteration to record.
     *
     * @return the learning rate
     * @throws IllegalStateException if the test has stopped
     */
    public double learningRate() {
        requireRunning();
        return sweep.learningRate(points.size());
    }

    /**
     * Returns the index of the next iteration to record.
     *
     * @return the number of iterations recorded so far
     */
    public int iteration() {
        return points.size();
    }

    /**
     * Records the training loss of the current iteration.
     *
     * @param loss the loss of the batch trained at {@link #learningRate()}
     * @return the status after this iteration
     * @throws IllegalStateException if the test has stopped
     */
    public RangeTestStatus record(double loss) {
        return record(loss, Double.NaN);
    }

    /**
     * Records the current iteration with a validation loss, which the smoothing, the divergence
     * rule and the suggestion rules then use in place of the training loss.
     *
     * @param loss the training loss of the batch trained at {@link #learningRate()}
     * @param validationLoss the validation loss after the update, or NaN for none
     * @return the status after this iteration
     * @throws IllegalStateException if the test has stopped
     */
    public RangeTestStatus record(double loss, double validationLoss) {
        return record(loss, validationLoss, !Double.isNaN(validationLoss));
    }

    /**
     * Records the current iteration of a test that measures a validation loss: the validation loss
     * drives the smoothing, the divergence rule and the suggestion rules, and a NaN or infinite
     * validation loss is a divergence (where {@link #record(double, double)} would take a NaN for
     * "no validation loss" and fall back to the training loss).
     *
     * @param loss the training loss of the batch trained at {@link #learningRate()}
     * @param validationLoss the validation loss after the update
     * @return the status after this iteration
     * @throws IllegalStateException if the test has stopped
     */
    public RangeTestStatus recordValidated(double loss, double validationLoss) {
        return record(loss, validationLoss, true);
    }

    private RangeTestStatus record(double loss, double validationLoss, boolean validated) {
        double lr = learningRate();
        double signal = validated ? validationLoss : loss;
        double smoothed = smoother.add(signal);
        int iteration = points.size();
        points.add(new CurvePoint(iteration, lr, loss, smoothed, validationLoss));
        Optional<String> diverged;
        if (validated && !Double.isFinite(validationLoss)) {
            diverged =
                    Optional.of(
                            "validation loss is "
                                    + validationLoss
                                    + " (a NaN or infinite value in the validation set, or a"
                                    + " model that no longer gives a finite loss)");
        } else {
            diverged = divergence.check(signal, smoothed);
        }
        if (diverged.isEmpty() && !Double.isFinite(loss)) {
            diverged = Optional.of("training loss is " + loss);
        }
        if (diverged.isPresent()) {
            status = RangeTestStatus.DIVERGED;
            stopReason =
                    "diverged at iteration " + iteration + " (lr " + lr + "): " + diverged.get();
        } else if (points.size() == sweep.numIterations()) {
            status = RangeTestStatus.FINISHED;
            stopReason = "finished " + sweep.numIterations() + " iterations";
        }
        return status;
    }

    /**
     * Stops the test before its sweep ended, because the thread that drives it was interrupted. The
     * curve recorded so far is kept; no rule reads it.
     *
     * @return {@link RangeTestStatus#INTERRUPTED}
     * @throws IllegalStateException if the test has stopped
     */
    public RangeTestStatus interrupt() {
        requireRunning();
        status = RangeTestStatus.INTERRUPTED;
        stopReason = "interrupted after " + points.size() + " iteration(s)";
        return status;
    }

    /**
     * Returns the status.
     *
     * @return running, finished, diverged or interrupted
     */
    public RangeTestStatus status() {
        return status;
    }

    /**
     * Returns why the test stopped.
     *
     * @return the reason, or empty while running
     */
    public Optional<String> stopReason() {
        return Optional.ofNullable(stopReason);
    }

    /**
     * Returns the iteration at which the loss diverged.
     *
     * @return the iteration, or empty when it did not diverge
     */
    public Optional<Integer> divergedAt() {
        return status == RangeTestStatus.DIVERGED
                ? Optional.of(points.size() - 1)
                : Optional.empty();
    }

    /**
     * Returns the last recorded iteration.
     *
     * @return the point, or null before the first iteration
     */
    public CurvePoint lastPoint() {
        return points.isEmpty() ? null : points.get(points.size() - 1);
    }

    /**
     * Returns the curve recorded so far, including the iteration that diverged.
     *
     * @return a snapshot of the curve
     */
    public LossCurve curve() {
        return new LossCurve(points);
    }

    /**
     * Returns the settings.
     *
     * @return the configuration the test was built with
     */
    public RangeTestConfig config() {
        return config;
    }

    /**
     * Returns the sweep.
     *
     * @return the sweep
     */
    public LrSweep sweep() {
        return sweep;
    }

    private void requireRunning() {
        if (status != RangeTestStatus.RUNNING) {
            throw new IllegalStateException("the range test has stopped: " + stopReason);
        }
    }

    /** Configures a {@link RangeTest}; the options are those of {@link RangeTestConfig}. */
    public static final class Builder extends RangeTestConfig.SweepBuilder<Builder> {

        Builder() {}

        /** {@inheritDoc} */
        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Builds the test.
         *
         * @return a new running test
         * @throws IllegalArgumentException if a parameter is out of range, naming it and its value
         */
        public RangeTest build() {
            return new RangeTest(buildConfig());
        }
    }
}
