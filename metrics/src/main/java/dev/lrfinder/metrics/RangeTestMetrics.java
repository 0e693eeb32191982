package dev.lrfinder.metrics;

import dev.lrfinder.core.CurvePoint;
import dev.lrfinder.core.LrSweep;
import dev.lrfinder.core.Suggestion;
import dev.lrfinder.listeners.LrFinderResult;
import dev.lrfinder.listeners.RangeTestObserver;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Meters for an LR range test. A range test is a short batch job, often over before a 15 s scrape
 * comes, so besides the live state it exposes the whole recorded curve as gauges keyed by step:
 * one scrape or one push captures the curve whole.
 *
 * <pre>{@code
 * RangeTestMetrics metrics = new RangeTestMetrics(RunTags.newRun("mlp", "lr-find"));
 * metrics.bindTo(registry);
 * LrFinder.builder().addObserver(metrics).build().find(trainer, data);
 * }</pre>
 *
 * <table>
 * <caption>Meters (Prometheus names; every meter has the run, model and job tags)</caption>
 * <tr><td>lrfinder_range_test_state</td><td>gauge, tag state</td><td>1 for the current state (running, finished, diverged), 0 for the others</td></tr>
 * <tr><td>lrfinder_range_test_iteration</td><td>gauge</td><td>iterations recorded</td></tr>
 * <tr><td>lrfinder_range_test_learning_rate</td><td>gauge</td><td>learning rate of the last iteration</td></tr>
 * <tr><td>lrfinder_range_test_loss</td><td>gauge</td><td>raw loss of the last iteration</td></tr>
 * <tr><td>lrfinder_range_test_loss_smoothed</td><td>gauge</td><td>smoothed loss of the last iteration</td></tr>
 * <tr><td>lrfinder_range_test_curve_learning_rate</td><td>gauge, tag step</td><td>learning rate of every recorded step</td></tr>
 * <tr><td>lrfinder_range_test_curve_loss</td><td>gauge, tag step</td><td>raw loss of every recorded step</td></tr>
 * <tr><td>lrfinder_range_test_curve_loss_smoothed</td><td>gauge, tag step</td><td>smoothed loss of every recorded step</td></tr>
 * <tr><td>lrfinder_range_test_suggestion</td><td>gauge, tags rule, default</td><td>each rule's suggested learning rate once the test stopped</td></tr>
 * <tr><td>lrfinder_range_test_suggestion_loss</td><td>gauge, tags rule, default</td><td>smoothed loss at the point each rule picked</td></tr>
 * <tr><td>lrfinder_range_test_diverged_iteration</td><td>gauge</td><td>iteration where the loss diverged, -1 if it did not</td></tr>
 * <tr><td>lrfinder_range_test_diverged_learning_rate</td><td>gauge</td><td>learning rate where the loss diverged, NaN if it did not</td></tr>
 * </table>
 */
public final class RangeTestMetrics implements MeterBinder, RangeTestObserver {

    private static final String[] STATES = {"running", "finished", "diverged"};

    private final RunTags tags;
    private final List<MeterRegistry> registries = new ArrayList<>();
    private final Map<String, double[]> suggestions = new ConcurrentHashMap<>();
    private volatile int state = -1;
    private volatile double iteration;
    private volatile double learningRate = Double.NaN;
    private volatile double loss = Double.NaN;
    private volatile double smoothed = Double.NaN;
    private volatile double divergedIteration = -1;
    private volatile double divergedLr = Double.NaN;

    /**
     * Creates the meters of one range test.
     *
     * @param tags the run's tags
     */
    public RangeTestMetrics(RunTags tags) {
        this.tags = java.util.Objects.requireNonNull(tags, "tags");
    }

