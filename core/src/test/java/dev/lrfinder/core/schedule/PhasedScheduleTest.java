package dev.lrfinder.core.schedule;

import static dev.lrfinder.core.LrSweepTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PhasedScheduleTest {

    @Test
    void phasesFollowTheirAnnealingAndTheLastValueHolds() {
        PhasedSchedule s =
                PhasedSchedule.builder()
                        .setTotalSteps(21)
                        .addPhase(4, Annealing.LINEAR, 0.01, 0.05, 0.9, 0.8)
                        .addPhase(20, Annealing.COSINE, 0.05, 0.001, 0.8, 0.9)
                        .build();
        assertEquals(0.01, s.learningRate(0), 1e-15);
        assertEquals(0.02, s.learningRate(1), 1e-15);
        assertEquals(0.05, s.learningRate(4), 1e-15); // the boundary belongs to the first phase
        assertEquals(0.85, s.momentum(2), 1e-15);
        // halfway through a cosine phase: the mean of its ends
        assertEquals((0.05 + 0.001) / 2, s.learningRate(12), 1e-15);
        assertEquals(
                0.001 + (0.05 - 0.001) / 2 * (1 + Math.cos(Math.PI / 16)),
                s.learningRate(5),
                1e-15);
        assertEquals(0.001, s.learningRate(20), 0);
        assertEquals(0.001, s.learningRate(1000), 0);
        assertEquals(0.9, s.momentum(1000), 0);
        assertEquals(2, s.phases().size());
        assertEquals(21, s.totalSteps());
    }

    @Test
    void aPhaseOfNoLengthJumpsAndNoMomentumIsNaN() {
        PhasedSchedule s =
                PhasedSchedule.builder()
                        .setTotalSteps(10)
                        .addPhase(5, Annealing.LINEAR, 1, 1)
                        .addPhase(5, Annealing.LINEAR, 1, 0.5)
                        .addPhase(9, Annealing.LINEAR, 0.1, 0.1)
                        .build();
        assertEquals(1, s.learningRate(5), 0);
        assertEquals(0.1, s.learningRate(6), 0);
        assertTrue(Double.isNaN(s.momentum(3)));
    }

    @Test
    void oneCycleAndWarmupCooldownAreThePhasesTheyDescribe() {
        OneCycleSchedule one = OneCycleSchedule.builder().setMaxLr(0.1).setTotalSteps(100).build();
        assertEquals(2, one.phased().phases().size());
        assertEquals(29, one.phased().phases().get(0).end(), 1e-12);
        assertEquals(0.1, one.phased().phases().get(1).lrFrom(), 0);
        WarmupCooldownSchedule wc =
                WarmupCooldownSchedule.builder()
                        .setLr(0.1)
                        .setTotalSteps(3)
                        .optWarmupFraction(0.9)
                        .optCooldownFraction(0.1)
                        .optFinalLr(0.002)
                        .build();
        // a warm-up that would end inside the last step leaves that step to the cool-down
        assertEquals(0.002, wc.learningRate(2), 0);
        assertEquals(0.1, wc.learningRate(1), 1e-15);
        assertEquals(0.1, wc.learningRate(0), 0); // warmupDivFactor 1: no rise
    }

    @Test
    void everyScheduleRefusesStepsBelowOneWithTheOneMessageOfItsPhases() {
        for (int steps : new int[] {0, -5}) {
            String expected = "totalSteps must be > 0, got " + steps;
            assertEquals(
                    expected,
                    assertThrows(
                                    IllegalArgumentException.class,
                                    () ->
                                            PhasedSchedule.builder()
                                                    .setTotalSteps(steps)
                                                    .addPhase(1, Annealing.LINEAR, 1, 1)
                                                    .build())
                            .getMessage());
            assertEquals(
                    expected,
                    assertThrows(
                                    IllegalArgumentException.class,
                                    () ->
                                            OneCycleSchedule.builder()
                                                    .setMaxLr(1)
                                                    .setTotalSteps(steps)
                                                    .build())
                            .getMessage());
            assertEquals(
                    expected,
                    assertThrows(
                                    IllegalArgumentException.class,
                                    () ->
                                            WarmupCooldownSchedule.builder()
                                                    .setLr(1)
                                                    .setTotalSteps(steps)
                                                    .build())
                            .getMessage());
        }
    }

    @Test
    void badPhasesNameTheParameterAndValue() {
        assertMessage(
                "totalSteps",
                "0",
                () -> PhasedSchedule.builder().addPhase(1, Annealing.LINEAR, 1, 1).build());
        assertMessage("phases", "0", () -> PhasedSchedule.builder().setTotalSteps(3).build());
        assertMessage(
                "phase 1 end",
                "2.0",
                () ->
                        PhasedSchedule.builder()
                                .setTotalSteps(9)
                                .addPhase(4, Annealing.LINEAR, 1, 1)
                                .addPhase(2, Annealing.LINEAR, 1, 1)
                                .build());
        assertMessage(
                "phase 0 lrTo",
                "-1.0",
                () ->
                        PhasedSchedule.builder()
                                .setTotalSteps(9)
                                .addPhase(4, Annealing.LINEAR, 1, -1)
                                .build());
        assertMessage(
                "phase 1 momentum",
                "NaN",
                () ->
                        PhasedSchedule.builder()
                                .setTotalSteps(9)
                                .addPhase(4, Annealing.LINEAR, 1, 1, 0.9, 0.8)
                                .addPhase(8, Annealing.LINEAR, 1, 1)
                                .build());
    }
}
