package dev.lrfinder.listeners;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListener.BatchData;
import java.util.Map;

/** The loss of one training batch, from the labels and predictions DJL hands a listener. */
public final class BatchLoss {

    private BatchLoss() {}

    /**
     * Returns the mean loss of a batch over its device splits. Reads one scalar per split from
     * the device.
     *
     * @param trainer the trainer, whose loss function is used
     * @param batchData the batch's labels and predictions
     * @return the loss
     * @throws IllegalStateException if the batch has no labels
     */
    public static double of(Trainer trainer, BatchData batchData) {
        double sum = 0;
        int n = 0;
        for (Map.Entry<Device, NDList> e : batchData.getLabels().entrySet()) {
            NDList pred = batchData.getPredictions().get(e.getKey());
            try (NDArray loss = trainer.getLoss().evaluate(e.getValue(), pred)) {
                sum += loss.getDataType() == DataType.FLOAT32
                        ? loss.getFloat()
                        : loss.toType(DataType.FLOAT64, false).getDouble();
            }
            n++;
        }
        if (n == 0) {
            throw new IllegalStateException("the batch has no labels to compute a loss");
        }
        return sum / n;
    }
}
