package dev.lrfinder.listeners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.ParameterTracker;
import dev.lrfinder.core.RangeTestStatus;
import dev.lrfinder.listeners.Fixtures.CountingTracker;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AutomaticWiringTest {

    static Stream<Arguments> optimizers() {
        return Stream.of(
                Arguments.of(
                        "sgd",
                        (Function<ParameterTracker, Optimizer>)
                                t ->
                                        Optimizer.sgd()
                                                .setLearningRateTracker(t)
                                                .optMomentum(0.9f)
                                                .build()),
                Arguments.of(
                        "nag",
                        (Function<ParameterTracker, Optimizer>)
                                t ->
                                        Optimizer.nag()
                                                .setLearningRateTracker(t)
                                                .setMomentum(0.9f)
                                                .build()),
                Arguments.of(
                        "adam",
                        (Function<ParameterTracker, Optimizer>)
                                t -> Optimizer.adam().optLearningRateTracker(t).build()),
                Arguments.of(
                        "adamw",
                        (Function<ParameterTracker, Optimizer>)
                                t -> Optimizer.adamW().optLearningRateTracker(t).build()),
                Arguments.of(
                        "rmsprop",
                        (Function<ParameterTracker, Optimizer>)
                                t -> Optimizer.rmsprop().optLearningRateTracker(t).build()),
                Arguments.of(
                        "adagrad",
                        (Function<ParameterTracker, Optimizer>)
                                t -> Optimizer.adagrad().optLearningRateTracker(t).build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void drivesEachBuiltInOptimizerAndPutsItsTrackerBack(
            String name, Function<ParameterTracker, Optimizer> build) throws Exception {
        CountingTracker original = new CountingTracker(0.01f);
        LrRangeTestListener rangeTest =
                LrRangeTestListener.builder()
                        .optStartLr(1e-5)
                        .optEndLr(1)
                        .optNumIterations(40)
                        .build();
        try (Model model = Fixtures.mlp();
                NDManager manager = NDManager.newBaseManager();
                Trainer trainer = Fixtures.trainer(model, build.apply(original), rangeTest)) {
            // 8 batches per epoch: the test spans five epochs of EasyTrain.fit
            ArrayDataset data = Fixtures.blobs(manager, 256, 32, 1);
            if (Fixtures.pytorch() && Set.of("nag", "rmsprop", "adagrad").contains(name)) {
                // DJL 0.36's PyTorch engine implements only Sgd, Adam and AdamW updates
                assertThrows(
                        UnsupportedOperationException.class,
                        () -> EasyTrain.fit(trainer, 20, data, null));
                return;
            }
            LrRangeTestListener.RangeTestStoppedException stop =
                    assertThrows(
                            LrRangeTestListener.RangeTestStoppedException.class,
                            () -> EasyTrain.fit(trainer, 20, data, null));
            assertEquals(0, original.calls, name + ": original tracker used during the test");
            LrFinderResult r = rangeTest.result();
            assertSame(stop.result().status(), r.status());
            assertTrue(r.curve().size() > 10, name + " recorded " + r.curve().size());
            assertEquals(1e-5, r.curve().get(0).learningRate(), 1e-12);
            if (r.status() == RangeTestStatus.FINISHED) {
                assertEquals(40, r.curve().size());
            }
            // the original tracker is back: the next step asks it
            for (Batch b : trainer.iterateDataset(data)) {
                EasyTrain.trainBatch(trainer, b);
                trainer.step();
                b.close();
                break;
            }
            assertTrue(original.calls > 0, name + ": original tracker not restored");
        }
    }

    @Test
    void explicitWiringDrivesTheOptimizerWithoutReflection() throws Exception {
        LrRangeTestListener rangeTest =
                LrRangeTestListener.builder()
                        .optStartLr(1e-4)
                        .optEndLr(1)
                        .optNumIterations(20)
                        .build();
        Optimizer sgd = Optimizer.sgd().setLearningRateTracker(rangeTest.tracker()).build();
        try (Model model = Fixtures.mlp();
                NDManager manager = NDManager.newBaseManager();
                Trainer trainer = Fixtures.trainer(model, sgd, rangeTest)) {
            ArrayDataset data = Fixtures.blobs(manager, 256, 32, 2);
            assertThrows(
                    LrRangeTestListener.RangeTestStoppedException.class,
                    () -> EasyTrain.fit(trainer, 5, data, null));
            assertEquals(20, rangeTest.result().curve().size());
            assertEquals(RangeTestStatus.FINISHED, rangeTest.result().status());
        }
    }

    @Test
    void listenerAndFinderRecordTheSameCurve() throws Exception {
        // the listener reads each loss one batch late; it must still pair loss i with lr i
        LrRangeTestListener rangeTest =
                LrRangeTestListener.builder()
                        .optStartLr(1e-3)
                        .optEndLr(1)
                        .optNumIterations(20)
                        .build();
        dev.lrfinder.core.LossCurve viaListener;
        dev.lrfinder.core.LossCurve viaFinder;
        try (Model model = Fixtures.mlp();
                NDManager manager = NDManager.newBaseManager();
                Trainer trainer =
                        Fixtures.trainer(
                                model,
                                Optimizer.sgd()
                                        .setLearningRateTracker(
                                                ai.djl.training.tracker.Tracker.fixed(0.1f))
                                        .build(),
                                rangeTest)) {
            ArrayDataset data = Fixtures.constant(manager, 0.3f, 96, 32);
            assertThrows(
                    LrRangeTestListener.RangeTestStoppedException.class,
                    () -> EasyTrain.fit(trainer, 10, data, null));
            viaListener = rangeTest.result().curve();
        }
        try (Model model = Fixtures.mlp();
                NDManager manager = NDManager.newBaseManager();
                Trainer trainer =
                        Fixtures.trainer(
                                model,
                                Optimizer.sgd()
                                        .setLearningRateTracker(
                                                ai.djl.training.tracker.Tracker.fixed(0.1f))
                                        .build())) {
            ArrayDataset data = Fixtures.constant(manager, 0.3f, 96, 32);
            viaFinder =
                    LrFinder.builder()
                            .optStartLr(1e-3)
                            .optEndLr(1)
                            .optNumIterations(20)
                            .build()
                            .find(trainer, data)
                            .curve();
        }
        assertEquals(20, viaListener.size());
        for (int i = 0; i < 20; i++) {
            assertEquals(viaFinder.get(i).learningRate(), viaListener.get(i).learningRate(), 0);
            assertEquals(viaFinder.get(i).loss(), viaListener.get(i).loss(), 1e-6, "loss at " + i);
        }
    }

    @Test
    void adadeltaHasNoLearningRateAndTheErrorExplainsExplicitWiring() {
        LrRangeTestListener rangeTest = LrRangeTestListener.builder().build();
        try (Model model = Fixtures.mlp()) {
            IllegalStateException e =
                    assertThrows(
                            IllegalStateException.class,
                            () -> Fixtures.trainer(model, Optimizer.adadelta().build(), rangeTest));
            assertTrue(e.getMessage().contains("Adadelta"), e.getMessage());
            assertTrue(e.getMessage().contains("tracker()"), e.getMessage());
        }
    }
}
