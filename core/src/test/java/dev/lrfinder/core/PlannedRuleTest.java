package dev.lrfinder.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The rule for a planned phase: longer phases, smaller batches and faster sweeps take less, up to a
 * cap.
 */
class PlannedRuleTest {

    private static final LossCurve FRESH =
            CurveVerdictTest.sweep(CurveVerdictTest::fresh, 0.05, 20, 1);

    private static double planned(long steps, int testBatch) {
        return SuggestionRules.planned(TrainingPlan.ofSteps(steps), testBatch)
                .suggest(FRESH)
                .orElseThrow()
                .learningRate();
    }

    /** The horizon of a curve's sweep where it reads the reach, in steps. */
    private static double horizon(CurveAnalysis a, int index) {
        return PlannedRate.HORIZON_DECADES * a.stepsPerDecade(index);
    }

    private static TrainingPlan atBatch(long steps, int batch) {
        return TrainingPlan.builder().setSteps(steps).optBatchSize(batch).build();
    }

    @Test
    void onAClearDescentTheReachIsScaledByTheSquareRootOfTheSweepsHorizonOverTheSteps() {
        CurveAnalysis a = CurveAnalysis.of(FRESH);
        assertTrue(a.clearDescent());
        double reach = a.reachLearningRate();
        assertTrue(a.reach() < a.onset(), "the loss stops improving before it turns worse");
        assertTrue(
                reach > a.learningRate(a.reach() - 1) && reach <= a.learningRate(a.reach()),
                "the crossing lies between the reach and the point before it");
        assertEquals(99 / 8.0, a.stepsPerDecade(a.reach()), 1e-9, "100 iterations, 8 decades");
        // 100 x the horizon: the square root is 1/10
        long steps = Math.round(100 * horizon(a, a.reach()));
        double lr = planned(steps, 128);
        assertEquals(reach / 10, lr, reach * 1e-3);
        assertEquals(lr / 2, planned(4 * steps, 128), lr * 1e-6, "four times as long: half");
        assertEquals(
                lr, planned(steps, 16), 0, "the plan runs at the test's batch, whatever it is");
        Suggestion s =
                SuggestionRules.planned(TrainingPlan.ofSteps(steps), 128)
                        .suggest(FRESH)
                        .orElseThrow();
        assertEquals("planned", s.rule());
        assertEquals(a.nearestIndex(lr), s.index());
    }

    @Test
    void aSlowerSweepReadsItsRateForALongerRun() {
        LossCurve slow = CurveVerdictTest.sweep(CurveVerdictTest::fresh, 0.05, 20, 1, 400);
        CurveAnalysis a = CurveAnalysis.of(slow);
        assertTrue(a.clearDescent());
        assertEquals(399 / 8.0, a.stepsPerDecade(a.reach()), 1e-9, "400 iterations, 8 decades");
        double reach = a.reachLearningRate();
        long steps = 5000;
        double lr =
                SuggestionRules.planned(TrainingPlan.ofSteps(steps), 128)
                        .suggest(slow)
                        .orElseThrow()
                        .learningRate();
        assertEquals(
                Math.min(
                        PlannedRate.ONSET_CAP * a.onsetLearningRate(),
                        reach * Math.sqrt(PlannedRate.HORIZON_DECADES * 399 / 8.0 / steps)),
                lr,
                lr * 1e-9);
    }

    @Test
    void theRateNeverPassesHalfTheOnset() {
        CurveAnalysis a = CurveAnalysis.of(FRESH);
        double cap = PlannedRate.ONSET_CAP * a.onsetLearningRate();
        assertEquals(cap, planned(1, 128), 0, "a one-step phase is capped");
        assertTrue(planned(1_000_000, 16) < cap);
    }

