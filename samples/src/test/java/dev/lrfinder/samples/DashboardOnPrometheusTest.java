package dev.lrfinder.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.loss.Loss;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lrfinder.listeners.LrFinder;
import dev.lrfinder.listeners.LrFinderResult;
import dev.lrfinder.listeners.OneCycleScheduler;
import dev.lrfinder.listeners.ScheduleListener;
import dev.lrfinder.metrics.PrometheusExport;
import dev.lrfinder.metrics.PushgatewayTarget;
import dev.lrfinder.metrics.RangeTestMetrics;
import dev.lrfinder.metrics.RunTags;
import dev.lrfinder.metrics.TrainingMetrics;
import dev.lrfinder.samples.mnist.Mnist;
import dev.lrfinder.samples.mnist.Models;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Grafana dashboard proven against a real Prometheus: a real range test and a real one-cycle
 * training on MNIST export their meters (endpoint and Pushgateway), Prometheus scrapes them, and
 * every PromQL expression of the dashboard must return data.
 */
@Tag("prometheus")
@Tag("mnist")
class DashboardOnPrometheusTest {

    static final String DASHBOARD = "/grafana/lrfinder-dashboard.json";

    /** Every PromQL expression of the dashboard's panels, by panel title and refId. */
    static Map<String, String> panelQueries(JsonNode dashboard) {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                out.put(
                        panel.get("title").asText() + " / " + target.get("refId").asText(),
                        target.get("expr").asText());
            }
        }
        return out;
    }

    /** Grafana's variables as a query for all runs and jobs would see them. */
    static String substitute(String expr) {
        return expr.replace("$__rate_interval", "1m")
                .replace("$__interval", "15s")
                .replace("$__range", "1h")
                .replace("$run", ".*")
                .replace("$job", ".*");
    }

    /**
     * The values a template variable of type query offers, as Grafana computes them: {@code
     * label_values(selector, label)} through the series API, {@code query_result(promql)} through
     * an instant query whose series (written {@code name{label="value", ...}}) the variable's regex
     * picks from, in the query's order.
     */
    static List<String> variableValues(LocalPrometheus prom, JsonNode variable) throws Exception {
        String definition = substitute(variable.get("definition").asText());
        List<String> values = new ArrayList<>();
        Matcher lv = Pattern.compile("label_values\\((.*),\\s*(\\w+)\\)").matcher(definition);
        Matcher qr = Pattern.compile("query_result\\((.*)\\)").matcher(definition);
        if (lv.matches()) {
            for (JsonNode s : prom.series(lv.group(1))) {
                if (s.has(lv.group(2)) && !values.contains(s.get(lv.group(2)).asText())) {
                    values.add(s.get(lv.group(2)).asText());
                }
            }
            return values;
        }
        assertTrue(qr.matches(), "unsupported variable " + definition);
        String regex = variable.get("regex").asText();
        Pattern pick = Pattern.compile(regex.substring(1, regex.length() - 1));
        for (JsonNode s : prom.query(qr.group(1))) {
            StringBuilder text = new StringBuilder("{");
            s.get("metric")
                    .fields()
                    .forEachRemaining(
                            e ->
                                    text.append(e.getKey())
                                            .append("=\"")
                                            .append(e.getValue().asText())
                                            .append("\", "));
            Matcher m = pick.matcher(text.append("}"));
            if (m.find()) {
                values.add(m.group(1));
            }
        }
        return values;
    }

    @Test
    void everyDashboardQueryReturnsDataFromARealRun(@TempDir Path dir) throws Exception {
        JsonNode dashboard;
        try (InputStream in = PrometheusExport.class.getResourceAsStream(DASHBOARD)) {
            dashboard = new ObjectMapper().readTree(in);
        }
        RunTags findTags = new RunTags("e2e-find", "mlp", "lr-find");
        RunTags trainTags = findTags.withJob("one-cycle");
        try (PrometheusExport findExport = new PrometheusExport();
                PrometheusExport trainExport = new PrometheusExport();
                NDManager manager = NDManager.newBaseManager()) {
            int port = trainExport.startEndpoint(0);
            try (LocalPrometheus prom = new LocalPrometheus(dir, port)) {
                // the groups are deleted on close, 2 s (two scrapes) after the last push
                PushgatewayTarget target =
                        PushgatewayTarget.builder(prom.pushgatewayAddress())
                                .optDeleteAfter(java.time.Duration.ofSeconds(2))
                                .build();
                findExport.pushTo(target, findTags);
                trainExport.pushTo(target, trainTags);

                RandomAccessDataset train = Mnist.train(manager, 20000, 128);
                // 1. a real range test, observed by the range-test meters, pushed at the end
                RangeTestMetrics rangeMeters = new RangeTestMetrics(findTags);
                rangeMeters.bindTo(findExport.registry());
                LrFinderResult found;
                try (Model model = Model.newInstance("mlp");
                        Trainer trainer =
                                Mnist.trainer(model, Models.MLP, FindOnMnistTest.sgd(), 1)) {
                    found =
                            LrFinder.builder()
                                    .addObserver(rangeMeters)
                                    .build()
                                    .find(trainer, train);
                }
                assertTrue(findExport.push(), "push of the range test failed");

                // 2. a real one-cycle training with the training meters on the scraped endpoint
                {
                    int epochs = 2;
                    int steps = epochs * (int) ((train.size() + 127) / 128);
                    ScheduleListener scheduler = OneCycleScheduler.fromSuggestion(found, steps);
                    TrainingMetrics trainingMeters =
                            TrainingMetrics.builder(trainTags).optSchedule(scheduler).build();
                    trainingMeters.bindTo(trainExport.registry());
                    try (Model model = Model.newInstance("mlp")) {
                        model.setBlock(Models.MLP.block());
                        DefaultTrainingConfig config =
                                new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                                        .optOptimizer(FindOnMnistTest.sgd())
                                        .addTrainingListeners(scheduler, trainingMeters);
                        try (Trainer trainer = model.newTrainer(config)) {
                            trainer.initialize(Models.INPUT);
                            trainExport.pushEvery(java.time.Duration.ofSeconds(1));
                            EasyTrain.fit(trainer, epochs, train, null);
                        }
                    }
                }
                assertTrue(trainExport.push(), "push of the training failed");

                // 3. wait until Prometheus has scraped both the endpoint and the Pushgateway
                awaitData(prom, "lrfinder_training_iterations_total{run=\"e2e-find\"}");
                awaitData(
                        prom, "lrfinder_range_test_suggestion{run=\"e2e-find\",default=\"true\"}");
                Thread.sleep(3000); // a few more scrapes, so that rate() has samples

                // 4. every panel query returns data
                List<String> empty = new ArrayList<>();
                Map<String, String> queries = panelQueries(dashboard);
                assertTrue(queries.size() >= 15, "dashboard has " + queries.size() + " queries");
                for (Map.Entry<String, String> q : queries.entrySet()) {
                    JsonNode result = prom.query(substitute(q.getValue()));
                    if (result.size() == 0) {
                        empty.add(q.getKey() + ": " + q.getValue());
                    }
                }
                // and every template variable query finds this run's values
                for (JsonNode v : dashboard.get("templating").get("list")) {
                    if ("query".equals(v.get("type").asText())) {
                        List<String> values = variableValues(prom, v);
                        if (!values.contains("e2e-find") && !values.contains("one-cycle")) {
                            empty.add("variable " + v.get("name").asText() + " " + values);
                        }
                    }
                }
                assertTrue(empty.isEmpty(), "dashboard queries without data: " + empty);

                // 5. the values are the run's: the suggestion, and the curve pushed whole
                JsonNode s =
                        prom.query(
                                "lrfinder_range_test_suggestion{run=\"e2e-find\",default=\"true\"}");
                assertEquals(
                        found.suggestion().learningRate(),
                        s.get(0).get("value").get(1).asDouble(),
                        1e-9 * found.suggestion().learningRate());
                JsonNode curve =
                        prom.query(
                                "count(lrfinder_range_test_curve_loss_smoothed{run=\"e2e-find\"})");
                assertEquals(found.curve().size(), curve.get(0).get("value").get(1).asInt());
                JsonNode pushed =
                        prom.query("lrfinder_range_test_iteration{run=\"e2e-find\",instance=\"\"}");
                assertEquals(
                        1, pushed.size(), "the range test must arrive through the Pushgateway");
                JsonNode momentum =
                        prom.query(
                                "lrfinder_training_momentum{run=\"e2e-find\",job=\"one-cycle\"}");
                assertEquals(0.95, momentum.get(0).get("value").get(1).asDouble(), 1e-6);
                // 6. closing the exports deletes their groups (while the Pushgateway still runs)
                findExport.close();
                trainExport.close();
                assertEquals(
                        0, prom.pushgatewayGroups().size(), prom.pushgatewayGroups().toString());
            }
        }
    }

    private static void awaitData(LocalPrometheus prom, String promql) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (prom.query(promql).size() > 0) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("Prometheus never returned " + promql);
    }
}
