package dev.lrfinder.listeners;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.lrfinder.core.CurvePoint;
import dev.lrfinder.core.LrSweep;
import dev.lrfinder.core.TrainingPlan;
import dev.lrfinder.core.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * On a noisy loss a sweep capped below the plan's length cannot place the rate; the finder sweeps
 * again, as long as the plan, and the trainer is restored after both.
 */
class WholePlanSweepTest {

    private static final int FEATURES = 16;
    private static final TrainingPlan PLAN = TrainingPlan.ofSteps(2500);

    /**
     * Targets {@code 3 + sin(2 x0) + x1 x2} plus noise of deviation 1.5: the L2 loss falls fast to
     * the noise and the function's spread (the output learns the offset of 3), then slowly, under
     * the noise of batches of 16, as the network learns the function.
     */
    private static ArrayDataset twoPhases(NDManager manager) {
        int n = 8192;
        Random r = new Random(5);
        float[] x = new float[n * FEATURES];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < FEATURES; j++) {
                x[i * FEATURES + j] = (float) r.nextGaussian();
            }
            float[] u = {x[i * FEATURES], x[i * FEATURES + 1], x[i * FEATURES + 2]};
            y[i] = (float) (3 + Math.sin(2 * u[0]) + u[1] * u[2] + 1.5 * r.nextGaussian());
        }
        return new ArrayDataset.Builder()
                .setData(manager.create(x, new Shape(n, FEATURES)))
                .optLabels(manager.create(y, new Shape(n, 1)))
                .setSampling(16, true)
                .build();
    }

    private static Trainer trainer(Model model) {
        Engine.getInstance().setRandomSeed(42);
        model.setBlock(
                new SequentialBlock()
                        .add(Linear.builder().setUnits(64).build())
                        .add(Activation::relu)
                        .add(Linear.builder().setUnits(64).build())
                        .add(Activation::relu)
                        .add(Linear.builder().setUnits(1).build()));
        Optimizer sgd =
                Optimizer.sgd()
                        .setLearningRateTracker(Tracker.fixed(0.01f))
                        .optMomentum(0.9f)
                        .build();
        Trainer trainer =
                model.newTrainer(new DefaultTrainingConfig(Loss.l2Loss()).optOptimizer(sgd));
        trainer.initialize(new Shape(1, FEATURES));
        return trainer;
    }

    /** Records each test's sweep and result. */
    private static final class Tests implements RangeTestObserver {
        final List<LrSweep> sweeps = new ArrayList<>();
        final List<LrFinderResult> results = new ArrayList<>();

        @Override
        public void onStart(LrSweep sweep) {
            sweeps.add(sweep);
        }

        @Override
        public void onIteration(CurvePoint point) {}

        @Override
        public void onStop(LrFinderResult result) {
            results.add(result);
        }
    }

    /** A finder's result on the two-phase regression, its tests, and the weights around it. */
    private record Run(
            LrFinderResult result,
            Tests tests,
            Map<String, float[]> before,
            Map<String, float[]> after) {}

    /** Runs a finder given the plan on a fresh trainer. */
    private static Run run(LrFinder.Builder builder) throws Exception {
        Tests tests = new Tests();
        try (Model model = Model.newInstance("two-phases");
                NDManager manager = NDManager.newBaseManager();
                Trainer trainer = trainer(model)) {
            Map<String, float[]> before = Fixtures.parameters(trainer);
            LrFinderResult result =
                    builder.optPlannedSteps(PLAN.steps())
                            .addObserver(tests)
                            .build()
                            .find(trainer, twoPhases(manager));
            return new Run(result, tests, before, Fixtures.parameters(trainer));
        }
    }

    @Test
    void aSweepTooShortForTheNoiseRunsAgainAsLongAsThePlan() throws Exception {
        Run run = run(LrFinder.builder());
        assertEquals(run.before().keySet(), run.after().keySet());
        for (String name : run.before().keySet()) {
            assertArrayEquals(run.before().get(name), run.after().get(name), name + " restored");
        }
        Tests tests = run.tests();
        assertEquals(2, tests.results.size(), "two tests: " + tests.results);
        assertEquals(400, tests.sweeps.get(0).numIterations());
        assertEquals(2500, tests.sweeps.get(1).numIterations());
        LrFinderResult first = tests.results.get(0);
        assertTrue(
                first.verdict().reasons().contains(Verdict.Reason.REACH_UNCERTAIN),
                first.verdict().toString());
        assertTrue(first.plannedRate(PLAN).reachUncertain());
        LrFinderResult result = run.result();
        assertSame(tests.results.get(1), result, "the longer test's result");
        assertSame(tests.sweeps.get(1), result.sweep());
        assertSame(tests.sweeps.get(0), first.sweep());
        assertFalse(
                result.verdict().toString().contains("sees less noise"),
                "a sweep as long as the plan is not too short: " + result.verdict());
        assertTrue(result.curve().size() > 400, "points: " + result.curve().size());
        // the longer sweep sees the tail under the noise: the band it cannot tell apart narrows
        double shorter = bandDecades(first);
        double longer = bandDecades(result);
        assertTrue(longer < shorter, longer + " decades after " + shorter);
    }

    /** The decades of rates the verdict says the loss cannot tell apart, 0 where it is certain. */
    private static double bandDecades(LrFinderResult result) {
        Verdict verdict = result.verdict();
        int reason = verdict.reasons().indexOf(Verdict.Reason.REACH_UNCERTAIN);
        if (reason < 0) {
            return 0;
        }
        Matcher m =
                Pattern.compile("over ([0-9.]+) decades").matcher(verdict.details().get(reason));
        assertTrue(m.find(), verdict.details().get(reason));
        return Double.parseDouble(m.group(1));
    }

    @Test
    void theIterationsAUserGaveAreKeptAndTheVerdictSaysTheyAreTooFew() throws Exception {
        Run run = run(LrFinder.builder().optNumIterations(400));
        assertEquals(1, run.tests().results.size());
        Verdict verdict = run.result().verdict();
        int reason = verdict.reasons().indexOf(Verdict.Reason.REACH_UNCERTAIN);
        assertTrue(reason >= 0, verdict.toString());
        String detail = verdict.details().get(reason);
        assertTrue(
                detail.contains("a sweep of 400 iterations sees less noise than 2500 steps"),
                detail);
    }
}