    @Test
    void thePlansBatchScalesTheRateByTheSquareRootOfItsRatioToTheTests() {
        CurveAnalysis a = CurveAnalysis.of(FRESH);
        long steps = Math.round(100 * horizon(a, a.reach()));
        double lr =
                SuggestionRules.planned(atBatch(steps, 1024), 16)
                        .suggest(FRESH)
                        .orElseThrow()
                        .learningRate();
        assertEquals(8 * planned(steps, 16), lr, lr * 1e-6, "64 times the batch: 8 times");
        double smaller =
                SuggestionRules.planned(atBatch(steps, 32), 128)
                        .suggest(FRESH)
                        .orElseThrow()
                        .learningRate();
        assertEquals(planned(steps, 128) / 2, smaller, smaller * 1e-6, "a quarter: half");
        PlannedRate noTestBatch =
                PlannedRate.of(a, atBatch(steps, 1024), 0, OptimizerFamily.SGD).orElseThrow();
        assertEquals(PlannedRate.Branch.NO_BATCH, noTestBatch.branch());
        assertEquals(
                SuggestionRules.guarded().suggest(FRESH).orElseThrow().learningRate(),
                noTestBatch.learningRate(),
                0);
        PlannedRate noBatchAtAll =
                PlannedRate.of(a, TrainingPlan.ofSteps(steps), 0, OptimizerFamily.SGD)
                        .orElseThrow();
        assertEquals(PlannedRate.Branch.SCALED, noBatchAtAll.branch());
        assertEquals(planned(steps, 128), noBatchAtAll.learningRate(), 0);
        assertTrue(
                noBatchAtAll.toString().endsWith("(scaled by the plan: " + steps + " steps)"),
                noBatchAtAll.toString());
    }

    @Test
    void onACurveWithoutAClearDescentSgdScalesTheGuardedReading() {
        LossCurve flat = CurveVerdictTest.sweep(CurveVerdictTest::flat, 0.05, 20, 2);
        CurveAnalysis a = CurveAnalysis.of(flat);
        assertFalse(a.clearDescent());
        Suggestion guarded = SuggestionRules.guarded().suggest(flat).orElseThrow();
        long steps = Math.round(100 * horizon(a, guarded.index())); // the square root is 1/10
        PlannedRate p =
                PlannedRate.of(a, TrainingPlan.ofSteps(steps), 128, OptimizerFamily.SGD)
                        .orElseThrow();
        assertEquals(PlannedRate.Branch.SCALED_FROM_GUARDED, p.branch());
        assertTrue(p.branch().scaled());
        assertEquals(guarded.learningRate() / 10, p.learningRate(), guarded.learningRate() * 1e-3);
        assertEquals("planned", p.suggestion().rule());
        assertEquals(a.nearestIndex(p.learningRate()), p.suggestion().index());
        PlannedRate atBatch =
                PlannedRate.of(a, atBatch(steps, 512), 128, OptimizerFamily.SGD).orElseThrow();
        assertEquals(
                2 * p.learningRate(),
                atBatch.learningRate(),
                p.learningRate() * 1e-6,
                "four times the batch: twice");
        assertTrue(p.toString().contains("from guarded's reading"), p.toString());
        assertEquals(
                PlannedRate.ONSET_CAP * a.onsetLearningRate(),
                PlannedRate.of(a, TrainingPlan.ofSteps(1), 128, OptimizerFamily.SGD)
                        .orElseThrow()
                        .learningRate(),
                0,
                "capped at half the onset");
    }

    @Test
    void onlyTheBranchesThePlanCouldNotUseAreUnscaled() {
        for (PlannedRate.Branch b : PlannedRate.Branch.values()) {
            boolean unscaled =
                    b == PlannedRate.Branch.NOT_MODELLED || b == PlannedRate.Branch.NO_BATCH;
            assertEquals(!unscaled, b.scaled(), b.name());
            assertEquals(unscaled, b.description().startsWith("not scaled"), b.name());
        }
    }

    private static PlannedRate adaptive(long steps, int batch, LossCurve curve) {
        TrainingPlan plan = TrainingPlan.builder().setSteps(steps).optBatchSize(batch).build();
        return PlannedRate.of(CurveAnalysis.of(curve), plan, 128, OptimizerFamily.ADAPTIVE)
                .orElseThrow();
    }

