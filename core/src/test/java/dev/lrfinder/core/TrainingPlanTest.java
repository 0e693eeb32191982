package dev.lrfinder.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** A plan holds what it was given, and every value outside its range names itself. */
class TrainingPlanTest {

    @Test
    void aPlanHoldsItsStepsAndItsOptionalBatch() {
        TrainingPlan plan = TrainingPlan.builder().setEpochs(2, 469).optBatchSize(1024).build();
        assertEquals(938, plan.steps());
        assertEquals(OptionalInt.of(1024), plan.batchSize());
        assertEquals("938 steps at batch 1024", plan.toString());
        TrainingPlan same = TrainingPlan.builder().setSteps(938).optBatchSize(1024).build();
        assertEquals(plan, same);
        assertEquals(plan.hashCode(), same.hashCode());
        TrainingPlan atTestBatch = TrainingPlan.ofSteps(938);
        assertEquals(OptionalInt.empty(), atTestBatch.batchSize());
        assertNotEquals(plan, atTestBatch);
        assertNotEquals(atTestBatch, TrainingPlan.ofSteps(939));
        assertEquals("938 steps", atTestBatch.toString());
        assertEquals(Integer.MAX_VALUE, TrainingPlan.ofSteps(Integer.MAX_VALUE).steps());
        assertNotEquals(
                TrainingPlan.builder().setSteps(2).optBatchSize(3).build().hashCode(),
                TrainingPlan.builder().setSteps(3).optBatchSize(2).build().hashCode());
        assertNotEquals(plan, "938 steps at batch 1024");
    }

    @Test
    void badValuesAreRefusedWithTheirNameAndValue() {
        assertMessage("steps must be in [1, 2147483647], got 0", () -> TrainingPlan.ofSteps(0));
        assertMessage("steps must be in [1, 2147483647], got -5", () -> TrainingPlan.ofSteps(-5));
        assertMessage(
                "steps must be in [1, 2147483647], got 2147483648",
                () -> TrainingPlan.ofSteps(Integer.MAX_VALUE + 1L));
        assertMessage(
                "steps must be in [1, 2147483647], got 0", () -> TrainingPlan.builder().build());
        assertMessage(
                "batchSize must be in [1, 2147483647], got 0",
                () -> TrainingPlan.builder().setSteps(10).optBatchSize(0).build());
        assertMessage(
                "epochs must be in [1, 2147483647], got 0",
                () -> TrainingPlan.builder().setEpochs(0, 10).build());
        assertMessage(
                "stepsPerEpoch must be in [1, 2147483647], got 0",
                () -> TrainingPlan.builder().setEpochs(1, 0).build());
        assertMessage(
                "steps must be in [1, 2147483647], got 4294967294",
                () -> TrainingPlan.builder().setEpochs(2, Integer.MAX_VALUE).build());
    }

    private static void assertMessage(String expected, Runnable call) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, call::run, expected);
        assertEquals(expected, e.getMessage());
        assertTrue(e.getMessage().contains("got"));
    }
}
