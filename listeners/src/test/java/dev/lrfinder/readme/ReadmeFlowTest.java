package dev.lrfinder.readme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.lrfinder.listeners.Fixtures;
import dev.lrfinder.listeners.LrFinderResult;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** README's code runs as written, on the engine of the run (both engines in the build). */
class ReadmeFlowTest {

    private static final Shape INPUT = new Shape(1, Fixtures.FEATURES);

    /** The mean softmax cross-entropy of a model over a data set, without training it. */
    private static double meanLoss(Model model, ArrayDataset data) throws Exception {
        DefaultTrainingConfig config =
                new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                        .optOptimizer(
                                Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0)).build());
        double sum = 0;
        int n = 0;
        try (Trainer trainer = model.newTrainer(config)) {
            trainer.initialize(INPUT);
            for (Batch batch : trainer.iterateDataset(data)) {
                try (batch) {
                    sum +=
                            trainer.getLoss()
                                    .evaluate(batch.getLabels(), trainer.evaluate(batch.getData()))
                                    .getFloat();
                    n++;
                }
            }
        }
        return sum / n;
    }

    @Test
    void findThenTrainOnACurveWithoutSuggestionReturnsItAndTrainsNothing(@TempDir Path dir)
            throws Exception {
        try (Model model = Fixtures.linear();
                NDManager manager = NDManager.newBaseManager()) {
            // a NaN input: the loss is NaN from the first batch, the curve gives no rate
            ArrayDataset data = Fixtures.constant(manager, Float.NaN, 256, 32);
            LrFinderResult result = ReadmeFlow.findThenTrain(model, data, INPUT, 3, 8, dir);
            assertTrue(result.findSuggestion().isEmpty(), result.toString());
            assertTrue(Files.size(dir.resolve("lr-find.png")) > 1000, "the plot to read");
        }
    }

    @Test
    void findThenTrainWithANewTrainerLowersTheLoss(@TempDir Path dir) throws Exception {
        try (Model model = Fixtures.mlp();
                NDManager manager = NDManager.newBaseManager()) {
            ArrayDataset data = Fixtures.blobs(manager, 512, 32, 1);
            double before = meanLoss(model, data);
            LrFinderResult result = ReadmeFlow.findThenTrain(model, data, INPUT, 3, 16, dir);
            double after = meanLoss(model, data);
            assertEquals("planned", result.rule().name(), "the plan picks the rule");
            assertTrue(result.suggestion().learningRate() > 0);
            assertTrue(
                    ReadmeFlow.learningRateForAnotherRun(result, 16)
                            > result.suggestion().learningRate(),
                    "a larger batch takes a larger rate");
            assertTrue(Files.size(dir.resolve("lr-find.png")) > 1000);
            // the one-cycle run trained the restored model: the loss fell a long way
            assertTrue(after < before / 4, "loss " + before + " -> " + after);
        }
    }

    @Test
    void theListenerInAFitLoopKeepsItsCurveAndTheTrackerDrivesTheNextRun() throws Exception {
        try (Model model = Fixtures.mlp();
                NDManager manager = NDManager.newBaseManager()) {
            // 16 batches an epoch: the fit's 10 epochs hold the test's 100 iterations
            ArrayDataset data = Fixtures.blobs(manager, 512, 32, 1);
            LrFinderResult result = ReadmeFlow.rangeTestInAFitLoop(model, data, INPUT, 32);
            assertTrue(result.curve().size() > 10, result.toString());
            assertEquals("planned", result.rule().name());
            Optimizer sgd = ReadmeFlow.oneCycleTracker(result, 2, 16);
            try (Model fresh = Fixtures.mlp()) {
                double before = meanLoss(fresh, data);
                DefaultTrainingConfig config =
                        new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()).optOptimizer(sgd);
                try (Trainer trainer = fresh.newTrainer(config)) {
                    trainer.initialize(INPUT);
                    EasyTrain.fit(trainer, 2, data, null);
                }
                double after = meanLoss(fresh, data);
                assertTrue(after < before / 2, "loss " + before + " -> " + after);
            }
        }
        assertEquals(Fixtures.FEATURES, INPUT.get(1));
    }
}
