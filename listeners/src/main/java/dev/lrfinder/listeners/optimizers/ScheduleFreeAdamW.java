package dev.lrfinder.listeners.optimizers;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Schedule-Free AdamW (Defazio et al., arXiv 2405.15682, Algorithm 1): the schedule-free average
 * over Adam's normalized step. The base direction is {@code g / (sqrt(v) + eps)} with {@code v}
 * Adam's second moment ({@code v <- beta2 v + (1 - beta2) g^2}); Adam's bias correction is folded
 * into the rate, {@code lr_t = lr sqrt(1 - beta2^t) min(1, t / warmupSteps)}, which also weighs the
 * average; weight decay is decoupled and taken at {@code y}. See {@link ScheduleFreeOptimizer} for
 * the rest and which weights the model holds.
 *
 * <p>Defaults as in the reference code ({@code AdamWScheduleFree}): learning rate 0.0025, beta1
 * (the interpolation) 0.9, beta2 0.999, eps 1e-8, {@code weight_lr_power} 2, no weight decay; the
 * authors recommend a warm-up (5 % of the steps is common). The best rate is 1-10x a classical
 * AdamW rate; an LR range test run with this optimizer measures it.
 *
 * <pre>{@code
 * Optimizer adamW = ScheduleFreeAdamW.builder()
 *         .optWarmupSteps(totalSteps / 20)
 *         .optTotalSteps(totalSteps)
 *         .build();
 * }</pre>
 */
public final class ScheduleFreeAdamW extends ScheduleFreeOptimizer {

    /** The reference code's default learning rate. */
    public static final float DEFAULT_LEARNING_RATE = 0.0025f;

    private float beta2;
    private float epsilon;
    private Map<String, Map<Device, NDArray>> secondMoments = new ConcurrentHashMap<>();

    private ScheduleFreeAdamW(Builder builder) {
        super(builder);
        if (!(builder.beta2 >= 0 && builder.beta2 < 1)) {
            throw new IllegalArgumentException("beta2 must be in [0, 1), got " + builder.beta2);
        }
        if (!(builder.epsilon > 0) || Float.isInfinite(builder.epsilon)) {
            throw new IllegalArgumentException(
                    "epsilon must be a finite number > 0, got " + builder.epsilon);
        }
        beta2 = builder.beta2;
        epsilon = builder.epsilon;
    }

    /**
     * Returns a builder with the reference defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** {@inheritDoc} */
    @Override
    protected double rateFactor(int step) {
        return Math.sqrt(1 - Math.pow(beta2, step));
    }

    /** {@inheritDoc} */
    @Override
    protected NDArray direction(String parameterId, NDArray y, NDArray grad, int step) {
        NDArray v = withDefaultState(secondMoments, parameterId, y.getDevice(), k -> y.zerosLike());
        NDScope.unregister(v); // state: outlives the step's scope
        v.addi(grad.square().subi(v).muli(1 - beta2)); // beta2 v + (1 - beta2) g^2, in place
        return grad.div(v.sqrt().addi(epsilon));
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return "ScheduleFreeAdamW";
    }

    /** Configures a {@link ScheduleFreeAdamW}. */
    public static final class Builder extends ScheduleFreeOptimizer.Builder<Builder> {

        private float beta2 = 0.999f;
        private float epsilon = 1e-8f;

        Builder() {
            super(DEFAULT_LEARNING_RATE);
        }

        /** {@inheritDoc} */
        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Sets the decay of the second moment (0.999 by default).
         *
         * @param beta2 in [0, 1)
         * @return this builder
         */
        public Builder optBeta2(float beta2) {
            this.beta2 = beta2;
            return this;
        }

        /**
         * Sets the term added to the root of the second moment (1e-8 by default).
         *
         * @param epsilon &gt; 0
         * @return this builder
         */
        public Builder optEpsilon(float epsilon) {
            this.epsilon = epsilon;
            return this;
        }

        /**
         * Builds the optimizer.
         *
         * @return the optimizer
         * @throws IllegalArgumentException if a parameter is out of range, naming it and its value
         */
        public ScheduleFreeAdamW build() {
            return new ScheduleFreeAdamW(this);
        }
    }
}
