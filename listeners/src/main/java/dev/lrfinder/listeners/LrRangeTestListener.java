package dev.lrfinder.listeners;

import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.training.tracker.ParameterTracker;
import dev.lrfinder.core.CurvePoint;
import dev.lrfinder.core.LrSweep;
import dev.lrfinder.core.RangeTestConfig;
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
 * the listener steps aside: the same trainer can go on training with its own learning rate, on
 * every engine (the gradient of the batch the test stopped at, which PyTorch would otherwise add to
 * the next one, is cleared). The listener does not restore the model: training after the test
 * continues from the weights the test reached. {@link LrFinder} restores weights and optimizer
 * state.
 *
 * <p>One listener runs one test at a time, on the trainer it began with. Each trainer built from a
 * config that holds it runs a fresh test ({@link #result()} is the latest trainer's); batches of an
 * earlier trainer that is still open then fail with an {@link IllegalStateException}. A listener
 * added to the config after its trainer was built (DJL then calls {@code onTrainingBatch} but never
 * {@code onTrainingBegin}) starts its test at that trainer's first batch. Two lrfinder listeners
 * that would both drive one optimizer's learning rate (two range tests, or a range test and a
 * schedule) fail with an {@link IllegalStateException} that names both, and the optimizer gets its
 * own tracker back.
 */
public final class LrRangeTestListener extends TrainingListenerAdapter {

    private static final String NAME = "LrRangeTestListener";

    private final RangeTestSession session;
    private Trainer trainer;

    private LrRangeTestListener(RangeTestConfig config, List<RangeTestObserver> observers) {
        this.session = new RangeTestSession(config, observers, NAME);
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
        return session.explicitTracker();
    }

    /**
     * Returns what the test has recorded so far: the whole result once it stopped, a partial one
     * (without a suggestion) while it runs.
     *
     * @return the result
     */
    public LrFinderResult result() {
        return session.result();
    }

    /**
     * Returns the sweep this listener follows: the latest test's once one began. With a plan its
     * length depends on the optimizer the test drives ({@link RangeTestConfig#forFamily}).
     *
     * @return the sweep
     */
    public LrSweep sweep() {
        return session.sweep();
    }

    /**
     * Returns the learning rate of the current (last set) iteration.
     *
     * @return the learning rate the optimizer gets
     */
    public float currentLearningRate() {
        return session.currentLearningRate();
    }

    /**
     * Returns the last recorded iteration, without allocating (for per-batch metrics).
     *
     * @return the point, or null before the first iteration
     */
    public CurvePoint lastPoint() {
        return session.lastPoint();
    }

    /** {@inheritDoc} */
    @Override
    public void onTrainingBegin(Trainer trainer) {
        begin(trainer);
    }

    /** Starts a fresh test on a trainer; a test on an earlier trainer ends here. */
    private void begin(Trainer trainer) {
        this.trainer = trainer;
        session.begin(trainer, DjlInternals.locate(trainer).orElse(null));
    }

    /** {@inheritDoc} */
    @Override
    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
        if (trainer != this.trainer) {
            if (this.trainer != null) {
                throw new IllegalStateException(
                        NAME
                                + ": this trainer's range test was replaced by a newer trainer's,"
                                + " built from the same TrainingConfig while this one was open; one"
                                + " listener runs one test at a time. Close a trainer before"
                                + " building the next, or give each trainer its own listener.");
            }
            begin(trainer); // added to the config after the trainer was built: no onTrainingBegin
        }
        if (!session.running()) {
            return; // stopped once already: later training on this trainer runs untouched
        }
        // queue this batch's loss and record the previous one, which has finished computing
        if (!session.record(trainer, batchData)) {
            stop();
        }
        session.nextLearningRate(); // the rate this batch's update uses
    }

    /** {@inheritDoc} */
    @Override
    public void onEpoch(Trainer trainer) {
        if (session.running() && !session.flush()) {
            stop();
        }
    }

    /** {@inheritDoc} */
    @Override
    public void onTrainingEnd(Trainer trainer) {
        if (trainer == this.trainer) {
            session.close();
            this.trainer = null;
        }
    }

    private void stop() {
        session.close();
        throw new RangeTestStoppedException(session.result());
    }

    /**
     * Thrown from {@code onTrainingBatch} to stop training once the range test has all its
     * iterations or the loss diverged, as DJL's {@code EarlyStoppingListener} stops a fit. It
     * carries the whole result, curve included.
     */
    public static final class RangeTestStoppedException extends RuntimeException {

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

    /**
     * Configures an {@link LrRangeTestListener}; the range-test options are those of {@link
     * RangeTestConfig.BaseBuilder}.
     */
    public static final class Builder extends RangeTestConfig.BaseBuilder<Builder> {

        private final List<RangeTestObserver> observers = new ArrayList<>();

        Builder() {}

        /** {@inheritDoc} */
        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Adds an observer told about every iteration, e.g. lrfinder-metrics' {@code
         * RangeTestMetrics}.
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
            return new LrRangeTestListener(buildConfig(), observers);
        }
    }
}
