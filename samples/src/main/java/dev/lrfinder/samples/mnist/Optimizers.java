package dev.lrfinder.samples.mnist;

import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.Locale;

/** The optimizers the samples offer, built as a DJL user builds them. */
public final class Optimizers {

    private Optimizers() {}

    /**
     * Builds an optimizer with a fixed learning rate.
     *
     * @param name sgd (with momentum) or adam
     * @param learningRate the fixed learning rate
     * @param momentum SGD's momentum (ignored for Adam)
     * @return the optimizer
     * @throws IllegalArgumentException for another name
     */
    public static Optimizer create(String name, float learningRate, float momentum) {
        switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "sgd":
                return Optimizer.sgd()
                        .setLearningRateTracker(Tracker.fixed(learningRate))
                        .optMomentum(momentum)
                        .build();
            case "adam":
                return Optimizer.adam().optLearningRateTracker(Tracker.fixed(learningRate)).build();
            default:
                throw new IllegalArgumentException("optimizer must be sgd or adam, got " + name);
        }
    }
}
