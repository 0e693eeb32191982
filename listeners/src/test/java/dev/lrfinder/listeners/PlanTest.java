package dev.lrfinder.listeners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.lrfinder.core.SuggestionRules;
import dev.lrfinder.core.TrainingPlan;
import java.util.OptionalInt;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The planned run as an input, in the finder's flow and the listener's, on either engine. */
class PlanTest {

    private static Optimizer sgd() {
        return Optimizer.sgd()
                .setLearningRateTracker(Tracker.fixed(0.05f))
                .optMomentum(0.9f)
                .build();
    }

    @Test
    void badPlansAreRefusedNamingTheValue() {
        assertMessage(
                "plannedSteps must be in [1, 2147483647], got 0",
                () -> LrFinder.builder().optPlannedSteps(0).build());
        assertMessage(
                "plannedSteps must be in [1, 2147483647], got -3",
                () -> LrRangeTestListener.builder().optPlannedSteps(-3).build());
        assertMessage(
                "plannedSteps must be in [1, 2147483647], got 2147483648",
                () -> LrFinder.builder().optPlannedSteps(Integer.MAX_VALUE + 1L).build());
        assertMessage(
                "plannedBatchSize must be in [1, 2147483647], got 0",
                () -> LrFinder.builder().optPlannedSteps(10).optPlannedBatchSize(0).build());
        assertMessage(
                "plannedBatchSize needs plannedSteps: give the planned run's steps too, got"
                        + " plannedBatchSize 64 alone",
                () -> LrRangeTestListener.builder().optPlannedBatchSize(64).build());
        assertMessage(
                "give a planned run or a suggestion rule, not both: the plan picks the rule"
                        + " (planned), got plannedSteps 10 and rule valley",
                () ->
                        LrFinder.builder()
                                .optSuggestionRule(SuggestionRules.valley())
                                .optPlannedSteps(10)
                                .build());
    }

    @Test
    void theFinderAnswersForThePlannedRun() throws Exception {
        try (Model model = Fixtures.mlp();
                NDManager manager = NDManager.newBaseManager();
                Trainer trainer = Fixtures.trainer(model, sgd())) {
            ArrayDataset data = Fixtures.blobs(manager, 640, 32, 7);
            LrFinderResult result =
                    LrFinder.builder().optPlannedSteps(2000).build().find(trainer, data);
            assertEquals("planned", result.rule().name());
            assertEquals(OptionalInt.of(32), result.batchSize());
            double planned = result.suggestion().learningRate();
            assertEquals(planned, result.suggestion(TrainingPlan.ofSteps(2000)).learningRate(), 0);
            double shortRun = result.suggestion(TrainingPlan.ofSteps(20)).learningRate();
            double largeBatch =
                    result.suggestion(
                                    TrainingPlan.builder().setSteps(2000).optBatchSize(512).build())
                            .learningRate();
            assertTrue(
                    result.verdict().confident(),
                    "blobs give a clear descent: " + result.verdict());
            assertTrue(shortRun > planned, shortRun + " for 20 steps, " + planned + " for 2000");
            assertTrue(largeBatch > planned, largeBatch + " at batch 512, " + planned + " at 32");
            assertEquals(
                    dev.lrfinder.core.PlannedRate.Branch.SCALED,
                    result.plannedRate(TrainingPlan.ofSteps(2000)).branch());
            assertTrue(
                    result.toString().contains("planned ")
                            && result.toString()
                                    .contains("(scaled by the plan: 2000 steps at batch 32)"),
                    result.toString());
            assertNotEquals(
                    result.suggestions().get("guarded").orElseThrow().learningRate(),
                    planned,
                    "the plan moved the rate off guarded's");
            // one-cycle for the run: twice the planned rate, at most half the onset
            double peak =
                    ((dev.lrfinder.core.schedule.OneCycleSchedule)
                                    OneCycleScheduler.fromSuggestion(result, 2000).schedule())
                            .maxLr();
            double cap = 0.5 * result.analysis().onsetLearningRate();
            assertEquals(Math.min(cap, 2 * planned), peak, 1e-12);
            assertEquals(
                    Math.min(cap, 2 * largeBatch),
                    OneCycleScheduler.scheduleFor(
                                    result,
                                    TrainingPlan.builder().setSteps(2000).optBatchSize(512).build())
                            .maxLr(),
                    1e-12);
        }
    }

    @Test
    void theListenerAnswersForThePlannedRunToo() throws Exception {
        LrRangeTestListener rangeTest =
                LrRangeTestListener.builder().optNumIterations(60).optPlannedSteps(500).build();
        try (Model model = Fixtures.mlp();
                NDManager manager = NDManager.newBaseManager();
                Trainer trainer = Fixtures.trainer(model, sgd(), rangeTest)) {
            ArrayDataset data = Fixtures.blobs(manager, 640, 64, 3);
            assertThrows(
                    LrRangeTestListener.RangeTestStoppedException.class,
                    () -> EasyTrain.fit(trainer, 20, data, null));
        }
        LrFinderResult result = rangeTest.result();
        assertEquals("planned", result.rule().name());
        assertEquals(OptionalInt.of(64), result.batchSize());
        assertEquals(
                result.suggestion(TrainingPlan.ofSteps(500)).learningRate(),
                result.suggestion().learningRate(),
                0);
    }

