package dev.lrfinder.metrics;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;

/**
 * Where and how {@link PrometheusExport} pushes: the Pushgateway's address, HTTPS and the CA to
 * trust, basic auth or a bearer token ({@link Secret}s, never logged), and what becomes of the
 * run's group when the export closes.
 *
 * <pre>{@code
 * PushgatewayTarget target = PushgatewayTarget.builder("https://pgw.example.org:9091")
 *         .optTrustedCa(Path.of("/etc/ssl/pgw-ca.pem"))
 *         .optBasicAuth("trainer", Secret.fromEnv("LRFINDER_PUSHGATEWAY_PASSWORD"))
 *         .optDeleteAfter(Duration.ofSeconds(30))   // the default
 *         .build();
 * }</pre>
 *
 * <p>By default the run's group is deleted when the export closes, {@link #DEFAULT_LINGER} after
 * the last successful push, so that Prometheus scrapes it at least once first (see docs/METRICS.md,
 * "Lifecycle"); {@link Builder#optKeepGroup()} keeps it.
 */
public final class PushgatewayTarget {

    /** How long a group stays after the last push before it is deleted: two 15 s scrapes. */
    public static final Duration DEFAULT_LINGER = Duration.ofSeconds(30);

    private static final Pattern ADDRESS =
            Pattern.compile(
                    "(?:(https?)://)?(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._-]+):([0-9]{1,5})/?");

    private final String address;
    private final boolean https;
    private final SSLSocketFactory sslSocketFactory;
    private final String user;
    private final Secret password;
    private final Secret bearerToken;
    private final Duration deleteAfter;
    private final Duration connectTimeout;
    private final Duration readTimeout;

    private PushgatewayTarget(Builder b) {
        this.connectTimeout = b.connectTimeout;
        this.readTimeout = b.readTimeout;
        this.address = b.hostPort;
        this.https = b.https;
        this.sslSocketFactory = b.sslSocketFactory;
        this.user = b.user;
        this.password = b.password;
        this.bearerToken = b.bearerToken;
        this.deleteAfter = b.deleteAfter;
    }

    /**
     * Starts a target.
     *
     * @param address {@code host:port}, {@code http://host:port} or {@code https://host:port}
     * @return the builder
     * @throws IllegalArgumentException if the address is not of that form (the message names it)
     */
    public static Builder builder(String address) {
        return new Builder(address);
    }

    /**
     * Returns {@code host:port}.
     *
     * @return {@code host:port}
     */
    public String address() {
        return address;
    }

    /**
     * Returns true to push over HTTPS.
     *
     * @return true to push over HTTPS
     */
    public boolean https() {
        return https;
    }

    /**
     * Returns how long after the last push the group is deleted on close; empty: kept.
     *
     * @return how long after the last push the group is deleted on close; empty: kept
     */
    public Optional<Duration> deleteAfter() {
        return Optional.ofNullable(deleteAfter);
    }

    /**
     * Returns how long a push may take to connect.
     *
     * @return how long a push may take to connect
     */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /**
     * Returns how long a push may wait for the Pushgateway's answer.
     *
     * @return how long a push may wait for the Pushgateway's answer
     */
    public Duration readTimeout() {
        return readTimeout;
    }

    /**
     * Returns the basic-auth user, if any.
     *
     * @return the basic-auth user, if any
     */
    Optional<String> user() {
        return Optional.ofNullable(user);
    }

    /**
     * Returns the basic-auth password, if any.
     *
     * @return the basic-auth password, if any
     */
    Optional<Secret> password() {
        return Optional.ofNullable(password);
    }

    /**
     * Returns the bearer token, if any.
     *
     * @return the bearer token, if any
     */
    Optional<Secret> bearerToken() {
        return Optional.ofNullable(bearerToken);
    }

    /** Opens a connection, with the trusted CA's socket factory for HTTPS. */
    HttpURLConnection open(URL url) throws IOException {
        HttpURLConnection c = (HttpURLConnection) url.openConnection();
        if (sslSocketFactory != null && c instanceof HttpsURLConnection s) {
            s.setSSLSocketFactory(sslSocketFactory);
        }
        return c;
    }

