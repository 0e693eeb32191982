package dev.lrfinder.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lrfinder.core.RangeTest;
import dev.lrfinder.core.RangeTestStatus;
import dev.lrfinder.core.SuggestionRules;
import dev.lrfinder.listeners.LrFinderResult;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MetersTest {

    static final RunTags TAGS = new RunTags("r1", "mlp", "lr-find");

    static double gauge(MeterRegistry r, String name, Tags extra) {
        Gauge g = r.find(name).tags(TAGS.tags()).tags(extra).gauge();
        assertNotNull(g, name + " " + extra + " missing");
        return g.value();
    }

    /** A scripted range test: loss falls with the LR, then explodes at iteration 60. */
    static LrFinderResult scriptedRun(RangeTestMetrics metrics) {
        return observe(
                metrics,
                RangeTest.builder().optStartLr(1e-5).optEndLr(10).optNumIterations(100).build(),
                i -> i < 60 ? 2.3 - 0.03 * i : 100 * (i - 59));
    }

    /** Feeds a test the loss of each iteration, telling the metrics as a live test would. */
    static LrFinderResult observe(
            RangeTestMetrics metrics,
            RangeTest test,
            java.util.function.IntToDoubleFunction lossAt) {
        metrics.onStart(test.sweep());
        for (int i = 0; test.status() == RangeTestStatus.RUNNING; i++) {
            test.record(lossAt.applyAsDouble(i));
            metrics.onIteration(test.lastPoint());
        }
        LrFinderResult result = LrFinderResult.of(test, SuggestionRules.defaultRule());
        metrics.onStop(result);
        return result;
    }

    @Test
    void rangeTestMetersCarryTheStateTheCurveAndEverySuggestion() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RangeTestMetrics metrics = new RangeTestMetrics(TAGS);
        metrics.bindTo(registry);
        LrFinderResult result = scriptedRun(metrics);
        assertTrue(result.diverged());
        int n = result.curve().size();

        assertEquals(1, gauge(registry, "lrfinder.range.test.state", Tags.of("state", "diverged")));
        assertEquals(0, gauge(registry, "lrfinder.range.test.state", Tags.of("state", "running")));
        assertEquals(n, gauge(registry, "lrfinder.range.test.iteration", Tags.empty()));
        assertEquals(
                (double) result.divergedAt().orElseThrow(),
                gauge(registry, "lrfinder.range.test.diverged.iteration", Tags.empty()));
        assertEquals(
                result.curve().get(n - 1).learningRate(),
                gauge(registry, "lrfinder.range.test.diverged.learning.rate", Tags.empty()));
        // the verdict: confident or not, and one series per reason
        assertEquals(
                result.verdict().confident() ? 1 : 0,
                gauge(registry, "lrfinder.range.test.confident", Tags.empty()));
        for (dev.lrfinder.core.Verdict.Reason reason : dev.lrfinder.core.Verdict.Reason.values()) {
            assertEquals(
                    result.verdict().reasons().contains(reason) ? 1 : 0,
                    gauge(
                            registry,
                            "lrfinder.range.test.verdict.reason",
                            Tags.of("reason", reason.code())),
                    reason.code());
        }
        // the whole curve, step by step
        for (int step = 0; step < n; step++) {
            Tags s = Tags.of("step", Integer.toString(step));
            assertEquals(
                    result.curve().get(step).learningRate(),
                    gauge(registry, "lrfinder.range.test.curve.learning.rate", s));
            assertEquals(
                    result.curve().get(step).loss(),
                    gauge(registry, "lrfinder.range.test.curve.loss", s));
            assertEquals(
                    result.curve().get(step).smoothedLoss(),
                    gauge(registry, "lrfinder.range.test.curve.loss.smoothed", s));
        }
        assertEquals(n, registry.find("lrfinder.range.test.curve.loss").gauges().size());
        // every rule's suggestion, the default marked
        for (String rule : new String[] {"steepest", "valley", "minimum", "slide"}) {
            String isDefault = Boolean.toString(rule.equals(SuggestionRules.defaultRule().name()));
            double expected = result.suggestions().get(rule).orElseThrow().learningRate();
            assertEquals(
                    expected,
                    gauge(
                            registry,
                            "lrfinder.range.test.suggestion",
                            Tags.of("rule", rule, "default", isDefault)));
        }
        assertEquals(
                result.suggestion().learningRate(),
                gauge(registry, "lrfinder.range.test.suggestion", Tags.of("default", "true")));
    }

    @Test
    void metersSurviveGarbageCollection() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RangeTestMetrics metrics = new RangeTestMetrics(TAGS);
        metrics.bindTo(registry);
        scriptedRun(metrics);
        metrics = null;
        // a collection certainly ran once a fresh, unreferenced object is gone
        java.lang.ref.WeakReference<Object> canary =
                new java.lang.ref.WeakReference<>(new Object());
        for (int i = 0; i < 100 && canary.get() != null; i++) {
            System.gc();
        }
        assertTrue(canary.get() == null, "no garbage collection ran");
        assertFalse(
                Double.isNaN(
                        gauge(registry, "lrfinder.range.test.curve.loss", Tags.of("step", "3"))));
        assertFalse(Double.isNaN(gauge(registry, "lrfinder.range.test.iteration", Tags.empty())));
    }

    @Test
    void trainingMetersHoldTheLastBatchAndCountEveryOne() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        TrainingMetrics m = TrainingMetrics.builder(TAGS).build();
        m.bindTo(registry);
        long t = 1_000_000_000L;
        double[] losses = {2.0, 1.5, 1.2};
        for (int i = 0; i < 3; i++) {
            m.record(0.1 * (i + 1), 0.9 - 0.01 * i, losses[i], 128, t + i * 50_000_000L); // 50 ms
        }
        m.onEpoch(null);
        assertEquals(0.3, gauge(registry, "lrfinder.training.learning.rate", Tags.empty()), 1e-12);
        assertEquals(0.88, gauge(registry, "lrfinder.training.momentum", Tags.empty()), 1e-12);
        assertEquals(1.2, gauge(registry, "lrfinder.training.loss", Tags.empty()), 0);
        // debiased EMA with beta 0.98 of 2.0, 1.5, 1.2
        double avg = 0;
        double bp = 1;
        for (double l : losses) {
            avg = 0.98 * avg + 0.02 * l;
            bp *= 0.98;
        }
        assertEquals(
                avg / (1 - bp),
                gauge(registry, "lrfinder.training.loss.smoothed", Tags.empty()),
                1e-12);
        assertEquals(1, gauge(registry, "lrfinder.training.epoch", Tags.empty()), 0);
        assertEquals(
                3,
                registry.find("lrfinder.training.iterations").tags(TAGS.tags()).counter().count(),
                0);
        assertEquals(
                384,
                registry.find("lrfinder.training.samples").tags(TAGS.tags()).counter().count(),
                0);
        assertEquals(
                128 / 0.05,
                gauge(registry, "lrfinder.training.samples.per.second", Tags.empty()),
                1e-6);
        var timer = registry.find("lrfinder.training.batch").tags(TAGS.tags()).timer();
        assertEquals(2, timer.count());
        assertEquals(100, timer.totalTime(TimeUnit.MILLISECONDS), 1e-6);
    }

    @Test
    void runTagsRejectBlankValues() {
        IllegalArgumentException e =
                org.junit.jupiter.api.Assertions.assertThrows(
                        IllegalArgumentException.class, () -> new RunTags("r", " ", "j"));
        assertTrue(e.getMessage().startsWith("model"));
        assertEquals(8, RunTags.newRun("m", "j").run().length());
    }
}
