package dev.lrfinder.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.lrfinder.listeners.Fixtures;
import dev.lrfinder.listeners.OneCycleScheduler;
import dev.lrfinder.listeners.ScheduleListener;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** 5,000 training iterations with the training meters and one-cycle leave no array behind. */
@Tag("soak")
class TrainingSoakTest {

    @Test
    void fiveThousandIterationsKeepArrayAndManagerCountsFlat() throws Exception {
        int batches = 100; // per epoch
        int epochs = 50;
        ScheduleListener oneCycle =
                OneCycleScheduler.builder().setMaxLr(0.05).setTotalSteps(epochs, batches).build();
        TrainingMetrics meters =
                TrainingMetrics.builder(new RunTags("soak", "mlp", "train"))
                        .optSchedule(oneCycle)
                        .build();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        meters.bindTo(registry);
        try (Model model = Fixtures.mlp();
                NDManager manager = NDManager.newBaseManager();
                Trainer trainer =
                        Fixtures.trainer(
                                model,
                                Optimizer.sgd()
                                        .setLearningRateTracker(Tracker.fixed(0.01f))
                                        .optMomentum(0.9f)
                                        .build(),
                                oneCycle,
                                meters)) {
            ArrayDataset data = Fixtures.blobs(manager, batches * 16, 16, 7);
            EasyTrain.fit(trainer, 1, data, null);
            int[] afterFirstEpoch = Fixtures.liveResources(model.getNDManager());
            EasyTrain.fit(trainer, epochs - 1, data, null);
            int[] atTheEnd = Fixtures.liveResources(model.getNDManager());
            assertArrayEquals(
                    afterFirstEpoch,
                    atTheEnd,
                    Arrays.toString(afterFirstEpoch)
                            + " after the first epoch, "
                            + Arrays.toString(atTheEnd)
                            + " after 5,000 iterations");
            assertEquals(epochs * batches, oneCycle.step());
            registry.scrape(); // the meters still export after the soak
        }
    }
}
