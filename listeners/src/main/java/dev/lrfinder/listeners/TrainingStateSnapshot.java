package dev.lrfinder.listeners;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.ParameterTracker;
import ai.djl.util.Pair;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A copy of everything a training step changes: the model's parameters and the optimizer's state
 * (momentum buffers, Adam moments, update counts). {@link #restore()} puts it back in place, bit
 * for bit, so that the next {@code fit} starts exactly where it would have.
 *
 * <p>DJL has no public way to read or reset optimizer state, so the optimizer's own fields are
 * copied: every map of per-parameter arrays or counters and every primitive field. Its
 * learning-rate tracker is left alone (listeners restore their own).
 */
public final class TrainingStateSnapshot implements AutoCloseable {

    private final NDManager manager;
    private final Trainer trainer;
    private final List<Pair<NDArray, NDArray>> parameters = new ArrayList<>();
    private final Map<String, NDArray> byId = new HashMap<>();
    private final OptimizerAccess.Location location;
    private final Optimizer optimizer;
    private final Map<Field, Object> optimizerFields = new LinkedHashMap<>();

    private TrainingStateSnapshot(Trainer trainer) {
        this.trainer = trainer;
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
        location = OptimizerAccess.locate(trainer).orElse(null);
        optimizer = location == null ? null : location.optimizer();
        if (optimizer != null) {
            for (Class<?> c = optimizer.getClass(); c != null; c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    int mod = f.getModifiers();
                    if (Modifier.isStatic(mod)
                            || ParameterTracker.class.isAssignableFrom(f.getType())) {
                        continue;
                    }
                    Object value = OptimizerAccess.read(f, optimizer);
                    if (f.getType().isPrimitive() && !Modifier.isFinal(mod)) {
                        optimizerFields.put(f, value);
                    } else if (value instanceof Map<?, ?> map) {
                        optimizerFields.put(f, deepCopy(map));
                    }
                }
            }
        }
    }

    /**
     * Captures a trainer's parameters and optimizer state.
     *
     * @param trainer an initialized trainer
     * @return the snapshot; close it to free its copies
     */
    public static TrainingStateSnapshot capture(Trainer trainer) {
        return new TrainingStateSnapshot(trainer);
    }

    /**
     * Tells whether the optimizer was reached, so that its state is part of the snapshot.
     *
     * @return true if the optimizer state is captured
     */
    public boolean coversOptimizer() {
        return optimizer != null;
    }

    /**
     * Writes the captured parameters and optimizer state back into the live trainer.
     *
     * <p>Some engines keep the authoritative copy of each weight inside their parameter server
     * (MXNet's KVStore pulls it into the parameter arrays after every update), so writing the
     * parameter arrays alone would be undone by the next step. The weights therefore go back
     * through the parameter server itself: for one {@code trainer.step()} the trainer's optimizer
     * is replaced by one whose update writes the saved weight, whatever the gradient.
     */
    @SuppressWarnings("try") // the resource only puts the original optimizer back
    public void restore() {
        for (Pair<NDArray, NDArray> p : parameters) {
            p.getValue().copyTo(p.getKey());
        }
        if (location != null && hasStepped(trainer)) {
            try (AutoCloseable undo = location.replaceWith(new WeightWriter(byId))) {
                trainer.step();
            } catch (Exception e) {
                throw new IllegalStateException("could not restore the weights", e);
            }
        }
        for (Map.Entry<Field, Object> e : optimizerFields.entrySet()) {
            Field f = e.getKey();
            if (f.getType().isPrimitive()) {
                OptimizerAccess.write(f, optimizer, e.getValue());
            } else {
                Object live = OptimizerAccess.read(f, optimizer);
                if (live instanceof Map<?, ?> map) {
                    restoreInto(map, (Map<?, ?>) e.getValue());
                }
            }
        }
    }

    /** Before its first step a trainer's parameter server holds the arrays written above. */
    private static boolean hasStepped(Trainer trainer) {
        try {
            Field f = Trainer.class.getDeclaredField("gradientsChecked");
            return Boolean.TRUE.equals(OptimizerAccess.read(f, trainer));
        } catch (NoSuchFieldException e) {
            return true;
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

    /** An optimizer whose update overwrites the weight with the saved one. */
    private static final class WeightWriter extends Optimizer {

        private final Map<String, NDArray> saved;

        WeightWriter(Map<String, NDArray> saved) {
            super(new NoOptions());
            this.saved = saved;
        }

        /** {@inheritDoc} */
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

    /** Makes {@code live} equal to {@code saved}, writing arrays in place where both have one. */
    @SuppressWarnings("unchecked")
    private static void restoreInto(Map<?, ?> liveMap, Map<?, ?> saved) {
        Map<Object, Object> live = (Map<Object, Object>) liveMap;
        live.keySet().removeIf(k -> !saved.containsKey(k));
        for (Map.Entry<?, ?> e : saved.entrySet()) {
            Object want = e.getValue();
            Object have = live.get(e.getKey());
            if (want instanceof NDArray w) {
                if (have instanceof NDArray h && h.getShape().equals(w.getShape())) {
                    w.copyTo(h);
                } else {
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
}
