package dev.lrfinder.listeners;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListener.BatchData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads each batch's loss one batch late, so that reading it does not stall the engine.
 *
 * <p>Engines such as MXNet run asynchronously: the training loop queues the work of the next
 * batches while earlier ones still compute. Reading the loss of the batch just queued would wait
 * for it to finish and empty that pipeline. {@link #swap} instead queues this batch's loss and
 * reads the previous batch's, which finished long ago. One scalar per device split is read per
 * batch; nothing else.
 *
 * <p>Public for listeners that report the loss, such as lrfinder-metrics' {@code TrainingMetrics}
 * or a user's own: call {@link #swap} from {@code onTrainingBatch}, {@link #flush} from {@code
 * onEpoch}, and {@link #close} from {@code onTrainingEnd}.
 */
public final class DeferredLoss implements AutoCloseable {

    private final List<NDArray> pending = new ArrayList<>(2);

    /**
     * Queues the loss of a batch and returns the loss of the batch before it.
     *
     * @param trainer the trainer, whose loss function is used
     * @param batchData the batch's labels and predictions
     * @return the previous batch's loss (mean over device splits), or NaN for the first batch
     */
    public double swap(Trainer trainer, BatchData batchData) {
        double previous = flush();
        for (Map.Entry<Device, NDList> e : batchData.getLabels().entrySet()) {
            NDArray loss =
                    trainer.getLoss()
                            .evaluate(e.getValue(), batchData.getPredictions().get(e.getKey()));
            loss.detach(); // outlives the batch, whose arrays are freed after this callback
            pending.add(loss);
        }
        return previous;
    }

    /**
     * Queues losses already computed (one per device split), taking ownership of them, and returns
     * the loss queued before.
     *
     * @param losses the losses of this batch; detached here, closed once read
     * @return the previous batch's loss (mean over device splits), or NaN for the first batch
     */
    double swap(List<NDArray> losses) {
        double previous = flush();
        for (NDArray loss : losses) {
            loss.detach();
            pending.add(loss);
        }
        return previous;
    }

    /**
     * Tells whether a loss is queued, i.e. whether the next {@link #swap} returns one.
     *
     * @return true if a loss is queued
     */
    public boolean hasPending() {
        return !pending.isEmpty();
    }

    /**
     * Returns the queued loss now, waiting for it if need be, and forgets it.
     *
     * @return the queued loss, or NaN when none is queued
     */
    public double flush() {
        if (pending.isEmpty()) {
            return Double.NaN;
        }
        double mean = mean(pending);
        pending.clear();
        return mean;
    }

    /** Reads losses at once (mean over device splits) and closes them. */
    static double mean(List<NDArray> losses) {
        double sum = 0;
        for (NDArray loss : losses) {
            sum += read(loss);
            loss.close();
        }
        return sum / losses.size();
    }

    private static double read(NDArray loss) {
        return loss.getDataType() == DataType.FLOAT32
                ? loss.getFloat()
                : loss.toType(DataType.FLOAT64, false).getDouble();
    }

    /** Frees a loss still queued. */
    @Override
    public void close() {
        pending.forEach(NDArray::close);
        pending.clear();
    }
}
