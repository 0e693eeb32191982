package dev.lrfinder.listeners.averaging;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.util.Pair;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An exponential moving average of the weights, for any optimizer and schedule, as a DJL listener
 * (stochastic weight averaging in its common exponential form; Izmailov et al., arXiv 1803.05407).
 * Averaging the last part of a run approximates decaying its rate (Sandler et al. 2023; Hägele et
 * al., arXiv 2405.18392).
 *
 * <p>After each step the average moves a fraction {@code 1 / window} of the way to the weights,
 * {@code window} being {@code windowFraction} (10 % by default) of the planned steps: the average
 * spans about the last tenth of the run. After the plan's last step the listener puts the average
 * in the model, at the end of that epoch ({@code onEpoch}): after {@code EasyTrain.fit} returns,
 * evaluating or saving the model uses the average, with no extra call. Validation during {@code
 * fit} runs before {@code onEpoch}, so it reports the trained weights, not the average. {@link
 * #useAveragedPoint} and {@link #useTrainingPoint} switch between the two; call {@code
 * useTrainingPoint} before training on past the plan. Batch-norm running statistics are those of
 * the trained weights.
 *
 * <pre>{@code
 * WeightAveraging averaging = WeightAveraging.builder().setTotalSteps(epochs * stepsPerEpoch).build();
 * TrainingConfig config = new DefaultTrainingConfig(loss)
 *         .optOptimizer(optimizer)
 *         .addTrainingListeners(averaging);
 * }</pre>
 *
 * <p>Per step it costs one multiply-add per weight on the weight's device; nothing is read back to
 * the host.
 */
public final class WeightAveraging extends TrainingListenerAdapter {

    /** The default window: the last tenth of the run. */
    public static final double DEFAULT_WINDOW_FRACTION = 0.1;

    private static final NDIndex ALL = new NDIndex("...");

    private final int totalSteps;
    private final double windowFraction;
    private final float rate;
    private final Map<String, NDArray> average = new LinkedHashMap<>();
    private final Map<String, NDArray> trainingPoint = new LinkedHashMap<>();
    private int steps;

    private WeightAveraging(Builder b) {
        if (b.totalSteps < 1) {
            throw new IllegalArgumentException("totalSteps must be >= 1, got " + b.totalSteps);
        }
        if (!(b.windowFraction > 0 && b.windowFraction <= 1)) {
            throw new IllegalArgumentException(
                    "windowFraction must be in (0, 1], got " + b.windowFraction);
        }
        totalSteps = b.totalSteps;
        windowFraction = b.windowFraction;
        rate = (float) (1 / Math.max(1, windowFraction * totalSteps));
    }

    /**
     * Returns a builder; {@code setTotalSteps} is required.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Folds the weights of the previous step into the average: DJL calls this after the batch's
     * backward pass and before its step.
     *
     * @param trainer the trainer
     * @param batchData the batch
     */
    @Override
    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
        if (steps > 0) {
            fold(trainer);
        }
        steps++;
    }

    /**
     * After the plan's last step, folds it in and puts the average in the model.
     *
     * @param trainer the trainer
     */
    @Override
    public void onEpoch(Trainer trainer) {
        if (steps >= totalSteps && trainingPoint.isEmpty()) {
            fold(trainer);
            useAveragedPoint(trainer);
        }
    }

    /**
     * Frees the average and the kept training point.
     *
     * @param trainer the trainer
     */
    @Override
    public void onTrainingEnd(Trainer trainer) {
        average.values().forEach(NDArray::close);
        trainingPoint.values().forEach(NDArray::close);
        average.clear();
        trainingPoint.clear();
    }

    /**
     * Puts the average in the model, keeping the trained weights to come back to.
     *
     * @param trainer the trainer
     */
    public void useAveragedPoint(Trainer trainer) {
        for (Pair<String, Parameter> p : trainer.getModel().getBlock().getParameters()) {
            Parameter param = p.getValue();
            NDArray avg = average.get(param.getId());
            if (avg == null) {
                continue;
            }
            NDArray live = param.getArray();
            if (!trainingPoint.containsKey(param.getId())) {
                NDArray kept = live.duplicate();
                kept.detach();
                trainingPoint.put(param.getId(), kept);
            }
            live.set(ALL, avg);
        }
    }

    /**
     * Puts the trained weights back in the model, bit for bit.
     *
     * @param trainer the trainer
     */
    public void useTrainingPoint(Trainer trainer) {
        for (Pair<String, Parameter> p : trainer.getModel().getBlock().getParameters()) {
            NDArray kept = trainingPoint.remove(p.getValue().getId());
            if (kept != null) {
                p.getValue().getArray().set(ALL, kept);
                kept.close();
            }
        }
    }

    /**
     * Returns the planned steps after which the average goes into the model.
     *
     * @return the steps
     */
    public int totalSteps() {
        return totalSteps;
    }

    /**
     * Returns the window of the average as a fraction of the planned steps.
     *
     * @return the fraction
     */
    public double windowFraction() {
        return windowFraction;
    }

    private void fold(Trainer trainer) {
        for (Pair<String, Parameter> p : trainer.getModel().getBlock().getParameters()) {
            Parameter param = p.getValue();
            if (!param.isInitialized() || !param.requiresGradient()) {
                continue;
            }
            NDArray live = param.getArray();
            NDArray avg = average.get(param.getId());
            if (avg == null) {
                avg = live.duplicate();
                avg.detach();
                average.put(param.getId(), avg);
            } else {
                try (NDScope scope = new NDScope()) {
                    avg.muli(1 - rate).addi(live.mul(rate));
                }
            }
        }
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return "WeightAveraging{window " + windowFraction + " of " + totalSteps + " steps}";
    }

    /** Configures a {@link WeightAveraging}. */
    public static final class Builder {

        private int totalSteps;
        private double windowFraction = DEFAULT_WINDOW_FRACTION;

        Builder() {}

        /**
         * Sets the run's steps (required): the average goes into the model after the last.
         *
         * @param totalSteps &gt;= 1
         * @return this builder
         */
        public Builder setTotalSteps(int totalSteps) {
            this.totalSteps = totalSteps;
            return this;
        }

        /**
         * Sets the window of the average, as a fraction of the steps (0.1 by default).
         *
         * @param windowFraction in (0, 1]
         * @return this builder
         */
        public Builder optWindowFraction(double windowFraction) {
            this.windowFraction = windowFraction;
            return this;
        }

        /**
         * Builds the listener.
         *
         * @return the listener
         * @throws IllegalArgumentException if a parameter is out of range, naming it and its value
         */
        public WeightAveraging build() {
            return new WeightAveraging(this);
        }
    }
}
