package dev.lrfinder.listeners;

import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.training.tracker.ParameterTracker;
import dev.lrfinder.core.CurvePoint;
import dev.lrfinder.core.LrSweep;
import dev.lrfinder.core.RangeTest;
import dev.lrfinder.core.RangeTestStatus;
import dev.lrfinder.core.SuggestionRule;
import dev.lrfinder.core.SuggestionRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A {@code TrainingListener} that runs Leslie Smith's LR range test inside any {@code
 * EasyTrain.fit} loop: it sets the optimizer's learning rate of every iteration from a sweep,
 * records each batch's loss, and stops training by throwing {@link RangeTestStoppedException} once
 * it has its iterations or the loss diverges.
 *
 * <pre>{@code
 * LrRangeTestListener rangeTest = LrRangeTestListener.builder().optNumIterations(100).build();
 * config.addTrainingListeners(rangeTest);
 * try (Trainer trainer = model.newTrainer(config)) {
 *     trainer.initialize(inputShape);
 *     EasyTrain.fit(trainer, 10, trainingSet, null);
 * } catch (LrRangeTestListener.RangeTestStoppedException stop) {
 *     // finished or diverged: stop.result() has the curve
 * }
 * double lr = rangeTest.result().suggestion().learningRate();
 * }</pre>
 *
 * <p>Two wirings set the learning rate. Explicit: build the optimizer with {@link #tracker()}.
 * Automatic: attached to a trainer whose optimizer has any learning-rate tracker (Sgd, Nag, Adam,
 * AdamW, RmsProp, Adagrad), the listener installs its own tracker at {@code onTrainingBegin} and
 * puts the original back when the test stops and at {@code onTrainingEnd}. An optimizer it cannot
 * drive (Adadelta has no learning rate) fails at {@code onTrainingBegin} with an error that
 * explains the explicit wiring.
 *
 * <p>It reads each batch's loss one batch late ({@link DeferredLoss}), so that reading it does not
 * stall the engine: a divergence is seen one update after it happened. Once the test has stopped
 * the listener steps aside: the same trainer can go on training with its own learning rate. The
 * listener does not restore the model: training after the test continues from the weights the
 * test reached. {@link LrFinder} restores weights and optimizer state.
 */
public class LrRangeTestListener extends TrainingListenerAdapter {

    private static final String NAME = "LrRangeTestListener";

    private final RangeTest.Builder config;
    private final SuggestionRule rule;
    private final DrivenTracker tracker;
    private final ObserverList observers;
    private final TrackerOverride override;
    private RangeTest test;
    private CurvePoint lastPoint;
    private long callsBefore;
    private final DeferredLoss deferred = new DeferredLoss();
    private double pendingLr = Double.NaN;

    /**
     * Creates a listener from its builder.
     *
     * @param builder the builder
     */
    protected LrRangeTestListener(Builder builder) {
        this.config = builder.test;
        this.rule = builder.rule;
        this.observers = new ObserverList(builder.observers);
        this.test = config.build();
        this.tracker = new DrivenTracker((float) test.learningRate());
        this.override = new TrackerOverride(tracker, NAME);
    }

    /**
     * Returns a builder with the peers' defaults: an exponential sweep from 1e-7 to 10 in 100
     * iterations, smoothing 0.98, divergence at 4 x the best smoothed loss.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the tracker for explicit wiring: give it to the optimizer's builder, e.g. {@code
     * Optimizer.sgd().setLearningRateTracker(rangeTest.tracker())}.
     *
     * @return the tracker whose value this listener sets every iteration
     */
    public ParameterTracker tracker() {
        return override.explicitTracker();
    }

    /**
     * Returns what the test has recorded so far: the whole result once it stopped, a partial one
     * while it runs.
     *
     * @return the result
     */
    public LrFinderResult result() {
        return new LrFinderResult(test.curve(), test.status(), test.stopReason().orElse(null),
                test.divergedAt().orElse(null), rule);
    }

    /**
     * Returns the sweep this listener follows.
     *
     * @return the sweep
     */
    public LrSweep sweep() {
        return test.sweep();
    }

    /**
     * Returns the learning rate of the current (last set) iteration.
     *
     * @return the learning rate the optimizer gets
     */
    public float currentLearningRate() {
        return tracker.get();
    }

    /**
     * Returns the last recorded iteration, without allocating (for per-batch metrics).
     *
     * @return the point, or null before the first iteration
     */
    public CurvePoint lastPoint() {
        return lastPoint;
    }

    /** {@inheritDoc} */
    @Override
    public void onTrainingBegin(Trainer trainer) {
        begin(trainer);
    }

    /** {@inheritDoc} */
    @Override
    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
        if (test.status() != RangeTestStatus.RUNNING) {
            return; // stopped once already: later training on this trainer runs untouched
        }
        // queue this batch's loss and record the previous one, which has finished computing
        double previous = deferred.swap(trainer, batchData);
        recordPending(previous);
        pendingLr = nextLearningRate();
    }

    /** {@inheritDoc} */
    @Override
    public void onEpoch(Trainer trainer) {
        if (test.status() == RangeTestStatus.RUNNING) {
            recordPending(deferred.flush());
        }
    }

    /** {@inheritDoc} */
    @Override
    public void onTrainingEnd(Trainer trainer) {
        deferred.close();
        uninstall();
    }

    /** Records the iteration whose loss was queued, if any; throws once the test stops. */
    private void recordPending(double loss) {
        if (Double.isNaN(pendingLr)) {
            return;
        }
        double lr = pendingLr;
        pendingLr = Double.NaN;
        try {
            record(lr, loss, Double.NaN);
        } catch (RangeTestStoppedException stop) {
            deferred.close();
            throw stop;
        }
    }

    /** Starts a new test on a trainer and installs the tracker unless it is wired explicitly. */
    void begin(Trainer trainer) {
        uninstall();
        test = config.build();
        lastPoint = null;
        deferred.close();
        pendingLr = Double.NaN;
        tracker.set((float) test.learningRate());
        observers.start(test.sweep());
        callsBefore = tracker.calls();
        override.install(trainer);
    }

    /**
     * Sets the tracker to the learning rate of the iteration about to be trained and returns it.
     *
     * @return the learning rate of the current iteration
     * @throws RangeTestStoppedException if the test has already stopped
     */
    double nextLearningRate() {
        if (test.status() != RangeTestStatus.RUNNING) {
            throw new RangeTestStoppedException(result());
        }
        if (test.iteration() > 0 && tracker.calls() == callsBefore) {
            uninstall();
            throw new IllegalStateException(
                    NAME
                            + ": the optimizer never asked for a learning rate during "
                            + test.iteration()
                            + " iteration(s), so the range test is not driving it. "
                            + OptimizerAccess.EXPLICIT_WIRING);
        }
        double lr = test.learningRate();
        tracker.set((float) lr);
        return lr;
    }

    /**
     * Records one iteration; throws once the test stops, after putting the original tracker back.
     *
     * @param lr the learning rate of the iteration, as {@link #nextLearningRate()} returned it
     * @param loss the training loss
     * @param validationLoss the validation loss, or NaN
     * @throws RangeTestStoppedException when the test finished or diverged
     */
    void record(double lr, double loss, double validationLoss) {
        if (lr != test.learningRate()) {
            throw new IllegalStateException("iteration out of step: " + lr);
        }
        RangeTestStatus status = test.record(loss, validationLoss);
        lastPoint = test.lastPoint();
        observers.iteration(lastPoint);
        if (status != RangeTestStatus.RUNNING) {
            uninstall();
            LrFinderResult result = result();
            observers.stop(result);
            throw new RangeTestStoppedException(result);
        }
    }

    /** Puts the optimizer's original tracker back, if this listener installed its own. */
    void uninstall() {
        override.restore();
    }

    /**
     * Thrown from {@code onTrainingBatch} to stop training once the range test has all its
     * iterations or the loss diverged, as DJL's {@code EarlyStoppingListener} stops a fit. It
     * carries the whole result, curve included.
     */
    public static class RangeTestStoppedException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        private final transient LrFinderResult result;

        /**
         * Creates the exception.
         *
         * @param result the test's result
         */
        public RangeTestStoppedException(LrFinderResult result) {
            super("LR range test " + result.stopReason().orElse("stopped"));
            this.result = Objects.requireNonNull(result);
        }

        /**
         * Returns the test's result.
         *
         * @return the result, curve included
         */
        public LrFinderResult result() {
            return result;
        }

        /**
         * Tells whether the test stopped because the loss diverged.
         *
         * @return true on divergence, false when it finished its iterations
         */
        public boolean diverged() {
            return result.diverged();
        }
    }

    /** Configures an {@link LrRangeTestListener}. */
    public static class Builder {

        private final RangeTest.Builder test = RangeTest.builder();
        private SuggestionRule rule = SuggestionRules.defaultRule();
        private final List<RangeTestObserver> observers = new ArrayList<>();

        /** Creates a builder; use {@link LrRangeTestListener#builder()}. */
        protected Builder() {}

        /**
         * Sets the learning rate of the first iteration (default 1e-7).
         *
         * @param startLr &gt; 0
         * @return this builder
         */
        public Builder optStartLr(double startLr) {
            test.optStartLr(startLr);
            return this;
        }

        /**
         * Sets the learning rate of the last iteration (default 10).
         *
         * @param endLr &gt; startLr
         * @return this builder
         */
        public Builder optEndLr(double endLr) {
            test.optEndLr(endLr);
            return this;
        }

        /**
         * Sets the number of iterations (default 100).
         *
         * @param numIterations at least {@link LrSweep#MIN_ITERATIONS}
         * @return this builder
         */
        public Builder optNumIterations(int numIterations) {
            test.optNumIterations(numIterations);
            return this;
        }

        /**
         * Sets the shape of the sweep (default exponential).
         *
         * @param shape exponential or linear
         * @return this builder
         */
        public Builder optShape(LrSweep.Shape shape) {
            test.optShape(shape);
            return this;
        }

        /**
         * Sets the loss smoothing factor (default 0.98).
         *
         * @param smoothing beta in [0, 1)
         * @return this builder
         */
        public Builder optSmoothing(double smoothing) {
            test.optSmoothing(smoothing);
            return this;
        }

        /**
         * Sets the divergence factor (default 4).
         *
         * @param divergenceFactor &gt; 1
         * @return this builder
         */
        public Builder optDivergenceFactor(double divergenceFactor) {
            test.optDivergenceFactor(divergenceFactor);
            return this;
        }

        /**
         * Sets the rule whose suggestion {@link LrFinderResult#suggestion()} returns (default
         * {@link SuggestionRules#defaultRule()}).
         *
         * @param rule the rule
         * @return this builder
         */
        public Builder optSuggestionRule(SuggestionRule rule) {
            this.rule = Objects.requireNonNull(rule, "rule");
            return this;
        }

        /**
         * Adds an observer told about every iteration, e.g. lrfinder-metrics'
         * {@code RangeTestMetrics}.
         *
         * @param observer the observer
         * @return this builder
         */
        public Builder addObserver(RangeTestObserver observer) {
            observers.add(Objects.requireNonNull(observer, "observer"));
            return this;
        }

        /**
         * Builds the listener.
         *
         * @return the listener
         * @throws IllegalArgumentException if a parameter is out of range, naming it and its value
         */
        public LrRangeTestListener build() {
            test.validate();
            return new LrRangeTestListener(this);
        }
    }
}
