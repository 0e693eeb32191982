package dev.lrfinder.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Objects;

/**
 * A {@link PrometheusMeterRegistry} with the two ways out of a training job: an HTTP endpoint for
 * Prometheus to scrape ({@code /metrics}, bound to 127.0.0.1 unless told otherwise, with optional
 * basic auth) and pushes to a Pushgateway (at the end of a run, and periodically during a long
 * one), over HTTP or HTTPS with optional credentials ({@link PushgatewayTarget}).
 *
 * <p>Lifecycle of the pushed group: unless the target says {@link
 * PushgatewayTarget.Builder#optKeepGroup() keep}, {@link #close()} waits until the target's linger
 * has passed since the last successful push (so that Prometheus scrapes it), then deletes the run's
 * group from the Pushgateway.
 *
 * <p>The endpoint and the pushes each live in a class of their own ({@code ScrapeEndpoint}, {@code
 * PushgatewayLifecycle}); this class is their one way in.
 *
 * <pre>{@code
 * try (PrometheusExport export = new PrometheusExport()) {
 *     export.startEndpoint(9404);
 *     export.pushTo("pushgateway:9091", tags);
 *     // bind meters to export.registry(), train, then export.push()
 * }
 * }</pre>
 *
 * <p>A metrics failure never stops training: a port in use, an unreachable Pushgateway or refused
 * credentials log one warning and the job goes on. Secrets never appear in a log line.
 */
public final class PrometheusExport implements AutoCloseable {

    private final PrometheusMeterRegistry registry;
    private final boolean ownsRegistry;
    private final ScrapeEndpoint endpoint;
    private final PushgatewayLifecycle pushes;
    private boolean closed;

    /** Creates an export with a registry of its own, closed with it. */
    public PrometheusExport() {
        this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), true);
    }

    /**
     * Creates an export that serves and pushes a registry the application already has (e.g. the one
     * Spring Boot's actuator made); {@link #close()} leaves it open.
     *
     * @param registry the registry
     */
    public PrometheusExport(PrometheusMeterRegistry registry) {
        this(Objects.requireNonNull(registry, "registry"), false);
    }

    private PrometheusExport(PrometheusMeterRegistry registry, boolean ownsRegistry) {
        this.registry = registry;
        this.ownsRegistry = ownsRegistry;
        this.endpoint = new ScrapeEndpoint(registry.getPrometheusRegistry());
        this.pushes = new PushgatewayLifecycle(registry.getPrometheusRegistry());
    }

    /**
     * Returns the registry to bind meters to.
     *
     * @return the registry
     */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /**
     * Starts the scrape endpoint on 127.0.0.1, without authentication.
     *
     * @param port the port; 0 picks a free one
     * @return the port it listens on, or -1 if it could not start (logged)
     */
    public int startEndpoint(int port) {
        return startEndpoint("127.0.0.1", port);
    }

    /**
     * Starts the scrape endpoint without authentication; bound to anything but a loopback address
     * it logs a warning (use {@link #startEndpoint(String, int, String, Secret)}).
     *
     * @param host the address to bind, e.g. 127.0.0.1 or 0.0.0.0
     * @param port the port; 0 picks a free one
     * @return the port it listens on, or -1 if it could not start (logged)
     */
    public int startEndpoint(String host, int port) {
        return startEndpoint(host, port, null, null);
    }

    /**
     * Starts the scrape endpoint; with a user and password, every request must carry them (HTTP
     * basic auth; Prometheus's scrape config takes them as {@code basic_auth}).
     *
     * @param host the address to bind, e.g. 127.0.0.1 or 0.0.0.0
     * @param port the port; 0 picks a free one
     * @param user the user Prometheus must send, or null for no authentication
     * @param password the password Prometheus must send, or null for no authentication
     * @return the port it listens on, or -1 if it could not start (logged)
     */
    public int startEndpoint(String host, int port, String user, Secret password) {
        return endpoint.start(host, port, user, password);
    }

    /**
     * Sets the Pushgateway to push to, over plain HTTP, deleting the run's group on close after
     * {@link PushgatewayTarget#DEFAULT_LINGER}.
     *
     * @param address host:port of the Pushgateway
     * @param tags the run's tags
     * @throws IllegalArgumentException if the address is not host:port (the message names it)
     */
    public void pushTo(String address, RunTags tags) {
        pushTo(PushgatewayTarget.builder(address).build(), tags);
    }

    /**
     * Sets the Pushgateway to push to. The Pushgateway groups pushes by job and run: it files this
     * export's meters under the run's job and run id (and sets every pushed meter's {@code job}
     * label to that job), so give each job its own export.
     *
     * @param pushTarget the Pushgateway, its security and the group's lifecycle
     * @param tags the run's tags
     * @throws IllegalArgumentException if the client cannot be built for the target (named)
     */
    public void pushTo(PushgatewayTarget pushTarget, RunTags tags) {
        pushes.pushTo(pushTarget, tags);
    }

    /**
     * Pushes every meter to the Pushgateway now, replacing this run's group there. A background
     * push ({@link #pushEvery}) still waiting for a hanging Pushgateway is aborted first, as its
     * older values must not land after these: the push takes at most one timeout of the target.
     *
     * @return true if the push went through
     */
    public boolean push() {
        return pushes.push();
    }

    /**
     * Deletes this run's group from the Pushgateway now, whatever the target's lifecycle says; also
     * after {@link #close()}, and from another thread while {@code close()} waits (a shutdown hook,
     * say). A push under way is aborted first: it takes at most one timeout of the target.
     *
     * @return true if the Pushgateway deleted it
     */
    public boolean deleteGroup() {
        return pushes.deleteGroup();
    }

    /**
     * Pushes every {@code period} in the background until {@link #close()}, for long runs.
     *
     * @param period the time between pushes
     */
    public void pushEvery(Duration period) {
        pushes.pushEvery(period);
    }

    /**
     * Returns the port of the running endpoint.
     *
     * @return the port, or -1 when none runs
     */
    public int endpointPort() {
        return endpoint.port();
    }

    /**
     * Stops the periodic pushes and the endpoint (no final push: call {@link #push()}), closes the
     * registry if this export created it, and, unless the target keeps it, deletes the run's group
     * once the linger since the last successful push has passed; this call waits for it (an
     * interrupt ends the wait and deletes at once). Beyond that wait it takes at most one timeout
     * of the target: a background push still hanging is aborted, not waited for. Nothing is deleted
     * when no push went through. Closing twice does nothing the second time.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        pushes.close();
        endpoint.close();
        if (ownsRegistry) {
            registry.close();
        }
    }
}
