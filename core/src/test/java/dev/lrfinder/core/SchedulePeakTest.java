package dev.lrfinder.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The decaying schedules' peak, and the optimizer families. */
class SchedulePeakTest {

    @Test
    void thePeakGivesThePlannedMeanBelowHalfTheOnset() {
        assertEquals(0.02, SchedulePeak.of(0.01, 0.5, 1), 1e-15); // mean 0.5 x peak = planned
        assertEquals(0.0125, SchedulePeak.of(0.01, 0.8, 1), 1e-15);
        assertEquals(0.01, SchedulePeak.of(0.01, 1, 1), 1e-15); // a constant: its own mean
        assertEquals(0.05, SchedulePeak.of(0.04, 0.5, 0.1), 1e-15); // capped at half the onset
        assertEquals(0.08, SchedulePeak.of(0.04, 0.5, Double.NaN), 1e-15); // no onset: no cap
        assertEquals(0.08, SchedulePeak.of(0.04, 0.5, 0), 1e-15);
        assertEquals(0.05, SchedulePeak.of(0.025, 0.5, 0.1), 1e-15); // exactly at the cap
    }

    @Test
    void badInputIsNamed() {
        assertEquals(
                "plannedRate must be a finite number > 0, got 0.0",
                assertThrows(IllegalArgumentException.class, () -> SchedulePeak.of(0, 0.5, 1))
                        .getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> SchedulePeak.of(Double.POSITIVE_INFINITY, 0.5, 1));
        assertEquals(
                "meanFraction must be in (0, 1], got 0.0",
                assertThrows(IllegalArgumentException.class, () -> SchedulePeak.of(0.1, 0, 1))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> SchedulePeak.of(0.1, 1.5, 1));
        assertThrows(IllegalArgumentException.class, () -> SchedulePeak.of(0.1, Double.NaN, 1));
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
