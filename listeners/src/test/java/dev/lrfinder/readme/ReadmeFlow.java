package dev.lrfinder.readme;

import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.TranslateException;
import dev.lrfinder.core.Suggestion;
import dev.lrfinder.core.TrainingPlan;
import dev.lrfinder.core.schedule.OneCycleSchedule;
import dev.lrfinder.listeners.LrFinder;
import dev.lrfinder.listeners.LrFinderResult;
import dev.lrfinder.listeners.LrRangeTestListener;
import dev.lrfinder.listeners.OneCycleScheduler;
import dev.lrfinder.listeners.Recommendation;
import dev.lrfinder.listeners.ScheduleTracker;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The code of README.md, as a user writes it: README's java blocks are excerpts of this file
 * ({@code python3 ../shared/tools/readme-snippets.py} checks it), and {@code ReadmeFlowTest} runs
 * it on both engines.
 */
final class ReadmeFlow {

    private ReadmeFlow() {}

    static Optimizer sgd() {
        return Optimizer.sgd()
                .setLearningRateTracker(Tracker.fixed(0.01f))
                .optMomentum(0.9f)
                .build();
    }

    static LrFinderResult findThenTrain(
            Model model,
            Dataset trainingSet,
            Shape inputShape,
            int epochs,
            int stepsPerEpoch,
            Path outputDir)
            throws IOException, TranslateException {
        // 1. Find: one call on an initialized trainer; weights and optimizer state are restored.
        //    The plan (the next run's optimizer steps) makes the suggestion the one for that run,
        //    and the sweep about as long as the run (100 to 400 iterations).
        DefaultTrainingConfig findConfig =
                new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()).optOptimizer(sgd());
        LrFinderResult result;
        try (Trainer trainer = model.newTrainer(findConfig)) {
            trainer.initialize(inputShape);
            LrFinder finder =
                    LrFinder.builder().optPlannedSteps((long) epochs * stepsPerEpoch).build();
            result = finder.find(trainer, trainingSet);
        }
        result.writePlot(outputDir.resolve("lr-find.png"));
        Optional<Suggestion> suggestion = result.findSuggestion(); // never throws
        if (suggestion.isEmpty()) {
            // no learning rate: the loss diverged at once or the curve is too short;
            // read the plot, move the sweep (optStartLr, optEndLr) and test again
            System.out.println("no learning rate to suggest: " + result.verdict());
            return result;
        }
        double lr = suggestion.get().learningRate();
        if (!result.verdict().confident()) {
            System.out.println("read the plot before using " + lr + ": " + result.verdict());
        }

        // 2. Train the same model, its weights restored, with a NEW trainer: the recommended
        //    run's new optimizer and its listeners (schedule, weight average), not the finder's.
        Recommendation run = result.recommend(TrainingPlan.ofSteps((long) epochs * stepsPerEpoch));
        System.out.println(run); // what it chose and why
        DefaultTrainingConfig trainConfig =
                new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                        .optOptimizer(run.optimizer());
        run.listeners().forEach(trainConfig::addTrainingListeners);
        try (Trainer trainer = model.newTrainer(trainConfig)) {
            trainer.initialize(inputShape);
            EasyTrain.fit(trainer, epochs, trainingSet, null);
        } // after fit the model holds the weights to evaluate (the average, when there is one)
        return result;
    }

    static LrFinderResult rangeTestInAFitLoop(
            Model model, Dataset trainingSet, Shape inputShape, long plannedSteps)
            throws IOException, TranslateException {
        // with a plan the sweep runs as many iterations as the plan has steps, from 100 to 400:
        // fit for at least rangeTest.sweep().numIterations() batches
        LrRangeTestListener rangeTest =
                LrRangeTestListener.builder()
                        .optPlannedSteps(plannedSteps) // the run the suggestion is for
                        .build();
        DefaultTrainingConfig config =
                new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                        .optOptimizer(sgd())
                        .addTrainingListeners(rangeTest);
        try (Trainer trainer = model.newTrainer(config)) {
            trainer.initialize(inputShape);
            EasyTrain.fit(trainer, 10, trainingSet, null);
        } catch (LrRangeTestListener.RangeTestStoppedException stop) {
            // the test finished its iterations or the loss diverged: stop.result() has the curve
        }
        return rangeTest.result(); // the curve is kept even when it diverged
    }

    static double learningRateForAnotherRun(LrFinderResult result, int stepsPerEpoch) {
        // the same curve answers for other runs: 10 epochs at batch 1024, say
        TrainingPlan plan =
                TrainingPlan.builder().setEpochs(10, stepsPerEpoch).optBatchSize(1024).build();
        return result.suggestion(plan).learningRate();
    }

    static Optimizer oneCycleTracker(LrFinderResult result, int epochs, int stepsPerEpoch) {
        OneCycleSchedule schedule = OneCycleScheduler.scheduleFor(result, epochs * stepsPerEpoch);
        return Optimizer.sgd()
                .setLearningRateTracker(ScheduleTracker.of(schedule))
                .optMomentum(0.9f)
                .build();
    }
}
