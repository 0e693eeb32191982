package dev.lrfinder.samples.bench;

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
 */
public record Setup(
        String name,
        Supplier<ai.djl.nn.Block> block,
        Shape inputShape,
        java.util.function.Function<ParameterTracker, Optimizer> optimizer,
        RandomAccessDataset train,
        RandomAccessDataset test,
        int batchSize) {

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
                        new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
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
                return Evaluation.accuracy(trainer, test);
            } catch (ai.djl.TrainingDivergedException e) {
                return 1.0 / 10; // chance level
            }
        }
    }
}
