package dev.lrfinder.listeners;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Progress;
import dev.lrfinder.core.RangeTestStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LrFinderTest {

    /** Trains a few batches so that momentum buffers, moments and update counts exist. */
    static void warmUp(Trainer trainer, ai.djl.training.dataset.Dataset data, int batches)
            throws Exception {
        int n = 0;
        for (Batch b : trainer.iterateDataset(data)) {
            try (b) {
                EasyTrain.trainBatch(trainer, b);
                trainer.step();
            }
            if (++n == batches) {
                return;
            }
        }
    }

    void assertRestoredBitForBit(Supplier<Optimizer> optimizer, int warmUpBatches)
            throws Exception {
        try (Model model = Fixtures.mlp();
                NDManager manager = NDManager.newBaseManager();
                Trainer trainer = Fixtures.trainer(model, optimizer.get())) {
            ArrayDataset data = Fixtures.blobs(manager, 256, 32, 3);
            warmUp(trainer, data, warmUpBatches);
            Map<String, float[]> params = Fixtures.parameters(trainer);
            Map<String, String> state = Fixtures.optimizerState(trainer);

            List<Boolean> changedDuringTest = new ArrayList<>();
            Progress peek =
                    new PeekingProgress(
                            () ->
                                    changedDuringTest.add(
                                            !Fixtures.optimizerState(trainer).equals(state)
                                                    && !sameParams(
                                                            params, Fixtures.parameters(trainer))));
            LrFinderResult r =
                    LrFinder.builder()
                            .optStartLr(1e-4)
                            .optEndLr(1)
                            .optNumIterations(30)
                            .optProgress(peek)
                            .build()
                            .find(trainer, data);
            assertTrue(r.curve().size() >= 2, r.toString());
            assertTrue(changedDuringTest.contains(true), "the test never changed the state");

            Map<String, float[]> after = Fixtures.parameters(trainer);
            for (String k : params.keySet()) {
                assertArrayEquals(params.get(k), after.get(k), 0f, k);
            }
            assertEquals(state, Fixtures.optimizerState(trainer));
        }
    }

    static boolean sameParams(Map<String, float[]> a, Map<String, float[]> b) {
        return a.keySet().stream().allMatch(k -> java.util.Arrays.equals(a.get(k), b.get(k)));
    }

    @Test
    void restoresParametersAndSgdMomentumBitForBit() throws Exception {
        assertRestoredBitForBit(
                () ->
                        Optimizer.sgd()
                                .setLearningRateTracker(Tracker.fixed(0.1f))
                                .optMomentum(0.9f)
                                .build(),
                5);
    }

    @Test
    void restoresParametersAndAdamMomentsBitForBit() throws Exception {
        assertRestoredBitForBit(
                () -> Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.001f)).build(), 5);
    }

    @Test
    void restoresScheduleFreeSgdBitForBit() throws Exception {
        assertRestoredBitForBit(
                () ->
                        dev.lrfinder.listeners.optimizers.ScheduleFreeSgd.builder()
                                .optLearningRate(0.5f)
                                .optWarmupSteps(3)
                                .build(),
                5);
    }

    @Test
    void restoresScheduleFreeAdamWBitForBitWhileTheModelHoldsTheAveragedPoint() throws Exception {
        // the plan's last step (4) left x in the model and y in the optimizer's state
        assertRestoredBitForBit(
                () ->
                        dev.lrfinder.listeners.optimizers.ScheduleFreeAdamW.builder()
                                .optWarmupSteps(2)
                                .optTotalSteps(4)
                                .build(),
                4);
    }

    @Test
    void aFreshOptimizerIsLeftWithoutState() throws Exception {
        // before any training the optimizer has no state: the test must not leave any behind
        assertRestoredBitForBit(
                () ->
                        Optimizer.sgd()
                                .setLearningRateTracker(Tracker.fixed(0.1f))
                                .optMomentum(0.9f)
                                .build(),
                0);
    }

    @Test
    void trainingAfterFindMatchesTrainingWithoutIt() throws Exception {
        float[] withFind = trainTwice(true);
        float[] without = trainTwice(false);
        assertArrayEquals(without, withFind, 0f);
    }

    private static float[] trainTwice(boolean runFinder) throws Exception {
        try (Model model = Fixtures.mlp();
                NDManager manager = NDManager.newBaseManager();
                Trainer trainer =
                        Fixtures.trainer(
                                model,
                                Optimizer.sgd()
                                        .setLearningRateTracker(Tracker.fixed(0.05f))
                                        .optMomentum(0.9f)
                                        .build())) {
            ArrayDataset ordered = Fixtures.constant(manager, 0.5f, 64, 32);
            warmUp(trainer, ordered, 2);
            if (runFinder) {
                LrFinder.builder()
                        .optNumIterations(20)
                        .build()
                        .find(trainer, Fixtures.blobs(manager, 128, 32, 4));
            }
            warmUp(trainer, ordered, 2);
            return Fixtures.parameters(trainer).values().iterator().next();
        }
    }

    @Test
    void cyclesOverASmallDatasetAndPutsTheTrackerBack() throws Exception {
        Fixtures.CountingTracker original = new Fixtures.CountingTracker(0.1f);
        try (Model model = Fixtures.mlp();
                NDManager manager = NDManager.newBaseManager();
                Trainer trainer =
                        Fixtures.trainer(
                                model, Optimizer.sgd().setLearningRateTracker(original).build())) {
            ArrayDataset threeBatches = Fixtures.blobs(manager, 96, 32, 5);
            LrFinderResult r =
                    LrFinder.builder()
                            .optStartLr(1e-5)
                            .optEndLr(1e-2)
                            .optNumIterations(25)
                            .build()
                            .find(trainer, threeBatches);
            assertEquals(RangeTestStatus.FINISHED, r.status());
            assertEquals(25, r.curve().size());
            assertEquals(1e-2, r.curve().get(24).learningRate(), 1e-12);
            assertEquals(0, original.calls);
            warmUp(trainer, threeBatches, 1);
            assertTrue(original.calls > 0);
        }
    }

    @Test
    void emptyDatasetIsAClearError() throws Exception {
        try (Model model = Fixtures.mlp();
                NDManager manager = NDManager.newBaseManager();
                Trainer trainer =
                        Fixtures.trainer(
                                model,
                                Optimizer.sgd()
                                        .setLearningRateTracker(Tracker.fixed(0.1f))
                                        .build())) {
            ai.djl.training.dataset.RandomAccessDataset empty =
                    Fixtures.blobs(manager, 256, 32, 6).subDataset(new ArrayList<>());
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> LrFinder.builder().build().find(trainer, empty));
            assertTrue(e.getMessage().contains("empty"), e.getMessage());
        }
    }

    @Test
    void nanFromTheFirstBatchDivergesAtZeroWithNoSuggestion() throws Exception {
        try (Model model = Fixtures.linear();
                NDManager manager = NDManager.newBaseManager();
                Trainer trainer =
                        Fixtures.trainer(
                                model,
                                Optimizer.sgd()
                                        .setLearningRateTracker(Tracker.fixed(0.1f))
                                        .build())) {
            ArrayDataset nan = Fixtures.constant(manager, Float.NaN, 64, 32);
            LrFinderResult r = LrFinder.builder().build().find(trainer, nan);
            assertEquals(RangeTestStatus.DIVERGED, r.status());
            assertEquals(0, r.divergedAt().orElseThrow());
            assertEquals(1, r.curve().size());
            assertTrue(Double.isNaN(r.curve().get(0).loss()));
            assertTrue(r.findSuggestion().isEmpty());
            IllegalStateException e = assertThrows(IllegalStateException.class, r::suggestion);
            assertTrue(e.getMessage().contains("iteration 0"), e.getMessage());
            assertTrue(r.suggestions().values().stream().allMatch(java.util.Optional::isEmpty));
        }
    }

    @Test
    void hugeLearningRatesDivergeAndTheCurveIsKept(@TempDir Path dir) throws Exception {
        try (Model model = Fixtures.mlp();
                NDManager manager = NDManager.newBaseManager();
                Trainer trainer =
                        Fixtures.trainer(
                                model,
                                Optimizer.sgd()
                                        .setLearningRateTracker(Tracker.fixed(0.1f))
                                        .build())) {
            ArrayDataset data = Fixtures.blobs(manager, 512, 32, 7);
            LrFinderResult r =
                    LrFinder.builder()
                            .optStartLr(1e-4)
                            .optEndLr(1e4)
                            .optNumIterations(100)
                            .build()
                            .find(trainer, data);
            assertTrue(r.diverged(), r.toString());
            int at = r.divergedAt().orElseThrow();
            assertEquals(at + 1, r.curve().size());
            assertTrue(at > 10 && at < 99, "diverged at " + at);
            double lr = r.suggestion().learningRate();
            assertTrue(lr > 1e-4 && lr < r.curve().get(at).learningRate(), "suggestion " + lr);

            Path png = dir.resolve("plot.png");
            r.writePlot(png);
            byte[] bytes = Files.readAllBytes(png);
            assertTrue(bytes.length > 5000, "plot too small: " + bytes.length);
            assertEquals((byte) 0x89, bytes[0]);
            assertEquals('P', bytes[1]);
            r.writeCsv(dir.resolve("c.csv"));
            assertEquals(
                    r.curve(),
                    dev.lrfinder.core.LossCurve.fromCsv(Files.readString(dir.resolve("c.csv"))));
        }
    }

    @Test
    void validationLossIsRecordedAndDrivesTheSmoothedCurve() throws Exception {
        try (Model model = Fixtures.mlp();
                NDManager manager = NDManager.newBaseManager();
                Trainer trainer =
                        Fixtures.trainer(
                                model,
                                Optimizer.sgd()
                                        .setLearningRateTracker(Tracker.fixed(0.1f))
                                        .build())) {
            LrFinderResult r =
                    LrFinder.builder()
                            .optStartLr(1e-4)
                            .optEndLr(1)
                            .optNumIterations(15)
                            .optSmoothing(0)
                            .optValidationBatches(2)
                            .build()
                            .find(
                                    trainer,
                                    Fixtures.blobs(manager, 256, 32, 8),
                                    Fixtures.blobs(manager, 256, 64, 9));
            for (var p : r.curve().points()) {
                assertTrue(p.hasValidationLoss());
                assertEquals(p.validationLoss(), p.smoothedLoss(), 0);
                assertNotEquals(p.loss(), p.validationLoss());
            }
        }
    }

    @Test
    void badParametersAreRejectedAtBuild() {
        assertThrows(
                IllegalArgumentException.class, () -> LrFinder.builder().optStartLr(-1).build());
        assertThrows(
                IllegalArgumentException.class,
                () -> LrFinder.builder().optNumIterations(2).build());
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> LrFinder.builder().optValidationBatches(-3).build());
        assertTrue(e.getMessage().contains("validationBatches") && e.getMessage().contains("-3"));
        assertThrows(
                IllegalArgumentException.class,
                () -> LrRangeTestListener.builder().optDivergenceFactor(0.9).build());
    }

    @Test
    void aBuiltFinderKeepsItsValuesWhenTheBuilderChangesLater() {
        LrFinder.Builder builder = LrFinder.builder().optNumIterations(50).optEndLr(1);
        LrFinder finder = builder.build();
        builder.optNumIterations(2).optEndLr(-5); // invalid now, but the finder is already built
        assertEquals(50, finder.config().sweep().numIterations());
        assertEquals(1, finder.config().sweep().endLr(), 0);
        assertEquals(1e-7, LrFinder.builder().build().config().sweep().startLr(), 0);
    }

    /** A progress that runs a check at every update. */
    static final class PeekingProgress implements Progress {
        private final Runnable check;

        PeekingProgress(Runnable check) {
            this.check = check;
        }

        @Override
        public void reset(String message, long max, String trailingMessage) {}

        @Override
        public void start(long initialProgress) {}

        @Override
        public void end() {}

        @Override
        public void increment(long increment) {}

        @Override
        public void update(long progress, String message) {
            check.run();
        }
    }

    @Test
    void anUninitializedTrainerIsRefusedBeforeAnythingRuns() throws Exception {
        try (Model model = Fixtures.mlp();
                NDManager manager = NDManager.newBaseManager();
                Trainer trainer =
                        model.newTrainer(
                                new ai.djl.training.DefaultTrainingConfig(
                                        ai.djl.training.loss.Loss.softmaxCrossEntropyLoss()))) {
            IllegalStateException e =
                    assertThrows(
                            IllegalStateException.class,
                            () ->
                                    LrFinder.builder()
                                            .build()
                                            .find(trainer, Fixtures.blobs(manager, 64, 32, 1)));
            assertTrue(e.getMessage().contains("trainer.initialize("), e.getMessage());
            assertTrue(
                    !model.getBlock().getParameters().valueAt(0).isInitialized(),
                    "nothing ran, so nothing was initialized");
        }
    }
}
