package dev.lrfinder.listeners;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * 20 consecutive {@code find()} calls on one trainer leave no array and no manager behind: the
 * optimizer state a test created and the data iterators it abandoned are closed.
 */
@Tag("soak")
class FinderSoakTest {

    @ParameterizedTest(name = "stepped before: {0}")
    @ValueSource(booleans = {false, true})
    void twentyFindsKeepArrayAndManagerCountsFlat(boolean steppedBefore) throws Exception {
        LrFinder finder =
                LrFinder.builder().optStartLr(1e-4).optEndLr(1).optNumIterations(20).build();
        try (Model model = Fixtures.mlp();
                NDManager manager = NDManager.newBaseManager();
                Trainer trainer =
                        Fixtures.trainer(
                                model,
                                Optimizer.sgd()
                                        .setLearningRateTracker(Tracker.fixed(0.01f))
                                        .optMomentum(0.9f)
                                        .build())) {
            ArrayDataset data = Fixtures.blobs(manager, 4096, 32, 5); // 128 batches: abandoned
            if (steppedBefore) {
                for (Batch b : trainer.iterateDataset(Fixtures.blobs(manager, 32, 32, 6))) {
                    try (b) {
                        EasyTrain.trainBatch(trainer, b);
                        trainer.step();
                    }
                }
            }
            finder.find(trainer, data);
            int[] after1 = Fixtures.liveResources(model.getNDManager());
            for (int i = 1; i < 20; i++) {
                finder.find(trainer, data);
            }
            int[] after20 = Fixtures.liveResources(model.getNDManager());
            assertArrayEquals(
                    after1,
                    after20,
                    "arrays and managers after 1 and after 20 finds: "
                            + Arrays.toString(after1)
                            + " vs "
                            + Arrays.toString(after20));
        }
    }
}
