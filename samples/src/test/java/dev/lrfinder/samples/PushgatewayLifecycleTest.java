package dev.lrfinder.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lrfinder.metrics.PushgatewayTarget;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lifecycle of a run's Pushgateway group, against Debian's Pushgateway and Prometheus: by
 * default {@code close()} waits for the linger after the last push, then deletes the group (which
 * Prometheus has scraped by then); a target that keeps its group leaves it.
 */
@Tag("prometheus")
class PushgatewayLifecycleTest {

    @Test
    void closeDeletesTheGroupAfterTheLingerAndKeepKeepsIt(@TempDir Path dir) throws Exception {
        try (LocalPrometheus prom = new LocalPrometheus(dir, -1)) {
            Duration linger = Duration.ofSeconds(3); // three scrapes at 1 s
            SimulatedRun deleted =
                    new SimulatedRun(
                            0,
                            PushgatewayTarget.builder(prom.pushgatewayAddress())
                                    .optDeleteAfter(linger)
                                    .build());
            SimulatedRun kept =
                    new SimulatedRun(
                            1,
                            PushgatewayTarget.builder(prom.pushgatewayAddress())
                                    .optKeepGroup()
                                    .build());
            assertTrue(deleted.rangeTest() && deleted.trainingRound());
            long pushed = System.nanoTime();
            assertTrue(kept.rangeTest() && kept.trainingRound());
            assertEquals(
                    Set.of(
                            "load-000/lr-find",
                            "load-000/one-cycle",
                            "load-001/lr-find",
                            "load-001/one-cycle"),
                    groups(prom));

            deleted.close();
            double waited = (System.nanoTime() - pushed) / 1e9;
            assertTrue(
                    waited >= linger.toSeconds() - 0.05 && waited < linger.toSeconds() + 2,
                    "close returned " + waited + " s after the last push, linger " + linger);
            kept.close();
            assertEquals(
                    Set.of("load-001/lr-find", "load-001/one-cycle"),
                    groups(prom),
                    "the deleted run's groups are gone, the kept run's stay");
            // the linger let Prometheus scrape the deleted run: its curve is still there to plot
            JsonNode curve =
                    prom.query(
                            "last_over_time(lrfinder_range_test_curve_loss{run=\"load-000\"}[1h])");
            assertEquals(deleted.result.curve().size(), curve.size());

            // a kept group stays until someone deletes it; the export can still do that
            assertTrue(kept.rangeExport.deleteGroup() && kept.trainExport.deleteGroup());
            assertEquals(Set.of(), groups(prom));
        }
    }

    private static Set<String> groups(LocalPrometheus prom) throws Exception {
        Set<String> out = new HashSet<>();
        for (JsonNode g : prom.pushgatewayGroups()) {
            out.add(
                    g.get("labels").get("run").asText()
                            + "/"
                            + g.get("labels").get("job").asText());
        }
        return out;
    }
}
