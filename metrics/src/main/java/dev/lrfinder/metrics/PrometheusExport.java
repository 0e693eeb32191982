package dev.lrfinder.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.exporter.pushgateway.PushGateway;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link PrometheusMeterRegistry} with the two ways out of a training job: an HTTP endpoint for
 * Prometheus to scrape ({@code /metrics}, bound to 127.0.0.1 unless told otherwise) and pushes to
 * a Pushgateway (at the end of a run, and periodically during a long one).
 *
 * <p>A metrics failure never stops training: a port in use or an unreachable Pushgateway logs one
 * warning and the job goes on.
 */
public final class PrometheusExport implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(PrometheusExport.class);

    private final PrometheusMeterRegistry registry =
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private HTTPServer server;
    private PushGateway pushGateway;
    private String pushAddress;
    private ScheduledExecutorService pusher;
    private boolean pushWarned;

    /**
     * Returns the registry to bind meters to.
     *
     * @return the registry
     */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /**
     * Starts the scrape endpoint on 127.0.0.1.
     *
     * @param port the port; 0 picks a free one
     * @return the port it listens on, or -1 if it could not start (logged)
     */
    public int startEndpoint(int port) {
        return startEndpoint("127.0.0.1", port);
    }

    /**
     * Starts the scrape endpoint.
     *
     * @param host the address to bind, e.g. 127.0.0.1 or 0.0.0.0
     * @param port the port; 0 picks a free one
     * @return the port it listens on, or -1 if it could not start (logged)
     */
    public synchronized int startEndpoint(String host, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
        }
        try {
            server = HTTPServer.builder()
                    .hostname(host)
                    .port(port)
                    .registry(registry.getPrometheusRegistry())
                    .buildAndStart();
            return server.getPort();
        } catch (IOException | RuntimeException e) {
            logger.warn("metrics endpoint on {}:{} did not start ({}); training goes on without it",
                    host, port, e.toString());
            return -1;
        }
    }

    /**
     * Sets the Pushgateway to push to. The Pushgateway groups pushes by job and run: it files
     * this export's meters under the run's job and run id (and sets every pushed meter's {@code
     * job} label to that job), so give each job its own export.
     *
     * @param address host:port of the Pushgateway
     * @param tags the run's tags
     */
    public synchronized void pushTo(String address, RunTags tags) {
        pushAddress = address;
        pushGateway = PushGateway.builder()
                .address(address)
                .job(tags.job())
                .groupingKey("run", tags.run())
                .registry(registry.getPrometheusRegistry())
                .connectionTimeout(Duration.ofSeconds(2))
                .readTimeout(Duration.ofSeconds(5))
                .build();
    }

    /**
     * Pushes every meter to the Pushgateway now, replacing this run's group there.
     *
     * @return true if the push went through
     */
    public synchronized boolean push() {
        if (pushGateway == null) {
            return false;
        }
        try {
            pushGateway.push();
            return true;
        } catch (IOException | RuntimeException e) {
            if (!pushWarned) {
                pushWarned = true;
                logger.warn("push to the Pushgateway at {} failed ({}); training goes on",
                        pushAddress, e.toString());
            }
            return false;
        }
    }

    /**
     * Pushes every {@code period} in the background until {@link #close()}, for long runs.
     *
     * @param period the time between pushes
     */
    public synchronized void pushEvery(Duration period) {
        if (pusher == null) {
            pusher = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "lrfinder-pushgateway");
                t.setDaemon(true);
                return t;
            });
            long ms = period.toMillis();
            pusher.scheduleAtFixedRate(this::push, ms, ms, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Returns the port of the running endpoint.
     *
     * @return the port, or -1 when none runs
     */
    public synchronized int endpointPort() {
        return server == null ? -1 : server.getPort();
    }

    /** Stops the endpoint and the periodic pushes (no final push: call {@link #push()}). */
    @Override
    public synchronized void close() {
        if (pusher != null) {
            pusher.shutdownNow();
            pusher = null;
        }
        if (server != null) {
            server.close();
            server = null;
        }
        registry.close();
    }
}
