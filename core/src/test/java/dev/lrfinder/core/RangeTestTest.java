package dev.lrfinder.core;

import static dev.lrfinder.core.LrSweepTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RangeTestTest {

    @Test
    void finishesAfterItsIterationsWithEveryPointRecorded() {
        RangeTest t = RangeTest.builder().optStartLr(1e-4).optEndLr(1).optNumIterations(20).build();
        while (t.status() == RangeTestStatus.RUNNING) {
            t.record(1.0 / (1 + t.iteration()));
        }
        assertEquals(RangeTestStatus.FINISHED, t.status());
        assertEquals(20, t.curve().size());
        assertEquals(1e-4, t.curve().get(0).learningRate(), 0);
        assertEquals(1, t.curve().get(19).learningRate(), 0);
        assertTrue(t.divergedAt().isEmpty());
        assertThrows(IllegalStateException.class, t::learningRate);
    }

    @Test
    void nanFromTheFirstBatchDivergesAtIterationZeroAndKeepsThePoint() {
        RangeTest t = RangeTest.builder().build();
        assertEquals(RangeTestStatus.DIVERGED, t.record(Double.NaN));
        assertEquals(0, t.divergedAt().orElseThrow());
        assertEquals(1, t.curve().size());
        assertTrue(t.stopReason().orElseThrow().contains("iteration 0"));
        assertTrue(SuggestionRules.defaultRule().suggest(t.curve()).isEmpty());
    }

    @Test
    void explodingLossDivergesAndKeepsTheCurveUpToIt() {
        RangeTest t = RangeTest.builder().optSmoothing(0).optNumIterations(100).build();
        for (int i = 0; i < 30; i++) {
            t.record(1);
        }
        assertEquals(RangeTestStatus.DIVERGED, t.record(5));
        assertEquals(31, t.curve().size());
        assertEquals(30, t.divergedAt().orElseThrow());
    }

    @Test
    void validationLossDrivesSmoothingAndDivergence() {
        RangeTest t = RangeTest.builder().optSmoothing(0).build();
        t.record(1, 2);
        assertEquals(2, t.curve().get(0).smoothedLoss(), 0);
        assertEquals(RangeTestStatus.DIVERGED, t.record(1, 9)); // 9 > 4 x 2
        assertEquals(RangeTestStatus.DIVERGED, t.status());
        RangeTest nanTrain = RangeTest.builder().build();
        assertEquals(RangeTestStatus.DIVERGED, nanTrain.record(Double.NaN, 1));
    }

    @Test
    void builderRejectsBadInputNamingIt() {
        assertMessage("startLr", "0.0", () -> RangeTest.builder().optStartLr(0).build());
        assertMessage("endLr", "1.0E-8", () -> RangeTest.builder().optEndLr(1e-8).build());
        assertMessage("numIterations", "3", () -> RangeTest.builder().optNumIterations(3).build());
        assertMessage("smoothing", "1.5", () -> RangeTest.builder().optSmoothing(1.5).build());
        assertMessage(
                "divergenceFactor",
                "1.0",
                () -> RangeTest.builder().optDivergenceFactor(1).build());
        // values a float learning rate cannot carry: 1e-50 would become 0, 1e300 infinite
        assertMessage("startLr", "1.0E-50", () -> RangeTest.builder().optStartLr(1e-50).build());
        assertMessage("endLr", "1.0E300", () -> RangeTest.builder().optEndLr(1e300).build());
        assertMessage(
                "rule", "null", () -> RangeTestConfig.builder().optSuggestionRule(null).build());
    }

    @Test
    void configIsCopiedNotShared() {
        RangeTestConfig.Builder b = RangeTestConfig.builder().optNumIterations(50);
        RangeTestConfig config = b.build();
        b.optNumIterations(500);
        assertEquals(50, RangeTest.of(config).sweep().numIterations());
        assertEquals(500, RangeTest.builder().optConfig(b.build()).build().sweep().numIterations());
    }

    @Test
    void theTestCountsItsIterationsAndKeepsItsSettings() {
        RangeTestConfig config =
                RangeTestConfig.builder().optNumIterations(20).optSmoothing(0.5).build();
        RangeTest test = RangeTest.of(config);
        assertSame(config, test.config());
        assertEquals(0, test.iteration());
        assertNull(test.lastPoint());
        test.record(2.0);
        test.record(1.0);
        assertEquals(2, test.iteration());
        assertEquals(1, test.lastPoint().iteration());
        assertEquals(1.0, test.lastPoint().loss());
        assertEquals(0.5, config.smoothing());
        assertEquals(
                "RangeTestConfig{exponential sweep 1.0E-7 -> 10.0 in 20 iterations, smoothing=0.5,"
                        + " divergenceFactor=4.0, rule=guarded}",
                config.toString());
    }

    @Test
    void theSweepsBoundsAreInclusive() {
        RangeTestConfig lowest =
                RangeTestConfig.builder()
                        .optStartLr(RangeTestConfig.MIN_LR)
                        .optEndLr(RangeTestConfig.MAX_LR)
                        .build();
        assertEquals(RangeTestConfig.MIN_LR, lowest.sweep().learningRate(0));
        assertEquals(
                RangeTestConfig.MAX_LR,
                lowest.sweep().learningRate(lowest.sweep().numIterations() - 1));
        assertThrows(
                IllegalArgumentException.class,
                () -> RangeTestConfig.builder().optDivergenceFactor(1).build());
        assertThrows(
                IllegalArgumentException.class,
                () -> RangeTestConfig.builder().optShape(null).build());
    }

    @Test
    void aRangeTestBuilderOffersOnlyWhatTheTestUses() throws Exception {
        // the reading (rule, plan) belongs to the finder's and the listener's builders
        for (String reading : new String[] {"optSuggestionRule", "optPlannedSteps"}) {
            for (java.lang.reflect.Method m : RangeTest.Builder.class.getMethods()) {
                org.junit.jupiter.api.Assertions.assertNotEquals(reading, m.getName());
            }
        }
        RangeTestConfig.Builder config = RangeTestConfig.builder();
        config.optPlannedSteps(10);
        org.junit.jupiter.api.Assertions.assertEquals(
                10, config.build().plan().orElseThrow().steps());
    }

    @Test
    void optConfigCopiesTheReadingToo() {
        RangeTestConfig planned =
                RangeTestConfig.builder().optPlannedSteps(500).optPlannedBatchSize(64).build();
        RangeTestConfig copy = RangeTestConfig.builder().optConfig(planned).build();
        org.junit.jupiter.api.Assertions.assertEquals(planned.plan(), copy.plan());
        org.junit.jupiter.api.Assertions.assertEquals(
                java.util.OptionalInt.of(64), copy.plan().orElseThrow().batchSize());
        RangeTestConfig valley =
                RangeTestConfig.builder().optSuggestionRule(SuggestionRules.valley()).build();
        RangeTestConfig valleyCopy = RangeTestConfig.builder().optConfig(valley).build();
        org.junit.jupiter.api.Assertions.assertSame(SuggestionRules.valley(), valleyCopy.rule());
        org.junit.jupiter.api.Assertions.assertTrue(valleyCopy.plan().isEmpty());
        // a copied rule still refuses a plan on top, as the rule set by hand would
        org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class,
                () -> RangeTestConfig.builder().optConfig(valley).optPlannedSteps(10).build());
        RangeTestConfig stepsOnly = RangeTestConfig.builder().optPlannedSteps(30).build();
        org.junit.jupiter.api.Assertions.assertTrue(
                RangeTestConfig.builder()
                        .optConfig(stepsOnly)
                        .build()
                        .plan()
                        .orElseThrow()
                        .batchSize()
                        .isEmpty());
    }

    private static int iterations(RangeTestConfig.Builder b) {
        return b.build().sweep().numIterations();
    }

    @Test
    void aPlanSetsTheSweepsLengthUnlessTheIterationsAreGiven() {
        org.junit.jupiter.api.Assertions.assertEquals(100, iterations(RangeTestConfig.builder()));
        org.junit.jupiter.api.Assertions.assertEquals(
                250, iterations(RangeTestConfig.builder().optPlannedSteps(250)));
        org.junit.jupiter.api.Assertions.assertEquals(
                RangeTestConfig.PLANNED_MAX_ITERATIONS,
                iterations(RangeTestConfig.builder().optPlannedSteps(5000)));
        org.junit.jupiter.api.Assertions.assertEquals(
                RangeTestConfig.PLANNED_MIN_ITERATIONS,
                iterations(RangeTestConfig.builder().optPlannedSteps(47)));
        org.junit.jupiter.api.Assertions.assertEquals(
                150,
                iterations(RangeTestConfig.builder().optNumIterations(150).optPlannedSteps(5000)));
        RangeTestConfig given = RangeTestConfig.builder().optNumIterations(120).build();
        org.junit.jupiter.api.Assertions.assertEquals(
                120, iterations(RangeTestConfig.builder().optConfig(given).optPlannedSteps(5000)));
    }

    @Test
    void onlyAnOptimizerThePlansModelDescribesKeepsThePlannedSweep() {
        RangeTestConfig planned = RangeTestConfig.builder().optPlannedSteps(5000).build();
        org.junit.jupiter.api.Assertions.assertSame(
                planned, planned.forFamily(OptimizerFamily.SGD));
        org.junit.jupiter.api.Assertions.assertSame(
                planned, planned.forFamily(OptimizerFamily.ADAPTIVE));
        RangeTestConfig sf = planned.forFamily(OptimizerFamily.SCHEDULE_FREE_SGD);
        org.junit.jupiter.api.Assertions.assertEquals(
                RangeTestConfig.DEFAULT_ITERATIONS, sf.sweep().numIterations());
        org.junit.jupiter.api.Assertions.assertEquals(planned.plan(), sf.plan());
        org.junit.jupiter.api.Assertions.assertEquals(
                planned.sweep().startLr(), sf.sweep().startLr(), 0);
        org.junit.jupiter.api.Assertions.assertEquals(planned.smoothing(), sf.smoothing(), 0);
        RangeTestConfig given =
                RangeTestConfig.builder().optNumIterations(300).optPlannedSteps(5000).build();
        org.junit.jupiter.api.Assertions.assertSame(
                given, given.forFamily(OptimizerFamily.UNKNOWN));
    }

    @Test
    void aSweepAsLongAsThePlanKeepsEverythingButTheIterationsAndStopsAtItsMaximum() {
        RangeTestConfig planned =
                RangeTestConfig.builder().optStartLr(1e-6).optPlannedSteps(2500).build();
        assertEquals(RangeTestConfig.PLANNED_MAX_ITERATIONS, planned.sweep().numIterations());
        RangeTestConfig whole = planned.forWholePlan().orElseThrow();
        assertEquals(2500, whole.sweep().numIterations());
        assertEquals(planned.sweep().startLr(), whole.sweep().startLr(), 0);
        assertEquals(planned.sweep().endLr(), whole.sweep().endLr(), 0);
        assertEquals(planned.sweep().shape(), whole.sweep().shape());
        assertEquals(planned.plan(), whole.plan());
        assertEquals(planned.smoothing(), whole.smoothing(), 0);
        assertEquals(planned.divergenceFactor(), whole.divergenceFactor(), 0);
        assertEquals(planned.rule(), whole.rule());
        assertEquals(
                java.util.Optional.empty(), whole.forWholePlan(), "already as long as the plan");
        assertSame(whole, whole.forFamily(OptimizerFamily.UNKNOWN), "its length is set");
        assertEquals(
                RangeTestConfig.WHOLE_PLAN_MAX_ITERATIONS,
                RangeTestConfig.builder()
                        .optPlannedSteps(100_000)
                        .build()
                        .forWholePlan()
                        .orElseThrow()
                        .sweep()
                        .numIterations());
        assertEquals(
                java.util.Optional.empty(),
                RangeTestConfig.builder().optPlannedSteps(300).build().forWholePlan(),
                "a plan of 300 steps is swept 300 iterations");
        assertEquals(
                java.util.Optional.empty(),
                RangeTestConfig.builder()
                        .optNumIterations(200)
                        .optPlannedSteps(2500)
                        .build()
                        .forWholePlan(),
                "the iterations the user gave");
        assertEquals(java.util.Optional.empty(), RangeTestConfig.builder().build().forWholePlan());
    }
}