    @Test
    void aResultMadeByHandScalesByThePlansBatchOnlyWhenItKnowsItsOwn() {
        LrFinderResult result =
                Fixtures.result(
                        1e-5,
                        10,
                        100,
                        lr -> 2 - Math.tanh(Math.log10(lr) + 2),
                        SuggestionRules.guarded(),
                        "Sgd");
        assertEquals(OptionalInt.empty(), result.batchSize());
        TrainingPlan withBatch = TrainingPlan.builder().setSteps(100).optBatchSize(64).build();
        dev.lrfinder.core.PlannedRate noBatch = result.plannedRate(withBatch);
        assertEquals(dev.lrfinder.core.PlannedRate.Branch.NO_BATCH, noBatch.branch());
        assertTrue(noBatch.toString().contains("which is unknown"), noBatch.toString());
        assertEquals(
                result.suggestions().get("guarded").orElseThrow().learningRate(),
                noBatch.learningRate(),
                0);
        assertEquals(
                dev.lrfinder.core.PlannedRate.Branch.SCALED,
                result.plannedRate(TrainingPlan.ofSteps(100)).branch());
        assertEquals("planned", result.suggestion(TrainingPlan.ofSteps(100)).rule());
    }

    @Test
    void forAnAdaptiveOptimizerThePlansStepsScaleTheGuardedReading() {
        LrFinderResult adam =
                Fixtures.result(
                        1e-5,
                        10,
                        100,
                        lr -> 2 - Math.tanh(Math.log10(lr) + 2),
                        SuggestionRules.guarded(),
                        "Adam");
        double guarded = adam.suggestions().get("guarded").orElseThrow().learningRate();
        // 100 iterations over 6 decades: 99 / 6 per decade, a horizon of 20 x that
        double horizon = dev.lrfinder.core.PlannedRate.HORIZON_DECADES * 99 / 6;
        long steps = Math.round(25 * horizon);
        TrainingPlan plan = TrainingPlan.builder().setSteps(steps).optBatchSize(1024).build();
        assertEquals(guarded / 5, adam.suggestion(plan).learningRate(), guarded * 1e-3);
        assertEquals(
                dev.lrfinder.core.PlannedRate.Branch.SCALED_ADAPTIVE,
                adam.plannedRate(plan).branch());
    }

    /** A finder given a plan of {@code steps}, run on blobs with the given optimizer. */
    private static LrFinderResult findWithPlan(
            ai.djl.training.optimizer.Optimizer optimizer, long steps) throws Exception {
        try (Model model = Fixtures.mlp();
                NDManager manager = NDManager.newBaseManager();
                Trainer trainer = Fixtures.trainer(model, optimizer)) {
            ArrayDataset data = Fixtures.blobs(manager, 640, 32, 7);
            return LrFinder.builder().optPlannedSteps(steps).build().find(trainer, data);
        }
    }

    /** The learning rate of a sweep's second iteration from 1e-7 to 10: it tells its length. */
    private static double secondRate(int iterations) {
        return dev.lrfinder.core.LrSweep.exponential(1e-7, 10, iterations).learningRate(1);
    }

    @Test
    void aPlanThatScalesAnAdaptiveOptimizersRateIsUsedAndItsSweepFollowsThePlan() throws Exception {
        LrFinderResult planned =
                findWithPlan(
                        ai.djl.training.optimizer.Optimizer.adam()
                                .optLearningRateTracker(
                                        ai.djl.training.tracker.Tracker.fixed(1e-3f))
                                .build(),
                        250);
        assertEquals(secondRate(250), planned.curve().get(1).learningRate(), 1e-15);
        assertEquals(
                dev.lrfinder.core.PlannedRate.Branch.SCALED_ADAPTIVE,
                planned.plannedRate(TrainingPlan.ofSteps(250)).branch());
        assertFalse(
                planned.verdict()
                        .reasons()
                        .contains(dev.lrfinder.core.Verdict.Reason.PLAN_NOT_USED),
                planned.verdict().toString());
    }

    @Test
    void aConfiguredPlanThatIsNotUsedIsAReasonOfTheVerdict() throws Exception {
        LrFinderResult planned =
                findWithPlan(
                        dev.lrfinder.listeners.optimizers.ScheduleFreeSgd.builder().build(), 2000);
        assertEquals(
                secondRate(dev.lrfinder.core.RangeTestConfig.DEFAULT_ITERATIONS),
                planned.curve().get(1).learningRate(),
                1e-15,
                "a schedule-free optimizer keeps the default sweep, whatever the plan");
        assertEquals(
                dev.lrfinder.core.PlannedRate.Branch.NOT_MODELLED,
                planned.plannedRate(TrainingPlan.ofSteps(2000)).branch());
        assertTrue(
                planned.verdict()
                        .reasons()
                        .contains(dev.lrfinder.core.Verdict.Reason.PLAN_NOT_USED),
                planned.verdict().toString());
        assertTrue(
                planned.verdict().toString().contains("the plan was not used: not scaled"),
                planned.verdict().toString());
        assertTrue(planned.toString().contains("plan was not used"), planned.toString());
    }

    private static void assertMessage(String expected, Supplier<?> build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build::get);
        assertEquals(expected, e.getMessage());
    }
}
