package dev.lrfinder.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class PrometheusExportTest {

    @Test
    void endpointServesTheMetersInPrometheusFormat() throws Exception {
        try (PrometheusExport export = new PrometheusExport()) {
            RangeTestMetrics metrics = new RangeTestMetrics(MetersTest.TAGS);
            metrics.bindTo(export.registry());
            MetersTest.scriptedRun(metrics);
            int port = export.startEndpoint(0);
            assertTrue(port > 0);
            String body =
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(
                                                    URI.create(
                                                            "http://127.0.0.1:"
                                                                    + port
                                                                    + "/metrics"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .body();
            assertTrue(body.contains("lrfinder_range_test_curve_loss_smoothed{"), body);
            assertTrue(body.contains("step=\"42\""));
            assertTrue(body.contains("lrfinder_range_test_suggestion{default=\"true\""));
        }
    }

    @Test
    void aPortInUseOrADeadPushgatewayOnlyWarns() throws Exception {
        try (ServerSocket taken =
                        new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"));
                PrometheusExport export = new PrometheusExport()) {
            assertEquals(-1, export.startEndpoint(taken.getLocalPort()));
            // nothing listens on a port we just closed
            int dead;
            try (ServerSocket s = new ServerSocket(0)) {
                dead = s.getLocalPort();
            }
            export.pushTo("127.0.0.1:" + dead, MetersTest.TAGS);
            long t0 = System.nanoTime();
            assertFalse(export.push());
            assertFalse(export.push());
            assertTrue((System.nanoTime() - t0) / 1e9 < 10, "a failed push must not hang training");
        }
    }
}
