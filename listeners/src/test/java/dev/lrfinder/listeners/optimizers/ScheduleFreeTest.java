package dev.lrfinder.listeners.optimizers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.lrfinder.listeners.Fixtures;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Schedule-free SGD and AdamW against the paper's update (arXiv 2405.15682, Algorithm 1) written
 * out in three sequences z, x, y with doubles, on a noisy quadratic; and the evaluation contract on
 * a real trainer.
 */
class ScheduleFreeTest {

    private static final double[] W0 = {1, -2, 0.5, 3, -0.25};
    private static final double[] CURVATURE = {0.5, 1, 2, 4, 8};
    private static final int STEPS = 30;
    private static final int WARMUP = 6;

    /** A gradient at y with a deterministic "noise" term, the same for both implementations. */
    private static double gradient(int i, double y, int t) {
        return CURVATURE[i] * y + 0.3 * Math.sin(1.7 * t + i);
    }

    /** The paper's schedule-free update, three sequences, doubles; returns y per step, x last. */
    private static double[][] reference(
            boolean adam, double lr, double beta, double decay, int totalSteps) {
        int n = W0.length;
        double[] z = W0.clone();
        double[] x = W0.clone();
        double[] y = W0.clone();
        double[] v = new double[n];
        double maxRate = 0;
        double weightSum = 0;
        double[][] out = new double[STEPS + 1][];
        for (int t = 1; t <= STEPS; t++) {
            double rate = lr * Math.min(1.0, (double) t / WARMUP);
            if (adam) {
                rate *= Math.sqrt(1 - Math.pow(0.999, t));
            }
            double[] g = new double[n];
            for (int i = 0; i < n; i++) {
                g[i] = gradient(i, y[i], t);
                if (adam) {
                    v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
                    g[i] = g[i] / (Math.sqrt(v[i]) + 1e-8);
                }
                z[i] -= rate * (g[i] + decay * y[i]);
            }
            maxRate = Math.max(maxRate, rate);
            double w = maxRate * maxRate;
            weightSum += w;
            double c = w / weightSum;
            for (int i = 0; i < n; i++) {
                x[i] = (1 - c) * x[i] + c * z[i];
                y[i] = (1 - beta) * z[i] + beta * x[i];
            }
            out[t - 1] = y.clone();
        }
        out[STEPS] = x.clone();
        return out;
    }

