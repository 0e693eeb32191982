package dev.lrfinder.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's shape for hundreds of runs, checked without Prometheus (the samples module runs
 * every query against a real one): finished runs stay visible, and the run selector is bounded by
 * the time range and sorted by recency.
 */
class DashboardJsonTest {

    static JsonNode dashboard() throws Exception {
        try (InputStream in =
                DashboardJsonTest.class.getResourceAsStream("/grafana/lrfinder-dashboard.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    @Test
    void instantPanelsReadTheLastValueInTheTimeRange() throws Exception {
        int instant = 0;
        for (JsonNode panel : dashboard().get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                if (target.path("instant").asBoolean()) {
                    instant++;
                    String expr = target.get("expr").asText();
                    assertTrue(
                            expr.startsWith("last_over_time(") && expr.contains("[$__range])"),
                            panel.get("title").asText() + ": " + expr);
                }
            }
        }
        assertTrue(instant >= 9, "instant targets: " + instant);
    }

    @Test
    void theRunSelectorListsRunsInRangeNewestFirstWithoutAll() throws Exception {
        JsonNode run = null;
        JsonNode job = null;
        for (JsonNode v : dashboard().get("templating").get("list")) {
            run = "run".equals(v.get("name").asText()) ? v : run;
            job = "job".equals(v.get("name").asText()) ? v : job;
        }
        String q = run.get("definition").asText();
        assertTrue(
                q.startsWith("query_result(sort_desc(")
                        && q.contains("[$__range]")
                        && q.contains("start_time"),
                q);
        assertEquals(q, run.get("query").get("query").asText());
        assertEquals("/run=\"([^\"]+)\"/", run.get("regex").asText());
        assertEquals(0, run.get("sort").asInt(), "Grafana must keep the query's order");
        assertEquals(2, run.get("refresh").asInt(), "refreshed when the time range changes");
        assertFalse(run.get("includeAll").asBoolean(), "All would overlay every run's curve");
        assertFalse(
                job.get("definition").asText().contains("label_values({__name__=~"),
                "the job selector must not ask for every lrfinder series");
    }
}
