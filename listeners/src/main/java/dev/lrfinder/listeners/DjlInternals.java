package dev.lrfinder.listeners;

import ai.djl.ndarray.NDArray;
import ai.djl.training.LocalParameterServer;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.optimizer.AdamW;
import ai.djl.training.optimizer.Nag;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.optimizer.Sgd;
import ai.djl.training.tracker.ParameterTracker;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every reach into DJL's internals, in one place. Checked on DJL 0.36.0 with the MXNet 1.9.1 and
 * PyTorch 2.7.1 engines (CPU); the listeners module's tests run on both. DJL exposes none of the
 * following, so each is done by reflection on private fields:
 *
 * <ol>
 *   <li><b>The optimizer</b> ({@link #locate}): a {@code Trainer} keeps it inside its parameter
 *       store and parameter server, whose classes differ per engine; a breadth-first walk over
 *       their fields finds it. Not found: {@link #requireOptimizer} throws an {@link
 *       IllegalStateException} that explains the explicit wiring.
 *   <li><b>The learning-rate tracker</b> ({@link #swapLearningRate}): the optimizer's {@code
 *       learningRateTracker} field, read at every update. Missing (Adadelta has no learning rate):
 *       an {@link IllegalStateException} naming the optimizer.
 *   <li><b>The momentum</b> ({@link #momentumField}): {@code Sgd}'s and {@code Nag}'s {@code
 *       momentum}, {@code Adam}'s and {@code AdamW}'s {@code beta1}; fixed when built but read at
 *       every update. Other optimizers have none to schedule ({@code RmsProp}'s {@code momentum} is
 *       a different quantity and is left alone).
 *   <li><b>The optimizer state</b> ({@link #optimizerState}): every instance field but the
 *       learning-rate tracker: the maps of per-parameter arrays (momentum buffers, Adam moments),
 *       the primitive counters and whatever a subclass adds, copied and written back by {@link
 *       TrainingStateSnapshot}.
 *   <li><b>Whether the trainer has stepped</b> ({@link #hasStepped}): {@code
 *       Trainer.gradientsChecked}, set by the first {@code step()}. Before it, MXNet's parameter
 *       server has not yet copied the weights. A DJL without the field is treated as stepped.
 *   <li><b>The weights inside the parameter server</b> ({@link #writeWeights}): MXNet's KVStore
 *       keeps its own copy of each weight and pulls it into the parameter arrays after every
 *       update, so restored arrays would be undone by the next step. For one {@code step()} the
 *       optimizer is swapped for one that writes the saved weight. DJL's own {@code
 *       LocalParameterServer} (PyTorch) updates the parameter arrays in place; on one device, with
 *       a parameter store that keeps no copies, that step is skipped ({@link #stepsArraysInPlace}).
 * </ol>
 *
 * <p>Engines also differ on one public behaviour: PyTorch accumulates gradients and clears them
 * inside the optimizer update, MXNet overwrites them on every backward. A batch whose {@code
 * step()} never comes (the range test stops before it) would leave its gradient behind on PyTorch;
 * {@link RangeTestSession} clears it by filling each parameter's gradient with zeros in place
 * (public NDArray calls, no reflection; not DJL's {@code GradientCollector.zeroGradients()}, which
 * subtracts a gradient from itself and so leaves a NaN or infinite one as it is).
 *
 * <p>Any reflective failure is an {@link IllegalStateException} that names the field, never a
 * silent null.
 */
final class DjlInternals {

    static final String EXPLICIT_WIRING =
            "Wire an LrRangeTestListener explicitly instead: build the optimizer with the"
                    + " listener's tracker, e.g."
                    + " Optimizer.sgd().setLearningRateTracker(listener.tracker()) or"
                    + " Optimizer.adam().optLearningRateTracker(listener.tracker()).";

    private static final int MAX_DEPTH = 4;

    private DjlInternals() {}

    /** Where a trainer keeps its optimizer: the object whose field references it, and the field. */
    record Location(Object holder, Field field, Optimizer optimizer) {}

    /**
     * Finds the optimizer of a trainer and the field that holds it, by a breadth-first walk over
     * the trainer's fields (at most {@value #MAX_DEPTH} levels deep, skipping JDK classes).
     *
     * @param trainer the trainer
     * @return where the trainer keeps its optimizer, or empty when the walk does not find it
     */
    static Optional<Location> locate(Trainer trainer) {
        Deque<Object> queue = new ArrayDeque<>();
        Deque<Integer> depths = new ArrayDeque<>();
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        queue.add(trainer);
        depths.add(0);
        while (!queue.isEmpty()) {
            Object obj = queue.poll();
            int depth = depths.poll();
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
                        queue.add(value);
                        depths.add(depth + 1);
                    }
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Finds the optimizer of a trainer or fails with the one error that explains the explicit
     * wiring; {@link LrFinder} and {@link LrRangeTestListener} both use it.
     *
     * @param trainer the trainer
     * @param who the class that asks, named in the error
     * @return where the trainer keeps its optimizer
     * @throws IllegalStateException if the optimizer is out of reach
     */
    static Location requireOptimizer(Trainer trainer, String who) {
        return locate(trainer)
                .orElseThrow(
                        () ->
                                new IllegalStateException(
                                        who
                                                + " cannot reach the trainer's optimizer to set"
                                                + " its learning rate (nor, for LrFinder, to"
                                                + " restore its state). "
                                                + EXPLICIT_WIRING));
    }

    /**
     * Replaces an optimizer's learning-rate tracker and returns the one it replaced.
     *
     * @param optimizer the optimizer
     * @param tracker the tracker to install
     * @param who the class that asks, named in an error
     * @return the tracker it replaced
     * @throws IllegalStateException if the optimizer has no learning-rate tracker field
     */
    static ParameterTracker swapLearningRate(
            Optimizer optimizer, ParameterTracker tracker, String who) {
        Field f = learningRateField(optimizer, who);
        ParameterTracker old = (ParameterTracker) read(f, optimizer);
        write(f, optimizer, tracker);
        return old;
    }

    /**
     * Returns the optimizer's current learning-rate tracker.
     *
     * @param optimizer the optimizer
     * @param who the class that asks, named in an error
     * @return the tracker
     * @throws IllegalStateException if the optimizer has no learning-rate tracker field
     */
    static ParameterTracker learningRate(Optimizer optimizer, String who) {
        return (ParameterTracker) read(learningRateField(optimizer, who), optimizer);
    }

    private static Field learningRateField(Optimizer optimizer, String who) {
        for (Class<?> c = optimizer.getClass(); c != null; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers())
                        && ParameterTracker.class.isAssignableFrom(f.getType())
                        && f.getName().toLowerCase().contains("learningrate")) {
                    return f;
                }
            }
        }
        throw new IllegalStateException(
                who
                        + " cannot drive "
                        + optimizer.getClass().getName()
                        + ": it has no learning-rate tracker field (Adadelta, for one, has no learning"
                        + " rate at all). "
                        + EXPLICIT_WIRING);
    }

    /**
     * Returns the momentum field of Sgd and Nag ({@code momentum}) or Adam and AdamW ({@code
     * beta1}).
     *
     * @param optimizer the optimizer
     * @return the float field, or empty for an optimizer without one
     */
    static Optional<Field> momentumField(Optimizer optimizer) {
        String name;
        if (optimizer instanceof Sgd || optimizer instanceof Nag) {
            name = "momentum";
        } else if (optimizer instanceof Adam || optimizer instanceof AdamW) {
            name = "beta1";
        } else {
            return Optional.empty();
        }
        for (Class<?> c = optimizer.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                if (f.getType() == float.class) {
                    return Optional.of(f);
                }
            } catch (NoSuchFieldException e) {
                // look in the superclass
            }
        }
        return Optional.empty();
    }

    /**
     * Reads a float field.
     *
     * @param f the field
     * @param target the object that holds it
     * @return the value
     * @throws IllegalStateException if it cannot be read, naming the field
     */
    static float getFloat(Field f, Object target) {
        return (Float) read(f, target);
    }

    /**
     * Writes a float field without boxing (called every step by the schedulers).
     *
     * @param f the field
     * @param target the object that holds it
     * @param value the value
     * @throws IllegalStateException if it cannot be written, naming the field
     */
    static void setFloat(Field f, Object target, float value) {
        try {
            f.setAccessible(true);
            f.setFloat(target, value);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot write " + f + " (DJL internals changed?)", e);
        }
    }

    /**
     * Returns the optimizer's state fields and their live values: every instance field of its class
     * and superclasses but its learning-rate trackers and its final primitives (fixed when built).
     * {@link TrainingStateSnapshot} decides what it can copy.
     *
     * @param optimizer the optimizer
     * @return the fields, in declaration order from the optimizer's class up, and their values
     */
    static Map<Field, Object> optimizerState(Optimizer optimizer) {
        Map<Field, Object> state = new LinkedHashMap<>();
        for (Class<?> c = optimizer.getClass(); c != null; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                int mod = f.getModifiers();
                if (Modifier.isStatic(mod)
                        || f.isSynthetic()
                        || ParameterTracker.class.isAssignableFrom(f.getType())
                        || f.getType().isPrimitive() && Modifier.isFinal(mod)) {
                    continue;
                }
                state.put(f, read(f, optimizer));
            }
        }
        return state;
    }

    /**
     * Tells whether the trainer has run its first {@code step()}.
     *
     * @param trainer the trainer
     * @return true once it stepped, or when this DJL has no {@code gradientsChecked} field
     */
    static boolean hasStepped(Trainer trainer) {
        try {
            return Boolean.TRUE.equals(
                    read(Trainer.class.getDeclaredField("gradientsChecked"), trainer));
        } catch (NoSuchFieldException e) {
            return true;
        }
    }

    /**
     * Tells whether the next step updates the parameter arrays themselves, so that restoring them
     * in place is enough: DJL's {@code LocalParameterServer}, one device, and a parameter store
     * without copies ({@code ParameterStore.copy}).
     *
     * @param trainer the trainer
     * @param location where the trainer keeps its optimizer
     * @return true if restoring the parameter arrays in place is enough
     */
    static boolean stepsArraysInPlace(Trainer trainer, Location location) {
        if (!(location.holder() instanceof LocalParameterServer)
                || trainer.getDevices().length != 1) {
            return false;
        }
        try {
            Object store = read(Trainer.class.getDeclaredField("parameterStore"), trainer);
            return Boolean.FALSE.equals(read(ParameterStore.class.getDeclaredField("copy"), store));
        } catch (NoSuchFieldException e) {
            return false; // another DJL: write through the parameter server, which is always right
        }
    }

    /**
     * Writes saved weights through the trainer's parameter server with one {@code step()}, the
     * optimizer swapped for one that copies the saved weight in (and put back afterwards).
     *
     * @param trainer the trainer
     * @param location where the trainer keeps its optimizer
     * @param saved the weights by parameter id
     */
    static void writeWeights(Trainer trainer, Location location, Map<String, NDArray> saved) {
        write(location.field(), location.holder(), new WeightWriter(saved));
        try {
            trainer.step();
        } finally {
            write(location.field(), location.holder(), location.optimizer());
        }
    }

    /**
     * Returns an optimizer's weight decay ({@code Optimizer.weightDecays}, private in DJL).
     *
     * @param optimizer the optimizer
     * @return the weight decay, or 0 when this DJL has no such field
     */
    static float weightDecay(Optimizer optimizer) {
        try {
            return (Float) read(Optimizer.class.getDeclaredField("weightDecays"), optimizer);
        } catch (NoSuchFieldException e) {
            return 0;
        }
    }

    /**
     * Reads a field.
     *
     * @param f the field
     * @param target the object that holds it
     * @return the value
     * @throws IllegalStateException if it cannot be read, naming the field
     */
    static Object read(Field f, Object target) {
        try {
            f.setAccessible(true);
            return f.get(target);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot read " + f + " (DJL internals changed?)", e);
        }
    }

    /**
     * Writes a field.
     *
     * @param f the field
     * @param target the object that holds it
     * @param value the value
     * @throws IllegalStateException if it cannot be written, naming the field
     */
    static void write(Field f, Object target, Object value) {
        try {
            f.setAccessible(true);
            f.set(target, value);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot write " + f + " (DJL internals changed?)", e);
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

    /** An optimizer whose update overwrites the weight with the saved one. */
    private static final class WeightWriter extends Optimizer {

        private final Map<String, NDArray> saved;

        WeightWriter(Map<String, NDArray> saved) {
            super(new NoOptions());
            this.saved = saved;
        }

        @Override
        public void update(String parameterId, NDArray weight, NDArray grad) {
            NDArray value = saved.get(parameterId);
            if (value != null) {
                value.copyTo(weight);
            }
        }
    }

    private static final class NoOptions extends Optimizer.OptimizerBuilder<NoOptions> {
        @Override
        protected NoOptions self() {
            return this;
        }
    }
}
