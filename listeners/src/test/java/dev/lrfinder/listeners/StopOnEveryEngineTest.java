package dev.lrfinder.listeners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import dev.lrfinder.core.RangeTestStatus;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * "Once the test has stopped, the same trainer can go on training" on every engine: PyTorch keeps
 * the gradient of a batch whose step never came and adds the next batch's to it, so the stopped
 * batch's gradient must be cleared.
 */
class StopOnEveryEngineTest {

    @Test
    void theSuiteRunsOnTheEngineItWasAskedFor() {
        String wanted = System.getProperty("ai.djl.default_engine");
        assertNotNull(wanted, "the build sets ai.djl.default_engine for each of its two test runs");
        assertEquals(wanted, Engine.getInstance().getEngineName());
    }

    /** 30 iterations to 1e-2 finish; to 1e4 the loss diverges first. */
    @ParameterizedTest(name = "end lr {0}")
    @ValueSource(doubles = {1e-2, 1e4})
    void theFirstStepAfterTheStopEqualsACleanStep(double endLr) throws Exception {
        LrRangeTestListener rangeTest =
                LrRangeTestListener.builder()
                        .optStartLr(1e-4)
                        .optEndLr(endLr)
                        .optNumIterations(30)
                        .build();
        Map<String, float[]> stopped;
        Map<String, float[]> afterStep;
        try (Model model = Fixtures.mlp();
                NDManager manager = NDManager.newBaseManager();
                Trainer trainer = Fixtures.trainer(model, sgd(), rangeTest)) {
            ArrayDataset data = Fixtures.blobs(manager, 512, 16, 3);
            assertThrows(
                    LrRangeTestListener.RangeTestStoppedException.class,
                    () -> EasyTrain.fit(trainer, 10, data, null));
            assertEquals(
                    endLr > 1 ? RangeTestStatus.DIVERGED : RangeTestStatus.FINISHED,
                    rangeTest.result().status());
            stopped = Fixtures.parameters(trainer);
            afterStep = stepOnce(trainer, manager);
        }
        // the same step from the same weights on a trainer that never ran a range test
        try (Model model = Fixtures.mlp();
                NDManager manager = NDManager.newBaseManager()) {
            model.getBlock()
                    .initialize(
                            model.getNDManager(),
                            DataType.FLOAT32,
                            new Shape(1, Fixtures.FEATURES));
            for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
                float[] w = stopped.get(p.getKey());
                p.getValue().getArray().set(w); // before the trainer exists (MXNet's KVStore)
            }
            try (Trainer clean = Fixtures.trainer(model, sgd())) {
                Map<String, float[]> expected = stepOnce(clean, manager);
                for (String name : expected.keySet()) {
                    float[] want = expected.get(name);
                    float[] got = afterStep.get(name);
                    assertEquals(want.length, got.length, name);
                    // equal to a few units in the last place: after a divergence the weights
                    // reach about 70, where PyTorch's threads may round one sum differently
                    for (int i = 0; i < want.length; i++) {
                        assertEquals(
                                want[i],
                                got[i],
                                1e-6f * Math.max(1, Math.abs(want[i])),
                                name + "[" + i + "]");
                    }
                }
            }
        }
    }

    @Test
    void aFitThatEndsBeforeTheTestLeavesARunningResultWithoutASuggestion() throws Exception {
        LrRangeTestListener rangeTest =
                LrRangeTestListener.builder()
                        .optStartLr(1e-4)
                        .optEndLr(1)
                        .optNumIterations(100)
                        .build();
        try (Model model = Fixtures.mlp();
                NDManager manager = NDManager.newBaseManager();
                Trainer trainer = Fixtures.trainer(model, sgd(), rangeTest)) {
            EasyTrain.fit(trainer, 1, Fixtures.blobs(manager, 12 * 16, 16, 4), null); // 12 batches
            LrFinderResult partial = rangeTest.result();
            assertEquals(RangeTestStatus.RUNNING, partial.status());
            assertEquals(12, partial.curve().size());
            assertTrue(partial.findSuggestion().isEmpty());
            assertTrue(
                    partial.suggestions().values().stream().allMatch(java.util.Optional::isEmpty));
            IllegalStateException e =
                    assertThrows(IllegalStateException.class, partial::suggestion);
            assertTrue(e.getMessage().contains("still running"), e.getMessage());
        }
    }

    private static Optimizer sgd() {
        return Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.05f)).build();
    }

    /** One step on the same fixed batch; returns the weights after it. */
    private static Map<String, float[]> stepOnce(Trainer trainer, NDManager manager)
            throws Exception {
        ArrayDataset batchData = Fixtures.blobs(manager, 16, 16, 99);
        for (Batch b : trainer.iterateDataset(batchData)) {
            try (b) {
                EasyTrain.trainBatch(trainer, b);
                trainer.step();
            }
        }
        return Fixtures.parameters(trainer);
    }
}
