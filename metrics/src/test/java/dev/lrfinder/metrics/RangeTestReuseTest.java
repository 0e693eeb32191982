package dev.lrfinder.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lrfinder.core.RangeTest;
import dev.lrfinder.core.RangeTestStatus;
import dev.lrfinder.core.SuggestionRules;
import dev.lrfinder.listeners.LrFinderResult;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 9 item 4 (one instance, two tests) and the curve cap of the series budget. */
class RangeTestReuseTest {

    /**
     * A scripted test over [1e-5, endLr]; the loss is scaled, and explodes at divergeAt (-1:
     * never).
     */
    static LrFinderResult run(
            RangeTestMetrics metrics, double endLr, int iterations, double scale, int divergeAt) {
        RangeTest test =
                RangeTest.builder()
                        .optStartLr(1e-5)
                        .optEndLr(endLr)
                        .optNumIterations(iterations)
                        .build();
        return MetersTest.observe(
                metrics,
                test,
                i ->
                        divergeAt < 0 || i < divergeAt
                                ? scale * 2.3 * Math.exp(-0.003 * i)
                                : 100 * scale * (i - divergeAt + 1));
    }

    static List<Gauge> curveGauges(PrometheusMeterRegistry registry, String name) {
        return registry.find(name).tags(MetersTest.TAGS.tags()).gauges().stream()
                .sorted(Comparator.comparingInt(g -> Integer.parseInt(g.getId().getTag("step"))))
                .toList();
    }

    @Test
    void oneInstanceObservingTwoTestsExportsTheSecondOnly() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        RangeTestMetrics metrics = new RangeTestMetrics(MetersTest.TAGS);
        metrics.bindTo(registry);
        LrFinderResult first = run(metrics, 10, 100, 1, 60);
        assertTrue(first.diverged());
        LrFinderResult second = run(metrics, 1, 40, 7, -1);
        assertFalse(second.diverged());
        assertTrue(second.curve().size() < first.curve().size());

