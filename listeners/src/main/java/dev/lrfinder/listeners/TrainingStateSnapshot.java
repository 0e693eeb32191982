package dev.lrfinder.listeners;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.Pair;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A copy of everything a training step changes: the model's parameters and the optimizer's state.
 * {@link #restore()} puts it back in place, bit for bit, so that the next {@code fit} starts
 * exactly where it would have.
 *
 * <p>The optimizer's state is every instance field but its learning-rate tracker ({@link
 * DjlInternals#optimizerState}): primitives (update counts, momentum), and NDArrays held directly
 * or in arrays, {@code List}s and {@code Map}s of them at any depth (DJL's momentum buffers and
 * Adam moments, and whatever a subclass keeps). A field that holds any other kind of object could
 * hide arrays the snapshot cannot copy: the constructor refuses it, naming the optimizer's class
 * and the field, before anything has changed.
 */
final class TrainingStateSnapshot implements AutoCloseable {

    /** Values kept by reference: immutable, and holding no array. */
    private static final Set<Class<?>> IMMUTABLE =
            Set.of(
                    Boolean.class,
                    Byte.class,
                    Character.class,
                    Short.class,
                    Integer.class,
                    Long.class,
                    Float.class,
                    Double.class,
                    String.class,
                    Device.class,
                    Shape.class,
                    DataType.class);

    private final NDManager manager;
    private final Trainer trainer;
    private final DjlInternals.Location location;

    /** Each live parameter array and its copy. */
    private final List<Pair<NDArray, NDArray>> parameters = new ArrayList<>();

    /** The copies by parameter id, for the write through the parameter server. */
    private final Map<String, NDArray> byId = new HashMap<>();

    /** Each optimizer field and its saved value: a primitive as it was, anything else copied. */
    private final Map<Field, Object> optimizerFields = new LinkedHashMap<>();

    /**
     * Captures a trainer's parameters and its optimizer's state.
     *
     * @param trainer an initialized trainer
     * @param location where the trainer keeps its optimizer
     * @throws IllegalStateException if an optimizer field holds an object the snapshot cannot copy
     *     (naming the optimizer's class, the field and the object's class); nothing is captured
     */
    TrainingStateSnapshot(Trainer trainer, DjlInternals.Location location) {
        this.trainer = trainer;
        this.location = location;
        Optimizer optimizer = location.optimizer();
        Map<Field, Object> state = DjlInternals.optimizerState(optimizer);
        for (Map.Entry<Field, Object> e : state.entrySet()) {
            requireCopyable(optimizer, e.getKey(), e.getValue());
        }
        manager = trainer.getManager().newSubManager();
        for (Pair<String, Parameter> p : trainer.getModel().getBlock().getParameters()) {
            Parameter param = p.getValue();
            if (param.isInitialized()) {
                NDArray live = param.getArray();
                NDArray saved = (NDArray) copy(live);
                parameters.add(new Pair<>(live, saved));
                byId.put(param.getId(), saved);
            }
        }
        for (Map.Entry<Field, Object> e : state.entrySet()) {
            Object value = e.getValue();
            optimizerFields.put(
                    e.getKey(), e.getKey().getType().isPrimitive() ? value : copy(value));
        }
    }

    /**
     * Writes the captured parameters and optimizer state back into the live trainer. Arrays the
     * optimizer created since the capture (state for parameters it had never updated) are closed.
     *
     * <p>Some engines keep the authoritative copy of each weight inside their parameter server, so
     * the weights also go back through it ({@link DjlInternals#writeWeights}).
     */
    void restore() {
        for (Pair<NDArray, NDArray> p : parameters) {
            p.getValue().copyTo(p.getKey());
        }
        if (DjlInternals.hasStepped(trainer)
                && !DjlInternals.stepsArraysInPlace(trainer, location)) {
            DjlInternals.writeWeights(trainer, location, byId);
        }
        Optimizer optimizer = location.optimizer();
        for (Map.Entry<Field, Object> e : optimizerFields.entrySet()) {
            Field f = e.getKey();
            if (f.getType().isPrimitive()) {
                DjlInternals.write(f, optimizer, e.getValue());
            } else {
                Object live = DjlInternals.read(f, optimizer);
                Object value = restored(live, e.getValue());
                if (value != live) {
                    DjlInternals.write(f, optimizer, value);
                }
            }
        }
    }

    /** Frees the copies. */
    @Override
    public void close() {
        manager.close();
    }

    /** Refuses a field whose value may hold arrays the snapshot does not know how to copy. */
    private static void requireCopyable(Optimizer optimizer, Field field, Object value) {
        Object unknown = firstUnknown(value);
        if (unknown != null) {
            throw new IllegalStateException(
                    "LrFinder cannot restore the state of the optimizer "
                            + optimizer.getClass().getName()
                            + ": its field "
                            + field.getDeclaringClass().getSimpleName()
                            + "."
                            + field.getName()
                            + " holds a "
                            + unknown.getClass().getName()
                            + ", which it cannot copy, so the optimizer could not be put back as it"
                            + " was; nothing has run. Keep the optimizer's state in primitives and"
                            + " NDArrays, or arrays, Lists and Maps of them; or run an"
                            + " LrRangeTestListener, which restores nothing.");
        }
    }

    /** Returns the first value inside {@code value} that is not copyable, or null. */
    private static Object firstUnknown(Object value) {
        if (value == null || value instanceof NDArray || isImmutable(value)) {
            return null;
        }
        if (value.getClass().isArray()) {
            if (value.getClass().getComponentType().isPrimitive()) {
                return null;
            }
            for (Object item : (Object[]) value) {
                Object unknown = firstUnknown(item);
                if (unknown != null) {
                    return unknown;
                }
            }
            return null;
        }
        if (value instanceof List<?> list) {
            for (Object item : list) {
                Object unknown = firstUnknown(item);
                if (unknown != null) {
                    return unknown;
                }
            }
            return null;
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                Object unknown = firstUnknown(e.getValue());
                if (unknown == null && !isImmutable(e.getKey())) {
                    unknown = e.getKey(); // a key is kept by reference: it must not change
                }
                if (unknown != null) {
                    return unknown;
                }
            }
            return null;
        }
        return value;
    }

    private static boolean isImmutable(Object value) {
        return value == null
                || value instanceof Enum<?>
                || value instanceof org.slf4j.Logger // a logger in an instance field holds no state
                || IMMUTABLE.contains(value.getClass());
    }

    /** Copies a value of the optimizer's state: arrays into this snapshot's manager. */
    private Object copy(Object value) {
        if (value instanceof NDArray a) {
            NDArray c = a.duplicate();
            c.attach(manager);
            return c;
        }
        if (value instanceof Object[] items) {
            Object[] out = items.clone(); // keeps the component type
            for (int i = 0; i < out.length; i++) {
                out[i] = copy(items[i]);
            }
            return out;
        }
        if (value != null && value.getClass().isArray()) { // primitives
            int n = Array.getLength(value);
            Object out = Array.newInstance(value.getClass().getComponentType(), n);
            System.arraycopy(value, 0, out, 0, n);
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (Object item : list) {
                out.add(copy(item));
            }
            return out;
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.put(e.getKey(), copy(e.getValue()));
            }
            return out;
        }
        return value; // immutable
    }

    /**
     * Returns what a slot of the optimizer's state must hold to equal {@code saved}: the live value
     * itself, restored in place, wherever it has the saved value's form (an array of the same
     * shape, a container of the same kind), else a fresh value; what the live value held and the
     * restored one does not is closed.
     */
    private static Object restored(Object live, Object saved) {
        if (saved == null) {
            free(live);
            return null;
        }
        if (saved instanceof NDArray want) {
            if (live instanceof NDArray have
                    && have.getShape().equals(want.getShape())
                    && have.getDataType() == want.getDataType()) {
                want.copyTo(have);
                return have;
            }
            free(live);
            NDArray fresh = want.duplicate();
            fresh.detach();
            return fresh;
        }
        if (saved instanceof Object[] items) {
            Object[] target =
                    live instanceof Object[] have
                                    && have.getClass() == items.getClass()
                                    && have.length == items.length
                            ? have
                            : null;
            if (target == null) {
                free(live);
                target =
                        (Object[])
                                Array.newInstance(
                                        items.getClass().getComponentType(), items.length);
            }
            for (int i = 0; i < items.length; i++) {
                target[i] = restored(target[i], items[i]);
            }
            return target;
        }
        if (saved.getClass().isArray()) { // primitives
            int n = Array.getLength(saved);
            Object target =
                    live != null
                                    && live.getClass() == saved.getClass()
                                    && Array.getLength(live) == n
                            ? live
                            : Array.newInstance(saved.getClass().getComponentType(), n);
            System.arraycopy(saved, 0, target, 0, n);
            return target;
        }
        if (saved instanceof List<?> items) {
            return restoredList(live, items);
        }
        if (saved instanceof Map<?, ?> map) {
            Map<?, ?> target = live instanceof Map<?, ?> have ? have : null;
            if (target == null) {
                free(live);
                target = new ConcurrentHashMap<>();
            }
            restoreInto(target, map);
            return target;
        }
        return saved; // immutable
    }

    @SuppressWarnings("unchecked")
    private static Object restoredList(Object live, List<?> saved) {
        if (live instanceof List<?> have) {
            List<Object> list = (List<Object>) have;
            try {
                while (list.size() > saved.size()) {
                    free(list.remove(list.size() - 1));
                }
                for (int i = 0; i < saved.size(); i++) {
                    if (i < list.size()) {
                        list.set(i, restored(list.get(i), saved.get(i)));
                    } else {
                        list.add(restored(null, saved.get(i)));
                    }
                }
                return list;
            } catch (UnsupportedOperationException e) {
                // an unmodifiable list: replaced below by a new one
            }
        }
        free(live);
        List<Object> fresh = new ArrayList<>(saved.size());
        for (Object item : saved) {
            fresh.add(restored(null, item));
        }
        return fresh;
    }

    /** Makes {@code live} equal to {@code saved}, writing arrays in place where both have one. */
    @SuppressWarnings("unchecked")
    private static void restoreInto(Map<?, ?> liveMap, Map<?, ?> saved) {
        Map<Object, Object> live = (Map<Object, Object>) liveMap;
        live.entrySet()
                .removeIf(
                        e -> {
                            if (saved.containsKey(e.getKey())) {
                                return false;
                            }
                            free(e.getValue()); // state the optimizer created during the test
                            return true;
                        });
        for (Map.Entry<?, ?> e : saved.entrySet()) {
            Object have = live.get(e.getKey());
            Object value = restored(have, e.getValue());
            if (value == null) {
                live.remove(e.getKey());
            } else if (value != have) {
                live.put(e.getKey(), value);
            }
        }
    }

    /** Closes the arrays in a value of the optimizer's state. */
    private static void free(Object value) {
        if (value instanceof NDArray a) {
            a.close();
        } else if (value instanceof Object[] items) {
            for (Object item : items) {
                free(item);
            }
        } else if (value instanceof Collection<?> items) {
            items.forEach(TrainingStateSnapshot::free);
        } else if (value instanceof Map<?, ?> inner) {
            inner.values().forEach(TrainingStateSnapshot::free);
        }
    }
}
