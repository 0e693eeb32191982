package dev.lrfinder.listeners;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.ParameterTracker;
import ai.djl.util.Pair;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Synthetic data and small models for listener tests on the real engine the run selects (MXNet or
 * PyTorch).
 */
public final class Fixtures {

    public static final int FEATURES = 8;
    static final int CLASSES = 4;

    private Fixtures() {}

    /** Four Gaussian blobs in 8 dimensions, one per class. */
    public static ArrayDataset blobs(NDManager manager, int samples, int batchSize, long seed) {
        Random r = new Random(seed);
        float[] x = new float[samples * FEATURES];
        float[] y = new float[samples];
        for (int i = 0; i < samples; i++) {
            int c = i % CLASSES;
            y[i] = c;
            for (int j = 0; j < FEATURES; j++) {
                double center = (j % CLASSES == c) ? 2.0 : 0.0;
                x[i * FEATURES + j] = (float) (center + r.nextGaussian());
            }
        }
        return new ArrayDataset.Builder()
                .setData(manager.create(x, new Shape(samples, FEATURES)))
                .optLabels(manager.create(y, new Shape(samples)))
                .setSampling(batchSize, true)
                .build();
    }

    public static ArrayDataset constant(
            NDManager manager, float value, int samples, int batchSize) {
        float[] x = new float[samples * FEATURES];
        java.util.Arrays.fill(x, value);
        return new ArrayDataset.Builder()
                .setData(manager.create(x, new Shape(samples, FEATURES)))
                .optLabels(manager.zeros(new Shape(samples)))
                .setSampling(batchSize, false)
                .build();
    }

    /** Tells whether the tests run on PyTorch, whose DJL engine lacks some optimizers. */
    static boolean pytorch() {
        return "PyTorch".equals(Engine.getInstance().getEngineName());
    }

    public static Model mlp() {
        Engine.getInstance().setRandomSeed(1234);
        Model model = Model.newInstance("mlp");
        model.setBlock(
                new SequentialBlock()
                        .add(Linear.builder().setUnits(32).build())
                        .add(Activation::relu)
                        .add(Linear.builder().setUnits(CLASSES).build()));
        return model;
    }

    /** A linear classifier: unlike ReLU, it lets a NaN input through to the loss. */
    public static Model linear() {
        Engine.getInstance().setRandomSeed(1234);
        Model model = Model.newInstance("linear");
        model.setBlock(new SequentialBlock().add(Linear.builder().setUnits(CLASSES).build()));
        return model;
    }

    public static Trainer trainer(Model model, Optimizer optimizer, TrainingListener... listeners) {
        DefaultTrainingConfig config =
                new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                        .optOptimizer(optimizer)
                        .addTrainingListeners(listeners);
        Trainer trainer = model.newTrainer(config);
        trainer.initialize(new Shape(1, FEATURES));
        return trainer;
    }

    /** Every float of the model's parameters, by parameter name. */
    public static Map<String, float[]> parameters(Trainer trainer) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : trainer.getModel().getBlock().getParameters()) {
            out.put(p.getKey(), p.getValue().getArray().toFloatArray());
        }
        return out;
    }

    /**
     * The optimizer's whole state read straight from its fields: every array in its state maps and
     * every counter, as text that compares bit for bit.
     */
    static Map<String, String> optimizerState(Trainer trainer) {
        Optimizer opt = DjlInternals.locate(trainer).orElseThrow().optimizer();
        Map<String, String> out = new java.util.TreeMap<>();
        for (Class<?> c = opt.getClass(); c != null; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())
                        || ParameterTracker.class.isAssignableFrom(f.getType())) {
                    continue;
                }
                Object v = DjlInternals.read(f, opt);
                out.put(c.getSimpleName() + "." + f.getName(), describe(v));
            }
        }
        return out;
    }

    private static String describe(Object v) {
        if (v instanceof NDArray a) {
            float[] f = a.toFloatArray();
            StringBuilder sb = new StringBuilder();
            for (float x : f) {
                sb.append(Integer.toHexString(Float.floatToRawIntBits(x))).append(' ');
            }
            return sb.toString();
        }
        if (v instanceof Object[] items) {
            return describe(java.util.Arrays.asList(items));
        }
        if (v instanceof java.util.List<?> items) {
            StringBuilder sb = new StringBuilder("[");
            for (Object item : items) {
                sb.append(describe(item)).append("; ");
            }
            return sb.append(']').toString();
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, String> sorted = new java.util.TreeMap<>();
            m.forEach((k, val) -> sorted.put(String.valueOf(k), describe(val)));
            return sorted.toString();
        }
        return String.valueOf(v);
    }

    /**
     * The result of a range test fed a loss for each learning rate, without training: an
     * exponential sweep, no smoothing.
     */
    static LrFinderResult result(
            double startLr,
            double endLr,
            int iterations,
            java.util.function.DoubleUnaryOperator lossAt,
            dev.lrfinder.core.SuggestionRule rule,
            String optimizer) {
        dev.lrfinder.core.RangeTest test =
                dev.lrfinder.core.RangeTest.builder()
                        .optStartLr(startLr)
                        .optEndLr(endLr)
                        .optNumIterations(iterations)
                        .optSmoothing(0)
                        .build();
        while (test.status() == dev.lrfinder.core.RangeTestStatus.RUNNING) {
            test.record(lossAt.applyAsDouble(test.learningRate()));
        }
        dev.lrfinder.core.OptimizerFamily family =
                optimizer == null
                        ? dev.lrfinder.core.OptimizerFamily.UNKNOWN
                        : "Sgd".equals(optimizer) || "Nag".equals(optimizer)
                                ? dev.lrfinder.core.OptimizerFamily.SGD
                                : dev.lrfinder.core.OptimizerFamily.ADAPTIVE;
        return new LrFinderResult(
                test, rule, new OptimizerSeen(optimizer, family, Float.NaN, 0), 0);
    }

    /**
     * Counts the live arrays and managers under a manager, through DJL's manager tree.
     *
     * @return {arrays, managers}
     */
    public static int[] liveResources(NDManager root) {
        return new int[] {root.getManagedArrays().size(), managers(root)};
    }

    private static int managers(NDManager manager) {
        int n = 1;
        try {
            Field f = ai.djl.ndarray.BaseNDManager.class.getDeclaredField("resources");
            f.setAccessible(true);
            for (Object r : ((Map<?, ?>) f.get(manager)).values()) {
                if (r instanceof NDManager sub) {
                    n += managers(sub);
                }
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        return n;
    }

    /** A fixed learning rate that counts how often the optimizer asks it. */
    static final class CountingTracker implements ParameterTracker {
        final float value;
        int calls;

        CountingTracker(float value) {
            this.value = value;
        }

        @Override
        public float getNewValue(String parameterId, int numUpdate) {
            calls++;
            return value;
        }
    }
}
