package dev.lrfinder.samples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real Prometheus and Pushgateway (Debian's packages) on 127.0.0.1, started for a test and
 * stopped after it. Prometheus scrapes the given metrics endpoint (if any) and the Pushgateway
 * every second.
 */
final class LocalPrometheus implements AutoCloseable {

    static final String PROMETHEUS = "/usr/bin/prometheus";
    static final String PUSHGATEWAY = "/usr/bin/prometheus-pushgateway";

    /** The Pushgateway flag that keeps its groups in memory, not in /var/lib/prometheus. */
    static final String NO_PERSISTENCE = "--persistence.file=";

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Process> processes = new ArrayList<>();
    final int prometheusPort;
    final int pushgatewayPort;

    /** How often Prometheus scrapes, and how long a scrape may take. */
    final Duration scrapeInterval;

    /**
     * Starts both.
     *
     * @param dir a folder for the config, the logs and the TSDB
     * @param metricsPort the port of the endpoint to scrape, or -1 for none
     */
    LocalPrometheus(Path dir, int metricsPort) throws Exception {
        this(dir, metricsPort, Duration.ofSeconds(1));
    }

    /**
     * Starts both, with a scrape interval of its own; a scrape may take the whole interval (the
     * timeout is the interval), so that a slow scrape is late, never lost.
     *
     * @param dir a folder for the config, the logs and the TSDB
     * @param metricsPort the port of the endpoint to scrape, or -1 for none
     * @param scrapeInterval how often Prometheus scrapes, in whole seconds
     */
    LocalPrometheus(Path dir, int metricsPort, Duration scrapeInterval) throws Exception {
        this.scrapeInterval = scrapeInterval;
        String interval = scrapeInterval.toSeconds() + "s";
        for (String bin : new String[] {PROMETHEUS, PUSHGATEWAY}) {
            if (!Files.isExecutable(Path.of(bin))) {
                throw new IllegalStateException(
                        bin
                                + " is missing: install the Debian packages"
                                + " prometheus and prometheus-pushgateway (scripts/setup-test-env.sh)");
            }
        }
        pushgatewayPort = freePort();
        prometheusPort = freePort();
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(
                config,
                String.join(
                        "\n",
                        "global:",
                        "  scrape_interval: " + interval,
                        "  scrape_timeout: " + interval,
                        "  evaluation_interval: 1s",
                        "scrape_configs:",
                        metricsPort < 0
                                ? ""
                                : String.join(
                                        "\n",
                                        "  - job_name: lrfinder",
                                        "    honor_labels: true",
                                        "    static_configs:",
                                        "      - targets: ['127.0.0.1:" + metricsPort + "']"),
                        "  - job_name: pushgateway",
                        "    honor_labels: true",
                        "    static_configs:",
                        "      - targets: ['127.0.0.1:" + pushgatewayPort + "']",
                        ""));
        // in memory only: Debian's default persistence file is shared by every Pushgateway started
        // on the machine, so that one test's groups would show up in the next test's
        start(
                dir.resolve("pushgateway.log"),
                PUSHGATEWAY,
                NO_PERSISTENCE,
                "--web.listen-address=127.0.0.1:" + pushgatewayPort);
        start(
                dir.resolve("prometheus.log"),
                PROMETHEUS,
                "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("tsdb"),
                "--web.listen-address=127.0.0.1:" + prometheusPort);
        waitFor("http://127.0.0.1:" + pushgatewayPort + "/-/ready");
        waitFor("http://127.0.0.1:" + prometheusPort + "/-/ready");
        // ready is not scraping: target discovery hands the first targets over after up to 5 s
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (query("up{job=\"pushgateway\"} == 1").size() == 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Prometheus never scraped the Pushgateway");
            }
            Thread.sleep(200);
        }
    }

    String pushgatewayAddress() {
        return "127.0.0.1:" + pushgatewayPort;
    }

    /** Runs an instant PromQL query and returns its result array. */
    JsonNode query(String promql) throws IOException, InterruptedException {
        return api("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8))
                .get("data")
                .get("result");
    }

    /** Runs an instant PromQL query at a given time (seconds since the epoch). */
    JsonNode query(String promql, double time) throws IOException, InterruptedException {
        return api("/api/v1/query?time="
                        + time
                        + "&query="
                        + URLEncoder.encode(promql, StandardCharsets.UTF_8))
                .get("data")
                .get("result");
    }

    /** Runs a range query, as a Grafana time series panel does, and returns its result array. */
    JsonNode queryRange(String promql, double start, double end, double step)
            throws IOException, InterruptedException {
        return api("/api/v1/query_range?start="
                        + start
                        + "&end="
                        + end
                        + "&step="
                        + step
                        + "&query="
                        + URLEncoder.encode(promql, StandardCharsets.UTF_8))
                .get("data")
                .get("result");
    }

    /** Returns the Pushgateway's own exposition (every group's series, and its own). */
    String pushgatewayScrape() throws IOException, InterruptedException {
        return http.send(
                        HttpRequest.newBuilder(
                                        URI.create("http://" + pushgatewayAddress() + "/metrics"))
                                .timeout(Duration.ofSeconds(30))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    /**
     * Returns the Pushgateway's groups ({@code /api/v1/metrics}: one entry with labels per group).
     */
    JsonNode pushgatewayGroups() throws IOException, InterruptedException {
        String body =
                http.send(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        "http://"
                                                                + pushgatewayAddress()
                                                                + "/api/v1/metrics"))
                                        .timeout(Duration.ofSeconds(30))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body();
        return JSON.readTree(body).get("data");
    }

    /** Returns the series that match a selector. */
    JsonNode series(String selector) throws IOException, InterruptedException {
        return api("/api/v1/series?match[]=" + URLEncoder.encode(selector, StandardCharsets.UTF_8))
                .get("data");
    }

    private JsonNode api(String pathAndQuery) throws IOException, InterruptedException {
        HttpResponse<String> r =
                http.send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                "http://127.0.0.1:"
                                                        + prometheusPort
                                                        + pathAndQuery))
                                .timeout(Duration.ofSeconds(30))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        JsonNode body = JSON.readTree(r.body());
        if (r.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
            throw new IllegalStateException(
                    "Prometheus answered "
                            + r.statusCode()
                            + ": "
                            + r.body()
                            + " to "
                            + pathAndQuery);
        }
        return body;
    }

    private void start(Path log, String... command) throws IOException {
        processes.add(
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start());
    }

    private void waitFor(String url) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(
                                        HttpRequest.newBuilder(URI.create(url)).build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(url + " did not come up in 30 s");
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