    private static void assertMatchesPaper(Optimizer optimizer, double[][] expected) {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray weight = manager.create(toFloats(W0));
            for (int t = 1; t <= STEPS; t++) {
                float[] y = weight.toFloatArray();
                float[] g = new float[y.length];
                for (int i = 0; i < y.length; i++) {
                    g[i] = (float) gradient(i, y[i], t);
                }
                try (NDArray grad = manager.create(g)) {
                    optimizer.update("w", weight, grad);
                }
                double[] want = t == STEPS ? expected[STEPS] : expected[t - 1];
                assertArrayEquals(toFloats(want), weight.toFloatArray(), 2e-5f, "step " + t);
            }
        }
    }

    @Test
    void sgdFollowsThePaperAndEndsAtTheAveragedPoint() {
        double[][] expected = reference(false, 0.2, 0.9, 0, STEPS);
        assertMatchesPaper(
                ScheduleFreeSgd.builder()
                        .optLearningRate(0.2f)
                        .optWarmupSteps(WARMUP)
                        .optTotalSteps(STEPS)
                        .build(),
                expected);
        // the averaged point is not the training point: the check above could tell them apart
        assertFalse(java.util.Arrays.equals(expected[STEPS - 1], expected[STEPS]));
    }

    @Test
    void adamWFollowsThePaperWithDecoupledDecayAtY() {
        assertMatchesPaper(
                ScheduleFreeAdamW.builder()
                        .optLearningRate(0.05f)
                        .optWarmupSteps(WARMUP)
                        .optTotalSteps(STEPS)
                        .optWeightDecays(0.01f)
                        .build(),
                reference(true, 0.05, 0.9, 0.01, STEPS));
    }

    @Test
    void theRateComesFromTheTrackerItsWarmupRampsTo() {
        // a tracker, as an LR range test installs one, gives the same run as the fixed rate
        assertMatchesPaper(
                ScheduleFreeSgd.builder()
                        .optLearningRateTracker(Tracker.fixed(0.2f))
                        .optMomentum(0.8f)
                        .optWarmupSteps(WARMUP)
                        .optTotalSteps(STEPS)
                        .build(),
                reference(false, 0.2, 0.8, 0, STEPS));
    }

    @Test
    void afterFitTheModelHoldsTheAveragedPointAndCanGoBackBitForBit() throws Exception {
        int batches = 8;
        float[] afterFit;
        float[] trainingPoint;
        try (Model model = Fixtures.mlp();
                NDManager manager = NDManager.newBaseManager()) {
            ScheduleFreeSgd sgd =
                    ScheduleFreeSgd.builder().optLearningRate(0.5f).optTotalSteps(batches).build();
            Trainer trainer = Fixtures.trainer(model, sgd);
            ArrayDataset data = Fixtures.blobs(manager, 32 * batches, 32, 5);
            EasyTrain.fit(trainer, 1, data, null);
            assertTrue(sgd.holdsAveragedPoint());
            afterFit = flat(trainer);
            sgd.useTrainingPoint(trainer);
            trainingPoint = flat(trainer);
            sgd.useAveragedPoint(trainer);
            assertArrayEquals(afterFit, flat(trainer), 0f, "switching back and forth is exact");
            trainer.close();
        }
        try (Model model = Fixtures.mlp();
                NDManager manager = NDManager.newBaseManager()) {
            ScheduleFreeSgd sgd = ScheduleFreeSgd.builder().optLearningRate(0.5f).build();
            Trainer trainer = Fixtures.trainer(model, sgd);
            ArrayDataset data = Fixtures.blobs(manager, 32 * batches, 32, 5);
            EasyTrain.fit(trainer, 1, data, null);
            assertFalse(sgd.holdsAveragedPoint(), "without a plan the model keeps y");
            assertArrayEquals(trainingPoint, flat(trainer), 0f, "y is the same run's y");
            sgd.useAveragedPoint(trainer);
            assertArrayEquals(afterFit, flat(trainer), 0f, "x is the same run's x");
            trainer.close();
        }
        assertFalse(java.util.Arrays.equals(afterFit, trainingPoint));
    }

    @Test
    void theStepClearsTheGradientAsDjlsOwnOptimizersDo() {
        // PyTorch adds each backward pass to the gradient: a step that left it would add it again
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray weight = manager.create(toFloats(W0));
            NDArray grad = manager.create(new float[] {1, -1, 2, -2, 3});
            ScheduleFreeAdamW.builder().build().update("w", weight, grad);
            assertArrayEquals(new float[5], grad.toFloatArray(), 0f);
        }
    }

    @Test
    void badSettingsAreNamed() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> ScheduleFreeSgd.builder().optMomentum(1f).build());
        assertTrue(
                e.getMessage().contains("beta (the momentum)") && e.getMessage().contains("1.0"));
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> ScheduleFreeAdamW.builder().optWarmupSteps(-3).build());
        assertTrue(e.getMessage().contains("warmupSteps") && e.getMessage().contains("-3"));
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> ScheduleFreeAdamW.builder().optLearningRate(0f));
        assertTrue(e.getMessage().contains("learningRate"), e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> ScheduleFreeAdamW.builder().optBeta2(1f).build());
        assertEquals("beta2 must be in [0, 1), got 1.0", e.getMessage());
    }

    private static float[] flat(Trainer trainer) {
        Map<String, float[]> params = Fixtures.parameters(trainer);
        return params.values().stream()
                .map(a -> a)
                .reduce(
                        new float[0],
                        (a, b) -> {
                            float[] out = java.util.Arrays.copyOf(a, a.length + b.length);
                            System.arraycopy(b, 0, out, a.length, b.length);
                            return out;
                        });
    }

    private static float[] toFloats(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }
}
