package dev.lrfinder.listeners;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.optimizer.Optimizer;

/**
 * A model of one weight whose loss is the weight itself (input 1, {@link
 * OneCycleSchedulerTest.MeanLoss}): every gradient is 1, so plain SGD moves the weight by exactly
 * minus the learning rate it applied, and momentum SGD by MXNet's {@code v = m * v - lr}.
 */
final class OneWeight implements AutoCloseable {

    final Model model;
    final DefaultTrainingConfig config;

    OneWeight(Optimizer optimizer, TrainingListener... listeners) {
        model = Model.newInstance("w");
        model.setBlock(
                new SequentialBlock().add(Linear.builder().setUnits(1).optBias(false).build()));
        config =
                new DefaultTrainingConfig(new OneCycleSchedulerTest.MeanLoss())
                        .optOptimizer(optimizer)
                        .addTrainingListeners(listeners);
    }

    /** Builds an initialized trainer from the config. */
    Trainer trainer() {
        Trainer trainer = model.newTrainer(config);
        trainer.initialize(new Shape(1, 1));
        return trainer;
    }

    /** Trains {@code steps} batches; returns the weight before each step and after the last. */
    static float[] train(Trainer trainer, int steps) {
        float[] w = new float[steps + 1];
        try (NDManager manager = trainer.getManager().newSubManager()) {
            ArrayDataset ones =
                    new ArrayDataset.Builder()
                            .setData(manager.ones(new Shape(steps * 4L, 1)))
                            .optLabels(manager.zeros(new Shape(steps * 4L)))
                            .setSampling(4, false)
                            .build();
            int t = 0;
            for (Batch batch : trainer.iterateDataset(ones)) {
                try (batch) {
                    w[t++] = weight(trainer);
                    EasyTrain.trainBatch(trainer, batch);
                    trainer.step();
                }
            }
            w[steps] = weight(trainer);
        } catch (java.io.IOException | ai.djl.translate.TranslateException e) {
            throw new IllegalStateException(e);
        }
        return w;
    }

    /** The learning rates plain SGD applied: minus each step's change of the weight. */
    static double[] appliedRates(float[] weights) {
        double[] lr = new double[weights.length - 1];
        for (int t = 0; t < lr.length; t++) {
            lr[t] = weights[t] - weights[t + 1];
        }
        return lr;
    }

    static float weight(Trainer trainer) {
        return trainer.getModel().getBlock().getParameters().valueAt(0).getArray().getFloat(0, 0);
    }

    @Override
    public void close() {
        model.close();
    }
}
