package dev.lrfinder.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lrfinder.metrics.PrometheusExport;
import dev.lrfinder.metrics.PushgatewayTarget;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load tier: 200 simulated runs (a range test and a one-epoch training each, synthetic data)
 * pushed from 8 threads into Debian's Pushgateway and Prometheus on 127.0.0.1. Asserts that no push
 * fails, that every dashboard query returns each run's own values with all runs present, that the
 * run selector lists them newest first within the time range, and that closing the exports leaves
 * no group behind. Writes what it measured to {@code target/metrics-load-report.md}.
 */
@Tag("load")
@Tag("prometheus")
@Timeout(
        value = 8,
        unit = TimeUnit.MINUTES) // bounded in CI: a hung Pushgateway fails, never stalls
class MetricsLoadTest {

    static final int RUNS = 200;
    static final int THREADS = 8;

    /**
     * How often Prometheus scrapes, and how long a scrape may take (the timeout is the interval).
     * Scraping the Pushgateway's 50,000 series took 0.75 s on an idle 2-core machine and 2.53 s on
     * a loaded one; a timeout of 2 s then lost every series. 10 s leaves room for a machine four
     * times as busy, and is what the test asserts: every scrape of the Pushgateway succeeded.
     */
    static final Duration SCRAPE = Duration.ofSeconds(10);

    private final StringBuilder report = new StringBuilder();

