package dev.lrfinder.listeners;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code LrFinder} splits each batch over the trainer's devices. DJL treats all CPUs as one device
 * and refuses a trainer over two of them, so this runs only where there are two GPUs.
 */
class MultiDeviceTest {

    @Test
    void findOnTwoGpusRestoresTheModelAndSuggests() throws Exception {
        assumeTrue(
                Engine.getInstance().getGpuCount() >= 2,
                "needs two GPUs: DJL refuses a trainer"
                        + " over two CPU devices (\"Duplicated devices\"), so the multi-device path of"
                        + " LrFinder is untested on this machine");
        try (Model model = Fixtures.mlp();
                NDManager manager = NDManager.newBaseManager()) {
            DefaultTrainingConfig config =
                    new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                            .optOptimizer(
                                    Optimizer.sgd()
                                            .setLearningRateTracker(Tracker.fixed(0.1f))
                                            .optMomentum(0.9f)
                                            .build())
                            .optDevices(Engine.getInstance().getDevices(2));
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(1, Fixtures.FEATURES));
                assertEquals(2, trainer.getDevices().length);
                assertTrue(trainer.getDevices()[0].isGpu());
                Map<String, float[]> before = Fixtures.parameters(trainer);
                LrFinderResult r =
                        LrFinder.builder()
                                .optStartLr(1e-4)
                                .optEndLr(10)
                                .optNumIterations(50)
                                .build()
                                .find(trainer, Fixtures.blobs(manager, 1024, 64, 2));
                assertTrue(r.findSuggestion().isPresent(), r.toString());
                Map<String, float[]> after = Fixtures.parameters(trainer);
                for (String name : before.keySet()) {
                    assertArrayEquals(before.get(name), after.get(name), 0f, name);
                }
            }
        }
    }
}
