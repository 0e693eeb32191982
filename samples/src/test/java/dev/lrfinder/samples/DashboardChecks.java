package dev.lrfinder.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The load test's checks of the Grafana dashboard against Prometheus: every panel query over all
 * runs and for single runs, each timed, each series checked against the run it is labelled with;
 * and the run selector.
 */
final class DashboardChecks {

    private static final Pattern METRIC = Pattern.compile("lrfinder_[a-z_]+");
    private static final String[] SAMPLE_RUNS = {
        "load-000",
        "load-001",
        "load-002",
        "load-003",
        "load-057",
        "load-100",
        "load-123",
        "load-150",
        "load-198",
        "load-199"
    };

    private final LocalPrometheus prom;
    private final Map<String, SimulatedRun> runs;
    private final double started;
    private final StringBuilder report;

    DashboardChecks(
            LocalPrometheus prom,
            Map<String, SimulatedRun> runs,
            double started,
            StringBuilder report) {
        this.prom = prom;
        this.runs = runs;
        this.started = started;
        this.report = report;
    }

    /** Runs every panel query for all runs and for ten single runs; checks and times each. */
    void everyPanelQuery(JsonNode dashboard) throws Exception {
        report.append("\n| panel / query | all ")
                .append(runs.size())
                .append(" runs: ms (median of 3), series | one run: ms (median of ")
                .append(SAMPLE_RUNS.length)
                .append(" runs) |\n|---|---|---|\n");
        for (JsonNode panel : dashboard.get("panels")) {
            boolean range = "timeseries".equals(panel.get("type").asText());
            for (JsonNode target : panel.get("targets")) {
                String expr = target.get("expr").asText();
                String key = panel.get("title").asText() + " / " + target.get("refId").asText();
                List<Double> allMs = new ArrayList<>();
                JsonNode all = null;
                for (int i = 0; i < 3; i++) {
                    long t0 = System.nanoTime();
                    all = prom.query(DashboardOnPrometheusTest.substitute(expr));
                    allMs.add((System.nanoTime() - t0) / 1e6);
                }
                Map<String, Integer> perRun = checkSeries(key, expr, all);
                assertEquals(runs.keySet(), perRun.keySet(), key + ": runs missing or unknown");
                List<Double> oneMs = new ArrayList<>();
                for (String run : SAMPLE_RUNS) {
                    String one = DashboardOnPrometheusTest.substitute(expr.replace("$run", run));
                    long t0 = System.nanoTime();
                    JsonNode r = prom.query(one);
                    oneMs.add((System.nanoTime() - t0) / 1e6);
                    Map<String, Integer> only = checkSeries(key + " [" + run + "]", expr, r);
                    assertEquals(
                            Map.of(run, perRun.get(run)), only, key + ": cross-talk for " + run);
                }
                String rangeNote = "";
                if (range) {
                    // Grafana draws a time series panel from a range query: time that as well
                    double now = System.currentTimeMillis() / 1000.0;
                    long t0 = System.nanoTime();
                    JsonNode r =
                            prom.queryRange(
                                    DashboardOnPrometheusTest.substitute(expr), now - 300, now, 1);
                    rangeNote =
                            String.format(
                                    "; range query 5 min at 1 s: %.1f ms, %d series",
                                    (System.nanoTime() - t0) / 1e6, r.size());
                }
                report.append(
                        String.format(
                                "| %s | %.1f, %d%s | %.1f |%n",
                                key, median(allMs), all.size(), rangeNote, median(oneMs)));
            }
        }
    }

