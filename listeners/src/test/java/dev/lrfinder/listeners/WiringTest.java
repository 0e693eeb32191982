package dev.lrfinder.listeners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.lrfinder.core.schedule.LrSchedule;
import dev.lrfinder.listeners.LrRangeTestListener.RangeTestStoppedException;
import org.junit.jupiter.api.Test;

/**
 * Wiring that once did nothing, silently: each case now works or fails with a message, and the
 * optimizer applies what the listener reports (read off the weight's updates).
 */
class WiringTest {

    /** Momentum SGD with gradient 1 (MXNet's update on both engines): v = m * v - lr, w += v. */
    private static void assertFollows(LrSchedule schedule, float[] weights) {
        double v = 0;
        for (int t = 0; t < weights.length - 1; t++) {
            double m = Double.isNaN(schedule.momentum(t)) ? 0 : (float) schedule.momentum(t);
            v = m * v - (float) schedule.learningRate(t);
            assertEquals(v, weights[t + 1] - weights[t], 2e-5, "update at step " + t);
        }
    }

    private static Optimizer sgd() {
        return Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.05f)).build();
    }

    @Test
    void aScheduleAddedAfterTheTrainerWasBuiltInstallsAtTheFirstBatch() {
        int steps = 16;
        ScheduleListener late =
                OneCycleScheduler.builder().setMaxLr(0.5).setTotalSteps(steps).build();
        Optimizer sgd = sgd();
        float[] without;
        try (OneWeight w = new OneWeight(sgd());
                Trainer trainer = w.trainer()) {
            without = OneWeight.train(trainer, steps);
        }
        float[] with;
        try (OneWeight w = new OneWeight(sgd);
                Trainer trainer = w.trainer()) {
            w.config.addTrainingListeners(late); // DJL calls onTrainingBatch, never onTrainingBegin
            with = OneWeight.train(trainer, steps);
            assertEquals(late.currentLearningRate(), (float) late.schedule().learningRate(15));
        }
        assertFollows(late.schedule(), with);
        assertNotEquals(without[steps], with[steps]);
        assertFalse(DjlInternals.learningRate(sgd, "test") instanceof DrivenTracker);
        assertEquals(0f, DjlInternals.getFloat(DjlInternals.momentumField(sgd).orElseThrow(), sgd));
    }

    @Test
    void aScheduleInAReusedConfigStartsAgainForEachTrainer() {
        int steps = 12;
        ScheduleListener oneCycle =
                OneCycleScheduler.builder()
                        .setMaxLr(0.5)
                        .setTotalSteps(steps)
                        .optCycleMomentum(false)
                        .build();
        try (OneWeight w = new OneWeight(sgd(), oneCycle)) {
            try (Trainer first = w.trainer()) {
                assertFollows(oneCycle.schedule(), OneWeight.train(first, steps));
            }
            try (Trainer second = w.trainer()) { // k-fold, retraining: the same config again
                float[] weights = OneWeight.train(second, steps);
                assertFollows(oneCycle.schedule(), weights);
                assertEquals(0.02, weights[0] - weights[1], 1e-6); // the start, not the end 2e-6
            }
        }
    }

    @Test
    void twoListenersDrivingOneOptimizerFailNamingBothAndTheOptimizerKeepsItsRate() {
        Optimizer sgd = sgd();
        LrRangeTestListener first = LrRangeTestListener.builder().optNumIterations(10).build();
        LrRangeTestListener second = LrRangeTestListener.builder().optNumIterations(10).build();
        try (OneWeight w = new OneWeight(sgd, first, second)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, w::trainer);
            assertTrue(
                    e.getMessage().startsWith("LrRangeTestListener: ")
                            && e.getMessage().contains("driven by another lrfinder listener"),
                    e.getMessage());
        }
        // the README's trap: the schedule added to the config that still holds the range test
        ScheduleListener oneCycle =
                OneCycleScheduler.builder().setMaxLr(0.5).setTotalSteps(8).build();
        try (OneWeight w = new OneWeight(sgd, LrRangeTestListener.builder().build(), oneCycle)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, w::trainer);
            assertTrue(
                    e.getMessage().startsWith("OneCycleScheduler: ")
                            && e.getMessage().contains("(LrRangeTestListener)")
                            && e.getMessage().contains("new TrainingConfig"),
                    e.getMessage());
        }
        // the second listener added after the trainer was built: the fit fails, close() restores
        try (OneWeight w = new OneWeight(sgd, LrRangeTestListener.builder().build())) {
            try (Trainer trainer = w.trainer()) {
                w.config.addTrainingListeners(LrRangeTestListener.builder().build());
                assertThrows(IllegalStateException.class, () -> OneWeight.train(trainer, 2));
            }
        }
        try (OneWeight w = new OneWeight(sgd);
                Trainer trainer = w.trainer()) {
            for (double lr : OneWeight.appliedRates(OneWeight.train(trainer, 3))) {
                assertEquals(0.05, lr, 1e-6); // the optimizer's own rate, not a range test's
            }
        }
    }

    @Test
    void aFinderOnATrainerWhoseConfigHoldsAScheduleNamesTheScheduleNotAListenerNeverAdded() {
        ScheduleListener oneCycle =
                OneCycleScheduler.builder().setMaxLr(0.5).setTotalSteps(8).build();
        try (OneWeight w = new OneWeight(sgd(), oneCycle);
                Trainer trainer = w.trainer();
                NDManager manager = trainer.getManager().newSubManager()) {
            ArrayDataset ones =
                    new ArrayDataset.Builder()
                            .setData(manager.ones(new Shape(64, 1)))
                            .optLabels(manager.zeros(new Shape(64)))
                            .setSampling(4, false)
                            .build();
            LrFinder finder = LrFinder.builder().optNumIterations(10).build();
            IllegalStateException e =
                    assertThrows(IllegalStateException.class, () -> finder.find(trainer, ones));
            String m = e.getMessage();
            assertTrue(
                    m.startsWith("LrFinder: ")
                            && m.contains("(OneCycleScheduler)")
                            && m.contains("holds no OneCycleScheduler"),
                    m);
            assertFalse(m.contains("LrRangeTestListener"), m);
        }
    }

    @Test
    void eachTrainerBuiltFromOneConfigRunsItsOwnRangeTest() {
        LrRangeTestListener rangeTest =
                LrRangeTestListener.builder()
                        .optStartLr(1e-4)
                        .optEndLr(1)
                        .optNumIterations(12)
                        .build();
        DefaultTrainingConfig config =
                new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                        .optOptimizer(
                                Optimizer.sgd()
                                        .setLearningRateTracker(Tracker.fixed(0.01f))
                                        .build())
                        .addTrainingListeners(rangeTest);
        Shape input = new Shape(1, Fixtures.FEATURES);
        try (Model model = Fixtures.mlp();
                NDManager manager = NDManager.newBaseManager()) {
            ArrayDataset data = Fixtures.blobs(manager, 256, 32, 1);
            LrFinderResult first;
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(input);
                assertThrows(
                        RangeTestStoppedException.class,
                        () -> EasyTrain.fit(trainer, 5, data, null));
                first = rangeTest.result();
            }
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(input);
                RangeTestStoppedException stop =
                        assertThrows(
                                RangeTestStoppedException.class,
                                () -> EasyTrain.fit(trainer, 5, data, null));
                LrFinderResult second = rangeTest.result();
                assertEquals(12, second.curve().size());
                assertEquals(second.curve(), stop.result().curve());
                // the second test started from the weights the first one left: its own curve
                assertNotEquals(first.curve().get(0).loss(), second.curve().get(0).loss());
            }
            // two trainers open at once: the newer one runs the test, the older one fails loudly
            try (Trainer older = model.newTrainer(config);
                    Trainer newer = model.newTrainer(config)) {
                older.initialize(input);
                newer.initialize(input);
                IllegalStateException e =
                        assertThrows(
                                IllegalStateException.class,
                                () -> EasyTrain.fit(older, 1, data, null));
                assertTrue(e.getMessage().contains("newer trainer"), e.getMessage());
                assertThrows(
                        RangeTestStoppedException.class, () -> EasyTrain.fit(newer, 5, data, null));
                assertEquals(12, rangeTest.result().curve().size());
            }
        }
    }
}