    /** {@inheritDoc} */
    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        registries.add(registry);
        Tags t = tags.tags();
        for (int i = 0; i < STATES.length; i++) {
            int s = i;
            Gauge.builder("lrfinder.range.test.state", this, m -> m.state == s ? 1 : 0)
                    .description("1 for the range test's current state").tags(t)
                    .tag("state", STATES[i]).strongReference(true).register(registry);
        }
        Gauge.builder("lrfinder.range.test.iteration", this, m -> m.iteration)
                .description("iterations recorded").tags(t).strongReference(true).register(registry);
        Gauge.builder("lrfinder.range.test.learning.rate", this, m -> m.learningRate)
                .description("learning rate of the last iteration").tags(t).strongReference(true).register(registry);
        Gauge.builder("lrfinder.range.test.loss", this, m -> m.loss)
                .description("raw loss of the last iteration").tags(t).strongReference(true).register(registry);
        Gauge.builder("lrfinder.range.test.loss.smoothed", this, m -> m.smoothed)
                .description("smoothed loss of the last iteration").tags(t).strongReference(true).register(registry);
        Gauge.builder("lrfinder.range.test.diverged.iteration", this, m -> m.divergedIteration)
                .description("iteration where the loss diverged, -1 if it did not").tags(t)
                .strongReference(true).register(registry);
        Gauge.builder("lrfinder.range.test.diverged.learning.rate", this, m -> m.divergedLr)
                .description("learning rate where the loss diverged").tags(t).strongReference(true).register(registry);
    }

    /** {@inheritDoc} */
    @Override
    public void onStart(LrSweep sweep) {
        state = 0;
    }

    /** {@inheritDoc} */
    @Override
    public synchronized void onIteration(CurvePoint p) {
        state = 0;
        iteration = p.iteration() + 1;
        learningRate = p.learningRate();
        loss = p.loss();
        smoothed = p.smoothedLoss();
        // the curve: three gauges per step, each holding its value (registered once per step)
        Tags t = tags.tags().and("step", Integer.toString(p.iteration()));
        double[] v = {p.learningRate(), p.loss(), p.smoothedLoss()};
        for (MeterRegistry r : registries) {
            Gauge.builder("lrfinder.range.test.curve.learning.rate", v, a -> a[0])
                    .description("learning rate of each recorded step").tags(t).strongReference(true).register(r);
            Gauge.builder("lrfinder.range.test.curve.loss", v, a -> a[1])
                    .description("raw loss of each recorded step").tags(t).strongReference(true).register(r);
            Gauge.builder("lrfinder.range.test.curve.loss.smoothed", v, a -> a[2])
                    .description("smoothed loss of each recorded step").tags(t).strongReference(true).register(r);
        }
    }

    /** {@inheritDoc} */
    @Override
    public synchronized void onStop(LrFinderResult result) {
        state = result.diverged() ? 2 : 1;
        result.divergedAt().ifPresent(i -> {
            divergedIteration = i;
            divergedLr = result.curve().get(i).learningRate();
        });
        String defaultRule = result.rule().name();
        for (Map.Entry<String, Optional<Suggestion>> e : result.suggestions().entrySet()) {
            double[] v = suggestions.computeIfAbsent(e.getKey(), k -> new double[2]);
            v[0] = e.getValue().map(Suggestion::learningRate).orElse(Double.NaN);
            v[1] = e.getValue().map(Suggestion::smoothedLoss).orElse(Double.NaN);
            Tags t = tags.tags().and("rule", e.getKey())
                    .and("default", Boolean.toString(e.getKey().equals(defaultRule)));
            for (MeterRegistry r : registries) {
                Gauge.builder("lrfinder.range.test.suggestion", v, a -> a[0])
                        .description("learning rate each rule suggests").tags(t).strongReference(true).register(r);
                Gauge.builder("lrfinder.range.test.suggestion.loss", v, a -> a[1])
                        .description("smoothed loss where each rule's suggestion sits").tags(t)
                        .strongReference(true).register(r);
            }
        }
    }

    /**
     * Exposes a finished result, e.g. one loaded from a file, as if it had been observed live.
     *
     * @param result the result
     */
    public void record(LrFinderResult result) {
        result.curve().points().forEach(this::onIteration);
        onStop(result);
    }
}
