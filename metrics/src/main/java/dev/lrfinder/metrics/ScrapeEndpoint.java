package dev.lrfinder.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP endpoint Prometheus scrapes, {@code /metrics}, for one {@link PrometheusExport}: started
 * on demand, with optional basic auth, closed with the export. A failure to start logs one warning
 * and returns -1, never stopping training.
 */
final class ScrapeEndpoint {

    private static final Logger logger = LoggerFactory.getLogger(PrometheusExport.class);

    private final PrometheusRegistry registry;
    private HTTPServer server;

    ScrapeEndpoint(PrometheusRegistry registry) {
        this.registry = registry;
    }

    /** See {@link PrometheusExport#startEndpoint(String, int, String, Secret)}. */
    synchronized int start(String host, int port, String user, Secret password) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
        }
        if ((user == null) != (password == null)) {
            throw new IllegalArgumentException(
                    "give both the endpoint's user and password, or neither");
        }
        try {
            HTTPServer.Builder b =
                    HTTPServer.builder().hostname(host).port(port).registry(registry);
            if (user != null) {
                b.authenticator(new OneUserBasicAuth(user, password));
            } else if (!InetAddress.getByName(host).isLoopbackAddress()) {
                logger.warn(
                        "metrics endpoint on {}:{} has no authentication: anyone who reaches it can"
                                + " read the metrics (pass a user and a password to require them)",
                        host,
                        port);
            }
            server = b.buildAndStart();
            return server.getPort();
        } catch (IOException | RuntimeException e) {
            logger.warn(
                    "metrics endpoint on {}:{} did not start ({}); training goes on without it",
                    host,
                    port,
                    e.toString());
            return -1;
        }
    }

    /** The port it listens on, or -1 when none runs. */
    synchronized int port() {
        return server == null ? -1 : server.getPort();
    }

    synchronized void close() {
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