    /**
     * Checks that every series is labelled with a known run and holds that run's value; returns the
     * series count per run.
     */
    private Map<String, Integer> checkSeries(String key, String expr, JsonNode result) {
        Matcher m = METRIC.matcher(expr);
        assertTrue(m.find(), expr);
        String metric = m.group();
        boolean byValue = !expr.contains("rate(");
        Map<String, Integer> perRun = new HashMap<>();
        for (JsonNode s : result) {
            JsonNode labels = s.get("metric");
            String run = labels.path("run").asText();
            SimulatedRun sim = runs.get(run);
            assertTrue(sim != null, key + ": series of an unknown run " + labels);
            String job = labels.path("job").asText();
            assertEquals(
                    metric.startsWith("lrfinder_training") ? "one-cycle" : "lr-find",
                    job,
                    key + " " + labels);
            assertEquals(sim.tags.model(), labels.path("model").asText(), key + " " + labels);
            perRun.merge(run, 1, Integer::sum);
            double value = Double.parseDouble(s.get("value").get(1).asText());
            if (byValue) {
                double expected =
                        sim.expected(metric, labels).orElseThrow(() -> new AssertionError(metric));
                MetricsLoadTest.assertClose(expected, value, key + " " + labels);
            } else {
                // a rate is 0 once a run's counters stop, and a ratio of two such rates is NaN
                assertTrue(
                        value >= 0 && Double.isFinite(value) || Double.isNaN(value),
                        key + " " + labels + " = " + value);
            }
        }
        if (metric.startsWith("lrfinder_range_test_curve")) {
            for (Map.Entry<String, Integer> e : perRun.entrySet()) {
                SimulatedRun sim = runs.get(e.getKey());
                int points = sim.result.curve().size();
                int expected = sim.cap == 0 ? points : Math.min(points, sim.cap);
                assertTrue(
                        sim.cap == 0
                                ? e.getValue() == expected
                                : e.getValue() <= sim.cap
                                        && e.getValue() >= Math.min(points, sim.cap) / 2,
                        key + " " + e);
            }
        }
        return perRun;
    }

    /** The run selector: every run, newest first, and none outside the time range. */
    void runSelector(JsonNode dashboard) throws Exception {
        JsonNode runVar = null;
        for (JsonNode v : dashboard.get("templating").get("list")) {
            runVar = "run".equals(v.get("name").asText()) ? v : runVar;
        }
        long t0 = System.nanoTime();
        List<String> values = DashboardOnPrometheusTest.variableValues(prom, runVar);
        double ms = (System.nanoTime() - t0) / 1e6;
        assertEquals(runs.keySet(), new HashSet<>(values), "the run selector's values");
        assertEquals(runs.size(), values.size(), "each run once");
        // newest first: the start times the selector sorts by do not increase down the list
        Map<String, Double> startOf = new HashMap<>();
        for (JsonNode s :
                prom.query(
                        "max by (run) (last_over_time({__name__=~\"lrfinder_.*_start_time_seconds\"}[1h]))")) {
            startOf.put(s.get("metric").get("run").asText(), s.get("value").get(1).asDouble());
        }
        for (int i = 1; i < values.size(); i++) {
            assertTrue(
                    startOf.get(values.get(i - 1)) >= startOf.get(values.get(i)),
                    "not newest first at " + i);
        }
        Set<String> jobs = new HashSet<>();
        for (JsonNode v : dashboard.get("templating").get("list")) {
            if ("job".equals(v.get("name").asText())) {
                jobs.addAll(DashboardOnPrometheusTest.variableValues(prom, v));
            }
        }
        assertEquals(Set.of("lr-find", "one-cycle"), jobs);
        report.append(
                String.format(
                        "| run selector (variable `run`, all jobs) | %.1f ms, %d runs |  |%n",
                        ms, values.size()));
    }

    /**
     * After the cleanup: the selector still lists every finished run over a range that covers them,
     * and none over a range of the last 2 s, which they no longer reach.
     */
    void selectorKeepsToTheTimeRange(JsonNode dashboard) throws Exception {
        String definition = null;
        for (JsonNode v : dashboard.get("templating").get("list")) {
            definition =
                    "run".equals(v.get("name").asText())
                            ? v.get("definition").asText()
                            : definition;
        }
        String inner =
                definition
                        .substring("query_result(".length(), definition.length() - 1)
                        .replace("$job", ".*");
        Thread.sleep(3000);
        assertEquals(
                runs.size(),
                prom.query(inner.replace("$__range", "1h")).size(),
                "finished runs in range");
        assertEquals(
                0,
                prom.query(inner.replace("$__range", "2s")).size(),
                "runs outside the time range");
        assertEquals(
                0,
                prom.query(inner.replace("$__range", "1h"), started - 1).size(),
                "runs before they began");
    }

    static double median(List<Double> xs) {
        List<Double> sorted = new ArrayList<>(xs);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
