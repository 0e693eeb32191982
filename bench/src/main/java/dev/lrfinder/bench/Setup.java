package dev.lrfinder.bench;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.ParameterTracker;
import ai.djl.training.tracker.Tracker;
import dev.lrfinder.samples.mnist.Evaluation;
import dev.lrfinder.samples.mnist.MnistSource;
import dev.lrfinder.samples.mnist.Models;
import dev.lrfinder.samples.mnist.Optimizers;
import java.io.IOException;
import java.util.Locale;
import java.util.Random;
import java.util.function.Supplier;

/**
 * A benchmark setup: a model, an optimizer and a train/test split, trained and scored the same way
 * for every learning rate.
 *
 * @param name the setup's name, e.g. {@code mlp-sgd}
 * @param block builds a fresh model block
 * @param inputShape the shape of one input batch of size 1
 * @param optimizer builds the optimizer around a learning-rate tracker
 * @param train the training split
 * @param test the test split
 * @param batchSize the training batch size
 * @param task what the model learns, which sets its loss and its score
 */
public record Setup(
        String name,
        Supplier<ai.djl.nn.Block> block,
        Shape inputShape,
        java.util.function.Function<ParameterTracker, Optimizer> optimizer,
        RandomAccessDataset train,
        RandomAccessDataset test,
        int batchSize,
        Task task) {

    /** What a setup's model learns. */
    public enum Task {
        /** Classes, softmax cross-entropy, scored by test accuracy. */
        CLASSIFICATION,
        /** One real value, L2 loss, scored by minus the test mean squared error. */
        REGRESSION;

        /**
         * Returns the training loss.
         *
         * @return softmax cross-entropy or L2
         */
        public Loss loss() {
            return this == CLASSIFICATION ? Loss.softmaxCrossEntropyLoss() : Loss.l2Loss();
        }

        /**
         * Returns a trained model's score on a dataset: higher is better.
         *
         * @param trainer the trainer
         * @param data the test data
         * @return the accuracy, or minus the mean squared error
         * @throws Exception if the data cannot be read
         */
        public double score(Trainer trainer, RandomAccessDataset data) throws Exception {
            if (this == CLASSIFICATION) {
                return Evaluation.accuracy(trainer, data);
            }
            double mse = Evaluation.meanSquaredError(trainer, data);
            return Double.isFinite(mse) ? -mse : diverged();
        }

        /**
         * Returns the score of a diverged run: chance accuracy, or minus the error of predicting 0
         * (the labels have mean 0 and variance 1).
         *
         * @return the score
         */
        public double diverged() {
            return this == CLASSIFICATION ? 0.1 : -1;
        }
    }

    /**
     * Creates a classification setup.
     *
     * @param name the setup's name
     * @param block builds a fresh model block
     * @param inputShape the shape of one input batch of size 1
     * @param optimizer builds the optimizer around a learning-rate tracker
     * @param train the training split
     * @param test the test split
     * @param batchSize the training batch size
     */
    public Setup(
            String name,
            Supplier<ai.djl.nn.Block> block,
            Shape inputShape,
            java.util.function.Function<ParameterTracker, Optimizer> optimizer,
            RandomAccessDataset train,
            RandomAccessDataset test,
            int batchSize) {
        this(name, block, inputShape, optimizer, train, test, batchSize, Task.CLASSIFICATION);
    }

    /**
     * Returns this setup under another name with another optimizer.
     *
     * @param newName the name
     * @param newOptimizer builds the optimizer around a learning-rate tracker
     * @return the setup
     */
    public Setup withOptimizer(
            String newName, java.util.function.Function<ParameterTracker, Optimizer> newOptimizer) {
        return new Setup(newName, block, inputShape, newOptimizer, train, test, batchSize, task);
    }

    /**
     * Builds a named setup: {@code mlp-sgd}, {@code mlp-adam}, {@code cnn-sgd} on real MNIST, or
     * {@code synthetic-sgd} (an MLP on generated Gaussian blobs).
     *
     * @param name the setup name
     * @param manager owns the data
     * @param source where MNIST comes from
     * @param limit training images to use (0 for all)
     * @param batchSize the batch size
     * @return the setup
     * @throws IOException if MNIST cannot be read
     */
    public static Setup of(
            String name, NDManager manager, MnistSource source, int limit, int batchSize)
            throws IOException {
        String key = name.trim().toLowerCase(Locale.ROOT);
        if (key.equals("synthetic-sgd")) {
            return synthetic(manager, batchSize);
        }
        String[] parts = key.split("-");
        if (parts.length != 2) {
            throw new IllegalArgumentException(
                    "setup must be mlp-sgd, mlp-adam, cnn-sgd, cnn-adam"
                            + " or synthetic-sgd, got "
                            + name);
        }
        Models net = Models.of(parts[0]);
        String opt = parts[1];
        Optimizers.create(opt, 0.01f, 0.9f); // validates the name
        return new Setup(
                key,
                net::block,
                Models.INPUT,
                t -> optimizer(opt, t),
                source.load(manager, true, limit, batchSize, true),
                source.load(manager, false, 0, 1000, false),
                batchSize);
    }

    static Optimizer optimizer(String name, ParameterTracker lr) {
        return "adam".equals(name)
                ? Optimizer.adam().optLearningRateTracker(lr).build()
                : Optimizer.sgd().setLearningRateTracker(lr).optMomentum(0.9f).build();
    }

    /** 10 Gaussian blobs in 32 dimensions with heavy overlap; an MLP 32-64-10 with SGD 0.9. */
    static Setup synthetic(NDManager manager, int batchSize) {
        int dims = 32;
        int classes = 10;
        Random r = new Random(2024);
        float[][] centers = new float[classes][dims];
        for (float[] c : centers) {
            for (int j = 0; j < dims; j++) {
                c[j] = (float) r.nextGaussian();
            }
        }
        return new Setup(
                "synthetic-sgd",
                () ->
                        new SequentialBlock()
                                .add(Linear.builder().setUnits(64).build())
                                .add(Activation::relu)
                                .add(Linear.builder().setUnits(classes).build()),
                new Shape(1, dims),
                t -> optimizer("sgd", t),
                blobs(manager, centers, 20000, batchSize, true, r),
                blobs(manager, centers, 5000, 1000, false, r),
                batchSize);
    }

    /**
     * A regression: 32 Gaussian inputs, a smooth nonlinear target plus noise, standardized by the
     * training split's mean and standard deviation; an MLP 32-64-64-1 with SGD 0.9 and the L2 loss.
     *
     * @param manager owns the data
     * @param batchSize the batch size
     * @return the setup
     */
    static Setup regression(NDManager manager, int batchSize) {
        int dims = 32;
        Random r = new Random(2026);
        float[][] w = new float[4][dims];
        for (float[] v : w) {
            for (int j = 0; j < dims; j++) {
                v[j] = (float) (r.nextGaussian() / Math.sqrt(dims));
            }
        }
        float[][] train = regressionData(w, 20000, r);
        float[][] test = regressionData(w, 5000, r);
        double mean = 0;
        for (float y : train[1]) {
            mean += y / (double) train[1].length;
        }
        double var = 0;
        for (float y : train[1]) {
            var += (y - mean) * (y - mean) / train[1].length;
        }
        return new Setup(
                "regression-sgd",
                () ->
                        new SequentialBlock()
                                .add(Linear.builder().setUnits(64).build())
                                .add(Activation::relu)
                                .add(Linear.builder().setUnits(64).build())
                                .add(Activation::relu)
                                .add(Linear.builder().setUnits(1).build()),
                new Shape(1, dims),
                t -> optimizer("sgd", t),
                standardized(manager, train, mean, Math.sqrt(var), batchSize, true),
                standardized(manager, test, mean, Math.sqrt(var), 1000, false),
                batchSize,
                Task.REGRESSION);
    }

    /** Inputs and targets y = sin(3 u) + u v + v^2 / 2 + tanh(2 s) t + 0.3 noise. */
    private static float[][] regressionData(float[][] w, int n, Random r) {
        int dims = w[0].length;
        float[] x = new float[n * dims];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            double[] p = new double[w.length];
            for (int j = 0; j < dims; j++) {
                float xi = (float) r.nextGaussian();
                x[i * dims + j] = xi;
                for (int k = 0; k < w.length; k++) {
                    p[k] += w[k][j] * xi;
                }
            }
            y[i] =
                    (float)
                            (Math.sin(3 * p[0])
                                    + p[0] * p[1]
                                    + p[1] * p[1] / 2
                                    + Math.tanh(2 * p[2]) * p[3]
                                    + 0.3 * r.nextGaussian());
        }
        return new float[][] {x, y};
    }

    private static ArrayDataset standardized(
            NDManager manager, float[][] xy, double mean, double sd, int batch, boolean shuffle) {
        float[] y = new float[xy[1].length];
        for (int i = 0; i < y.length; i++) {
            y[i] = (float) ((xy[1][i] - mean) / sd);
        }
        return new ArrayDataset.Builder()
                .setData(manager.create(xy[0], new Shape(y.length, xy[0].length / y.length)))
                .optLabels(manager.create(y, new Shape(y.length, 1)))
                .setSampling(batch, shuffle)
                .build();
    }

    private static ArrayDataset blobs(
            NDManager manager, float[][] centers, int n, int batch, boolean shuffle, Random r) {
        int dims = centers[0].length;
        float[] x = new float[n * dims];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            int c = r.nextInt(centers.length);
            y[i] = c;
            for (int j = 0; j < dims; j++) {
                x[i * dims + j] = centers[c][j] + (float) (1.2 * r.nextGaussian());
            }
        }
        return new ArrayDataset.Builder()
                .setData(manager.create(x, new Shape(n, dims)))
                .optLabels(manager.create(y, new Shape(n)))
                .setSampling(batch, shuffle)
                .build();
    }

    /**
     * Returns a fresh trainer of this setup.
     *
     * @param model the model to fill
     * @param lr the learning-rate tracker
     * @param seed the random seed (initialization and shuffling)
     * @param listeners extra listeners
     * @return the initialized trainer
     */
    public Trainer trainer(
            Model model, ParameterTracker lr, int seed, TrainingListener... listeners) {
        Engine.getInstance().setRandomSeed(seed);
        model.setBlock(block.get());
        Trainer trainer =
                model.newTrainer(
                        new DefaultTrainingConfig(task.loss())
                                .optOptimizer(optimizer.apply(lr))
                                .addTrainingListeners(listeners));
        trainer.initialize(inputShape);
        return trainer;
    }

    /**
     * Trains at a constant learning rate and returns the test accuracy.
     *
     * @param lr the learning rate
     * @param epochs the budget
     * @param seed the seed
     * @return the test accuracy; a diverged run scores what it scores
     * @throws Exception if the data cannot be read
     */
    public double accuracyAt(double lr, int epochs, int seed) throws Exception {
        try (Model model = Model.newInstance(name)) {
            try (Trainer trainer = trainer(model, Tracker.fixed((float) lr), seed)) {
                EasyTrain.fit(trainer, epochs, train, null);
                return task.score(trainer, test);
            } catch (ai.djl.TrainingDivergedException e) {
                return task.diverged();
            }
        }
    }
}