    @Test
    void twoHundredRunsIntoOnePrometheus(@TempDir Path dir) throws Exception {
        JsonNode dashboard;
        try (InputStream in =
                PrometheusExport.class.getResourceAsStream(DashboardOnPrometheusTest.DASHBOARD)) {
            dashboard = new ObjectMapper().readTree(in);
        }
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try (LocalPrometheus prom = new LocalPrometheus(dir, -1, SCRAPE)) {
            PushgatewayTarget target =
                    PushgatewayTarget.builder(prom.pushgatewayAddress())
                            .optDeleteAfter(Duration.ofSeconds(3))
                            // measure the latency of a full Pushgateway rather than fail at 5 s
                            .optTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(30))
                            .build();
            double started = System.currentTimeMillis() / 1000.0;
            List<SimulatedRun> runs = new ArrayList<>();
            Map<String, SimulatedRun> byRun = new HashMap<>();
            for (int i = 0; i < RUNS; i++) {
                SimulatedRun r = new SimulatedRun(i, target);
                runs.add(r);
                byRun.put(r.tags.run(), r);
            }
            // 1. push concurrently: every range test, then a short training, from 8 threads
            AtomicInteger failed = new AtomicInteger();
            Queue<Long> latencies = new ConcurrentLinkedQueue<>();
            long t0 = System.nanoTime();
            parallel(pool, runs, r -> timed(r::rangeTest, latencies, failed));
            parallel(pool, runs, r -> timed(r::trainingRound, latencies, failed));
            List<Long> ms = latencies.stream().sorted().toList();
            line(
                    "pushes",
                    ms.size()
                            + " from "
                            + THREADS
                            + " threads in "
                            + seconds(System.nanoTime() - t0)
                            + " s; latency ms median "
                            + ms.get(ms.size() / 2)
                            + ", p95 "
                            + ms.get(ms.size() * 95 / 100)
                            + ", max "
                            + ms.get(ms.size() - 1));
            line("failed pushes", Integer.toString(failed.get()));
            assertEquals(2 * RUNS, ms.size());
            assertEquals(0, failed.get(), "failed pushes");

            // 2. wait until Prometheus has scraped every run, and a few scrapes more for rate()
            await(prom, "count(lrfinder_training_epoch{run=~\"load-.*\"} == 1)", RUNS);
            await(prom, "count(lrfinder_range_test_iteration{run=~\"load-.*\"})", RUNS);
            Thread.sleep(SCRAPE.multipliedBy(2).plusMillis(500).toMillis()); // two more scrapes

            // 3. the budget: series per run, and what the Pushgateway holds and Prometheus scrapes
            line(
                    "series, range test of 100 iterations, uncapped, finished (load-001)",
                    scalar(prom, "count({run=\"load-001\", job=\"lr-find\"})"));
            line(
                    "series, range test, uncapped, diverged after "
                            + runs.get(2).result.curve().size()
                            + " points (load-002)",
                    scalar(prom, "count({run=\"load-002\", job=\"lr-find\"})"));
            line(
                    "series, range test, capped at 30 points, finished (load-003)",
                    scalar(prom, "count({run=\"load-003\", job=\"lr-find\"})"));
            line(
                    "series, training run (load-001)",
                    scalar(prom, "count({run=\"load-001\", job=\"one-cycle\"})"));
            int groupsBefore = groups(prom);
            assertEquals(2 * RUNS, groupsBefore);
            line("Pushgateway groups before cleanup", Integer.toString(groupsBefore));
            line("Pushgateway series before cleanup", pushgatewaySeries(prom));
            line(
                    "scrape of the Pushgateway, max duration (s)",
                    scalar(
                            prom,
                            "max_over_time(scrape_duration_seconds{job=\"pushgateway\"}[5m])"));
            line(
                    "scrape of the Pushgateway, max samples",
                    scalar(prom, "max_over_time(scrape_samples_scraped{job=\"pushgateway\"}[5m])"));
            String failedScrapes =
                    scalar(
                            prom,
                            "count_over_time((up{job=\"pushgateway\"} == 0)[5m:]) or vector(0)");
            line("failed scrapes of the Pushgateway (up == 0)", failedScrapes);
            line("scrape interval and timeout (s)", Long.toString(SCRAPE.toSeconds()));
            assertEquals(
                    "0",
                    failedScrapes,
                    "a scrape of the Pushgateway failed: it took longer than "
                            + SCRAPE.toSeconds()
                            + " s (docs/METRICS.md, Load test: where it stops)");

            // 4. every dashboard query: all runs present, each series holds its own run's value
            DashboardChecks checks = new DashboardChecks(prom, byRun, started, report);
            checks.everyPanelQuery(dashboard);
            checks.runSelector(dashboard);

            // 5. cleanup: closing the exports deletes every group (the linger has long passed)
            long c0 = System.nanoTime();
            parallel(pool, runs, SimulatedRun::close);
            line(
                    "cleanup: " + 2 * RUNS + " exports closed from " + THREADS + " threads (s)",
                    seconds(System.nanoTime() - c0));
            assertEquals(0, groups(prom), "groups of finished runs left on the Pushgateway");
            line("Pushgateway groups after cleanup", Integer.toString(groups(prom)));
            line("Pushgateway series after cleanup", pushgatewaySeries(prom));
            awaitScrapedBelow(prom, 100);
            line(
                    "scrape of the Pushgateway after cleanup, samples",
                    scalar(prom, "scrape_samples_scraped{job=\"pushgateway\"}"));
            checks.selectorKeepsToTheTimeRange(dashboard);
            // and a finished run's curve stays on the dashboard, which reads the last value in
            // range
            assertEquals(0, prom.query("lrfinder_range_test_curve_loss{run=\"load-001\"}").size());
            assertEquals(
                    SimulatedRun.ITERATIONS,
                    prom.query(
                                    "last_over_time(lrfinder_range_test_curve_loss{run=\"load-001\"}[1h])")
                            .size());
        } finally {
            pool.shutdownNow();
            System.out.print(report);
            Files.createDirectories(Path.of("target"));
            Files.writeString(Path.of("target", "metrics-load-report.md"), report);
        }
    }

    private static void timed(BooleanSupplier push, Queue<Long> latencies, AtomicInteger failed) {
        long t0 = System.nanoTime();
        if (!push.getAsBoolean()) {
            failed.incrementAndGet();
        }
        latencies.add((System.nanoTime() - t0) / 1_000_000);
    }

    static void parallel(ExecutorService pool, List<SimulatedRun> runs, Consumer<SimulatedRun> task)
            throws Exception {
        List<Future<?>> futures = new ArrayList<>();
        for (SimulatedRun r : runs) {
            futures.add(pool.submit(() -> task.accept(r)));
        }
        for (Future<?> f : futures) {
            f.get();
        }
    }

    private void line(String what, String value) {
        report.append("| ").append(what).append(" | ").append(value).append(" |\n");
    }

    static String seconds(long nanos) {
        return String.format("%.2f", nanos / 1e9);
    }

    private static String scalar(LocalPrometheus prom, String promql) throws Exception {
        JsonNode r = prom.query(promql);
        assertEquals(1, r.size(), promql + " -> " + r);
        return r.get(0).get("value").get(1).asText();
    }

    /** Groups of this test's runs on the Pushgateway. */
    private static int groups(LocalPrometheus prom) throws Exception {
        int n = 0;
        for (JsonNode g : prom.pushgatewayGroups()) {
            n += g.get("labels").path("run").asText().startsWith("load-") ? 1 : 0;
        }
        return n;
    }

    /** Series lines the Pushgateway exposes: all of them, and lrfinder's. */
    private static String pushgatewaySeries(LocalPrometheus prom) throws Exception {
        List<String> lines =
                Arrays.stream(prom.pushgatewayScrape().split("\n"))
                        .filter(l -> !l.isBlank() && !l.startsWith("#"))
                        .toList();
        long ours = lines.stream().filter(l -> l.startsWith("lrfinder_")).count();
        long pushTimes =
                lines.stream()
                        .filter(l -> l.startsWith("push_") && l.contains("run=\"load-"))
                        .count();
        return lines.size()
                + " (lrfinder_*: "
                + ours
                + ", push_time/push_failure_time of the runs' groups: "
                + pushTimes
                + ")";
    }

    static void await(LocalPrometheus prom, String promql, int expected) throws Exception {
        long deadline =
                System.nanoTime()
                        + Duration.ofSeconds(60)
                                .plus(prom.scrapeInterval.multipliedBy(3))
                                .toNanos();
        JsonNode r = null;
        while (System.nanoTime() < deadline) {
            r = prom.query(promql);
            if (r.size() == 1 && r.get(0).get("value").get(1).asInt() == expected) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError(
                promql
                        + " never reached "
                        + expected
                        + ": "
                        + r
                        + "; the last scrape of the Pushgateway: up "
                        + prom.query("up{job=\"pushgateway\"}")
                        + ", took (s) "
                        + prom.query("scrape_duration_seconds{job=\"pushgateway\"}")
                        + " of a timeout of "
                        + prom.scrapeInterval.toSeconds());
    }

    private static void awaitScrapedBelow(LocalPrometheus prom, int samples) throws Exception {
        long deadline =
                System.nanoTime()
                        + Duration.ofSeconds(30)
                                .plus(prom.scrapeInterval.multipliedBy(3))
                                .toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode r = prom.query("scrape_samples_scraped{job=\"pushgateway\"} < " + samples);
            if (r.size() == 1) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError(
                "Prometheus still scrapes >= " + samples + " samples from the Pushgateway");
    }

    static void assertClose(double expected, double actual, String what) {
        if (Double.isNaN(expected)) {
            assertTrue(Double.isNaN(actual), what + ": expected NaN, got " + actual);
        } else {
            assertEquals(expected, actual, 1e-12 * Math.max(1, Math.abs(expected)), what);
        }
    }

    static void assertSome(JsonNode result, String what) {
        assertNotNull(result);
        assertFalse(result.isEmpty(), what + " returned nothing");
    }
}
