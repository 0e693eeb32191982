package dev.lrfinder.samples.cli;

import dev.lrfinder.metrics.PrometheusExport;
import dev.lrfinder.metrics.PushgatewayTarget;
import dev.lrfinder.metrics.RangeTestMetrics;
import dev.lrfinder.metrics.RunTags;
import dev.lrfinder.metrics.Secret;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The metrics options of {@code lrfinder find}: a Prometheus endpoint, a Pushgateway (with TLS,
 * credentials and the group's lifecycle) and the size of the exported curve. Checked before the
 * test runs; a metrics failure afterwards only warns.
 */
public final class MetricsOptions {

    @Option(
            names = "--metrics-port",
            defaultValue = "-1",
            description =
                    "serve Prometheus metrics on 127.0.0.1 at this port (0: any free port; default: off)")
    int port;

    @Option(
            names = "--metrics-linger",
            defaultValue = "0",
            description =
                    "keep the metrics endpoint up this many seconds after the test (default: ${DEFAULT-VALUE})")
    int linger;

    @Option(
            names = "--pushgateway",
            description =
                    "push the metrics to this Pushgateway (host:port or https://host:port) when the test ends")
    String pushgateway;

    @Option(
            names = "--pushgateway-ca",
            description = "trust this CA certificate (PEM) for an https Pushgateway")
    Path ca;

    @Option(
            names = "--pushgateway-user",
            description =
                    "basic-auth user; the password comes from --pushgateway-password-file or $LRFINDER_PUSHGATEWAY_PASSWORD")
    String user;

    @Option(
            names = "--pushgateway-password-file",
            description = "file holding the basic-auth password")
    Path passwordFile;

    @Option(
            names = "--pushgateway-delete-after",
            defaultValue = "30",
            description =
                    "delete the run's group this many seconds after the last push (default: ${DEFAULT-VALUE},"
                            + " at least one scrape interval)")
    int deleteAfter;

    @Option(names = "--pushgateway-keep", description = "keep the run's group on the Pushgateway")
    boolean keep;

    @Option(
            names = "--curve-points",
            defaultValue = "0",
            description =
                    "export at most this many curve points, evenly in log LR (default: 0, all)")
    int curvePoints;

    private PushgatewayTarget target;

    /** Checks every metrics option; builds the Pushgateway target (which checks the address). */
    void check() {
        CliChecks.between("--metrics-port", port, -1, 65535);
        CliChecks.atLeast("--metrics-linger", linger, 0);
        CliChecks.atLeast("--pushgateway-delete-after", deleteAfter, 0);
        CliChecks.atLeast("--curve-points", curvePoints, 0);
        if (pushgateway == null) {
            return;
        }
        PushgatewayTarget.Builder b;
        try {
            b = PushgatewayTarget.builder(pushgateway);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "--pushgateway must be host:port or https://host:port," + " got " + pushgateway,
                    e);
        }
        if (ca != null) {
            named("--pushgateway-ca", () -> b.optTrustedCa(ca));
        }
        if (user != null) {
            named(
                    passwordFile != null ? "--pushgateway-password-file" : "--pushgateway-user",
                    () ->
                            b.optBasicAuth(
                                    user,
                                    passwordFile != null
                                            ? Secret.fromFile(passwordFile)
                                            : Secret.fromEnv("LRFINDER_PUSHGATEWAY_PASSWORD")));
        }
        if (keep) {
            b.optKeepGroup();
        } else {
            b.optDeleteAfter(Duration.ofSeconds(deleteAfter));
        }
        target = b.build();
    }

    /** Runs a check whose error names no option, and names it. */
    private static void named(String option, Runnable check) {
        try {
            check.run();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
        }
    }

    /** Tells whether any metrics output was asked for. */
    boolean enabled() {
        return port >= 0 || pushgateway != null;
    }

    /** Starts the endpoint and the Pushgateway target; the meters are bound to its registry. */
    PrometheusExport start(RangeTestMetrics meters, RunTags tags, PrintStream out) {
        PrometheusExport export = new PrometheusExport();
        meters.bindTo(export.registry());
        if (port >= 0) {
            int bound = export.startEndpoint(port);
            if (bound > 0) {
                out.printf("metrics on http://127.0.0.1:%d/metrics (run %s)%n", bound, tags.run());
            }
        }
        if (target != null) {
            export.pushTo(target, tags);
        }
        return export;
    }

    /**
     * Pushes, lingers and closes (deleting the group after its linger unless kept). While it waits,
     * a shutdown hook deletes the group on Ctrl-C or SIGTERM, so that it is never left on the
     * Pushgateway for good; the output says that it waits, how long and why.
     */
    void finish(PrometheusExport export, RunTags tags, PrintStream out)
            throws InterruptedException {
        boolean pushed = target != null && export.push();
        if (pushed) {
            out.printf("pushed metrics to %s (job lr-find, run %s)%n", pushgateway, tags.run());
        }
        Thread deleteOnExit = null;
        if (pushed && !keep) {
            deleteOnExit =
                    new Thread(
                            () -> {
                                if (export.deleteGroup()) {
                                    System.err.printf(
                                            "lrfinder: stopped; deleted run %s's group from the"
                                                    + " Pushgateway%n",
                                            tags.run());
                                }
                            },
                            "lrfinder-pushgateway-delete");
            Runtime.getRuntime().addShutdownHook(deleteOnExit);
            out.printf(
                    "waiting %d s before deleting run %s's group from the Pushgateway, so that"
                            + " Prometheus scrapes it at least once (Ctrl-C deletes it now;"
                            + " --pushgateway-keep keeps it; --pushgateway-delete-after sets the"
                            + " wait)%n",
                    deleteAfter, tags.run());
        }
        try {
            if (linger > 0 && export.endpointPort() > 0) {
                out.printf(
                        "serving the metrics endpoint for %d s more (--metrics-linger)%n", linger);
                Thread.sleep(linger * 1000L);
            }
            export.close();
        } finally {
            if (deleteOnExit != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(deleteOnExit);
                } catch (IllegalStateException e) {
                    // the JVM is shutting down: the hook runs
                }
            }
        }
    }

    /** Returns the range-test meters for a run, with the curve cap. */
    RangeTestMetrics meters(RunTags tags) {
        return curvePoints > 0
                ? new RangeTestMetrics(tags, curvePoints)
                : new RangeTestMetrics(tags);
    }
}
