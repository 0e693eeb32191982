package dev.lrfinder.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Addresses, secrets and the endpoint's basic auth, without a Pushgateway. */
class PushgatewayTargetTest {

    @Test
    void anUnparsableAddressIsRefusedAtConstructionNamingIt() {
        for (String bad :
                new String[] {
                    "nohost:notaport",
                    "host",
                    "host:0",
                    "host:70000",
                    "",
                    "ftp://h:1",
                    "h:9091/metrics"
                }) {
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> PushgatewayTarget.builder(bad),
                            bad);
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
        try (PrometheusExport export = new PrometheusExport()) {
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> export.pushTo("nohost:notaport", MetersTest.TAGS));
            assertTrue(e.getMessage().contains("nohost:notaport"), e.getMessage());
        }
    }

    @Test
    void goodAddressesParseWithTheirScheme() {
        PushgatewayTarget plain = PushgatewayTarget.builder("127.0.0.1:9091").build();
        assertEquals("127.0.0.1:9091", plain.address());
        assertFalse(plain.https());
        assertEquals(PushgatewayTarget.DEFAULT_LINGER, plain.deleteAfter().orElseThrow());
        PushgatewayTarget tls =
                PushgatewayTarget.builder("https://pgw.example.org:443/").optKeepGroup().build();
        assertEquals("pgw.example.org:443", tls.address());
        assertTrue(tls.https());
        assertTrue(tls.deleteAfter().isEmpty());
        assertEquals("[::1]:9091", PushgatewayTarget.builder("[::1]:9091").build().address());
        assertThrows(
                IllegalArgumentException.class,
                () -> PushgatewayTarget.builder("h:1").optDeleteAfter(Duration.ofSeconds(-1)));
    }

    @Test
    void secretsNameTheirSourceNeverTheirValue(@TempDir Path dir) throws Exception {
        Secret env = Secret.fromEnv("PGW_PASSWORD", Map.of("PGW_PASSWORD", "hunter2-env"));
        assertEquals("hunter2-env", env.reveal());
        assertFalse(env.toString().contains("hunter2"), env.toString());
        IllegalArgumentException unset =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> Secret.fromEnv("PGW_UNSET", Map.of()));
        assertTrue(unset.getMessage().contains("PGW_UNSET"));

        Path file = dir.resolve("token");
        Files.writeString(file, "s3cr3t-token\n");
        Secret token = Secret.fromFile(file);
        assertEquals("s3cr3t-token", token.reveal());
        assertFalse(token.toString().contains("s3cr3t"), token.toString());
        PushgatewayTarget target = PushgatewayTarget.builder("h:1").optBearerToken(token).build();
        assertFalse(target.toString().contains("s3cr3t"), target.toString());
        PushgatewayTarget basic = PushgatewayTarget.builder("h:1").optBasicAuth("bob", env).build();
        assertTrue(
                basic.toString().contains("bob") && !basic.toString().contains("hunter2"),
                basic.toString());

        Files.writeString(file, "");
        assertTrue(
                assertThrows(IllegalArgumentException.class, () -> Secret.fromFile(file))
                        .getMessage()
                        .contains("empty"));
        assertThrows(IllegalArgumentException.class, () -> Secret.fromFile(dir.resolve("missing")));
    }

    @Test
    void anEndpointWithBasicAuthServesOnlyTheRightCredentials() throws Exception {
        try (PrometheusExport export = new PrometheusExport()) {
            new RangeTestMetrics(MetersTest.TAGS).bindTo(export.registry());
            Secret password = Secret.fromEnv("P", Map.of("P", "scrape-pass"));
            int port = export.startEndpoint("127.0.0.1", 0, "prometheus", password);
            assertTrue(port > 0);
            assertEquals(401, get(port, null).statusCode());
            assertEquals(401, get(port, "prometheus:wrong").statusCode());
            assertEquals(401, get(port, "other:scrape-pass").statusCode());
            HttpResponse<String> ok = get(port, "prometheus:scrape-pass");
            assertEquals(200, ok.statusCode());
            assertTrue(ok.body().contains("lrfinder_range_test_iteration{"), ok.body());
            assertThrows(
                    IllegalArgumentException.class,
                    () -> export.startEndpoint("127.0.0.1", 0, "prometheus", null));
        }
    }

    @Test
    void aBearerTokenIsSentAndCloseDeletesTheGroupAfterTheLinger() throws Exception {
        HttpServer fake = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        List<String> requests = new CopyOnWriteArrayList<>();
        fake.createContext(
                "/",
                exchange -> {
                    requests.add(
                            exchange.getRequestMethod()
                                    + " "
                                    + exchange.getRequestURI().getPath()
                                    + " "
                                    + exchange.getRequestHeaders().getFirst("Authorization"));
                    exchange.getRequestBody().readAllBytes();
                    exchange.sendResponseHeaders(200, -1);
                    exchange.close();
                });
        fake.start();
        long closed;
        long pushed;
        try (PrometheusExport export = new PrometheusExport()) {
            new RangeTestMetrics(MetersTest.TAGS).bindTo(export.registry());
            export.pushTo(
                    PushgatewayTarget.builder("127.0.0.1:" + fake.getAddress().getPort())
                            .optBearerToken(Secret.fromEnv("T", Map.of("T", "tok-123")))
                            .optDeleteAfter(Duration.ofMillis(700))
                            .build(),
                    MetersTest.TAGS);
            assertTrue(export.push());
            pushed = System.nanoTime();
            export.close();
            closed = System.nanoTime();
        } finally {
            fake.stop(0);
        }
        assertEquals(
                List.of(
                        "PUT /metrics/job/lr-find/run/r1 Bearer tok-123",
                        "DELETE /metrics/job/lr-find/run/r1 Bearer tok-123"),
                requests);
        assertTrue(
                (closed - pushed) / 1e6 >= 690,
                "close deleted before the linger: " + (closed - pushed) / 1e6);
    }

    static HttpResponse<String> get(int port, String userPassword) throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"));
        if (userPassword != null) {
            b.header(
                    "Authorization",
                    "Basic "
                            + Base64.getEncoder()
                                    .encodeToString(userPassword.getBytes(StandardCharsets.UTF_8)));
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
