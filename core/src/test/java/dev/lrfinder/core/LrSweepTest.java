package dev.lrfinder.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

public class LrSweepTest {

    @Test
    void exponentialHitsBothEndsAndGrowsByAConstantFactor() {
        LrSweep s = LrSweep.exponential(1e-6, 1, 13);
        assertEquals(1e-6, s.learningRate(0), 0);
        assertEquals(1, s.learningRate(12), 0);
        // 6 decades in 12 steps: every step multiplies by sqrt(10)
        for (int i = 1; i < 13; i++) {
            assertEquals(Math.sqrt(10), s.learningRate(i) / s.learningRate(i - 1), 1e-9);
        }
        assertEquals(1e-3, s.learningRate(6), 1e-15);
    }

    @Test
    void linearGrowsByAConstantAmount() {
        LrSweep s = LrSweep.linear(0.1, 1.1, 11);
        for (int i = 0; i < 11; i++) {
            assertEquals(0.1 + 0.1 * i, s.learningRate(i), 1e-12);
        }
    }

    @Test
    void iterationOutsideTheSweepIsRejected() {
        LrSweep s = LrSweep.linear(0.1, 1, 10);
        assertThrows(IndexOutOfBoundsException.class, () -> s.learningRate(10));
        assertThrows(IndexOutOfBoundsException.class, () -> s.learningRate(-1));
    }

    @Test
    void badParametersNameTheParameterAndValue() {
        assertMessage("startLr", "0.0", () -> LrSweep.exponential(0, 1, 100));
        assertMessage("startLr", "-1.0", () -> LrSweep.exponential(-1, 1, 100));
        assertMessage("startLr", "NaN", () -> LrSweep.exponential(Double.NaN, 1, 100));
        assertMessage("endLr", "0.001", () -> LrSweep.exponential(0.01, 0.001, 100));
        assertMessage("endLr", "0.01", () -> LrSweep.linear(0.01, 0.01, 100));
        assertMessage("numIterations", "9", () -> LrSweep.exponential(1e-7, 10, 9));
        assertMessage("numIterations", "0", () -> LrSweep.linear(1e-7, 10, 0));
        // the sweep owns its bounds: a float learning rate is neither 0 nor infinite
        assertMessage("startLr", "1.0E-39", () -> LrSweep.exponential(1e-39, 1, 100));
        assertMessage("endLr", "1.0E39", () -> LrSweep.linear(1, 1e39, 100));
        assertMessage("shape", "null", () -> LrSweep.of(null, 1e-7, 10, 100));
        assertEquals(
                LrSweep.MIN_LR, LrSweep.of(LrSweep.Shape.LINEAR, LrSweep.MIN_LR, 1, 10).startLr());
        assertEquals(LrSweep.MAX_LR, LrSweep.exponential(1, LrSweep.MAX_LR, 10).endLr());
    }

    public static void assertMessage(String name, String value, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(
                e.getMessage().startsWith(name + " ") && e.getMessage().contains(value),
                "message should name " + name + " and " + value + ": " + e.getMessage());
    }

    @Test
    void theLastIterationIsTheEndExactlyAndTheSweepSaysWhatItIs() {
        LrSweep sweep = LrSweep.exponential(1e-7, 3.3, 77);
        assertEquals(3.3, sweep.learningRate(76), 0);
        assertTrue(sweep.learningRate(75) < 3.3);
        assertEquals("exponential sweep 1.0E-7 -> 3.3 in 77 iterations", sweep.toString());
        assertEquals(
                "suggestion: lr=0.01000 (curve point 3, lr 0.1000, smoothed loss 2.000)",
                new Suggestion("suggestion", 0.01, 3, 0.1, 2).toString());
    }
}