    /**
     * Names the address, the scheme, the kind of credentials and where they come from, no secret.
     */
    @Override
    public String toString() {
        String auth =
                user != null
                        ? ", basic auth as " + user + " with " + password
                        : bearerToken != null ? ", bearer " + bearerToken : "";
        return (https ? "https://" : "http://") + address + auth;
    }

    /** Configures a {@link PushgatewayTarget}. */
    public static final class Builder {

        private final String hostPort;
        private boolean https;
        private SSLSocketFactory sslSocketFactory;
        private String user;
        private Secret password;
        private Secret bearerToken;
        private Duration deleteAfter = DEFAULT_LINGER;
        private Duration connectTimeout = Duration.ofSeconds(2);
        private Duration readTimeout = Duration.ofSeconds(5);

        private Builder(String address) {
            Matcher m = ADDRESS.matcher(address == null ? "" : address.strip());
            int port = m.matches() ? Integer.parseInt(m.group(3)) : -1;
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException(
                        "Pushgateway address '"
                                + address
                                + "' is not host:port (e.g. 127.0.0.1:9091 or https://pgw.example.org:9091)");
            }
            hostPort = m.group(2) + ":" + port;
            https = "https".equals(m.group(1));
        }

        /**
         * Pushes over HTTPS, trusting the JVM's default CAs (unless {@link #optTrustedCa} is
         * given).
         *
         * @return this builder
         */
        public Builder optHttps() {
            https = true;
            return this;
        }

        /**
         * Pushes over HTTPS, trusting the CA certificates of a PEM file (and only them).
         *
         * @param caCertificates a PEM file with one or more CA certificates
         * @return this builder
         * @throws IllegalArgumentException if the file holds no readable certificate
         */
        public Builder optTrustedCa(Path caCertificates) {
            sslSocketFactory = CaTrust.socketFactory(caCertificates);
            https = true;
            return this;
        }

        /**
         * Authenticates with HTTP basic auth.
         *
         * @param user the user name
         * @param password the password, from the environment or a file
         * @return this builder
         */
        public Builder optBasicAuth(String user, Secret password) {
            if (user == null || user.isBlank() || user.contains(":")) {
                throw new IllegalArgumentException(
                        "basic-auth user must be non-blank without ':', got '" + user + "'");
            }
            this.user = user;
            this.password = Objects.requireNonNull(password, "password");
            this.bearerToken = null;
            return this;
        }

        /**
         * Authenticates with a bearer token ({@code Authorization: Bearer ...}).
         *
         * @param token the token, from the environment or a file
         * @return this builder
         */
        public Builder optBearerToken(Secret token) {
            this.bearerToken = Objects.requireNonNull(token, "token");
            this.user = null;
            this.password = null;
            return this;
        }

        /**
         * Deletes the run's group when the export closes, {@code linger} after the last successful
         * push; make it at least Prometheus's scrape interval so that the last push is scraped.
         *
         * @param linger the time to keep the group after the last push (default 30 s)
         * @return this builder
         */
        public Builder optDeleteAfter(Duration linger) {
            if (linger == null || linger.isNegative()) {
                throw new IllegalArgumentException("linger must be >= 0, got " + linger);
            }
            this.deleteAfter = linger;
            return this;
        }

        /**
         * Sets how long a push may take (default: 2 s to connect, 5 s for the answer). A push runs
         * at the end of a job or on the background pusher, never inside a training step; a
         * Pushgateway that holds many groups answers slowly (docs/METRICS.md, Load test).
         *
         * @param connect the connect timeout
         * @param read the read timeout
         * @return this builder
         */
        public Builder optTimeouts(Duration connect, Duration read) {
            if (connect == null
                    || read == null
                    || connect.isNegative()
                    || connect.isZero()
                    || read.isNegative()
                    || read.isZero()) {
                throw new IllegalArgumentException(
                        "timeouts must be > 0, got " + connect + ", " + read);
            }
            this.connectTimeout = connect;
            this.readTimeout = read;
            return this;
        }

        /**
         * Keeps the run's group on the Pushgateway after the export closes, until someone deletes
         * it (the Pushgateway never forgets a group by itself).
         *
         * @return this builder
         */
        public Builder optKeepGroup() {
            this.deleteAfter = null;
            return this;
        }

        /**
         * Builds the target.
         *
         * @return the target
         */
        public PushgatewayTarget build() {
            return new PushgatewayTarget(this);
        }
    }
}
