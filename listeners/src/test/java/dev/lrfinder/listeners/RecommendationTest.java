package dev.lrfinder.listeners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.optimizer.Sgd;
import ai.djl.training.tracker.Tracker;
import dev.lrfinder.core.OptimizerFamily;
import dev.lrfinder.core.PlannedRate;
import dev.lrfinder.core.SchedulePeak;
import dev.lrfinder.core.TrainingPlan;
import dev.lrfinder.core.schedule.WarmupCooldownSchedule;
import dev.lrfinder.listeners.Recommendation.Method;
import dev.lrfinder.listeners.averaging.WeightAveraging;
import dev.lrfinder.listeners.optimizers.ScheduleFreeAdamW;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@code recommend} builds from real range tests, and a run trained with it. */
class RecommendationTest {

    private static final int STEPS = 400;

    private static LrFinderResult find(Optimizer optimizer) throws Exception {
        try (Model model = Fixtures.mlp();
                NDManager manager = NDManager.newBaseManager();
                Trainer trainer = Fixtures.trainer(model, optimizer)) {
            ArrayDataset data = Fixtures.blobs(manager, 640, 32, 7);
            return LrFinder.builder().build().find(trainer, data);
        }
    }

    private static float rateAt(Optimizer optimizer, int numUpdate) {
        return DjlInternals.learningRate(optimizer, "test").getNewValue("w", numUpdate);
    }

    @Test
    void forSgdEachScheduleMeetsThePlannedRateOnAverageAtSchedulePeaks() throws Exception {
        LrFinderResult result =
                find(
                        Optimizer.sgd()
                                .setLearningRateTracker(Tracker.fixed(0.1f))
                                .optMomentum(0.9f)
                                .build());
        assertEquals(OptimizerFamily.SGD, result.optimizerFamily());
        TrainingPlan plan = TrainingPlan.ofSteps(STEPS);
        PlannedRate planned = result.plannedRate(plan);
        assertEquals(PlannedRate.Branch.SCALED, planned.branch(), planned.toString());

        Recommendation best = result.recommend(plan);
        assertEquals(Method.CONSTANT, best.method(), best.toString());
        assertTrue(best.averaging(), best.toString());
        assertEquals(planned.learningRate(), best.learningRate(), 0);
        assertTrue(best.toString().contains("with a weight average"), best.toString());

        Recommendation constant = Recommendation.of(result, plan, Method.CONSTANT, false);
        assertEquals(planned.learningRate(), constant.learningRate(), 0);
        assertEquals((float) planned.learningRate(), rateAt(constant.optimizer(), 200), 1e-7f);
        assertEquals(0f, rateAt(constant.optimizer(), 1), 0, "a 5 % warm-up from 0: 20 steps");
        assertEquals(
                (float) planned.learningRate() / 2,
                rateAt(constant.optimizer(), 11),
                1e-7f,
                "halfway up");
        assertEquals(List.of(), constant.listeners());
        assertTrue(constant.toString().contains("after a 5 % warm-up"), constant.toString());

        Recommendation wsd = Recommendation.of(result, plan, Method.WSD, true);
        double mean = WarmupCooldownSchedule.wsd(1, STEPS).meanFraction();
        assertEquals(SchedulePeak.of(planned, mean), wsd.learningRate(), 1e-12);
        Optimizer sgd = wsd.optimizer();
        assertInstanceOf(Sgd.class, sgd);
        assertEquals(0f, rateAt(sgd, 1), 0, "the warm-up starts from 0");
        assertEquals((float) wsd.learningRate(), rateAt(sgd, 201), 1e-7f, "the stable phase");
        assertEquals(0f, rateAt(sgd, STEPS), 1e-9f, "cooled down to 0");
        List<TrainingListener> listeners = wsd.listeners();
        assertEquals(1, listeners.size());
        assertEquals(STEPS, ((WeightAveraging) listeners.get(0)).totalSteps());
        assertTrue(wsd.toString().contains("warmup-stable-decay"), wsd.toString());
        assertTrue(wsd.toString().contains("scaled by the plan"), wsd.toString());

        Recommendation linear = Recommendation.of(result, plan, Method.LINEAR_TO_ZERO, false);
        assertEquals(
                SchedulePeak.of(
                        planned, WarmupCooldownSchedule.linearToZero(1, STEPS).meanFraction()),
                linear.learningRate(),
                1e-12);
        assertEquals(
                3 * linear.learningRate(),
                linear.withLearningRate(3 * linear.learningRate()).learningRate(),
                0);

        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> Recommendation.of(result, plan, Method.SCHEDULE_FREE, false));
        assertTrue(
                e.getMessage().startsWith("method SCHEDULE_FREE does not fit")
                        && e.getMessage().contains("Sgd"),
                e.getMessage());
    }

    @Test
    void aScheduleFreeTestGivesItsOptimizerAtItsRateLeavingTheAverageInTheModel() throws Exception {
        LrFinderResult result = find(ScheduleFreeAdamW.builder().build());
        assertEquals(OptimizerFamily.SCHEDULE_FREE_ADAMW, result.optimizerFamily());
        TrainingPlan plan = TrainingPlan.ofSteps(20);
        Recommendation run = result.recommend(plan);
        assertEquals(Method.SCHEDULE_FREE, run.method());
        // the default sweep grows the rate 10^(8/99) per step: c = 1 - g^-2, beta 0.9
        double g = Math.pow(10, 8.0 / 99);
        double c = 1 - 1 / (g * g);
        double multiple = (1 - 0.9 * (1 - c)) / 0.1;
        assertEquals(3.8, multiple, 0.1);
        assertEquals(multiple * result.plannedRate(plan).learningRate(), run.learningRate(), 1e-6);
        ScheduleFreeAdamW optimizer = (ScheduleFreeAdamW) run.optimizer();
        assertEquals(20, optimizer.totalSteps());
        try (Model model = Fixtures.mlp();
                NDManager manager = NDManager.newBaseManager()) {
            DefaultTrainingConfig config =
                    new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                            .optOptimizer(optimizer);
            run.listeners().forEach(config::addTrainingListeners);
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new ai.djl.ndarray.types.Shape(1, Fixtures.FEATURES));
                EasyTrain.fit(trainer, 1, Fixtures.blobs(manager, 640, 32, 9), null);
                assertTrue(optimizer.holdsAveragedPoint(), "after fit the model holds x");
            }
        }
    }
}
