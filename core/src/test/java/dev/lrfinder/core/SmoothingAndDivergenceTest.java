package dev.lrfinder.core;

import static dev.lrfinder.core.LrSweepTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SmoothingAndDivergenceTest {

    @Test
    void debiasedAverageOfAConstantIsThatConstantFromTheFirstValue() {
        LossSmoother s = new LossSmoother(0.98);
        for (int i = 0; i < 50; i++) {
            assertEquals(2.5, s.add(2.5), 1e-12);
        }
    }

    @Test
    void debiasedAverageMatchesTheClosedForm() {
        LossSmoother s = new LossSmoother(0.5);
        assertEquals(4, s.add(4), 1e-12); // (0.5*4) / (1-0.5)
        // avg = 0.5*2 + 0.5*1 = 1.5 ; debiased 1.5 / 0.75 = 2
        assertEquals(2, s.add(1), 1e-12);
        // avg = 0.75 + 0.5*7 = 4.25 ; / 0.875
        assertEquals(4.25 / 0.875, s.add(7), 1e-12);
    }

    @Test
    void betaZeroMeansNoSmoothing() {
        LossSmoother s = new LossSmoother(0);
        assertEquals(3, s.add(3), 0);
        assertEquals(9, s.add(9), 0);
    }

    @Test
    void smoothingOutsideUnitIntervalIsRejected() {
        assertMessage("smoothing", "1.0", () -> new LossSmoother(1));
        assertMessage("smoothing", "-0.1", () -> new LossSmoother(-0.1));
        assertMessage("smoothing", "NaN", () -> new LossSmoother(Double.NaN));
    }

    @Test
    void divergesAboveFactorTimesBest() {
        DivergenceRule rule = new DivergenceRule(4);
        assertFalse(rule.check(10, 10).isPresent()); // first iteration only sets the best
        assertFalse(rule.check(1, 1).isPresent());
        assertFalse(rule.check(4, 4).isPresent()); // equal to 4x best is not above it
        assertEquals(1, rule.bestLoss(), 0);
        assertTrue(rule.check(4.01, 4.01).orElseThrow().contains("exceeds"));
    }

    @Test
    void firstIterationNeverDivergesOnSize() {
        assertFalse(new DivergenceRule(4).check(1e9, 1e9).isPresent());
    }

    @Test
    void nanOrInfiniteLossDivergesAtOnce() {
        assertTrue(
                new DivergenceRule(4).check(Double.NaN, Double.NaN).orElseThrow().contains("NaN"));
        assertTrue(new DivergenceRule(4).check(Double.POSITIVE_INFINITY, 1).isPresent());
    }

    @Test
    void factorAtMostOneIsRejected() {
        assertMessage("divergenceFactor", "1.0", () -> new DivergenceRule(1));
        assertMessage("divergenceFactor", "0.5", () -> new DivergenceRule(0.5));
    }

    @Test
    void divergenceStartsAtTheSecondIterationStrictlyAboveTheFactor() {
        DivergenceRule rule = new DivergenceRule(4);
        assertEquals(4, rule.factor());
        assertTrue(rule.check(1.0, 1.0).isEmpty());
        assertTrue(rule.check(4.0, 4.0).isEmpty(), "exactly 4 x best is not above it");
        assertEquals(
                "smoothed loss 4.00001 exceeds 4.0 x best smoothed loss 1.00000",
                rule.check(1.0, 4.00001).orElseThrow());
        assertEquals(
                "smoothed loss is NaN", new DivergenceRule(4).check(1.0, Double.NaN).orElseThrow());
        assertEquals(
                "loss is Infinity",
                new DivergenceRule(4).check(Double.POSITIVE_INFINITY, 1).orElseThrow());
        assertEquals(0.9, new LossSmoother(0.9).beta());
    }
}