    @Test
    void anAdaptiveOptimizersRateIsGuardedsScaledByTheSquareRootOfStepsAlone() {
        CurveAnalysis a = CurveAnalysis.of(FRESH);
        double guarded = SuggestionRules.guarded().suggest(FRESH).orElseThrow().learningRate();
        int index = SuggestionRules.guarded().suggest(FRESH).orElseThrow().index();
        long steps = Math.round(100 * horizon(a, index)); // the square root is 1/10
        PlannedRate p = adaptive(steps, 128, FRESH);
        assertEquals(PlannedRate.Branch.SCALED_ADAPTIVE, p.branch());
        assertEquals(guarded / 10, p.learningRate(), guarded * 1e-3);
        assertEquals("planned", p.suggestion().rule());
        assertEquals(a.nearestIndex(p.learningRate()), p.suggestion().index());
        assertEquals(
                p.learningRate() / 2,
                adaptive(4 * steps, 128, FRESH).learningRate(),
                guarded * 1e-6,
                "four times as long: half");
        assertEquals(
                p.learningRate(),
                adaptive(steps, 4096, FRESH).learningRate(),
                0,
                "the batch does not enter");
        assertEquals(
                PlannedRate.ONSET_CAP * a.onsetLearningRate(),
                adaptive(1, 128, FRESH).learningRate(),
                0,
                "a one-step run is capped at half the onset");
        assertTrue(p.toString().contains("adaptive optimizer: " + steps + " steps"), p.toString());
        LossCurve flat = CurveVerdictTest.sweep(CurveVerdictTest::flat, 0.05, 20, 2);
        CurveAnalysis f = CurveAnalysis.of(flat);
        Suggestion onFlatGuarded = SuggestionRules.guarded().suggest(flat).orElseThrow();
        PlannedRate onFlat = adaptive(steps, 128, flat);
        assertEquals(PlannedRate.Branch.SCALED_ADAPTIVE, onFlat.branch());
        assertEquals(
                Math.min(
                        PlannedRate.ONSET_CAP * f.onsetLearningRate(),
                        onFlatGuarded.learningRate()
                                * Math.sqrt(horizon(f, onFlatGuarded.index()) / steps)),
                onFlat.learningRate(),
                onFlat.learningRate() * 1e-9);
    }

    @Test
    void badArgumentsAreNamed() {
        TrainingPlan plan = TrainingPlan.ofSteps(10);
        assertEquals(
                "testBatchSize must be >= 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> SuggestionRules.planned(plan, 0))
                        .getMessage());
        assertThrows(NullPointerException.class, () -> SuggestionRules.planned(null, 1));
    }

    @Test
    void sgdAndAdaptiveOptimizersScaleWithThePlanAndNoOtherDoes() {
        TrainingPlan shortRun = TrainingPlan.ofSteps(20);
        double sgd =
                SuggestionRules.plannedFor(shortRun, 128, OptimizerFamily.SGD)
                        .suggest(FRESH)
                        .orElseThrow()
                        .learningRate();
        assertEquals(planned(20, 128), sgd, 0);
        assertEquals(
                PlannedRate.Branch.SCALED,
                PlannedRate.of(CurveAnalysis.of(FRESH), shortRun, 128, OptimizerFamily.SGD)
                        .orElseThrow()
                        .branch());
        double guarded = SuggestionRules.guarded().suggest(FRESH).orElseThrow().learningRate();
        for (OptimizerFamily other :
                new OptimizerFamily[] {
                    OptimizerFamily.SCHEDULE_FREE_SGD,
                    OptimizerFamily.SCHEDULE_FREE_ADAMW,
                    OptimizerFamily.UNKNOWN
                }) {
            Suggestion s =
                    SuggestionRules.plannedFor(shortRun, 128, other).suggest(FRESH).orElseThrow();
            assertEquals("planned", s.rule(), String.valueOf(other));
            assertEquals(guarded, s.learningRate(), 0, String.valueOf(other));
            PlannedRate p =
                    PlannedRate.of(CurveAnalysis.of(FRESH), shortRun, 128, other).orElseThrow();
            assertEquals(PlannedRate.Branch.NOT_MODELLED, p.branch());
            assertTrue(p.toString().contains("not scaled"), p.toString());
        }
        assertEquals(
                PlannedRate.Branch.NO_BATCH,
                PlannedRate.of(CurveAnalysis.of(FRESH), atBatch(20, 64), 0, OptimizerFamily.SGD)
                        .orElseThrow()
                        .branch());
        Suggestion renamed =
                SuggestionRules.renamed("mine", SuggestionRules.minimum())
                        .suggest(FRESH)
                        .orElseThrow();
        Suggestion minimum = SuggestionRules.minimum().suggest(FRESH).orElseThrow();
        assertEquals("mine", renamed.rule());
        assertEquals(minimum.learningRate(), renamed.learningRate(), 0);
        assertEquals(minimum.index(), renamed.index());
    }

