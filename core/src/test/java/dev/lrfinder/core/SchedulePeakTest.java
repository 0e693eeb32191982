package dev.lrfinder.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The decaying schedules' peak, and the optimizer families. */
class SchedulePeakTest {

    /**
     * At lr 10^(i/10 - 5): a fall by 0.1 a point to a flat bottom from 12 to 26, a rise by 0.1 a
     * point after it, +-0.01 of noise, and one batch that blew up at 14, on the flat, which the
     * loss does not fall below after it. The onset is the spike (14, lr 10^-3.6); the best level is
     * 12's (1.01), and the reach's crossing lies between 11 and 12; the level turns worse for good
     * at 27 (lr 10^-2.3), where the rising side passes it. Ten points a decade: H = 200 steps.
     */
    private static CurveAnalysis spikeBeforeTheTurn() {
        List<CurvePoint> pts = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            double loss =
                    1
                            + 0.1 * Math.max(0, 12 - i)
                            + 0.1 * Math.max(0, i - 26)
                            + (i % 2 == 0 ? 0.01 : -0.01);
            if (i == 14) {
                loss = 5;
            }
            pts.add(new CurvePoint(i, Math.pow(10, i / 10.0 - 5), loss, loss));
        }
        CurveAnalysis a = CurveAnalysis.of(new LossCurve(pts));
        assertEquals(14, a.onset());
        assertEquals(12, a.reach());
        assertEquals(27, a.turn());
        return a;
    }

    private static PlannedRate planned(CurveAnalysis a, long steps) {
        return PlannedRate.of(a, TrainingPlan.ofSteps(steps), 0, OptimizerFamily.SGD).orElseThrow();
    }

    @Test
    void thePeakGivesTheScaledRateAsItsMeanBelowHalfTheTurn() {
        CurveAnalysis a = spikeBeforeTheTurn();
        double reach = a.reachLearningRate();
        assertTrue(reach > Math.pow(10, -3.9) && reach <= Math.pow(10, -3.8));
        double halfOnset = Math.pow(10, -3.6) / 2;
        double halfTurn = Math.pow(10, -2.3) / 2;
        // 2,000 steps: the reach x sqrt(200 / 2000), under every cap; the peak doubles it
        PlannedRate longRun = planned(a, 2000);
        assertEquals(reach * Math.sqrt(0.1), longRun.learningRate(), 1e-12);
        assertEquals(2 * reach * Math.sqrt(0.1), SchedulePeak.of(longRun, 0.5), 1e-12);
        assertEquals(1.25 * reach * Math.sqrt(0.1), SchedulePeak.of(longRun, 0.8), 1e-12);
        assertEquals(reach * Math.sqrt(0.1), SchedulePeak.of(longRun, 1), 1e-12);
        // 200 steps: the reach itself, which a rate held the whole run may not take (half the
        // spike's onset is lower); a schedule passes its peak, which only the turn caps
        PlannedRate run = planned(a, 200);
        assertEquals(halfOnset, run.learningRate(), 1e-12);
        assertEquals(2 * reach, SchedulePeak.of(run, 0.5), 1e-12);
        // 2 steps: ten times the reach, capped at half the turn
        assertEquals(halfTurn, SchedulePeak.of(planned(a, 2), 0.5), 1e-12);
    }

    @Test
    void aPlanTheModelCannotScaleDoublesGuardedsRate() {
        CurveAnalysis a = spikeBeforeTheTurn();
        PlannedRate unscaled =
                PlannedRate.of(a, TrainingPlan.ofSteps(200), 0, OptimizerFamily.UNKNOWN)
                        .orElseThrow();
        assertEquals(PlannedRate.Branch.NOT_MODELLED, unscaled.branch());
        assertEquals(2 * unscaled.learningRate(), SchedulePeak.of(unscaled, 0.5), 1e-15);
    }

    @Test
    void badInputIsNamed() {
        PlannedRate run = planned(spikeBeforeTheTurn(), 200);
        assertEquals(
                "meanFraction must be in (0, 1], got 0.0",
                assertThrows(IllegalArgumentException.class, () -> SchedulePeak.of(run, 0))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> SchedulePeak.of(run, 1.5));
        assertThrows(IllegalArgumentException.class, () -> SchedulePeak.of(run, Double.NaN));
        assertThrows(NullPointerException.class, () -> SchedulePeak.of(null, 0.5));
    }

    @Test
    void eachFamilySaysWhatItIs() {
        assertTrue(OptimizerFamily.SGD.scalesWithPlan());
        assertTrue(OptimizerFamily.ADAPTIVE.scalesWithPlan());
        assertFalse(OptimizerFamily.SGD.scheduleFree());
        assertFalse(OptimizerFamily.ADAPTIVE.scheduleFree());
        assertFalse(OptimizerFamily.SCHEDULE_FREE_SGD.scalesWithPlan());
        assertTrue(OptimizerFamily.SCHEDULE_FREE_SGD.scheduleFree());
        assertTrue(OptimizerFamily.SCHEDULE_FREE_ADAMW.scheduleFree());
        assertFalse(OptimizerFamily.UNKNOWN.scalesWithPlan());
        assertFalse(OptimizerFamily.UNKNOWN.scheduleFree());
    }
}
