package dev.lrfinder.samples.mnist;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;

/** Real MNIST for the tests, from the folder scripts/fetch-mnist.sh fills. */
public final class Mnist {

    private Mnist() {}

    public static RandomAccessDataset train(NDManager manager, int limit, int batchSize)
            throws Exception {
        return MnistSource.resolve(null).load(manager, true, limit, batchSize, true);
    }

    public static RandomAccessDataset test(NDManager manager, int batchSize) throws Exception {
        return MnistSource.resolve(null).load(manager, false, 0, batchSize, false);
    }

    public static Trainer trainer(Model model, Models net, Optimizer optimizer, long seed) {
        Engine.getInstance().setRandomSeed((int) seed);
        model.setBlock(net.block());
        Trainer trainer =
                model.newTrainer(
                        new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                                .optOptimizer(optimizer));
        trainer.initialize(Models.INPUT);
        return trainer;
    }

    /** Trains one pass over {@code data}. */
    public static void epoch(Trainer trainer, RandomAccessDataset data) throws Exception {
        for (Batch batch : trainer.iterateDataset(data)) {
            try (batch) {
                EasyTrain.trainBatch(trainer, batch);
                trainer.step();
            }
        }
    }

    /** Accuracy of the trainer's model on a dataset. */
    public static double accuracy(Trainer trainer, RandomAccessDataset data) throws Exception {
        return Evaluation.accuracy(trainer, data);
    }
}
