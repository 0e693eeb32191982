package dev.lrfinder.metrics;

import dev.lrfinder.core.CurvePoint;
import dev.lrfinder.core.LrSweep;
import dev.lrfinder.core.Suggestion;
import dev.lrfinder.core.Verdict;
import dev.lrfinder.listeners.LrFinderResult;
import dev.lrfinder.listeners.RangeTestObserver;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * Meters for an LR range test. A range test is a short batch job, often over before a 15 s scrape
 * comes, so besides the live state it exposes the whole recorded curve as gauges keyed by step: one
 * scrape or one push captures the curve whole, or at most {@code maxCurvePoints} of its points
 * spread evenly in log learning rate ({@link #RangeTestMetrics(Iterable, int)}).
 *
 * <p>One instance describes one test at a time: when it observes a second test ({@link #onStart}
 * again, or {@link #record}), the first test's curve and suggestions are removed from every
 * registry before the second test's are registered, so that no scrape or push ever mixes them.
 *
 * <pre>{@code
 * RangeTestMetrics metrics = new RangeTestMetrics(RunTags.newRun("mlp", "lr-find"));
 * metrics.bindTo(registry);
 * LrFinder.builder().addObserver(metrics).build().find(trainer, data);
 * }</pre>
 *
 * <table>
 * <caption>Meters (Prometheus names; every meter has the run, model and job tags)</caption>
 * <tr><td>lrfinder_range_test_confident</td><td>gauge</td><td>1 if the curve supports its suggestion (the result's verdict), 0 if not, NaN while running</td></tr>
 * <tr><td>lrfinder_range_test_verdict_reason</td><td>gauge, tag reason</td><td>1 for each reason the curve does not support a suggestion</td></tr>
 * <tr><td>lrfinder_range_test_state</td><td>gauge, tag state</td><td>1 for the current state (running, finished, diverged, interrupted), 0 for the others</td></tr>
 * <tr><td>lrfinder_range_test_start_time_seconds</td><td>gauge</td><td>when the test started (or the meters were bound), seconds since the epoch</td></tr>
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

    private static final String[] STATES = {"running", "finished", "diverged", "interrupted"};

    private final Tags tags;

    /** Picks the curve points to export when {@code maxCurvePoints} caps them. */
    private final CurveSampler sampler;

    /** Every registry bound so far: meters registered later go to each. */
    private final List<MeterRegistry> registries = new ArrayList<>();

    /** The exported curve: step to {learning rate, loss, smoothed loss}. */
    private final Map<Integer, double[]> curve = new LinkedHashMap<>();

    /** The meters of this test only (curve and suggestions), removed when another test starts. */
    private final List<Meter> perTestMeters = new ArrayList<>();

    /** Each rule's suggestion: rule name to {learning rate, smoothed loss}. */
    private final Map<String, double[]> suggestions = new LinkedHashMap<>();

    /** The rule whose suggestion is tagged {@code default="true"}. */
    private String defaultRule;

    /** The index in {@link #STATES} of the current state, -1 before any test. */
    private volatile int state = -1;

    /** 1 if the stopped test's verdict is confident, 0 if not, NaN while running. */
    private volatile double confident = Double.NaN;

    /** The verdict's reasons, one bit per {@link Verdict.Reason} ordinal. */
    private volatile int reasons;

    /** When the test started (or the meters were bound), in seconds since the epoch. */
    private volatile double startTime = Double.NaN;

    /** The live values of the last recorded iteration. */
    private volatile double iteration;

    private volatile double learningRate = Double.NaN;
    private volatile double loss = Double.NaN;
    private volatile double smoothed = Double.NaN;

    /** Where the loss diverged: iteration (-1 if it did not) and learning rate (NaN). */
    private volatile double divergedIteration = -1;

    private volatile double divergedLr = Double.NaN;

    /**
     * Creates the meters of a range test, exporting every point of the curve.
     *
     * @param tags the tags of every meter, e.g. a {@link RunTags} (run, model and job, which the
     *     Grafana dashboard selects by)
     */
    public RangeTestMetrics(Iterable<Tag> tags) {
        this(tags, 0);
    }

    /**
     * Creates the meters of a range test, exporting at most {@code maxCurvePoints} points of the
     * curve, spread evenly in log learning rate over the sweep (evenly in learning rate for a
     * linear sweep), 3 series per point. The result, its plot and its suggestions are unaffected:
     * they come from the whole {@code LossCurve}.
     *
     * @param tags the tags of every meter, e.g. a {@link RunTags}
     * @param maxCurvePoints the most curve points to export (at least 2), or 0 for every point
     */
    public RangeTestMetrics(Iterable<Tag> tags, int maxCurvePoints) {
        this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
        this.sampler = new CurveSampler(maxCurvePoints);
    }

    /** {@inheritDoc} */
    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        registries.add(registry);
        if (Double.isNaN(startTime)) {
            startTime = System.currentTimeMillis() / 1000.0;
        }
        Tags t = tags;
        for (int i = 0; i < STATES.length; i++) {
            int s = i;
            Gauge.builder("lrfinder.range.test.state", this, m -> m.state == s ? 1 : 0)
                    .description("1 for the range test's current state")
                    .tags(t)
                    .tag("state", STATES[i])
                    .strongReference(true)
                    .register(registry);
        }
        gauge(
                        "lrfinder.range.test.start.time",
                        m -> m.startTime,
                        "when the range test started (or its meters were bound), in seconds since the epoch")
                .baseUnit("seconds")
                .register(registry);
        gauge("lrfinder.range.test.iteration", m -> m.iteration, "iterations recorded")
                .register(registry);
        gauge(
                        "lrfinder.range.test.learning.rate",
                        m -> m.learningRate,
                        "learning rate of the last iteration")
                .register(registry);
        gauge("lrfinder.range.test.loss", m -> m.loss, "raw loss of the last iteration")
                .register(registry);
        gauge(
                        "lrfinder.range.test.loss.smoothed",
                        m -> m.smoothed,
                        "smoothed loss of the last iteration")
                .register(registry);
        gauge(
                        "lrfinder.range.test.diverged.iteration",
                        m -> m.divergedIteration,
                        "iteration where the loss diverged, -1 if it did not")
                .register(registry);
        gauge(
                        "lrfinder.range.test.diverged.learning.rate",
                        m -> m.divergedLr,
                        "learning rate where the loss diverged")
                .register(registry);
        gauge(
                        "lrfinder.range.test.confident",
                        m -> m.confident,
                        "1 if the curve supports the suggestion, 0 if not, NaN while running")
                .register(registry);
        for (Verdict.Reason reason : Verdict.Reason.values()) {
            int bit = 1 << reason.ordinal();
            gauge(
                            "lrfinder.range.test.verdict.reason",
                            m -> (m.reasons & bit) != 0 ? 1 : 0,
                            "1 for each reason the curve does not support a suggestion")
                    .tag("reason", reason.code())
                    .register(registry);
        }
        // a registry bound late still gets this test's curve and suggestions
        curve.forEach((step, v) -> registerPoint(registry, step, v));
        suggestions.forEach((rule, v) -> registerSuggestion(registry, rule, v));
    }

    private Gauge.Builder<RangeTestMetrics> gauge(
            String name, ToDoubleFunction<RangeTestMetrics> f, String description) {
        return Gauge.builder(name, this, f)
                .description(description)
                .tags(tags)
                .strongReference(true);
    }

    /**
     * Starts a new test. When this instance already observed a test, that test's curve and
     * suggestions are removed first: the meters always describe the latest test only.
     */
    @Override
    public synchronized void onStart(LrSweep sweep) {
        reset();
        sampler.span(sweep.startLr(), sweep.endLr(), sweep.shape() != LrSweep.Shape.LINEAR);
        state = 0;
        confident = Double.NaN;
        reasons = 0;
    }

    /** {@inheritDoc} */
    @Override
    public synchronized void onIteration(CurvePoint p) {
        if (p.iteration() == 0 && (state != 0 || !curve.isEmpty())) {
            reset(); // a new test that did not announce itself with onStart
            sampler.reset();
        }
        state = 0;
        iteration = p.iteration() + 1;
        learningRate = p.learningRate();
        loss = p.loss();
        smoothed = p.smoothedLoss();
        if (sampler.keep(p.learningRate())) {
            double[] v = {p.learningRate(), p.loss(), p.smoothedLoss()};
            curve.put(p.iteration(), v);
            for (MeterRegistry r : registries) {
                registerPoint(r, p.iteration(), v);
            }
        }
    }

    /** {@inheritDoc} */
    @Override
    public synchronized void onStop(LrFinderResult result) {
        state =
                switch (result.status()) {
                    case DIVERGED -> 2;
                    case INTERRUPTED -> 3;
                    case RUNNING -> 0;
                    case FINISHED -> 1;
                };
        confident = result.verdict().confident() ? 1 : 0;
        int mask = 0;
        for (Verdict.Reason reason : result.verdict().reasons()) {
            mask |= 1 << reason.ordinal();
        }
        reasons = mask;
        result.divergedAt()
                .ifPresent(
                        i -> {
                            divergedIteration = i;
                            divergedLr = result.curve().get(i).learningRate();
                        });
        if (defaultRule != null && !defaultRule.equals(result.rule().name())) {
            removeSuggestions(); // the default tag moved: drop the old default="true" series
        }
        defaultRule = result.rule().name();
        for (Map.Entry<String, Optional<Suggestion>> e : result.suggestions().entrySet()) {
            double[] v = suggestions.get(e.getKey());
            boolean fresh = v == null;
            if (fresh) {
                v = new double[2];
                suggestions.put(e.getKey(), v);
            }
            v[0] = e.getValue().map(Suggestion::learningRate).orElse(Double.NaN);
            v[1] = e.getValue().map(Suggestion::smoothedLoss).orElse(Double.NaN);
            if (fresh) {
                for (MeterRegistry r : registries) {
                    registerSuggestion(r, e.getKey(), v);
                }
            }
        }
    }

    /**
     * Exposes a finished result, e.g. one loaded from a file, as if it had been observed live
     * (replacing any test this instance observed before).
     *
     * @param result the result
     */
    public synchronized void record(LrFinderResult result) {
        reset();
        int n = result.curve().size();
        if (n > 0) {
            // the sweep's shape from its middle point: the geometric or the arithmetic mean of its
            // ends
            double first = result.curve().get(0).learningRate();
            double last = result.curve().get(n - 1).learningRate();
            double mid = result.curve().get((n - 1) / 2).learningRate();
            double at = (n - 1) / 2 / (double) Math.max(1, n - 1);
            double geometric = first * Math.pow(last / first, at);
            double arithmetic = first + (last - first) * at;
            sampler.span(
                    first,
                    last,
                    Math.abs(Math.log(mid / geometric)) <= Math.abs(Math.log(mid / arithmetic)));
        }
        state = 0;
        result.curve().points().forEach(this::onIteration);
        onStop(result);
    }

    /**
     * Returns the most curve points exported.
     *
     * @return the cap, 0 for every point
     */
    public int maxCurvePoints() {
        return sampler.max();
    }

    private void registerPoint(MeterRegistry r, int step, double[] v) {
        Tags t = tags.and("step", Integer.toString(step));
        perTestMeters.add(
                Gauge.builder("lrfinder.range.test.curve.learning.rate", v, a -> a[0])
                        .description("learning rate of each recorded step")
                        .tags(t)
                        .strongReference(true)
                        .register(r));
        perTestMeters.add(
                Gauge.builder("lrfinder.range.test.curve.loss", v, a -> a[1])
                        .description("raw loss of each recorded step")
                        .tags(t)
                        .strongReference(true)
                        .register(r));
        perTestMeters.add(
                Gauge.builder("lrfinder.range.test.curve.loss.smoothed", v, a -> a[2])
                        .description("smoothed loss of each recorded step")
                        .tags(t)
                        .strongReference(true)
                        .register(r));
    }

    private void registerSuggestion(MeterRegistry r, String rule, double[] v) {
        Tags t = tags.and("rule", rule).and("default", Boolean.toString(rule.equals(defaultRule)));
        perTestMeters.add(
                Gauge.builder("lrfinder.range.test.suggestion", v, a -> a[0])
                        .description("learning rate each rule suggests")
                        .tags(t)
                        .strongReference(true)
                        .register(r));
        perTestMeters.add(
                Gauge.builder("lrfinder.range.test.suggestion.loss", v, a -> a[1])
                        .description("smoothed loss where each rule's suggestion sits")
                        .tags(t)
                        .strongReference(true)
                        .register(r));
    }

    private void removeSuggestions() {
        List<Meter> kept = new ArrayList<>();
        for (Meter m : perTestMeters) {
            if (m.getId().getName().startsWith("lrfinder.range.test.suggestion")) {
                registries.forEach(r -> r.remove(m));
            } else {
                kept.add(m);
            }
        }
        perTestMeters.clear();
        perTestMeters.addAll(kept);
        suggestions.clear();
    }

    /** Removes the previous test's curve and suggestions and clears the live values. */
    private void reset() {
        for (Meter m : perTestMeters) {
            registries.forEach(r -> r.remove(m));
        }
        perTestMeters.clear();
        curve.clear();
        suggestions.clear();
        defaultRule = null;
        startTime = System.currentTimeMillis() / 1000.0;
        state = -1;
        iteration = 0;
        learningRate = Double.NaN;
        loss = Double.NaN;
        smoothed = Double.NaN;
        divergedIteration = -1;
        divergedLr = Double.NaN;
    }
}
