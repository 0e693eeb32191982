package dev.lrfinder.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.lrfinder.listeners.LrFinder;
import dev.lrfinder.listeners.LrFinderResult;
import dev.lrfinder.samples.mnist.Mnist;
import dev.lrfinder.samples.mnist.Models;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The finder on real MNIST: MLP 784-256-128-10, SGD momentum 0.9, batch 128. */
@Tag("mnist")
class FindOnMnistTest {

    static Optimizer sgd() {
        return Optimizer.sgd()
                .setLearningRateTracker(Tracker.fixed(0.01f))
                .optMomentum(0.9f)
                .build();
    }

    @Test
    void suggestionLiesWhereTrainingWorksAndTrainingAtItWorks() throws Exception {
        List<Double> suggestions = new ArrayList<>();
        double trainedAccuracy = 0;
        try (NDManager manager = NDManager.newBaseManager()) {
            RandomAccessDataset train = Mnist.train(manager, 0, 128);
            RandomAccessDataset test = Mnist.test(manager, 1000);
            for (int seed = 1; seed <= 3; seed++) {
                try (Model model = Model.newInstance("mlp");
                        Trainer trainer = Mnist.trainer(model, Models.MLP, sgd(), seed)) {
                    LrFinderResult r = LrFinder.builder().build().find(trainer, train);
                    double lr = r.suggestion().learningRate();
                    suggestions.add(lr);
                    if (seed == 1) {
                        // train one epoch at the suggestion with a fresh optimizer of that LR
                        try (Model m2 = Model.newInstance("mlp");
                                Trainer t2 =
                                        Mnist.trainer(
                                                m2,
                                                Models.MLP,
                                                Optimizer.sgd()
                                                        .setLearningRateTracker(
                                                                Tracker.fixed((float) lr))
                                                        .optMomentum(0.9f)
                                                        .build(),
                                                seed)) {
                            Mnist.epoch(t2, train);
                            trainedAccuracy = Mnist.accuracy(t2, test);
                        }
                    }
                }
            }
        }
        for (double lr : suggestions) {
            assertTrue(lr >= 0.003 && lr <= 0.1, "suggestions " + suggestions);
        }
        assertTrue(
                trainedAccuracy > 0.93,
                "one epoch at " + suggestions.get(0) + ": " + trainedAccuracy);
    }

    @Test
    void theSameSeedGivesTheSameCurve() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            RandomAccessDataset train = Mnist.train(manager, 4096, 128);
            LrFinderResult[] r = new LrFinderResult[2];
            for (int i = 0; i < 2; i++) {
                ai.djl.engine.Engine.getInstance().setRandomSeed(7);
                try (Model model = Model.newInstance("mlp");
                        Trainer trainer = Mnist.trainer(model, Models.MLP, sgd(), 7)) {
                    r[i] = LrFinder.builder().optNumIterations(40).build().find(trainer, train);
                }
            }
            assertEquals(r[0].curve(), r[1].curve());
        }
    }
}
