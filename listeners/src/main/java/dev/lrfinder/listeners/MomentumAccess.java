package dev.lrfinder.listeners;

import ai.djl.training.optimizer.Optimizer;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Optional;

/**
 * Sets the momentum of a built DJL optimizer. DJL fixes {@code Sgd}'s and {@code Nag}'s {@code
 * momentum} and {@code Adam}'s and {@code AdamW}'s {@code beta1} when they are built, but reads the
 * field at every update, so writing the field before a step schedules it.
 */
final class MomentumAccess {

    private static final String[] NAMES = {"momentum", "beta1"};

    private MomentumAccess() {}

    /**
     * Returns the field that holds an optimizer's momentum (SGD momentum or Adam's beta1).
     *
     * @param optimizer the optimizer
     * @return the field, accessible, or empty when the optimizer has none
     */
    static Optional<Field> field(Optimizer optimizer) {
        for (String name : NAMES) {
            for (Class<?> c = optimizer.getClass(); c != null; c = c.getSuperclass()) {
                try {
                    Field f = c.getDeclaredField(name);
                    if (f.getType() == float.class && !Modifier.isStatic(f.getModifiers())) {
                        f.setAccessible(true);
                        return Optional.of(f);
                    }
                } catch (NoSuchFieldException | RuntimeException e) {
                    // try the superclass
                }
            }
        }
        return Optional.empty();
    }

    static float get(Field f, Optimizer optimizer) {
        try {
            return f.getFloat(optimizer);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read " + f, e);
        }
    }

    static void set(Field f, Optimizer optimizer, float value) {
        try {
            f.setFloat(optimizer, value);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot write " + f, e);
        }
    }
}
