package dev.lrfinder.metrics;

import io.prometheus.metrics.exporter.pushgateway.PushGateway;
import io.prometheus.metrics.exporter.pushgateway.Scheme;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.HttpURLConnection;
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
 * The pushes of one {@link PrometheusExport} to a Pushgateway and the life of the run's group
 * there: pushes now and in the background, one at a time and in order (a newer push or a delete
 * disconnects an older one still hanging), and on {@link #close()} the wait for the target's
 * linger, then the delete of the group. A failure logs one warning, never stopping training.
 */
final class PushgatewayLifecycle {

    private static final Logger logger = LoggerFactory.getLogger(PrometheusExport.class);
    private static final Pattern STATUS = Pattern.compile("was (\\d{3})");

    private final PrometheusRegistry registry;

    /**
     * Held during each push or delete, so that they reach the Pushgateway one at a time and in
     * order; never held with the object's monitor, which guards the configuration only.
     */
    private final ReentrantLock pushLock = new ReentrantLock();

    /** The connections of the push or delete under way; its holder of {@link #pushLock} owns it. */
    private final Set<HttpURLConnection> inFlight = ConcurrentHashMap.newKeySet();

    private PushGateway pushGateway;
    private PushgatewayTarget target;
    private ScheduledExecutorService pusher;
    private boolean pushWarned;
    private volatile long lastPushNanos;
    private volatile boolean pushed;
    private volatile boolean closed;

    /** Set while a push, a delete or close disconnects the push under way. */
    private volatile boolean aborting;

    PushgatewayLifecycle(PrometheusRegistry registry) {
        this.registry = registry;
    }

    /** See {@link PrometheusExport#pushTo(PushgatewayTarget, RunTags)}. */
    synchronized void pushTo(PushgatewayTarget pushTarget, RunTags tags) {
        target = Objects.requireNonNull(pushTarget, "pushTarget");
        PushGateway.Builder b =
                PushGateway.builder()
                        .address(target.address())
                        .scheme(target.https() ? Scheme.HTTPS : Scheme.HTTP)
                        .connectionFactory(this::open)
                        .job(tags.job())
                        .groupingKey("run", tags.run())
                        .registry(registry)
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
    boolean push() {
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
    boolean deleteGroup() {
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
    synchronized void pushEvery(Duration period) {
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
     * Stops the periodic pushes and, unless the target keeps the group, deletes it once the linger
     * since the last successful push has passed (see {@link PrometheusExport#close()}).
     */
    void close() {
        ScheduledExecutorService p;
        synchronized (this) {
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
    }
}
