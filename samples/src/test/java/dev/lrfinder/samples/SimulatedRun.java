package dev.lrfinder.samples;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lrfinder.core.CurvePoint;
import dev.lrfinder.core.LossSmoother;
import dev.lrfinder.core.RangeTest;
import dev.lrfinder.core.RangeTestStatus;
import dev.lrfinder.core.SuggestionRules;
import dev.lrfinder.listeners.LrFinderResult;
import dev.lrfinder.metrics.PrometheusExport;
import dev.lrfinder.metrics.PushgatewayTarget;
import dev.lrfinder.metrics.RangeTestMetrics;
import dev.lrfinder.metrics.RunTags;
import dev.lrfinder.metrics.TrainingMetrics;
import java.util.Optional;

/**
 * One simulated run for the load test: a range test on a synthetic loss curve and a short training
 * whose values are all derived from the run's index, so that every value Prometheus returns can be
 * checked against the run it claims to come from. Runs share their model and job names.
 */
final class SimulatedRun implements AutoCloseable {

    static final int ITERATIONS = 100;
    static final int BATCH = 128;
    static final long BATCH_NANOS = 10_000_000L; // 10 ms per batch

    final int index;
    final RunTags tags;
    final int cap;
    final PrometheusExport rangeExport = new PrometheusExport();
    final PrometheusExport trainExport = new PrometheusExport();
    private final RangeTestMetrics rangeMeters;
    private final TrainingMetrics trainMeters;
    private final LossSmoother smoother = new LossSmoother(LossSmoother.DEFAULT_BETA);
    LrFinderResult result;
    int batches;
    int epochs;
    double lastLoss;
    double smoothedLoss;
    private long nanos = 1_000_000_000L;

    SimulatedRun(int index, PushgatewayTarget target) {
        this.index = index;
        this.tags =
                new RunTags(
                        String.format("load-%03d", index),
                        index % 2 == 0 ? "mlp" : "cnn",
                        "lr-find");
        this.cap = index % 4 == 3 ? 30 : 0; // every fourth run caps its curve
        rangeMeters = new RangeTestMetrics(tags, cap);
        rangeMeters.bindTo(rangeExport.registry());
        rangeExport.pushTo(target, tags);
        trainMeters = TrainingMetrics.builder(tags.withJob("one-cycle")).build();
        trainMeters.bindTo(trainExport.registry());
        trainExport.pushTo(target, tags.withJob("one-cycle"));
    }

    double scale() {
        return 1 + index / 1000.0;
    }

    double trainingLr() {
        return 1e-3 * (index + 1);
    }

    double momentum() {
        return 0.9 - 1e-4 * index;
    }

    /**
     * Runs the range test (even runs diverge, at an iteration that depends on the index) and
     * pushes.
     */
    boolean rangeTest() {
        RangeTest test =
                RangeTest.builder()
                        .optStartLr(1e-6)
                        .optEndLr(10)
                        .optNumIterations(ITERATIONS)
                        .build();
        rangeMeters.onStart(test.sweep());
        int divergeAt = index % 2 == 0 ? 50 + index % 40 : -1;
        for (int i = 0; test.status() == RangeTestStatus.RUNNING; i++) {
            double loss =
                    divergeAt >= 0 && i >= divergeAt
                            ? 50.0 * scale() * (i - divergeAt + 1)
                            : scale() * 2.3 * Math.exp(-0.02 * i);
            test.record(loss);
            rangeMeters.onIteration(test.lastPoint());
        }
        result = LrFinderResult.of(test, SuggestionRules.defaultRule());
        rangeMeters.onStop(result);
        return rangeExport.push();
    }

    /** Trains ten synthetic batches and one epoch, then pushes. */
    boolean trainingRound() {
        for (int b = 0; b < 10; b++) {
            lastLoss = scale() * 2 / (1 + 0.1 * batches++);
            smoothedLoss = smoother.add(lastLoss);
            nanos += BATCH_NANOS;
            trainMeters.record(trainingLr(), momentum(), lastLoss, BATCH, nanos);
        }
        trainMeters.onEpoch(null);
        epochs++;
        return trainExport.push();
    }

    /**
     * The value Prometheus must hold for one of this run's series.
     *
     * @param metric the metric's name
     * @param labels the series' labels
     * @return the value, or empty if the series is not one to check by value
     */
    Optional<Double> expected(String metric, JsonNode labels) {
        CurvePoint last = result.curve().get(result.curve().size() - 1);
        String step = labels.path("step").asText();
        String rule = labels.path("rule").asText();
        return Optional.ofNullable(
                switch (metric) {
                    case "lrfinder_range_test_curve_learning_rate" ->
                            result.curve().get(Integer.parseInt(step)).learningRate();
                    case "lrfinder_range_test_curve_loss" ->
                            result.curve().get(Integer.parseInt(step)).loss();
                    case "lrfinder_range_test_curve_loss_smoothed" ->
                            result.curve().get(Integer.parseInt(step)).smoothedLoss();
                    case "lrfinder_range_test_suggestion" ->
                            result.suggestions()
                                    .get(rule)
                                    .map(s -> s.learningRate())
                                    .orElse(Double.NaN);
                    case "lrfinder_range_test_suggestion_loss" ->
                            result.suggestions()
                                    .get(rule)
                                    .map(s -> s.smoothedLoss())
                                    .orElse(Double.NaN);
                    case "lrfinder_range_test_state" ->
                            labels.path("state")
                                            .asText()
                                            .equals(result.diverged() ? "diverged" : "finished")
                                    ? 1.0
                                    : -1.0;
                    case "lrfinder_range_test_iteration" -> (double) result.curve().size();
                    case "lrfinder_range_test_confident" ->
                            result.verdict().confident() ? 1.0 : 0.0;
                    case "lrfinder_range_test_verdict_reason" ->
                            result.verdict().reasons().stream()
                                            .anyMatch(
                                                    r ->
                                                            r.code()
                                                                    .equals(
                                                                            labels.path("reason")
                                                                                    .asText()))
                                    ? 1.0
                                    : 0.0;
                    case "lrfinder_range_test_diverged_iteration" ->
                            result.divergedAt().map(i -> (double) i).orElse(-1.0);
                    case "lrfinder_range_test_diverged_learning_rate" ->
                            result.divergedAt()
                                    .map(i -> result.curve().get(i).learningRate())
                                    .orElse(Double.NaN);
                    case "lrfinder_range_test_learning_rate" -> last.learningRate();
                    case "lrfinder_range_test_loss_smoothed" -> last.smoothedLoss();
                    case "lrfinder_training_loss" -> lastLoss;
                    case "lrfinder_training_loss_smoothed" -> smoothedLoss;
                    case "lrfinder_training_learning_rate" -> trainingLr();
                    case "lrfinder_training_momentum" -> momentum();
                    case "lrfinder_training_epoch" -> (double) epochs;
                    case "lrfinder_training_samples_per_second" -> BATCH * 1e9 / BATCH_NANOS;
                    default -> null;
                });
    }

    /** Closes both exports: each deletes its group once its linger has passed. */
    @Override
    public void close() {
        rangeExport.close();
        trainExport.close();
    }
}