        List<Gauge> loss = curveGauges(registry, "lrfinder.range.test.curve.loss");
        assertEquals(
                second.curve().size(), loss.size(), "series for steps the second test never had");
        for (int step = 0; step < second.curve().size(); step++) {
            assertEquals(Integer.toString(step), loss.get(step).getId().getTag("step"));
            assertEquals(
                    second.curve().get(step).loss(),
                    loss.get(step).value(),
                    "stale loss at step " + step);
            assertEquals(
                    second.curve().get(step).learningRate(),
                    MetersTest.gauge(
                            registry,
                            "lrfinder.range.test.curve.learning.rate",
                            Tags.of("step", Integer.toString(step))));
            assertEquals(
                    second.curve().get(step).smoothedLoss(),
                    MetersTest.gauge(
                            registry,
                            "lrfinder.range.test.curve.loss.smoothed",
                            Tags.of("step", Integer.toString(step))));
        }
        // the live state, the divergence point and the suggestions are the second test's
        assertEquals(
                1,
                MetersTest.gauge(
                        registry, "lrfinder.range.test.state", Tags.of("state", "finished")));
        assertEquals(
                0,
                MetersTest.gauge(
                        registry, "lrfinder.range.test.state", Tags.of("state", "diverged")));
        assertEquals(
                -1,
                MetersTest.gauge(registry, "lrfinder.range.test.diverged.iteration", Tags.empty()));
        assertEquals(
                second.curve().size(),
                MetersTest.gauge(registry, "lrfinder.range.test.iteration", Tags.empty()));
        assertEquals(
                second.suggestion().learningRate(),
                MetersTest.gauge(
                        registry, "lrfinder.range.test.suggestion", Tags.of("default", "true")));
        // and the scrape says the same: no step of the first test past the second's last
        String scrape = registry.scrape();
        assertFalse(scrape.contains("step=\"" + second.curve().size() + "\""), scrape);
    }

    @Test
    void recordReplacesTheTestObservedBefore() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        RangeTestMetrics metrics = new RangeTestMetrics(MetersTest.TAGS);
        metrics.bindTo(registry);
        run(metrics, 10, 100, 1, 60);
        RangeTestMetrics other = new RangeTestMetrics(MetersTest.TAGS);
        LrFinderResult loaded = run(other, 1, 30, 3, -1);
        metrics.record(loaded);
        List<Gauge> smoothed = curveGauges(registry, "lrfinder.range.test.curve.loss.smoothed");
        assertEquals(loaded.curve().size(), smoothed.size());
        assertEquals(loaded.curve().get(29).smoothedLoss(), smoothed.get(29).value());
    }

    @Test
    void aCappedCurveKeepsAtMostNPointsEvenlyInLogLr() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        RangeTestMetrics metrics = new RangeTestMetrics(MetersTest.TAGS, 25);
        metrics.bindTo(registry);
        LrFinderResult result = run(metrics, 10, 300, 1, -1);
        assertEquals(300, result.curve().size(), "the result keeps the whole curve");
        List<Gauge> lr = curveGauges(registry, "lrfinder.range.test.curve.learning.rate");
        assertTrue(lr.size() <= 25 && lr.size() >= 24, "kept " + lr.size());
        assertEquals(lr.size(), curveGauges(registry, "lrfinder.range.test.curve.loss").size());
        // the first and the last point of the sweep, and even steps in log lr between them
        assertEquals(result.curve().get(0).learningRate(), lr.get(0).value());
        double decades = Math.log10(10 / 1e-5);
        for (int i = 1; i < lr.size(); i++) {
            double step = Math.log10(lr.get(i).value() / lr.get(i - 1).value());
            assertEquals(decades / 24, step, 0.5 * decades / 24, "uneven step at " + i);
        }
        double toEnd =
                Math.log10(result.curve().get(299).learningRate() / lr.get(lr.size() - 1).value());
        assertTrue(
                toEnd >= 0 && toEnd <= 0.5 * decades / 24 + 1e-9,
                "last point " + toEnd + " decades from the end");
        // the suggestion still comes from the whole curve
        assertEquals(
                result.suggestion().learningRate(),
                MetersTest.gauge(
                        registry, "lrfinder.range.test.suggestion", Tags.of("default", "true")));
        // a cap below the number of points of a short test keeps them all
        RangeTestMetrics small = new RangeTestMetrics(MetersTest.TAGS.withJob("other"), 500);
        PrometheusMeterRegistry r2 = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        small.bindTo(r2);
        LrFinderResult shortTest = run(small, 10, 50, 1, -1);
        assertEquals(
                shortTest.curve().size(),
                r2.find("lrfinder.range.test.curve.loss").gauges().size());
    }

    @Test
    void aCappedLinearSweepKeepsPointsEvenlyInLr() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        RangeTestMetrics metrics = new RangeTestMetrics(MetersTest.TAGS, 20);
        metrics.bindTo(registry);
        RangeTest test =
                RangeTest.builder()
                        .optStartLr(0.01)
                        .optEndLr(1)
                        .optNumIterations(200)
                        .optShape(dev.lrfinder.core.LrSweep.Shape.LINEAR)
                        .build();
        metrics.onStart(test.sweep());
        for (int i = 0; test.status() == RangeTestStatus.RUNNING; i++) {
            test.record(2.3 * Math.exp(-0.003 * i));
            metrics.onIteration(test.lastPoint());
        }
        List<Gauge> lr = curveGauges(registry, "lrfinder.range.test.curve.learning.rate");
        assertTrue(lr.size() >= 19 && lr.size() <= 20, "kept " + lr.size());
        for (int i = 1; i < lr.size(); i++) {
            assertEquals(
                    0.99 / 19,
                    lr.get(i).value() - lr.get(i - 1).value(),
                    0.5 * 0.99 / 19,
                    "uneven at " + i);
        }
        // record() finds the linear shape from the curve itself
        RangeTestMetrics replay = new RangeTestMetrics(MetersTest.TAGS.withJob("replay"), 20);
        PrometheusMeterRegistry r2 = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        replay.bindTo(r2);
        replay.record(LrFinderResult.of(test, SuggestionRules.defaultRule()));
        assertEquals(lr.size(), r2.find("lrfinder.range.test.curve.learning.rate").gauges().size());
    }

    @Test
    void aCapBelowTwoIsRefused() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new RangeTestMetrics(MetersTest.TAGS, 1));
        assertTrue(
                e.getMessage().contains("maxCurvePoints") && e.getMessage().contains("1"),
                e.getMessage());
    }
}
