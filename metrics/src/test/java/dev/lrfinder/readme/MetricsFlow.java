package dev.lrfinder.readme;

import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.translate.TranslateException;
import dev.lrfinder.listeners.LrFinder;
import dev.lrfinder.listeners.LrFinderResult;
import dev.lrfinder.listeners.OneCycleScheduler;
import dev.lrfinder.listeners.ScheduleListener;
import dev.lrfinder.metrics.PrometheusExport;
import dev.lrfinder.metrics.RangeTestMetrics;
import dev.lrfinder.metrics.RunTags;
import dev.lrfinder.metrics.TrainingMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;

/**
 * README's Metrics section, as a user writes it: its java block is an excerpt of this file, and
 * {@code MetricsFlowTest} runs it on both engines.
 */
final class MetricsFlow {

    private MetricsFlow() {}

    static LrFinderResult findAndTrainWithMetrics(
            Model model,
            Dataset trainingSet,
            Shape inputShape,
            Optimizer findOptimizer,
            Optimizer trainOptimizer,
            int totalSteps,
            PrometheusMeterRegistry registry,
            MeterRegistry otherRegistry,
            int metricsPort)
            throws IOException, TranslateException {
        RunTags tags = RunTags.newRun("mlp", "lr-find"); // an Iterable<Tag>: run, model, job
        try (PrometheusExport export = new PrometheusExport(registry)) { // the application's
            export.startEndpoint(metricsPort); // Prometheus scrapes 127.0.0.1:<port>/metrics

            RangeTestMetrics rangeMeters = new RangeTestMetrics(tags);
            rangeMeters.bindTo(registry);
            LrFinderResult result;
            try (Trainer trainer =
                    model.newTrainer(
                            new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                                    .optOptimizer(findOptimizer))) {
                trainer.initialize(inputShape);
                result =
                        LrFinder.builder()
                                .addObserver(rangeMeters)
                                .build()
                                .find(trainer, trainingSet);
            }

            ScheduleListener oneCycle = OneCycleScheduler.fromSuggestion(result, totalSteps);
            TrainingMetrics trainingMeters =
                    TrainingMetrics.builder(tags.withJob("one-cycle"))
                            .optSchedule(oneCycle)
                            .build();
            trainingMeters.bindTo(registry);
            trainingMeters.bindTo(otherRegistry); // each registry counts every batch
            DefaultTrainingConfig config =
                    new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                            .optOptimizer(trainOptimizer)
                            .addTrainingListeners(oneCycle, trainingMeters);
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(inputShape);
                EasyTrain.fit(trainer, 2, trainingSet, null);
            }
            return result;
        }
    }
}