    @Test
    void thePlannedRateCarriesItsPlanAndRefusesANegativeBatch() {
        TrainingPlan plan = TrainingPlan.ofSteps(300);
        CurveAnalysis a = CurveAnalysis.of(FRESH);
        PlannedRate p = PlannedRate.of(a, plan, 64, OptimizerFamily.SGD).orElseThrow();
        assertEquals(plan, p.plan());
        assertEquals(p.suggestion().learningRate(), p.learningRate(), 0);
        assertEquals(planned(300, 64), p.learningRate(), 0);
        assertTrue(
                p.toString().endsWith("(scaled by the plan: 300 steps at batch 64)"), p.toString());
        PlannedRate adam = PlannedRate.of(a, plan, 64, OptimizerFamily.ADAPTIVE).orElseThrow();
        assertFalse(adam.toString().contains("steps at batch"), adam.toString());
        assertEquals(
                "testBatchSize must be >= 0, got -1",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> PlannedRate.of(a, plan, -1, OptimizerFamily.SGD))
                        .getMessage());
    }

    /**
     * An L2 loss's two phases against log10 lr: a steep fall from 0.8 to 0.6 about lr 10^-3.5, a
     * slow tail from 0.6 at 10^-3 to 0.45 at 10^-0.7, a rise after 10^-0.5.
     */
    static double twoPhases(double x) {
        double tail = 0.6 - 0.15 * Math.max(0, Math.min(1, (x + 3) / 2.3));
        double rise = x > -0.5 ? 4 * (x + 0.5) * (x + 0.5) : 0;
        return 0.1 * (1 - Math.tanh(4 * (x + 3.5))) + tail + rise;
    }

    @Test
    void aReachFarBelowTheBestPointIsUncertainAndSaysWhetherTheSweepWasShorterThanThePlan() {
        TrainingPlan plan = TrainingPlan.ofSteps(2500);
        CurveAnalysis noisy =
                CurveAnalysis.of(
                        CurveVerdictTest.sweep(PlannedRuleTest::twoPhases, 0.2, 20, 1, 400));
        PlannedRate p = PlannedRate.of(noisy, plan, 32, OptimizerFamily.SGD).orElseThrow();
        assertEquals(PlannedRate.Branch.SCALED, p.branch());
        double best = noisy.learningRate(noisy.best());
        double reach = noisy.reachLearningRate();
        // the tail's fall, 0.15, lies within the level's tolerance: the reach is the first phase's
        assertTrue(noisy.tolerance() > 0.15, "tolerance " + noisy.tolerance());
        assertTrue(reach < 1e-2 && best > 1e-2, "reach " + reach + ", best " + best);
        assertTrue(p.reachUncertain());
        // the rate is scaled from a decade below the best point, not from the band's lower edge
        double floor = best / PlannedRate.MAX_REACH_SPAN;
        assertEquals(floor * horizonFactor(noisy, floor, plan), p.scaledRate(), 1e-9 * floor);
        String band =
                String.format(
                        "the planned rate is uncertain: the loss lies within its noise of its"
                                + " lowest from lr %.3g to %.3g, over %.1f decades, and the"
                                + " rate is scaled from a decade below the best point, %.3g",
                        reach, best, Math.log10(best / reach), floor);
        assertEquals(
                band + "; a sweep of 400 iterations sees less noise than 2500 steps will",
                p.uncertainty(400).orElseThrow());
        assertEquals(
                band + "; the sweep was as long as the plan", p.uncertainty(2500).orElseThrow());
        assertFalse(
                PlannedRate.of(noisy, plan, 32, OptimizerFamily.ADAPTIVE)
                        .orElseThrow()
                        .reachUncertain(),
                "an adaptive optimizer's rate reads no reach");
        // the same loss, quiet: the tail lies beyond the tolerance and the reach on it
        CurveAnalysis quiet =
                CurveAnalysis.of(
                        CurveVerdictTest.sweep(PlannedRuleTest::twoPhases, 0.01, 20, 1, 400));
        PlannedRate q = PlannedRate.of(quiet, plan, 32, OptimizerFamily.SGD).orElseThrow();
        assertTrue(
                quiet.learningRate(quiet.best())
                        < PlannedRate.MAX_REACH_SPAN * quiet.reachLearningRate());
        assertFalse(q.reachUncertain());
        assertEquals(java.util.Optional.empty(), q.uncertainty(400));
        double r = quiet.reachLearningRate();
        assertEquals(r * horizonFactor(quiet, r, plan), q.scaledRate(), 1e-9 * r);
    }

    /** A gentle L2 descent against log10 lr: 0.75 to 0.55 from 10^-5 to 10^-1, a rise after. */
    static double gentle(double x) {
        double rise = x > -0.5 ? 4 * (x + 0.5) * (x + 0.5) : 0;
        return 0.75 - 0.2 * Math.max(0, Math.min(1, (x + 5) / 4)) + rise;
    }

    @Test
    void aDescentWithinTheNoiseOfAShortSweepButBeyondALongOnesIsUncertain() {
        CurveAnalysis noisy =
                CurveAnalysis.of(CurveVerdictTest.sweep(PlannedRuleTest::gentle, 0.3, 20, 3, 400));
        TrainingPlan plan = TrainingPlan.ofSteps(2500);
        PlannedRate p = PlannedRate.of(noisy, plan, 16, OptimizerFamily.SGD).orElseThrow();
        assertEquals(PlannedRate.Branch.SCALED_FROM_GUARDED, p.branch());
        double descent = noisy.descent();
        double tolerance = noisy.tolerance();
        assertFalse(noisy.descends(), descent + " within " + tolerance);
        double longer = tolerance * Math.sqrt(400.0 / 2500);
        assertTrue(descent > longer, descent + " beyond " + longer);
        assertEquals(
                String.format(
                        "the planned rate is uncertain: the loss descends by %.3g, within its"
                                + " noise on a sweep of 400 iterations (%.3g) but beyond it on one"
                                + " as long as the plan's 2500 steps (%.3g)",
                        descent, tolerance, longer),
                p.uncertainty(400).orElseThrow());
        assertFalse(p.reachUncertain(), "no reach was read");
        assertEquals(java.util.Optional.empty(), p.uncertainty(2500), "as long as the plan");
        // a plan hardly longer than the sweep: its tolerance would hardly be smaller
        PlannedRate shortPlan =
                PlannedRate.of(noisy, TrainingPlan.ofSteps(440), 16, OptimizerFamily.SGD)
                        .orElseThrow();
        assertEquals(
                descent > tolerance * Math.sqrt(400.0 / 440),
                shortPlan.uncertainty(400).isPresent());
        assertTrue(descent < tolerance * Math.sqrt(400.0 / 440), "fixture: " + descent);
        // the same loss, quiet: it descends beyond its noise, not clearly (0.2 of 0.75)
        CurveAnalysis quiet =
                CurveAnalysis.of(CurveVerdictTest.sweep(PlannedRuleTest::gentle, 0.01, 20, 3, 400));
        PlannedRate q = PlannedRate.of(quiet, plan, 16, OptimizerFamily.SGD).orElseThrow();
        assertEquals(PlannedRate.Branch.SCALED_FROM_GUARDED, q.branch());
        assertTrue(quiet.descends());
        assertEquals(java.util.Optional.empty(), q.uncertainty(400));
        // an adaptive optimizer keeps its sweep
        assertEquals(
                java.util.Optional.empty(),
                PlannedRate.of(noisy, plan, 16, OptimizerFamily.ADAPTIVE)
                        .orElseThrow()
                        .uncertainty(400));
    }

    /** {@code sqrt(H / T)}: the sweep's horizon at a rate over the plan's steps. */
    private static double horizonFactor(CurveAnalysis a, double learningRate, TrainingPlan plan) {
        double horizon =
                PlannedRate.HORIZON_DECADES * a.stepsPerDecade(a.nearestIndex(learningRate));
        return Math.sqrt(horizon / plan.steps());
    }
}
