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
 * #record(List)} (or {@link #record(Trainer, BatchData)}, or {@link #recordValidated(List,
 * double)}) with the batch's loss, which records the previous batch's loss; {@link #flush()}
 * records the last one. When the test stops, the original tracker is back, the stopped batch's
 * gradients are cleared, the result is computed (once) and the observers are told.
 */
final class RangeTestSession implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(RangeTestSession.class);

    private final RangeTestConfig base;

    /** The configuration of the latest test: the base one for the optimizer it drives. */
    private RangeTestConfig config;

    private final DrivenTracker tracker;
    private final TrackerOverride override;
    private final ObserverList observers;
    private final String owner;
    private final DeferredLoss deferred = new DeferredLoss();
    private RangeTest test;

    /** Whether {@link #begin} ran: a second call starts a new test. */
    private boolean begun;

    /** The result, computed once when the test stops; null while it runs. */
    private LrFinderResult stopped;

    /** Whether the queued training loss has a validation loss (recordValidated), and which. */
    private boolean pendingValidated;

    private double pendingValidation = Double.NaN;

    private Trainer trainer;
    private OptimizerSeen optimizer = OptimizerSeen.UNSEEN;

    /** The size of the first batch the test trained on, 0 before it. */
    private int batchSize;

    private int started;
    private long callsBefore;

    RangeTestSession(RangeTestConfig config, List<RangeTestObserver> observers, String owner) {
        this.base = config;
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
        if (begun) { // a second fit with the same listener: a new test
            close();
            stopped = null;
        }
        begun = true;
        this.trainer = trainer;
        started = 0;
        batchSize = 0;
        optimizer = OptimizerSeen.of(location == null ? null : location.optimizer());
        config = base.forFamily(optimizer.family());
        test = RangeTest.of(config);
        tracker.set((float) config.sweep().learningRate(0));
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
        return queued ? recordPoint(previous) : running();
    }

    /**
     * Notes the size of a batch the test trains on; the first one is the test's batch size, which a
     * planned suggestion scales from.
     */
    void batchSize(long size) {
        if (batchSize == 0 && size > 0 && size <= Integer.MAX_VALUE) {
            batchSize = (int) size;
        }
    }

    /** Evaluates and queues the loss of a batch; records the one before. */
    boolean record(Trainer trainer, BatchData batchData) {
        batchSize(batchData.getBatch().getSize());
        boolean queued = deferred.hasPending();
        double previous = deferred.swap(trainer, batchData);
        return queued ? recordPoint(previous) : running();
    }

    /**
     * Queues the training loss of the iteration just trained with the validation loss measured
     * after its update; records the iteration before. The validation loss drives the test, and a
     * NaN one is a divergence ({@link RangeTest#recordValidated}).
     */
    boolean recordValidated(List<NDArray> losses, double validationLoss) {
        boolean queued = deferred.hasPending();
        double previousValidation = pendingValidation;
        double previous = deferred.swap(losses);
        pendingValidated = true;
        pendingValidation = validationLoss;
        return queued ? recordPoint(previous, previousValidation, true) : running();
    }

    /** Records the queued loss now, waiting for it, if one is queued. */
    boolean flush() {
        if (!deferred.hasPending()) {
            return running();
        }
        return recordPoint(deferred.flush(), pendingValidation, pendingValidated);
    }

    private boolean recordPoint(double loss) {
        return recordPoint(loss, Double.NaN, false);
    }

    private boolean recordPoint(double loss, double validationLoss, boolean validated) {
        if (!running()) {
            return false;
        }
        RangeTestStatus status =
                validated ? test.recordValidated(loss, validationLoss) : test.record(loss);
        observers.iteration(test.lastPoint());
        if (status != RangeTestStatus.RUNNING) {
            stop();
            return false;
        }
        return true;
    }

    /**
     * Stops the test because the thread driving it was interrupted: the curve so far is kept, the
     * result says {@link RangeTestStatus#INTERRUPTED} and the observers are told.
     */
    void interrupt() {
        if (running()) {
            test.interrupt();
            stop();
        }
    }

    /**
     * The test has stopped: put the tracker back, drop the stopped batch's gradients, compute the
     * result (the only time the rules and the verdict run) and tell.
     */
    private void stop() {
        override.restore();
        deferred.close();
        if (trainer != null) {
            clearGradients(trainer);
        }
        stopped = new LrFinderResult(test, config, optimizer, batchSize);
        LrFinderResult result = stopped;
        if (result.status() != RangeTestStatus.INTERRUPTED && !result.verdict().confident()) {
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

    /**
     * Returns the result computed when the test stopped, or, while it runs, what it recorded so far
     * (a partial result, without suggestions).
     */
    LrFinderResult result() {
        return stopped != null ? stopped : new LrFinderResult(test, config, optimizer, batchSize);
    }

    /** Returns the last recorded point, or null. */
    CurvePoint lastPoint() {
        return test.lastPoint();
    }

    /** Returns the learning rate the tracker gives now. */
    float currentLearningRate() {
        return tracker.get();
    }

    /** Returns the sweep: the latest test's, once one began. */
    LrSweep sweep() {
        return config.sweep();
    }

    /** Puts the original tracker back and frees a queued loss; the test keeps its curve. */
    @Override
    public void close() {
        override.restore();
        deferred.close();
        pendingValidated = false;
        pendingValidation = Double.NaN;
    }
}
