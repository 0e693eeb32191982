package dev.lrfinder.listeners;

import ai.djl.training.optimizer.Adadelta;
import ai.djl.training.optimizer.Adagrad;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.optimizer.AdamW;
import ai.djl.training.optimizer.Nag;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.optimizer.RmsProp;
import ai.djl.training.optimizer.Sgd;
import dev.lrfinder.core.OptimizerFamily;
import dev.lrfinder.listeners.optimizers.ScheduleFreeAdamW;
import dev.lrfinder.listeners.optimizers.ScheduleFreeOptimizer;
import dev.lrfinder.listeners.optimizers.ScheduleFreeSgd;

/**
 * What a range test saw of the optimizer it drove, computed once where it sees it: the class's
 * simple name, its {@link OptimizerFamily} ({@code instanceof}, so a subclass of {@code Sgd} is
 * SGD) and the settings a recommended run carries over (momentum, weight decay).
 *
 * @param name the simple class name, or null when unseen
 * @param family the family
 * @param momentum SGD's momentum or a schedule-free optimizer's beta, or NaN when it has none
 * @param weightDecay the weight decay, 0 when none or unseen
 */
record OptimizerSeen(String name, OptimizerFamily family, float momentum, float weightDecay) {

    /** Nothing seen: a result made from a bare test. */
    static final OptimizerSeen UNSEEN =
            new OptimizerSeen(null, OptimizerFamily.UNKNOWN, Float.NaN, 0);

    /**
     * Reads an optimizer.
     *
     * @param optimizer the optimizer, or null
     * @return what it is
     */
    static OptimizerSeen of(Optimizer optimizer) {
        if (optimizer == null) {
            return UNSEEN;
        }
        float momentum =
                optimizer instanceof Sgd || optimizer instanceof Nag
                        ? DjlInternals.momentumField(optimizer)
                                .map(f -> (Float) DjlInternals.read(f, optimizer))
                                .orElse(Float.NaN)
                        : optimizer instanceof ScheduleFreeOptimizer sf ? sf.beta() : Float.NaN;
        return new OptimizerSeen(
                optimizer.getClass().getSimpleName(),
                familyOf(optimizer),
                momentum,
                DjlInternals.weightDecay(optimizer));
    }

    private static OptimizerFamily familyOf(Optimizer optimizer) {
        if (optimizer instanceof Sgd || optimizer instanceof Nag) {
            return OptimizerFamily.SGD;
        }
        if (optimizer instanceof ScheduleFreeSgd) {
            return OptimizerFamily.SCHEDULE_FREE_SGD;
        }
        if (optimizer instanceof ScheduleFreeAdamW) {
            return OptimizerFamily.SCHEDULE_FREE_ADAMW;
        }
        if (optimizer instanceof Adam
                || optimizer instanceof AdamW
                || optimizer instanceof RmsProp
                || optimizer instanceof Adagrad
                || optimizer instanceof Adadelta) {
            return OptimizerFamily.ADAPTIVE;
        }
        return OptimizerFamily.UNKNOWN;
    }
}
