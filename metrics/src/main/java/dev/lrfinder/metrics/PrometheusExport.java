package dev.lrfinder.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.exporter.pushgateway.PushGateway;
import io.prometheus.metrics.exporter.pushgateway.Scheme;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.URL;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * <p>A metrics failure never stops training: a port in use, an unreachable Pushgateway or refused
 * credentials log one warning and the job goes on. Secrets never appear in a log line.
 */
public final class PrometheusExport implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(PrometheusExport.class);
    private static final Pattern STATUS = Pattern.compile("was (\\d{3})");

    private final PrometheusMeterRegistry registry;
    private final boolean ownsRegistry;

    /**
     * Held during each push or delete, so that they reach the Pushgateway one at a time and in
     * order; never held with the object's monitor, which guards the configuration only.
     */
    private final ReentrantLock pushLock = new ReentrantLock();

    /** The connections of the push or delete under way; its holder of {@link #pushLock} owns it. */
    private final Set<HttpURLConnection> inFlight = ConcurrentHashMap.newKeySet();

    private HTTPServer server;
    private PushGateway pushGateway;
    private PushgatewayTarget target;
    private ScheduledExecutorService pusher;
    private boolean pushWarned;
    private volatile long lastPushNanos;
    private volatile boolean pushed;
    private volatile boolean closed;

    /** Set while a push, a delete or close disconnects the push under way. */
    private volatile boolean aborting;

    /** Creates an export with a registry of its own, closed with it. */
    public PrometheusExport() {
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.ownsRegistry = true;
    }

    /**
     * Creates an export that serves and pushes a registry the application already has (e.g. the one
     * Spring Boot's actuator made); {@link #close()} leaves it open.
     *
     * @param registry the registry
     */
    public PrometheusExport(PrometheusMeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.ownsRegistry = false;
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
    public synchronized int startEndpoint(String host, int port, String user, Secret password) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
        }
        if ((user == null) != (password == null)) {
            throw new IllegalArgumentException(
                    "give both the endpoint's user and password, or neither");
        }
        try {
            HTTPServer.Builder b =
                    HTTPServer.builder()
                            .hostname(host)
                            .port(port)
                            .registry(registry.getPrometheusRegistry());
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
    public synchronized void pushTo(PushgatewayTarget pushTarget, RunTags tags) {
        target = Objects.requireNonNull(pushTarget, "pushTarget");
        PushGateway.Builder b =
                PushGateway.builder()
                        .address(target.address())
                        .scheme(target.https() ? Scheme.HTTPS : Scheme.HTTP)
                        .connectionFactory(this::open)
                        .job(tags.job())
                        .groupingKey("run", tags.run())
                        .registry(registry.getPrometheusRegistry())
                        .connectionTimeout(target.connectTimeout())
                        .readTimeout(target.readTimeout());
        target.user().ifPresent(u -> b.basicAuth(u, target.password().orElseThrow().reveal()));
        target.bearerToken().ifPresent(t -> b.bearerToken(t.reveal()));
        try {
            pushGateway = b.build();
        } catch (RuntimeException e) { // e.g. the client's PrometheusPropertiesException
            throw new IllegalArgumentException(
                    "cannot push to the Pushgateway at " + target + " (" + e.getMessage() + ")", e);
        }
    }

    /** Opens a connection for the client, and remembers it until its push or delete is over. */
    private HttpURLConnection open(URL url) throws IOException {
        HttpURLConnection c = target.open(url);
        inFlight.add(c);
        return c;
    }

    /**
     * Pushes every meter to the Pushgateway now, replacing this run's group there. A background
     * push ({@link #pushEvery}) still waiting for a hanging Pushgateway is aborted first, as its
     * older values must not land after these: the push takes at most one timeout of the target.
     *
     * @return true if the push went through
     */
    public boolean push() {
        PushGateway gateway;
        synchronized (this) {
            gateway = pushGateway;
        }
        if (gateway == null) {
            return false;
        }
        lockAbortingOthers();
        try {
            gateway.push();
            pushed = true;
            lastPushNanos = System.nanoTime();
            return true;
        } catch (IOException | RuntimeException e) {
            warnOnce("push to", e);
            return false;
        } finally {
            release();
        }
    }

    /** The background push: skipped when another push or delete is under way, or after close. */
    private void pushInBackground() {
        PushGateway gateway;
        synchronized (this) {
            gateway = pushGateway;
        }
        if (gateway == null || closed || !pushLock.tryLock()) {
            return;
        }
        try {
            if (!closed) {
                gateway.push();
                pushed = true;
                lastPushNanos = System.nanoTime();
            }
        } catch (IOException | RuntimeException e) {
            if (aborting) {
                logger.debug("background push aborted for a newer push, a delete or close");
            } else {
                warnOnce("push to", e);
            }
        } finally {
            release();
        }
    }

    /**
     * Deletes this run's group from the Pushgateway now, whatever the target's lifecycle says; also
     * after {@link #close()}, and from another thread while {@code close()} waits (a shutdown hook,
     * say). A push under way is aborted first: it takes at most one timeout of the target.
     *
     * @return true if the Pushgateway deleted it
     */
    public boolean deleteGroup() {
        PushGateway gateway;
        synchronized (this) {
            gateway = pushGateway;
        }
        if (gateway == null) {
            return false;
        }
        lockAbortingOthers();
        try {
            gateway.delete();
            return true;
        } catch (IOException | RuntimeException e) {
            warnOnce("delete of the run's group from", e);
            return false;
        } finally {
            release();
        }
    }

    /** Takes {@link #pushLock}, disconnecting whatever push or delete holds it meanwhile. */
    private void lockAbortingOthers() {
        boolean interrupted = false;
        while (true) {
            try {
                if (pushLock.tryLock(20, TimeUnit.MILLISECONDS)) {
                    break;
                }
            } catch (InterruptedException e) {
                interrupted = true; // keep trying: the lock is freed within a few tries
            }
            aborting = true; // the holder's failure is ours, not the Pushgateway's: no warning
            for (HttpURLConnection c : inFlight) {
                c.disconnect(); // the blocked read fails at once
            }
        }
        aborting = false;
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void release() {
        inFlight.clear();
        pushLock.unlock();
    }

    private synchronized void warnOnce(String what, Exception e) {
        if (pushWarned) {
            return;
        }
        pushWarned = true;
        Matcher m = STATUS.matcher(String.valueOf(e.getMessage()));
        int status = m.find() ? Integer.parseInt(m.group(1)) : -1;
        if (status == 401 || status == 403) {
            logger.warn(
                    "{} the Pushgateway at {} was refused (HTTP {}: wrong or missing credentials);"
                            + " training goes on without pushing",
                    what,
                    target,
                    status);
        } else if (tlsFailure(e)) {
            logger.warn(
                    "{} the Pushgateway at {} failed the TLS handshake ({}); is the CA that signed its"
                            + " certificate trusted (PushgatewayTarget.optTrustedCa)? Training goes on",
                    what,
                    target,
                    e.getMessage());
        } else {
            logger.warn(
                    "{} the Pushgateway at {} failed ({}); training goes on",
                    what,
                    target,
                    e.toString());
        }
    }

    private static boolean tlsFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException
                    || String.valueOf(t.getMessage()).contains("PKIX")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Pushes every {@code period} in the background until {@link #close()}, for long runs.
     *
     * @param period the time between pushes
     */
    public synchronized void pushEvery(Duration period) {
        if (pusher == null) {
            pusher =
                    Executors.newSingleThreadScheduledExecutor(
                            r -> {
                                Thread t = new Thread(r, "lrfinder-pushgateway");
                                t.setDaemon(true);
                                return t;
                            });
            long ms = period.toMillis();
            pusher.scheduleAtFixedRate(this::pushInBackground, ms, ms, TimeUnit.MILLISECONDS);
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
        ScheduledExecutorService p;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            p = pusher;
            pusher = null;
        }
        if (p != null) {
            p.shutdownNow();
        }
        if (pushed && target != null && target.deleteAfter().isPresent()) {
            long waitNanos =
                    lastPushNanos + target.deleteAfter().get().toNanos() - System.nanoTime();
            try {
                if (waitNanos > 0) {
                    TimeUnit.NANOSECONDS.sleep(waitNanos);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // delete now rather than leave the group
            }
            deleteGroup();
        } else {
            aborting = true;
            for (HttpURLConnection c : inFlight) {
                c.disconnect(); // nothing may land after close
            }
        }
        synchronized (this) {
            if (server != null) {
                server.close();
                server = null;
            }
            if (ownsRegistry) {
                registry.close();
            }
        }
    }
}
