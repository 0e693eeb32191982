package dev.lrfinder.readme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.lrfinder.listeners.Fixtures;
import dev.lrfinder.metrics.TrainingMetrics;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Metrics as a Micrometer user expects them: their registry, their tags, two registries. */
class MetricsFlowTest {

    private static Optimizer sgd() {
        return Optimizer.sgd()
                .setLearningRateTracker(Tracker.fixed(0.01f))
                .optMomentum(0.9f)
                .build();
    }

    @Test
    void theReadmeFlowExportsTheApplicationsRegistryAndCountsInBoth() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        SimpleMeterRegistry other = new SimpleMeterRegistry();
        try (Model model = Fixtures.mlp();
                NDManager manager = NDManager.newBaseManager()) {
            ArrayDataset data = Fixtures.blobs(manager, 256, 32, 1); // 8 batches an epoch
            MetricsFlow.findAndTrainWithMetrics(
                    model,
                    data,
                    new Shape(1, Fixtures.FEATURES),
                    sgd(),
                    sgd(),
                    16,
                    registry,
                    other,
                    0);
        }
        // the export served the application's registry and left it open
        assertFalse(registry.isClosed());
        String scrape = registry.scrape();
        assertTrue(scrape.contains("lrfinder_range_test_curve_loss_smoothed{"), scrape);
        assertTrue(scrape.contains("job=\"one-cycle\""), scrape);
        // both registries counted the 16 batches of the training run
        assertEquals(
                16,
                registry.get("lrfinder.training.iterations")
                        .tag("job", "one-cycle")
                        .counter()
                        .count());
        assertEquals(16, other.get("lrfinder.training.iterations").counter().count());
        assertEquals(16 * 32, other.get("lrfinder.training.samples").counter().count());
        registry.close();
    }

    @Test
    void bindersTakeAnyIterableOfTagsAndEveryRegistryCounts() {
        TrainingMetrics meters =
                TrainingMetrics.builder(List.of(Tag.of("team", "vision"), Tag.of("run", "7")))
                        .build();
        SimpleMeterRegistry a = new SimpleMeterRegistry();
        SimpleMeterRegistry b = new SimpleMeterRegistry();
        meters.bindTo(a);
        meters.bindTo(b);
        for (int i = 0; i < 5; i++) {
            meters.record(0.1, Double.NaN, 1.0, 8, 1_000_000L * (i + 1));
        }
        for (SimpleMeterRegistry r : List.of(a, b)) {
            assertEquals(
                    5,
                    r.get("lrfinder.training.iterations")
                            .tags(Tags.of("team", "vision"))
                            .counter()
                            .count());
            assertEquals(40, r.get("lrfinder.training.samples").counter().count());
            assertEquals(4, r.get("lrfinder.training.batch").timer().count());
            assertEquals(0.1, r.get("lrfinder.training.learning.rate").gauge().value());
        }
    }
}
