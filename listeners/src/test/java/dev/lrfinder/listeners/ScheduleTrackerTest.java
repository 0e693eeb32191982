package dev.lrfinder.listeners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import dev.lrfinder.core.schedule.Annealing;
import dev.lrfinder.core.schedule.LrSchedule;
import dev.lrfinder.core.schedule.OneCycleSchedule;
import dev.lrfinder.core.schedule.PhasedSchedule;
import dev.lrfinder.core.schedule.WarmupCooldownSchedule;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every schedule as a DJL Tracker: the rate the optimizer applies at step k is the schedule's. */
class ScheduleTrackerTest {

    private static void assertApplied(LrSchedule schedule, double[] applied, int firstStep) {
        for (int t = 0; t < applied.length; t++) {
            double want = (float) schedule.learningRate(firstStep + t);
            // the weight is a float near 1: its change carries ~1e-7 of rounding
            assertEquals(want, applied[t], 1e-6 + 1e-5 * want, "learning rate at step " + t);
        }
    }

    @Test
    void sgdAppliesEverySchedulesRateAtEachStep() {
        int steps = 24;
        List<LrSchedule> schedules =
                List.of(
                        OneCycleSchedule.builder().setMaxLr(0.5).setTotalSteps(steps).build(),
                        WarmupCooldownSchedule.builder()
                                .setLr(0.2)
                                .setTotalSteps(steps)
                                .optWarmupFraction(0.25)
                                .optWarmupDivFactor(10)
                                .optCooldownFraction(0.25)
                                .build(),
                        PhasedSchedule.builder()
                                .setTotalSteps(steps)
                                .addPhase(11, Annealing.LINEAR, 0.3, 0.3)
                                .addPhase(12, Annealing.LINEAR, 0.03, 0.03)
                                .addPhase(23, Annealing.COSINE, 0.03, 0)
                                .build());
        for (LrSchedule schedule : schedules) {
            Optimizer sgd =
                    Optimizer.sgd().setLearningRateTracker(ScheduleTracker.of(schedule)).build();
            try (OneWeight w = new OneWeight(sgd);
                    Trainer trainer = w.trainer()) {
                double[] applied = OneWeight.appliedRates(OneWeight.train(trainer, steps));
                assertApplied(schedule, applied, 0);
                // not a constant: the schedule moved the rate by more than 10x over the run
                double max = java.util.Arrays.stream(applied).max().orElseThrow();
                assertTrue(max > 10 * applied[steps - 1], schedule + ": " + max);
            }
        }
    }

    @Test
    void beginNumUpdateResumesAtStepK() {
        OneCycleSchedule schedule =
                OneCycleSchedule.builder().setMaxLr(0.5).setTotalSteps(30).build();
        Optimizer sgd =
                Optimizer.sgd()
                        .setLearningRateTracker(ScheduleTracker.of(schedule))
                        .optBeginNumUpdate(12)
                        .build();
        try (OneWeight w = new OneWeight(sgd);
                Trainer trainer = w.trainer()) {
            assertApplied(schedule, OneWeight.appliedRates(OneWeight.train(trainer, 6)), 12);
        }
    }

    @Test
    void withTheListenerOfTheSameScheduleTheTrackerStaysAndTheMomentumMoves() {
        int steps = 20;
        OneCycleSchedule schedule =
                OneCycleSchedule.builder().setMaxLr(0.2).setTotalSteps(steps).build();
        ScheduleTracker tracker = ScheduleTracker.of(schedule);
        Optimizer sgd = Optimizer.sgd().setLearningRateTracker(tracker).optMomentum(0.5f).build();
        ScheduleListener momentum = ScheduleListener.of(schedule);
        try (OneWeight w = new OneWeight(sgd, momentum);
                Trainer trainer = w.trainer()) {
            float[] weights = OneWeight.train(trainer, steps);
            assertSame(tracker, DjlInternals.learningRate(sgd, "test"));
            double v = 0;
            for (int t = 0; t < steps; t++) {
                v = (float) schedule.momentum(t) * v - (float) schedule.learningRate(t);
                assertEquals(v, weights[t + 1] - weights[t], 2e-5, "update at step " + t);
            }
        }
        assertEquals(
                0.5f, DjlInternals.getFloat(DjlInternals.momentumField(sgd).orElseThrow(), sgd));
    }

    @Test
    void stepsPerUpdateAndBadArguments() {
        LrSchedule s = OneCycleSchedule.builder().setMaxLr(1).setTotalSteps(10).build();
        ScheduleTracker two = ScheduleTracker.builder().setSchedule(s).optUpdatesPerStep(2).build();
        assertEquals(0, two.step(1));
        assertEquals(0, two.step(2));
        assertEquals(1, two.step(3));
        assertEquals((float) s.learningRate(4), two.getNewValue(9), 0f);
        assertEquals((float) s.learningRate(0), ScheduleTracker.of(s).getNewValue(1), 0f);
        assertEquals((float) s.learningRate(9), ScheduleTracker.of(s).getNewValue(10), 0f);
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                ScheduleTracker.builder()
                                        .setSchedule(s)
                                        .optUpdatesPerStep(0)
                                        .build());
        assertTrue(e.getMessage().startsWith("updatesPerStep ") && e.getMessage().contains("0"));
        e = assertThrows(IllegalArgumentException.class, () -> ScheduleTracker.builder().build());
        assertTrue(e.getMessage().startsWith("schedule "), e.getMessage());
    }
}
