package dev.lrfinder.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lrfinder.metrics.PrometheusExport;
import dev.lrfinder.metrics.PushgatewayTarget;
import dev.lrfinder.metrics.RunTags;
import dev.lrfinder.metrics.Secret;
import dev.lrfinder.metrics.TrainingMetrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's Pushgateway started with TLS (a CA and a certificate for 127.0.0.1 made by openssl for
 * the test) and basic auth: the right credentials land, a wrong password is refused with one clear
 * warning while training goes on, an untrusted CA is refused, and no secret ever reaches the log.
 */
@Tag("prometheus")
class SecuredPushgatewayTest {

    static final String USER = "lrfinder";
    static final String PASSWORD = "lrfinder-test-password";
    static final String WRONG = "not-the-password-42";

    /**
     * bcrypt (cost 5) of {@link #PASSWORD}, which the Pushgateway's web config needs; made with
     * {@code python3 -c "import crypt; print(crypt.crypt('lrfinder-test-password',
     * crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=32)))"}.
     */
    static final String PASSWORD_BCRYPT =
            "$2b$05$QUeG3ODm8/efBRrH9zZqs.8p3Slb7IZPPAWtnkUZT0dthF6JGedb.";

    @Test
    void rightCredentialsLandAndAWrongPasswordWarnsOnceWhileTrainingGoesOn(@TempDir Path dir)
            throws Exception {
        openssl(
                dir,
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-keyout",
                "ca.key",
                "-out",
                "ca.crt",
                "-days",
                "1",
                "-subj",
                "/CN=lrfinder test CA");
        openssl(
                dir,
                "req",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-keyout",
                "server.key",
                "-out",
                "server.csr",
                "-subj",
                "/CN=127.0.0.1");
        Files.writeString(
                dir.resolve("ext.cnf"), "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n");
        openssl(
                dir,
                "x509",
                "-req",
                "-in",
                "server.csr",
                "-CA",
                "ca.crt",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                "server.crt",
                "-days",
                "1",
                "-extfile",
                "ext.cnf");
        Files.writeString(
                dir.resolve("web.yml"),
                String.join(
                        "\n",
                        "tls_server_config:",
                        "  cert_file: " + dir.resolve("server.crt"),
                        "  key_file: " + dir.resolve("server.key"),
                        "basic_auth_users:",
                        "  " + USER + ": " + PASSWORD_BCRYPT,
                        ""));
        Path passwordFile = dir.resolve("password");
        Files.writeString(passwordFile, PASSWORD + "\n");
        Path wrongFile = dir.resolve("wrong");
        Files.writeString(wrongFile, WRONG + "\n");

        int port = LocalPrometheus.freePort();
        Process pgw =
                new ProcessBuilder(
                                LocalPrometheus.PUSHGATEWAY,
                                LocalPrometheus.NO_PERSISTENCE,
                                "--web.listen-address=127.0.0.1:" + port,
                                "--web.config.file=" + dir.resolve("web.yml"))
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("pushgateway.log").toFile())
                        .start();
        PrintStream stderr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(new Tee(stderr, captured), true, StandardCharsets.UTF_8));
        try {
            awaitPort(port);
            String address = "https://127.0.0.1:" + port;
            // 1. the right password, from a file, over TLS trusting the test's CA: the push lands
            RunTags good = new RunTags("secured-ok", "mlp", "one-cycle");
            try (PrometheusExport export = new PrometheusExport()) {
                train(export, good, 5);
                export.pushTo(
                        PushgatewayTarget.builder(address)
                                .optTrustedCa(dir.resolve("ca.crt"))
                                .optBasicAuth(USER, Secret.fromFile(passwordFile))
                                .optKeepGroup()
                                .build(),
                        good);
                assertTrue(export.push(), "push with the right credentials: " + captured);
            }
            JsonNode groups = groups(dir, port, USER + ":" + PASSWORD);
            assertTrue(groups.toString().contains("\"secured-ok\""), groups.toString());
            assertTrue(
                    groups.toString().contains("lrfinder_training_iterations_total"),
                    groups.toString());

            // 2. a wrong password: refused, one warning for every push of a training that goes on
            RunTags bad = new RunTags("secured-wrong", "mlp", "one-cycle");
            int before = captured.size();
            int trained;
            try (PrometheusExport export = new PrometheusExport()) {
                TrainingMetrics meters = train(export, bad, 0);
                export.pushTo(
                        PushgatewayTarget.builder(address)
                                .optTrustedCa(dir.resolve("ca.crt"))
                                .optBasicAuth(USER, Secret.fromFile(wrongFile))
                                .build(),
                        bad);
                trained = 0;
                for (int i = 0; i < 20; i++) {
                    meters.record(0.1, 0.9, 1.0 / (i + 1), 32, 1_000_000L * (i + 1));
                    trained++;
                    if (i % 5 == 4) {
                        assertFalse(export.push(), "a wrong password must be refused");
                    }
                }
            }
            assertEquals(20, trained, "training goes on");
            String log = captured.toString(StandardCharsets.UTF_8).substring(before);
            List<String> warnings = log.lines().filter(l -> l.contains("WARN")).toList();
            assertEquals(1, warnings.size(), "one warning for 4 refused pushes: " + log);
            assertTrue(
                    warnings.get(0).contains("refused")
                            && warnings.get(0).contains("401")
                            && warnings.get(0).contains("127.0.0.1:" + port),
                    warnings.get(0));
            assertFalse(
                    groups(dir, port, USER + ":" + PASSWORD).toString().contains("secured-wrong"));

            // 3. the right password to a server whose CA is not trusted: refused by TLS, one
            // warning
            int beforeTls = captured.size();
            try (PrometheusExport export = new PrometheusExport()) {
                train(export, new RunTags("secured-untrusted", "mlp", "one-cycle"), 3);
                export.pushTo(
                        PushgatewayTarget.builder(address)
                                .optBasicAuth(USER, Secret.fromFile(passwordFile))
                                .build(),
                        new RunTags("secured-untrusted", "mlp", "one-cycle"));
                assertFalse(export.push(), "a certificate from an untrusted CA must be refused");
                assertFalse(export.push());
            }
            List<String> tlsWarnings =
                    captured.toString(StandardCharsets.UTF_8)
                            .substring(beforeTls)
                            .lines()
                            .filter(l -> l.contains("WARN"))
                            .toList();
            assertEquals(1, tlsWarnings.size(), tlsWarnings.toString());
            assertTrue(
                    tlsWarnings.get(0).contains("TLS handshake")
                            && tlsWarnings.get(0).contains("optTrustedCa"),
                    tlsWarnings.get(0));

            // 4. no secret in anything logged, whatever happened
            String all = captured.toString(StandardCharsets.UTF_8);
            for (String secret :
                    new String[] {
                        PASSWORD,
                        WRONG,
                        Base64.getEncoder()
                                .encodeToString(
                                        (USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)),
                        Base64.getEncoder()
                                .encodeToString(
                                        (USER + ":" + WRONG).getBytes(StandardCharsets.UTF_8))
                    }) {
                assertFalse(all.contains(secret), "a secret reached the log");
            }
        } finally {
            System.setErr(stderr);
            pgw.destroy();
            pgw.waitFor();
        }
    }

    private static TrainingMetrics train(PrometheusExport export, RunTags tags, int batches) {
        TrainingMetrics meters = TrainingMetrics.builder(tags).build();
        meters.bindTo(export.registry());
        for (int i = 0; i < batches; i++) {
            meters.record(0.1, 0.9, 1.0 / (i + 1), 32, 1_000_000L * (i + 1));
        }
        return meters;
    }

    private static void openssl(Path dir, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p =
                new ProcessBuilder(command)
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("openssl.log").toFile())
                        .start();
        assertEquals(
                0,
                p.waitFor(),
                "openssl "
                        + String.join(" ", args)
                        + ": "
                        + Files.readString(dir.resolve("openssl.log")));
    }

    private static void awaitPort(int port) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("the Pushgateway did not listen on " + port);
    }

    /** The Pushgateway's groups, read over TLS with basic auth. */
    private static JsonNode groups(Path dir, int port, String userPassword) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(dir.resolve("ca.crt"))) {
            trust.setCertificateEntry(
                    "ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf =
                TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        HttpResponse<String> r =
                HttpClient.newBuilder()
                        .sslContext(ssl)
                        .build()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        "https://127.0.0.1:"
                                                                + port
                                                                + "/api/v1/metrics"))
                                        .header(
                                                "Authorization",
                                                "Basic "
                                                        + Base64.getEncoder()
                                                                .encodeToString(
                                                                        userPassword.getBytes(
                                                                                StandardCharsets
                                                                                        .UTF_8)))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return new ObjectMapper().readTree(r.body()).get("data");
    }

    /** Writes to two streams. */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) throws IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}
