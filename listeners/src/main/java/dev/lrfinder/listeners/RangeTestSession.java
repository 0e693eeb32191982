package dev.lrfinder.listeners;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListener.BatchData;
import ai.djl.util.Pair;
import dev.lrfinder.core.CurvePoint;
import dev.lrfinder.core.LrSweep;
import dev.lrfinder.core.RangeTest;
import dev.lrfinder.core.RangeTestConfig;
import dev.lrfinder.core.RangeTestStatus;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One range test on one trainer: the engine under both {@link LrRangeTestListener} and {@link
 * LrFinder}, which are thin adapters over it. It owns the {@link RangeTest}, the tracker that
 * drives the optimizer's learning rate (installed in place of the optimizer's own), the observers
 * and the loss read one batch late.
 *
 * <p>Per iteration: {@link #nextLearningRate()} before the optimizer step, then {@link
 * #record(List)} (or {@link #record(Trainer, BatchData)}) with the batch's loss, which records the
 * previous batch's loss; {@link #flush()} records the last one. When the test stops, the original
 * tracker is back, the stopped batch's gradients are cleared and the observers are told.
 */
final class RangeTestSession implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(RangeTestSession.class);

    private final RangeTestConfig config;
    private final DrivenTracker tracker;
    private final TrackerOverride override;
    private final ObserverList observers;
    private final String owner;
    private final DeferredLoss deferred = new DeferredLoss();
    private RangeTest test;
    private Trainer trainer;
    private String optimizerName;
    private int started;
    private long callsBefore;

    RangeTestSession(RangeTestConfig config, List<RangeTestObserver> observers, String owner) {
        this.config = config;
        this.observers = new ObserverList(observers);
        this.owner = owner;
        this.test = RangeTest.of(config);
        this.tracker = new DrivenTracker((float) config.sweep().learningRate(0), owner);
        this.override = new TrackerOverride(tracker, owner);
    }

    /** Returns the tracker for explicit wiring. */
    DrivenTracker explicitTracker() {
        override.explicitTracker();
        return tracker;
    }

    /**
     * Starts a new test on a trainer: installs the tracker unless it is wired explicitly.
     *
     * @param trainer the trainer
     * @param location where the trainer keeps its optimizer, or null when out of reach
     */
    void begin(Trainer trainer, DjlInternals.Location location) {
        close();
        this.trainer = trainer;
        test = RangeTest.of(config);
        started = 0;
        tracker.set((float) config.sweep().learningRate(0));
        optimizerName = location == null ? null : location.optimizer().getClass().getSimpleName();
        override.install(trainer, location);
        callsBefore = tracker.calls();
        observers.start(config.sweep());
    }

    /** Tells whether the test runs and has an iteration left to hand out. */
    boolean wantsIteration() {
        return running() && started < config.sweep().numIterations();
    }

    /** Tells whether the test is still running. */
    boolean running() {
        return test.status() == RangeTestStatus.RUNNING;
    }

    /**
     * Sets the tracker to the learning rate of the next iteration and returns it.
     *
     * @throws IllegalStateException if the optimizer never asked the tracker for a learning rate
     */
    double nextLearningRate() {
        if (started > 0 && tracker.calls() == callsBefore) {
            override.restore();
            throw new IllegalStateException(
                    owner
                            + ": the optimizer never asked for a learning"
                            + " rate during "
                            + started
                            + " iteration(s), so the range test is not driving"
                            + " it. "
                            + DjlInternals.EXPLICIT_WIRING);
        }
        double lr = config.sweep().learningRate(started++);
        tracker.set((float) lr);
        return lr;
    }

    /** Queues the loss of the iteration just trained; records the one before. */
    boolean record(List<NDArray> losses) {
        boolean queued = deferred.hasPending();
        double previous = deferred.swap(losses);
        return queued ? recordPoint(previous, Double.NaN) : running();
    }

    /** Evaluates and queues the loss of a batch; records the one before. */
    boolean record(Trainer trainer, BatchData batchData) {
        boolean queued = deferred.hasPending();
        double previous = deferred.swap(trainer, batchData);
        return queued ? recordPoint(previous, Double.NaN) : running();
    }

    /** Records the queued loss now, waiting for it, if one is queued. */
    boolean flush() {
        return deferred.hasPending() ? recordPoint(deferred.flush(), Double.NaN) : running();
    }

    /** Records an iteration at once, with a validation loss. */
    boolean record(double loss, double validationLoss) {
        return recordPoint(loss, validationLoss);
    }

    private boolean recordPoint(double loss, double validationLoss) {
        if (!running()) {
            return false;
        }
        RangeTestStatus status = test.record(loss, validationLoss);
        observers.iteration(test.lastPoint());
        if (status != RangeTestStatus.RUNNING) {
            stop();
            return false;
        }
        return true;
    }

    /** The test has stopped: put the tracker back, drop the stopped batch's gradients, tell. */
    private void stop() {
        override.restore();
        deferred.close();
        if (trainer != null) {
            clearGradients(trainer);
        }
        LrFinderResult result = result();
        if (!result.verdict().confident()) {
            logger.warn(
                    "{}: the range-test curve does not support a confident suggestion ({});"
                            + " read the plot before using {}",
                    owner,
                    result.verdict().details(),
                    result.findSuggestion()
                            .map(x -> String.format("%.3g", x.learningRate()))
                            .orElse("any learning rate"));
        }
        observers.stop(result);
    }

    /**
     * Sets the gradients of the trainer's parameters to zero. PyTorch accumulates gradients and
     * clears them inside the optimizer update, so the batch the test stopped at, whose step never
     * comes, would add its gradient to the next batch's (MXNet overwrites them at each backward).
     * DJL's {@code GradientCollector.zeroGradients()} subtracts a gradient from itself, which
     * leaves a NaN or infinite gradient (the usual one after a divergence) as it is, so the
     * gradient is filled with zeros in place. Not with {@code copyTo}: on PyTorch that points the
     * tensor at a Java buffer owned by the temporary gradient handle, freed with it (a crash).
     */
    private static void clearGradients(Trainer trainer) {
        // the gradient handles, and the scalar the indexer makes on PyTorch, die with this scope
        try (NDManager scope = trainer.getManager().newSubManager()) {
            for (Pair<String, Parameter> p : trainer.getModel().getBlock().getParameters()) {
                Parameter param = p.getValue();
                if (param.isInitialized()
                        && param.requiresGradient()
                        && param.getArray().hasGradient()) {
                    NDArray gradient = param.getArray().getGradient();
                    gradient.attach(scope);
                    gradient.set(new NDIndex("..."), 0);
                }
            }
        }
    }

    /** Returns what the test recorded so far. */
    LrFinderResult result() {
        return new LrFinderResult(test, config.rule(), optimizerName);
    }

    /** Returns the last recorded point, or null. */
    CurvePoint lastPoint() {
        return test.lastPoint();
    }

    /** Returns the learning rate the tracker gives now. */
    float currentLearningRate() {
        return tracker.get();
    }

    /** Returns the sweep. */
    LrSweep sweep() {
        return config.sweep();
    }

    /** Puts the original tracker back and frees a queued loss; the test keeps its curve. */
    @Override
    public void close() {
        override.restore();
        deferred.close();
    }
}
