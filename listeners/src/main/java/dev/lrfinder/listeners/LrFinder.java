package dev.lrfinder.listeners;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.translate.TranslateException;
import ai.djl.util.Pair;
import ai.djl.util.Progress;
import dev.lrfinder.core.CurvePoint;
import dev.lrfinder.core.RangeTestConfig;
import dev.lrfinder.core.RangeTestStatus;
import dev.lrfinder.core.Verdict;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an LR range test in one call, like fast.ai's {@code learn.lr_find()}, and returns the
 * suggested learning rate with the curve and a plot. Afterwards the model's parameters and the
 * optimizer's state are exactly what they were before the call.
 *
 * <pre>{@code
 * LrFinderResult result = LrFinder.builder().build().find(trainer, trainingSet);
 * double lr = result.suggestion().learningRate();
 * result.writePlot(Path.of("lr-find.png"));
 * }</pre>
 *
 * <p>{@code trainer} is an initialized trainer built from an ordinary {@code
 * DefaultTrainingConfig}; it needs no lrfinder listener. Because DJL fixes a trainer's listeners
 * when it is built, the finder drives the iterations itself: for each batch it runs forward and
 * backward as {@code EasyTrain.trainBatch} does, sets the learning rate through the optimizer's
 * tracker, and calls {@code trainer.step()}. The trainer's own listeners are not notified of these
 * iterations, so the test leaves no trace in their logs, metrics or checkpoints. When the dataset
 * has fewer batches than the test needs, the finder starts over from its first batch.
 *
 * <p>With a validation set, every iteration also evaluates the validation loss after its update and
 * the suggestion is read off the smoothed validation loss, as pytorch-lr-finder does. That costs
 * one forward pass over the validation set (or {@link Builder#optValidationBatches} batches of it)
 * per iteration: with 100 iterations and 10 validation batches the test does 1,000 extra forward
 * passes. A NaN validation loss (one NaN in the validation set is enough) is a divergence, whose
 * reason says so.
 *
 * <p>Given a plan ({@code optPlannedSteps}) and no {@code optNumIterations}, the sweep runs as many
 * iterations as the plan has steps, from 100 to 400 ({@link RangeTestConfig#plannedIterations}).
 * Where that was shorter than the plan and too short to place the rate (the verdict's {@code
 * reach-uncertain}: the loss lies within its noise of its lowest over more than a decade, as an L2
 * loss at a small batch does, or it descends within its noise by more than the noise of a sweep as
 * long as the plan), the finder restores the trainer and sweeps once more, as long as the plan
 * ({@link RangeTestConfig#forWholePlan()}, at most 5,000 iterations), and returns that test's
 * result; its observers see both tests.
 *
 * <p>Like {@link LrRangeTestListener}, the finder reads each batch's loss one batch late, so that
 * it never waits for the engine; after a divergence it has therefore trained one batch more, which
 * the restore undoes. The data iterators it opens are closed when it returns.
 *
 * <p>What it restores: every parameter, and every field of the optimizer but its learning-rate
 * tracker: primitives, and NDArrays held directly or in arrays, {@code List}s and {@code Map}s of
 * them, at any depth (so the state of an optimizer subclass is restored too). An optimizer that
 * keeps state in any other kind of object is refused before the test starts, with an error naming
 * its class and the field: the finder never restores half of the state. An interrupt of the calling
 * thread stops the test at the next iteration; the finder restores and throws {@link
 * RangeTestInterruptedException}, leaving the interrupt flag set.
 */
public final class LrFinder {

    private static final Logger logger = LoggerFactory.getLogger(LrFinder.class);

    private static final String NAME = "LrFinder";

    private final RangeTestConfig config;
    private final List<RangeTestObserver> observers;
    private final int validationBatches;
    private final Progress progress;

    private LrFinder(RangeTestConfig config, Builder builder) {
        this.config = config;
        this.observers = List.copyOf(builder.observers);
        this.validationBatches = builder.validationBatches;
        this.progress = builder.progress;
    }

    /**
     * Returns a builder with the peers' defaults: an exponential sweep from 1e-7 to 10 in 100
     * iterations, smoothing 0.98, divergence at 4 x the best smoothed loss, the default rule.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the range-test settings. With a plan and an optimizer its model does not describe
     * (schedule-free or unknown), a test runs {@code config().forFamily(family)}: the default
     * sweep's length ({@link RangeTestConfig#forFamily}).
     *
     * @return the configuration, fixed when the finder was built
     */
    public RangeTestConfig config() {
        return config;
    }

    /**
     * Runs the range test on a training set.
     *
     * @param trainer an initialized trainer
     * @param trainingSet the data to train on
     * @return the result
     * @throws IOException if the dataset cannot be read
     * @throws TranslateException if a batch cannot be prepared
     * @throws IllegalArgumentException if the dataset has no batch
     * @throws IllegalStateException if the trainer is not initialized, its optimizer is out of
     *     reach, or it keeps state the finder could not restore (naming the class and field)
     * @throws RangeTestInterruptedException if the thread was interrupted during the test (the
     *     model and the optimizer are restored, the interrupt flag stays set)
     */
    public LrFinderResult find(Trainer trainer, Dataset trainingSet)
            throws IOException, TranslateException {
        return find(trainer, trainingSet, null);
    }

    /**
     * Runs the range test on a training set and reads the suggestion off the validation loss.
     *
     * @param trainer an initialized trainer
     * @param trainingSet the data to train on
     * @param validationSet the data to measure the loss on after each update, or null for none
     * @return the result
     * @throws IOException if a dataset cannot be read
     * @throws TranslateException if a batch cannot be prepared
     * @throws IllegalArgumentException if a dataset has no batch
     * @throws IllegalStateException if the trainer is not initialized, its optimizer is out of
     *     reach, or it keeps state the finder could not restore (naming the class and field)
     * @throws RangeTestInterruptedException if the thread was interrupted during the test (the
     *     model and the optimizer are restored, the interrupt flag stays set)
     */
    public LrFinderResult find(Trainer trainer, Dataset trainingSet, Dataset validationSet)
            throws IOException, TranslateException {
        requireInitialized(trainer);
        DjlInternals.Location location = DjlInternals.requireOptimizer(trainer, NAME);
        LrFinderResult result;
        // refuses, before anything runs, optimizer state it could not put back
        try (TrainingStateSnapshot snapshot = new TrainingStateSnapshot(trainer, location)) {
            result = test(config, trainer, location, trainingSet, validationSet, snapshot);
            int uncertain = result.verdict().reasons().indexOf(Verdict.Reason.REACH_UNCERTAIN);
            Optional<RangeTestConfig> longer =
                    result.status() != RangeTestStatus.INTERRUPTED && uncertain >= 0
                            ? config.forWholePlan()
                            : Optional.empty();
            if (longer.isPresent()) {
                logger.info(
                        "{}: sweeping again, {} iterations, as long as the plan: {}",
                        NAME,
                        longer.get().sweep().numIterations(),
                        result.verdict().details().get(uncertain));
                result =
                        test(longer.get(), trainer, location, trainingSet, validationSet, snapshot);
            }
        }
        if (result.status() == RangeTestStatus.INTERRUPTED) {
            throw new RangeTestInterruptedException(result);
        }
        return result;
    }

    /** Runs one range test with a configuration, then restores the trainer. */
    private LrFinderResult test(
            RangeTestConfig testConfig,
            Trainer trainer,
            DjlInternals.Location location,
            Dataset trainingSet,
            Dataset validationSet,
            TrainingStateSnapshot snapshot)
            throws IOException, TranslateException {
        try (RangeTestSession session = new RangeTestSession(testConfig, observers, NAME);
                NDManager dataManager = trainer.getManager().newSubManager()) {
            session.begin(trainer, location);
            startProgress(session.sweep().numIterations());
            run(trainer, session, trainingSet, validationSet, dataManager);
            return session.result();
        } finally {
            endProgress();
            snapshot.restore();
        }
    }

    /** DJL initializes a block lazily on its first forward, which would escape the snapshot. */
    private static void requireInitialized(Trainer trainer) {
        for (Pair<String, Parameter> p : trainer.getModel().getBlock().getParameters()) {
            if (!p.getValue().isInitialized()) {
                throw new IllegalStateException(
                        "LrFinder needs an initialized trainer: call"
                                + " trainer.initialize(inputShape) before find(...); parameter "
                                + p.getKey()
                                + " is not initialized, so its value could not be restored");
            }
        }
    }

    /**
     * Trains the test's iterations, cycling over the training set; stops early when the test stops
     * (finished or diverged) or the thread is interrupted (its flag is left set).
     */
    private void run(
            Trainer trainer,
            RangeTestSession session,
            Dataset trainingSet,
            Dataset validationSet,
            NDManager dataManager)
            throws IOException, TranslateException {
        Iterator<Batch> batches = batches(trainer, trainingSet, dataManager);
        if (!batches.hasNext()) {
            throw new IllegalArgumentException("trainingSet has no batch: the dataset is empty");
        }
        // one loss per device split, reused every iteration
        List<NDArray> losses = new ArrayList<>(trainer.getDevices().length);
        for (int i = 1; session.wantsIteration(); i++) {
            if (Thread.currentThread().isInterrupted()) {
                session.interrupt();
                return;
            }
            if (!batches.hasNext()) {
                batches = batches(trainer, trainingSet, dataManager); // cycle over the data
            }
            double lr = session.nextLearningRate();
            try (Batch batch = batches.next()) {
                session.batchSize(batch.getSize());
                trainBatch(trainer, batch, losses);
                trainer.step();
            }
            // both record the previous iteration, whose loss has finished computing
            if (validationSet == null) {
                session.record(losses);
            } else {
                session.recordValidated(
                        losses, validationLoss(trainer, validationSet, dataManager));
            }
            reportProgress(i, lr, session.lastPoint());
        }
        session.flush();
    }

    private void startProgress(int iterations) {
        if (progress != null) {
            progress.reset("lr-find", iterations);
        }
    }

    private void reportProgress(int iteration, double lr, CurvePoint last) {
        if (progress != null) {
            double loss = last == null ? Double.NaN : last.loss();
            progress.update(iteration, String.format("lr %.3g, loss %.4f", lr, loss));
        }
    }

    private void endProgress() {
        if (progress != null) {
            progress.end();
        }
    }

    private static Iterator<Batch> batches(Trainer trainer, Dataset dataset, NDManager manager)
            throws IOException, TranslateException {
        Optional<ExecutorService> executor = trainer.getExecutorService();
        Iterable<Batch> data =
                executor.isPresent()
                        ? dataset.getData(manager, executor.get())
                        : dataset.getData(manager);
        return data.iterator();
    }

    /**
     * Forward and backward over a batch split across the trainer's devices, into {@code losses}.
     */
    private static void trainBatch(Trainer trainer, Batch batch, List<NDArray> losses) {
        Batch[] splits = batch.split(trainer.getDevices(), false);
        losses.clear();
        try (GradientCollector collector = trainer.newGradientCollector()) {
            for (Batch split : splits) {
                NDList labels = split.getLabels();
                NDList predictions = trainer.forward(split.getData(), labels);
                NDArray loss = trainer.getLoss().evaluate(labels, predictions);
                collector.backward(loss);
                loss.detach(); // read one batch later, after the batch's arrays are freed
                losses.add(loss);
            }
        }
    }

    private double validationLoss(Trainer trainer, Dataset validationSet, NDManager manager)
            throws IOException, TranslateException {
        double sum = 0;
        int n = 0;
        Iterator<Batch> batches = batches(trainer, validationSet, manager);
        while (batches.hasNext()) {
            try (Batch batch = batches.next()) {
                for (Batch split : batch.split(trainer.getDevices(), false)) {
                    NDList predictions = trainer.evaluate(split.getData());
                    try (NDArray loss =
                            trainer.getLoss().evaluate(split.getLabels(), predictions)) {
                        sum += loss.toType(DataType.FLOAT64, false).getDouble();
                    }
                    n++;
                }
            }
            if (validationBatches > 0 && n >= validationBatches * trainer.getDevices().length) {
                break;
            }
        }
        if (n == 0) {
            throw new IllegalArgumentException("validationSet has no batch: the dataset is empty");
        }
        return sum / n;
    }

    /**
     * Thrown by {@link #find} when the calling thread was interrupted during the test. The finder
     * stopped at the next iteration, restored the model and the optimizer as after any test, and
     * left the thread's interrupt flag set, so that the caller's own code sees the interrupt too.
     * It carries the partial result: its status is {@link RangeTestStatus#INTERRUPTED}, its curve
     * what was recorded, and it has no suggestion.
     *
     * <pre>{@code
     * try {
     *     lr = finder.find(trainer, data).suggestion().learningRate();
     * } catch (LrFinder.RangeTestInterruptedException e) {
     *     return; // the model is as it was; Thread.currentThread().isInterrupted() is still true
     * }
     * }</pre>
     */
    public static final class RangeTestInterruptedException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        private final transient LrFinderResult result;

        /**
         * Creates the exception.
         *
         * @param result the partial result of the interrupted test
         */
        public RangeTestInterruptedException(LrFinderResult result) {
            super(
                    "LR range test "
                            + result.stopReason().orElse("interrupted")
                            + ": the model and the optimizer are restored, the thread's interrupt"
                            + " flag is still set");
            this.result = Objects.requireNonNull(result, "result");
        }

        /**
         * Returns the partial result.
         *
         * @return the result, with status {@link RangeTestStatus#INTERRUPTED} and no suggestion
         */
        public LrFinderResult result() {
            return result;
        }
    }

    /**
     * Configures an {@link LrFinder}; the range-test options are those of {@link
     * RangeTestConfig.BaseBuilder}.
     */
    public static final class Builder extends RangeTestConfig.BaseBuilder<Builder> {

        private final List<RangeTestObserver> observers = new ArrayList<>();
        private int validationBatches;
        private Progress progress;

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
         * Caps how many validation batches each iteration evaluates (default 0: all of them).
         *
         * @param validationBatches the cap, &gt;= 0
         * @return this builder
         */
        public Builder optValidationBatches(int validationBatches) {
            this.validationBatches = validationBatches;
            return this;
        }

        /**
         * Reports progress, e.g. to DJL's {@code ProgressBar}.
         *
         * @param progress the progress to update once per iteration
         * @return this builder
         */
        public Builder optProgress(Progress progress) {
            this.progress = progress;
            return this;
        }

        /**
         * Builds the finder.
         *
         * @return the finder
         * @throws IllegalArgumentException if a parameter is out of range, naming it and its value
         */
        public LrFinder build() {
            if (validationBatches < 0) {
                throw new IllegalArgumentException(
                        "validationBatches must be >= 0, got " + validationBatches);
            }
            return new LrFinder(buildConfig(), this);
        }
    }
}
