package dev.lrfinder.listeners;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.Pair;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A copy of everything a training step changes: the model's parameters and the optimizer's state
 * (momentum buffers, Adam moments, update counts). {@link #restore()} puts it back in place, bit
 * for bit, so that the next {@code fit} starts exactly where it would have. The optimizer's fields
 * are reached through {@link DjlInternals}; its learning-rate tracker is left alone.
 */
final class TrainingStateSnapshot implements AutoCloseable {

    private final NDManager manager;
    private final Trainer trainer;
    private final List<Pair<NDArray, NDArray>> parameters = new ArrayList<>();
    private final Map<String, NDArray> byId = new HashMap<>();
    private final DjlInternals.Location location;
    private final Map<Field, Object> optimizerFields = new LinkedHashMap<>();

    /**
     * Captures a trainer's parameters and its optimizer's state.
     *
     * @param trainer an initialized trainer
     * @param location where the trainer keeps its optimizer
     */
    TrainingStateSnapshot(Trainer trainer, DjlInternals.Location location) {
        this.trainer = trainer;
        this.location = location;
        manager = trainer.getManager().newSubManager();
        for (Pair<String, Parameter> p : trainer.getModel().getBlock().getParameters()) {
            Parameter param = p.getValue();
            if (param.isInitialized()) {
                NDArray live = param.getArray();
                NDArray saved = copy(live);
                parameters.add(new Pair<>(live, saved));
                byId.put(param.getId(), saved);
            }
        }
        for (Map.Entry<Field, Object> e :
                DjlInternals.optimizerState(location.optimizer()).entrySet()) {
            Object value = e.getValue();
            if (value instanceof Map<?, ?> map) {
                optimizerFields.put(e.getKey(), deepCopy(map));
            } else if (value != null) {
                optimizerFields.put(e.getKey(), value);
            }
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
            } else if (DjlInternals.read(f, optimizer) instanceof Map<?, ?> live) {
                restoreInto(live, (Map<?, ?>) e.getValue());
            }
        }
    }

    /** Frees the copies. */
    @Override
    public void close() {
        manager.close();
    }

    private NDArray copy(NDArray array) {
        NDArray c = array.duplicate();
        c.attach(manager);
        return c;
    }

    private Map<Object, Object> deepCopy(Map<?, ?> map) {
        Map<Object, Object> out = new HashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            Object v = e.getValue();
            if (v instanceof NDArray a) {
                out.put(e.getKey(), copy(a));
            } else if (v instanceof Map<?, ?> inner) {
                out.put(e.getKey(), deepCopy(inner));
            } else {
                out.put(e.getKey(), v);
            }
        }
        return out;
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
            Object want = e.getValue();
            Object have = live.get(e.getKey());
            if (want instanceof NDArray w) {
                if (have instanceof NDArray h && h.getShape().equals(w.getShape())) {
                    w.copyTo(h);
                } else {
                    free(have);
                    NDArray fresh = w.duplicate();
                    fresh.detach();
                    live.put(e.getKey(), fresh);
                }
            } else if (want instanceof Map<?, ?> inner) {
                if (have instanceof Map<?, ?> haveMap) {
                    restoreInto(haveMap, inner);
                } else {
                    Map<Object, Object> fresh = new java.util.concurrent.ConcurrentHashMap<>();
                    restoreInto(fresh, inner);
                    live.put(e.getKey(), fresh);
                }
            } else {
                live.put(e.getKey(), want);
            }
        }
    }

    /** Closes the arrays in a value of an optimizer-state map. */
    private static void free(Object value) {
        if (value instanceof NDArray a) {
            a.close();
        } else if (value instanceof Map<?, ?> inner) {
            inner.values().forEach(TrainingStateSnapshot::free);
        }
    }
}
