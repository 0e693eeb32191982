package dev.lrfinder.samples.mnist;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.RandomAccessDataset;

/** Scores a trained model. */
public final class Evaluation {

    private Evaluation() {}

    /**
     * Returns the accuracy of a trainer's model on a dataset.
     *
     * @param trainer the trainer
     * @param data the dataset
     * @return the fraction classified correctly
     * @throws Exception if the data cannot be read
     */
    public static double accuracy(Trainer trainer, RandomAccessDataset data) throws Exception {
        long correct = 0;
        long total = 0;
        for (Batch batch : trainer.iterateDataset(data)) {
            try (batch) {
                NDList out = trainer.evaluate(batch.getData());
                NDArray predicted = out.singletonOrThrow().argMax(1);
                NDArray labels =
                        batch.getLabels().singletonOrThrow().toType(predicted.getDataType(), false);
                correct += predicted.eq(labels).sum().getLong();
                total += labels.size();
            }
        }
        return (double) correct / total;
    }

    /**
     * Returns the mean squared error of a trainer's model on a dataset of one real label per
     * example.
     *
     * @param trainer the trainer
     * @param data the dataset
     * @return the mean of (prediction - label)^2; NaN or infinite when the model diverged
     * @throws Exception if the data cannot be read
     */
    public static double meanSquaredError(Trainer trainer, RandomAccessDataset data)
            throws Exception {
        double sum = 0;
        long total = 0;
        for (Batch batch : trainer.iterateDataset(data)) {
            try (batch) {
                NDArray predicted = trainer.evaluate(batch.getData()).singletonOrThrow();
                NDArray labels = batch.getLabels().singletonOrThrow().reshape(predicted.getShape());
                sum += predicted.sub(labels).square().sum().getFloat();
                total += labels.size();
            }
        }
        return sum / total;
    }
}
