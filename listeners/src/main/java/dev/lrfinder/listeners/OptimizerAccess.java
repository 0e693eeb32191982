package dev.lrfinder.listeners;

import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.ParameterTracker;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Optional;
import java.util.Set;

/**
 * Reaches the optimizer a {@link Trainer} was built with. DJL does not expose it: it lives inside
 * the trainer's parameter store and parameter server, whose classes differ per engine, so this
 * walks their fields until it meets an {@link Optimizer}.
 */
final class OptimizerAccess {

    static final String EXPLICIT_WIRING =
            "Wire it explicitly instead: build the optimizer with the listener's tracker, e.g."
                    + " Optimizer.sgd().setLearningRateTracker(listener.tracker()) or"
                    + " Optimizer.adam().optLearningRateTracker(listener.tracker()).";

    private static final int MAX_DEPTH = 4;

    private OptimizerAccess() {}

    /**
     * Finds the optimizer of a trainer.
     *
     * @param trainer the trainer
     * @return the optimizer, or empty if the engine hides it where this cannot look
     */
    static Optional<Optimizer> find(Trainer trainer) {
        return locate(trainer).map(Location::optimizer);
    }

    /**
     * Finds the optimizer of a trainer and the field that holds it.
     *
     * @param trainer the trainer
     * @return where the optimizer is referenced, or empty
     */
    static Optional<Location> locate(Trainer trainer) {
        Deque<Object[]> queue = new ArrayDeque<>();
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        queue.add(new Object[] {trainer, 0});
        while (!queue.isEmpty()) {
            Object[] item = queue.poll();
            Object obj = item[0];
            int depth = (Integer) item[1];
            if (depth >= MAX_DEPTH || !seen.add(obj)) {
                continue;
            }
            for (Class<?> c = obj.getClass(); c != null && isWalkable(c); c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
                        continue;
                    }
                    Object value = read(f, obj);
                    if (value instanceof Optimizer optimizer
                            && f.getType().isAssignableFrom(Optimizer.class)) {
                        return Optional.of(new Location(obj, f, optimizer));
                    }
                    if (value != null && isWalkable(value.getClass())) {
                        queue.add(new Object[] {value, depth + 1});
                    }
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Where a trainer keeps its optimizer.
     *
     * @param holder the object whose field references the optimizer
     * @param field the field
     * @param optimizer the optimizer
     */
    record Location(Object holder, Field field, Optimizer optimizer) {

        /**
         * Makes the trainer use another optimizer until {@link #close()} puts the original back.
         *
         * @param replacement the optimizer to use
         * @return a handle that restores the original
         */
        AutoCloseable replaceWith(Optimizer replacement) {
            write(field, holder, replacement);
            return () -> write(field, holder, optimizer);
        }
    }

    /**
     * Finds the optimizer of a trainer or fails with an error that explains the explicit wiring.
     *
     * @param trainer the trainer
     * @param who the listener asking, for the message
     * @return the optimizer
     * @throws IllegalStateException if the optimizer cannot be reached
     */
    static Optimizer require(Trainer trainer, String who) {
        return find(trainer)
                .orElseThrow(
                        () ->
                                new IllegalStateException(
                                        who
                                                + " cannot reach the trainer's optimizer to set its"
                                                + " learning rate. "
                                                + EXPLICIT_WIRING));
    }

    /**
     * Returns the field that holds an optimizer's learning-rate tracker.
     *
     * @param optimizer the optimizer
     * @param who the listener asking, for the message
     * @return the field, accessible
     * @throws IllegalStateException if the optimizer has no learning-rate tracker
     */
    static Field learningRateField(Optimizer optimizer, String who) {
        for (Class<?> c = optimizer.getClass(); c != null; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers())
                        && ParameterTracker.class.isAssignableFrom(f.getType())
                        && f.getName().toLowerCase().contains("learningrate")) {
                    try {
                        f.setAccessible(true);
                    } catch (RuntimeException e) {
                        break;
                    }
                    return f;
                }
            }
        }
        throw new IllegalStateException(
                who
                        + " cannot drive "
                        + optimizer.getClass().getName()
                        + ": it has no learning-rate tracker field (Adadelta, for one, has no"
                        + " learning rate at all). "
                        + EXPLICIT_WIRING);
    }

    /**
     * Replaces an optimizer's learning-rate tracker.
     *
     * @param optimizer the optimizer
     * @param tracker the new tracker
     * @param who the listener asking, for the message
     * @return the tracker it replaced
     */
    static ParameterTracker swapLearningRate(
            Optimizer optimizer, ParameterTracker tracker, String who) {
        Field f = learningRateField(optimizer, who);
        ParameterTracker old = (ParameterTracker) read(f, optimizer);
        write(f, optimizer, tracker);
        return old;
    }

    static Object read(Field f, Object target) {
        try {
            f.setAccessible(true);
            return f.get(target);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    static void write(Field f, Object target, Object value) {
        try {
            f.setAccessible(true);
            f.set(target, value);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot write " + f, e);
        }
    }

    private static boolean isWalkable(Class<?> c) {
        String name = c.getName();
        return !c.isArray()
                && !c.isPrimitive()
                && !name.startsWith("java.")
                && !name.startsWith("javax.")
                && !name.startsWith("jdk.")
                && !name.startsWith("sun.")
                && !name.startsWith("com.sun.")
                && !name.startsWith("org.slf4j.");
    }
}
