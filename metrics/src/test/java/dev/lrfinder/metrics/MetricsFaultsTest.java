package dev.lrfinder.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import com.sun.net.httpserver.HttpServer;
import dev.lrfinder.listeners.Fixtures;
import dev.lrfinder.listeners.LrFinder;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Metrics faults of issue 17: a registry that throws, a Pushgateway that hangs. */
class MetricsFaultsTest {

    /** A registry that refuses every meter registered after {@link #refuse} is set. */
    static final class RefusingRegistry extends SimpleMeterRegistry {
        final AtomicBoolean refuse = new AtomicBoolean();

        @Override
        protected <T> io.micrometer.core.instrument.Gauge newGauge(
                Meter.Id id, T obj, java.util.function.ToDoubleFunction<T> valueFunction) {
            if (refuse.get()) {
                throw new IllegalStateException("registry refuses " + id.getName());
            }
            return super.newGauge(id, obj, valueFunction);
        }
    }

    @Test
    void aRegistryThatThrowsOnRegisterLogsOneWarningAndTrainingGoesOn() throws Exception {
        RefusingRegistry registry = new RefusingRegistry();
        RangeTestMetrics meters = new RangeTestMetrics(MetersTest.TAGS);
        meters.bindTo(registry);
        registry.refuse.set(true);
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int points;
        try (Model model = Fixtures.mlp();
                NDManager manager = NDManager.newBaseManager();
                Trainer trainer =
                        Fixtures.trainer(
                                model,
                                Optimizer.sgd()
                                        .setLearningRateTracker(Tracker.fixed(0.1f))
                                        .build())) {
            System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
            points =
                    LrFinder.builder()
                            .optStartLr(1e-5)
                            .optEndLr(1e-2)
                            .optNumIterations(20)
                            .addObserver(meters)
                            .build()
                            .find(trainer, Fixtures.blobs(manager, 256, 32, 3))
                            .curve()
                            .size();
        } finally {
            System.setErr(old);
        }
        String err = buf.toString(StandardCharsets.UTF_8);
        assertEquals(20, points, "training went on");
        assertEquals(1, err.lines().filter(l -> l.contains("registry refuses")).count(), err);
    }

    @Test
    void closeIsBoundedByOneTimeoutWhenThePushgatewayHangs() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        Semaphore hanging = new Semaphore(0);
        CountDownLatch release = new CountDownLatch(1);
        HttpServer server =
                HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 50);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext(
                "/",
                exchange -> {
                    exchange.getRequestBody().readAllBytes();
                    if (requests.getAndIncrement() > 0) {
                        hanging.release();
                        try {
                            release.await(60, TimeUnit.SECONDS); // the Pushgateway hangs
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    exchange.sendResponseHeaders(200, -1);
                    exchange.close();
                });
        server.start();
        Duration timeout = Duration.ofSeconds(2);
        try {
            PrometheusExport export = new PrometheusExport();
            new RangeTestMetrics(MetersTest.TAGS).bindTo(export.registry());
            export.pushTo(
                    PushgatewayTarget.builder("127.0.0.1:" + server.getAddress().getPort())
                            .optTimeouts(timeout, timeout)
                            .optDeleteAfter(Duration.ZERO)
                            .build(),
                    MetersTest.TAGS);
            assertTrue(export.push(), "the first push lands");
            export.pushEvery(Duration.ofMillis(100));
            assertTrue(hanging.tryAcquire(10, TimeUnit.SECONDS), "a background push hangs");

            long t0 = System.nanoTime();
            assertFalse(export.push());
            double finalPush = (System.nanoTime() - t0) / 1e9;

            t0 = System.nanoTime();
            export.close();
            double close = (System.nanoTime() - t0) / 1e9;
            double bound = timeout.toMillis() / 1000.0 * 1.5;
            assertTrue(finalPush < bound, "the final push took " + finalPush + " s");
            assertTrue(close < bound, "close() took " + close + " s");
        } finally {
            release.countDown();
            server.stop(0);
        }
    }
}
