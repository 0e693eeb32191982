package dev.lrfinder.listeners.optimizers;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.ParameterTracker;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The schedule-free method of Defazio et al., "The Road Less Scheduled" (NeurIPS 2024, arXiv
 * 2405.15682), for any base step: {@link ScheduleFreeSgd} and {@link ScheduleFreeAdamW}.
 *
 * <p>Three sequences share each parameter: {@code z}, the base optimizer's iterate; {@code x}, a
 * weighted average of the {@code z}s, the point to evaluate; and {@code y = (1 - beta) z + beta x},
 * where the gradient is taken, the weights the model holds while it trains. Step {@code t} (from 1)
 * with base direction {@code d} (the gradient, or Adam's normalized gradient) and rate {@code lr_t}
 * (the tracker's rate times the linear warm-up {@code min(1, t / warmupSteps)}):
 *
 * <pre>
 * z_t+1 = z_t - lr_t (d + wd y_t)
 * x_t+1 = (1 - c_t) x_t + c_t z_t+1,   c_t = w_t / (w_1 + ... + w_t),   w_t = max_i&lt;=t lr_i ^ p
 * y_t+1 = (1 - beta) z_t+1 + beta x_t+1
 * </pre>
 *
 * <p>with {@code p} the {@code weight_lr_power} (2) and {@code wd} the weight decay taken at {@code
 * y}. Like the authors' reference code, only {@code y} (in the model) and {@code z} are stored, and
 * {@code y} is updated in place: {@code y <- (1 - c) y + c z}, then {@code y += lr (beta (1 - c) -
 * 1) d}; {@code x = (y - (1 - beta) z) / beta} is recovered when needed. Nothing is read back to
 * the host: each step is a few element-wise operations per parameter.
 *
 * <p><b>Which weights the model holds.</b> While it trains, the model holds {@code y}. Given the
 * run's length ({@code optTotalSteps}, which {@code Recommendation} sets from the plan), the last
 * step leaves {@code x} in the model: after {@code EasyTrain.fit} returns, evaluating or saving the
 * model uses the averaged point, with no extra call. Validation during {@code fit} before that step
 * reports {@code y}, which scores lower than {@code x} would. {@link #useAveragedPoint(Trainer)}
 * and {@link #useTrainingPoint(Trainer)} switch between the two at any time; a step taken while the
 * model holds {@code x} first puts {@code y} back (its gradient was taken at {@code x}). Batch-norm
 * running statistics are those seen at {@code y}.
 *
 * <p>The learning rate comes from a DJL tracker, as for DJL's own optimizers, so an LR range test
 * drives it like any other; the tracker's rate is the peak, which the warm-up ramps up to.
 */
public abstract class ScheduleFreeOptimizer extends Optimizer {

    private static final NDIndex ALL = new NDIndex("...");

    private ParameterTracker learningRateTracker;
    private float beta;
    private int warmupSteps;
    private int totalSteps;
    private float weightLrPower;

    /** The base iterate {@code z} of each parameter, per device. */
    private Map<String, Map<Device, NDArray>> iterates = new ConcurrentHashMap<>();

    /** The training point {@code y} of each parameter while the model holds {@code x}. */
    private Map<String, Map<Device, NDArray>> trainingPoints = new ConcurrentHashMap<>();

    /** The step whose scalars below are current, from 1; 0 before the first. */
    private int step;

    private double rate;
    private double maxRate;
    private double weightSum;
    private double averagingWeight;

    /**
     * Creates the optimizer from its builder.
     *
     * @param builder the builder
     * @throws IllegalArgumentException if a parameter is out of range, naming it and its value
     */
    protected ScheduleFreeOptimizer(Builder<?> builder) {
        super(builder);
        if (builder.learningRateTracker == null) {
            throw new IllegalArgumentException("learningRateTracker must be set, got null");
        }
        if (!(builder.beta > 0 && builder.beta < 1)) {
            throw new IllegalArgumentException(
                    "beta (the momentum) must be in (0, 1), got " + builder.beta);
        }
        if (builder.warmupSteps < 0) {
            throw new IllegalArgumentException(
                    "warmupSteps must be >= 0, got " + builder.warmupSteps);
        }
        if (builder.totalSteps < 0) {
            throw new IllegalArgumentException(
                    "totalSteps must be >= 0 (0: never switch), got " + builder.totalSteps);
        }
        if (!(builder.weightLrPower >= 0) || Float.isInfinite(builder.weightLrPower)) {
            throw new IllegalArgumentException(
                    "weightLrPower must be a finite number >= 0, got " + builder.weightLrPower);
        }
        learningRateTracker = builder.learningRateTracker;
        beta = builder.beta;
        warmupSteps = builder.warmupSteps;
        totalSteps = builder.totalSteps;
        weightLrPower = builder.weightLrPower;
    }

    /**
     * Returns the base direction of one step: what {@code z} moves against, before weight decay.
     *
     * @param parameterId the parameter
     * @param y the parameter's training point (the weight)
     * @param grad the gradient at {@code y}, rescaled and clipped
     * @param step the step, from 1
     * @return the direction, a new array (closed by the caller's scope)
     */
    protected abstract NDArray direction(String parameterId, NDArray y, NDArray grad, int step);

    /**
     * Returns the factor the base method applies to the rate at a step (Adam's bias correction).
     *
     * @param step the step, from 1
     * @return the factor, 1 unless overridden
     */
    protected double rateFactor(int step) {
        return 1;
    }

    /** {@inheritDoc} */
    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        int t = updateCount(parameterId);
        if (t != step) {
            advance(parameterId, t);
        }
        NDArray z =
                withDefaultState(
                        iterates, parameterId, weight.getDevice(), k -> weight.duplicate());
        NDArray saved = takeTrainingPoint(parameterId, weight.getDevice());
        if (saved != null) {
            assign(weight, saved);
            saved.close();
        }
        try (NDScope scope = new NDScope()) {
            NDArray g = rescaleGrad == 1 ? grad : grad.mul(rescaleGrad);
            if (clipGrad > 0) {
                g = g.clip(-clipGrad, clipGrad);
            }
            NDArray d = direction(parameterId, weight, g, t);
            float wd = getWeightDecay();
            if (wd != 0) {
                d = d.add(weight.mul(wd));
            }
            float c = (float) averagingWeight;
            weight.muli(1 - c).addi(z.mul(c));
            weight.addi(d.mul((float) (rate * (beta * (1 - averagingWeight) - 1))));
            z.subi(d.mul((float) rate));
            // PyTorch adds each backward pass to the gradient, and DJL's own optimizers clear it
            // in their update; MXNet overwrites it at the next backward, where this is harmless
            grad.set(ALL, 0);
            if (t == totalSteps) {
                NDArray y = weight.duplicate();
                NDScope.unregister(y);
                y.detach();
                putTrainingPoint(parameterId, weight.getDevice(), y);
                toAveraged(weight, z);
            }
        }
    }

    /** Computes the step's rate and averaging weight, once per step. */
    private void advance(String parameterId, int t) {
        double warmup = warmupSteps == 0 ? 1 : Math.min(1.0, (double) t / warmupSteps);
        rate = learningRateTracker.getNewValue(parameterId, t) * warmup * rateFactor(t);
        maxRate = Math.max(maxRate, rate);
        double w = Math.pow(maxRate, weightLrPower);
        weightSum += w;
        averagingWeight = weightSum > 0 ? w / weightSum : 0;
        step = t;
    }

    /**
     * Puts the averaged point {@code x} in the trainer's model, keeping the training point to come
     * back to; a parameter that already holds {@code x} gets the same values again, one never
     * updated is left alone.
     *
     * @param trainer the trainer this optimizer trains
     */
    public void useAveragedPoint(Trainer trainer) {
        for (Pair<String, Parameter> p : trainer.getModel().getBlock().getParameters()) {
            Parameter param = p.getValue();
            if (!param.isInitialized()) {
                continue;
            }
            NDArray live = param.getArray();
            Device device = live.getDevice();
            NDArray z = state(iterates, param.getId(), device);
            if (z == null) {
                continue;
            }
            NDArray y = state(trainingPoints, param.getId(), device);
            if (y == null) {
                y = live.duplicate();
                y.detach();
                putTrainingPoint(param.getId(), device, y);
            } else {
                assign(live, y);
            }
            try (NDScope scope = new NDScope()) {
                toAveraged(live, z);
            }
        }
    }

    /**
     * Puts the training point {@code y} back in the trainer's model, bit for bit as it was; the
     * next step continues from it.
     *
     * @param trainer the trainer this optimizer trains
     */
    public void useTrainingPoint(Trainer trainer) {
        for (Pair<String, Parameter> p : trainer.getModel().getBlock().getParameters()) {
            Parameter param = p.getValue();
            if (param.isInitialized()) {
                NDArray live = param.getArray();
                NDArray y = state(trainingPoints, param.getId(), live.getDevice());
                if (y != null) {
                    assign(live, y); // kept until the next step, which writes it to the weight
                }
            }
        }
    }

    /**
     * Tells whether the model holds the averaged point {@code x} of any parameter.
     *
     * @return true after the plan's last step or {@link #useAveragedPoint}, until the next step
     */
    public boolean holdsAveragedPoint() {
        return trainingPoints.values().stream().anyMatch(m -> !m.isEmpty());
    }

    /**
     * Returns the interpolation between {@code z} and {@code x} where gradients are taken.
     *
     * @return beta
     */
    public float beta() {
        return beta;
    }

    /**
     * Returns the step at which the optimizer leaves the averaged point in the model.
     *
     * @return the plan's steps, or 0 for never
     */
    public int totalSteps() {
        return totalSteps;
    }

    /**
     * Copies values into an array in place, through the engine (not {@code copyTo}, which on
     * PyTorch can leave the target pointing at memory the source's handle frees).
     */
    static void assign(NDArray target, NDArray source) {
        target.set(ALL, source);
    }

    /** y becomes x = (y - (1 - beta) z) / beta, in place; temporaries in the caller's scope. */
    private void toAveraged(NDArray y, NDArray z) {
        y.subi(z.mul(1 - beta)).divi(beta);
    }

    private static NDArray state(Map<String, Map<Device, NDArray>> map, String id, Device device) {
        Map<Device, NDArray> perDevice = map.get(id);
        return perDevice == null ? null : perDevice.get(device);
    }

    private NDArray takeTrainingPoint(String id, Device device) {
        Map<Device, NDArray> perDevice = trainingPoints.get(id);
        return perDevice == null ? null : perDevice.remove(device);
    }

    private void putTrainingPoint(String id, Device device, NDArray y) {
        NDArray old =
                trainingPoints.computeIfAbsent(id, k -> new ConcurrentHashMap<>()).put(device, y);
        if (old != null) {
            old.close();
        }
    }

    /**
     * The options every schedule-free optimizer shares.
     *
     * @param <T> the concrete builder
     */
    @SuppressWarnings("rawtypes")
    public abstract static class Builder<T extends Builder> extends OptimizerBuilder<T> {

        private ParameterTracker learningRateTracker;
        private float beta = 0.9f;
        private int warmupSteps;
        private int totalSteps;
        private float weightLrPower = 2;

        /**
         * Creates a builder with the method's default rate.
         *
         * @param defaultRate the reference code's default learning rate
         */
        protected Builder(float defaultRate) {
            learningRateTracker = Tracker.fixed(defaultRate);
        }

        /**
         * Sets the learning rate (the peak the warm-up reaches).
         *
         * @param learningRate &gt; 0
         * @return this builder
         */
        public T optLearningRate(float learningRate) {
            if (!(learningRate > 0) || Float.isInfinite(learningRate)) {
                throw new IllegalArgumentException(
                        "learningRate must be a finite number > 0, got " + learningRate);
            }
            return optLearningRateTracker(Tracker.fixed(learningRate));
        }

        /**
         * Sets a tracker for the learning rate; an LR range test installs its own.
         *
         * @param learningRateTracker the tracker
         * @return this builder
         */
        public T optLearningRateTracker(ParameterTracker learningRateTracker) {
            this.learningRateTracker = learningRateTracker;
            return self();
        }

        /**
         * Sets beta, where between {@code z} (0) and {@code x} (1) gradients are taken; the
         * authors' momentum, 0.9 by default.
         *
         * @param beta in (0, 1)
         * @return this builder
         */
        public T optMomentum(float beta) {
            this.beta = beta;
            return self();
        }

        /**
         * Sets the linear warm-up, in steps (0 by default, as in the reference code).
         *
         * @param warmupSteps &gt;= 0
         * @return this builder
         */
        public T optWarmupSteps(int warmupSteps) {
            this.warmupSteps = warmupSteps;
            return self();
        }

        /**
         * Sets the run's length: the step after which the model holds the averaged point.
         *
         * @param totalSteps &gt;= 1, or 0 (the default) to leave the training point in the model
         * @return this builder
         */
        public T optTotalSteps(int totalSteps) {
            this.totalSteps = totalSteps;
            return self();
        }

        /**
         * Sets the power of the largest rate so far that weighs each step in the average (2 by
         * default, the reference code's {@code weight_lr_power}).
         *
         * @param weightLrPower &gt;= 0
         * @return this builder
         */
        public T optWeightLrPower(float weightLrPower) {
            this.weightLrPower = weightLrPower;
            return self();
        }
    }
}
