package dev.lrfinder.listeners;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.listener.TrainingListener.BatchData;
import ai.djl.translate.TranslateException;
import ai.djl.util.Progress;
import dev.lrfinder.core.LrSweep;
import dev.lrfinder.core.SuggestionRule;
import java.io.IOException;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;

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
 * <p>With a validation set, every iteration also evaluates the validation loss after its update
 * and the suggestion is read off the smoothed validation loss, as pytorch-lr-finder does. That
 * costs one forward pass over the validation set (or {@link Builder#optValidationBatches} batches
 * of it) per iteration: with 100 iterations and 10 validation batches the test does 1,000 extra
 * forward passes.
 */
public final class LrFinder {

    private final LrRangeTestListener.Builder config;
    private final int validationBatches;
    private final Progress progress;

    private LrFinder(Builder builder) {
        this.config = builder.listener;
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
     * Runs the range test on a training set.
     *
     * @param trainer an initialized trainer
     * @param trainingSet the data to train on
     * @return the result
     * @throws IOException if the dataset cannot be read
     * @throws TranslateException if a batch cannot be prepared
     * @throws IllegalArgumentException if the dataset has no batch
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
     */
    public LrFinderResult find(Trainer trainer, Dataset trainingSet, Dataset validationSet)
            throws IOException, TranslateException {
        LrRangeTestListener test = config.build();
        int total = test.sweep().numIterations();
        try (TrainingStateSnapshot snapshot = TrainingStateSnapshot.capture(trainer)) {
            if (!snapshot.coversOptimizer()) {
                throw new IllegalStateException(
                        "LrFinder cannot reach the trainer's optimizer, so it could neither set"
                                + " its learning rate nor restore its state. Attach an"
                                + " LrRangeTestListener to the training config instead. "
                                + OptimizerAccess.EXPLICIT_WIRING);
            }
            if (progress != null) {
                progress.reset("lr-find", total);
            }
            try {
                test.begin(trainer);
                run(trainer, test, trainingSet, validationSet);
            } catch (LrRangeTestListener.RangeTestStoppedException stopped) {
                return stopped.result();
            } finally {
                test.uninstall();
                snapshot.restore();
                if (progress != null) {
                    progress.end();
                }
            }
            return test.result();
        }
    }

    private void run(
            Trainer trainer, LrRangeTestListener test, Dataset trainingSet, Dataset validationSet)
            throws IOException, TranslateException {
        Iterator<Batch> batches = trainer.iterateDataset(trainingSet).iterator();
        if (!batches.hasNext()) {
            throw new IllegalArgumentException("trainingSet has no batch: the dataset is empty");
        }
        for (int i = 0; ; i++) {
            if (!batches.hasNext()) {
                batches = trainer.iterateDataset(trainingSet).iterator(); // cycle over the data
            }
            double lr = test.nextLearningRate();
            double loss;
            try (Batch batch = batches.next()) {
                loss = trainBatch(trainer, batch);
            }
            trainer.step();
            double validationLoss =
                    validationSet == null ? Double.NaN : validationLoss(trainer, validationSet);
            if (progress != null) {
                progress.update(i + 1, String.format("lr %.3g, loss %.4f", lr, loss));
            }
            test.record(lr, loss, validationLoss);
        }
    }

    /** Forward and backward over a batch split across the trainer's devices; returns the loss. */
    private static double trainBatch(Trainer trainer, Batch batch) {
        Batch[] splits = batch.split(trainer.getDevices(), false);
        BatchData data =
                new BatchData(batch, new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
        try (GradientCollector collector = trainer.newGradientCollector()) {
            for (Batch split : splits) {
                NDList labels = split.getLabels();
                NDList predictions = trainer.forward(split.getData(), labels);
                NDArray lossValue = trainer.getLoss().evaluate(labels, predictions);
                collector.backward(lossValue);
                data.getLabels().put(labels.get(0).getDevice(), labels);
                data.getPredictions().put(labels.get(0).getDevice(), predictions);
            }
        }
        try (DeferredLoss loss = new DeferredLoss()) {
            loss.swap(trainer, data);
            return loss.flush(); // the finder decides on each loss before the next step
        }
    }

    private double validationLoss(Trainer trainer, Dataset validationSet)
            throws IOException, TranslateException {
        double sum = 0;
        int n = 0;
        for (Batch batch : trainer.iterateDataset(validationSet)) {
            try (batch) {
                for (Batch split : batch.split(trainer.getDevices(), false)) {
                    NDList predictions = trainer.evaluate(split.getData());
                    try (NDArray loss = trainer.getLoss().evaluate(split.getLabels(), predictions)) {
                        sum += loss.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
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

    /** Configures an {@link LrFinder}. */
    public static final class Builder {

        private final LrRangeTestListener.Builder listener = LrRangeTestListener.builder();
        private int validationBatches;
        private Progress progress;

        Builder() {}

        /**
         * Sets the learning rate of the first iteration (default 1e-7).
         *
         * @param startLr &gt; 0
         * @return this builder
         */
        public Builder optStartLr(double startLr) {
            listener.optStartLr(startLr);
            return this;
        }

        /**
         * Sets the learning rate of the last iteration (default 10).
         *
         * @param endLr &gt; startLr
         * @return this builder
         */
        public Builder optEndLr(double endLr) {
            listener.optEndLr(endLr);
            return this;
        }

        /**
         * Sets the number of iterations (default 100).
         *
         * @param numIterations at least {@link LrSweep#MIN_ITERATIONS}
         * @return this builder
         */
        public Builder optNumIterations(int numIterations) {
            listener.optNumIterations(numIterations);
            return this;
        }

        /**
         * Sets the shape of the sweep (default exponential).
         *
         * @param shape exponential or linear
         * @return this builder
         */
        public Builder optShape(LrSweep.Shape shape) {
            listener.optShape(shape);
            return this;
        }

        /**
         * Sets the loss smoothing factor (default 0.98).
         *
         * @param smoothing beta in [0, 1)
         * @return this builder
         */
        public Builder optSmoothing(double smoothing) {
            listener.optSmoothing(smoothing);
            return this;
        }

        /**
         * Sets the divergence factor (default 4).
         *
         * @param divergenceFactor &gt; 1
         * @return this builder
         */
        public Builder optDivergenceFactor(double divergenceFactor) {
            listener.optDivergenceFactor(divergenceFactor);
            return this;
        }

        /**
         * Sets the rule whose suggestion the result returns.
         *
         * @param rule the rule
         * @return this builder
         */
        public Builder optSuggestionRule(SuggestionRule rule) {
            listener.optSuggestionRule(rule);
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
            listener.addObserver(observer);
            return this;
        }

        /**
         * Caps how many validation batches each iteration evaluates (default 0: all of them).
         *
         * @param validationBatches the cap, &gt;= 0
         * @return this builder
         */
        public Builder optValidationBatches(int validationBatches) {
            if (validationBatches < 0) {
                throw new IllegalArgumentException(
                        "validationBatches must be >= 0, got " + validationBatches);
            }
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
            listener.build();
            return new LrFinder(this);
        }
    }
}
