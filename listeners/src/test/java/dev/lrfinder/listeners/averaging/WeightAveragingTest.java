package dev.lrfinder.listeners.averaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.lrfinder.listeners.Fixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The average a fit leaves in the model, against the same average computed from the weights. */
class WeightAveragingTest {

    @Test
    void afterFitTheModelHoldsTheExponentialAverageOfTheWeightsAfterEachStep() throws Exception {
        int batches = 12;
        List<Map<String, float[]>> seen = new ArrayList<>();
        WeightAveraging averaging =
                WeightAveraging.builder().setTotalSteps(batches).optWindowFraction(0.25).build();
        TrainingListenerAdapter recorder =
                new TrainingListenerAdapter() {
                    @Override
                    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
                        seen.add(Fixtures.parameters(trainer)); // the weights after the last step
                    }
                };
        try (Model model = Fixtures.mlp();
                NDManager manager = NDManager.newBaseManager();
                Trainer trainer =
                        Fixtures.trainer(
                                model,
                                Optimizer.sgd()
                                        .setLearningRateTracker(Tracker.fixed(0.1f))
                                        .optMomentum(0.9f)
                                        .build(),
                                recorder,
                                averaging)) {
            ArrayDataset data = Fixtures.blobs(manager, 32 * batches, 32, 7);
            EasyTrain.fit(trainer, 1, data, null);
            Map<String, float[]> inModel = Fixtures.parameters(trainer);
            averaging.useTrainingPoint(trainer);
            seen.add(Fixtures.parameters(trainer)); // the weights after the last step
            assertEquals(batches + 1, seen.size());

            float rate = 1 / (0.25f * batches);
            for (String name : inModel.keySet()) {
                float[] avg = seen.get(1).get(name).clone();
                for (int t = 2; t <= batches; t++) {
                    float[] w = seen.get(t).get(name);
                    for (int i = 0; i < avg.length; i++) {
                        avg[i] = (1 - rate) * avg[i] + rate * w[i];
                    }
                }
                assertArrayEquals(avg, inModel.get(name), 1e-6f, name);
                assertFalse(java.util.Arrays.equals(avg, seen.get(batches).get(name)), name);
            }
            averaging.useAveragedPoint(trainer);
            assertEquals(
                    Fixtures.parameters(trainer).keySet().stream()
                            .map(k -> java.util.Arrays.toString(inModel.get(k)))
                            .toList(),
                    Fixtures.parameters(trainer).values().stream()
                            .map(java.util.Arrays::toString)
                            .toList());
        }
    }

    @Test
    void badSettingsAreNamed() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> WeightAveraging.builder().setTotalSteps(0).build());
        assertEquals("totalSteps must be >= 1, got 0", e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                WeightAveraging.builder()
                                        .setTotalSteps(10)
                                        .optWindowFraction(1.5)
                                        .build());
        assertEquals("windowFraction must be in (0, 1], got 1.5", e.getMessage());
    }
}
