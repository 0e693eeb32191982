package dev.lrfinder.core.schedule;

import static dev.lrfinder.core.LrSweepTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class OneCycleScheduleTest {

    private static OneCycleSchedule pytorchDefaults(double maxLr, int total) {
        return OneCycleSchedule.builder().setMaxLr(maxLr).setTotalSteps(total).build();
    }

    @Test
    void phaseBoundariesMatchTheClosedForm() {
        OneCycleSchedule s = pytorchDefaults(0.1, 1000);
        assertEquals(0.1 / 25, s.learningRate(0), 1e-15); // start = max / div
        assertEquals(0.1, s.learningRate(299), 1e-15); // peak at pct * total - 1
        assertEquals(0.1 / 25 / 1e4, s.learningRate(999), 1e-18); // end = start / final div
        assertEquals(0.95, s.momentum(0), 1e-15);
        assertEquals(0.85, s.momentum(299), 1e-15);
        assertEquals(0.95, s.momentum(999), 1e-15);
    }

    @Test
    void valuesBetweenBoundariesFollowTheCosine() {
        OneCycleSchedule s = pytorchDefaults(1, 101); // warm-up ends at step 29.3
        double start = 1 / 25.0;
        double end = start / 1e4;
        double warmEnd = 0.3 * 101 - 1;
        for (int step : new int[] {5, 14, 29, 30, 60, 100}) {
            double lr;
            double mom;
            if (step <= warmEnd) {
                double f = step / warmEnd;
                lr = 1 + (start - 1) / 2 * (1 + Math.cos(Math.PI * f));
                mom = 0.85 + (0.95 - 0.85) / 2 * (1 + Math.cos(Math.PI * f));
            } else {
                double f = (step - warmEnd) / (100 - warmEnd);
                lr = end + (1 - end) / 2 * (1 + Math.cos(Math.PI * f));
                mom = 0.95 + (0.85 - 0.95) / 2 * (1 + Math.cos(Math.PI * f));
            }
            assertEquals(lr, s.learningRate(step), 1e-12, "lr at " + step);
            assertEquals(mom, s.momentum(step), 1e-12, "momentum at " + step);
        }
    }

    @Test
    void linearAnnealingIsAStraightLine() {
        OneCycleSchedule s =
                OneCycleSchedule.builder()
                        .setMaxLr(1)
                        .setTotalSteps(11)
                        .optWarmupFraction(0.5 / 1.1)
                        .optAnnealing(Annealing.LINEAR)
                        .optDivFactor(10)
                        .optFinalDivFactor(1)
                        .build();
        // warm-up ends at step 4: 0.1 -> 1 in 4 steps, then 1 -> 0.1 in 6 steps
        assertEquals(0.1 + 0.9 * 2 / 4, s.learningRate(2), 1e-12);
        assertEquals(1 - 0.9 * 3 / 6, s.learningRate(7), 1e-12);
    }

    @Test
    void threePhasesGoBackToTheStartBeforeTheFinalDescent() {
        OneCycleSchedule s =
                OneCycleSchedule.builder()
                        .setMaxLr(1)
                        .setTotalSteps(1000)
                        .optThreePhase(true)
                        .build();
        assertEquals(1, s.learningRate(299), 1e-12);
        assertEquals(1 / 25.0, s.learningRate(598), 1e-12); // 2 * pct * total - 2
        assertEquals(1 / 25.0 / 1e4, s.learningRate(999), 1e-15);
        assertEquals(0.95, s.momentum(598), 1e-12);
        assertEquals(0.95, s.momentum(800), 1e-12);
    }

    @Test
    void stepsPastTheEndHoldTheFinalValue() {
        OneCycleSchedule s = pytorchDefaults(0.1, 100);
        assertEquals(s.finalLr(), s.learningRate(100), 0);
        assertEquals(s.finalLr(), s.learningRate(1_000_000), 0);
        assertEquals(0.95, s.momentum(5000), 1e-15);
    }

    @Test
    void noMomentumWhenCyclingIsOff() {
        assertTrue(
                Double.isNaN(
                        OneCycleSchedule.builder()
                                .setMaxLr(1)
                                .setTotalSteps(10)
                                .optCycleMomentum(false)
                                .build()
                                .momentum(3)));
    }

    @Test
    void badParametersNameTheParameterAndValue() {
        assertMessage(
                "maxLr",
                "0.0",
                () -> OneCycleSchedule.builder().setMaxLr(0).setTotalSteps(10).build());
        assertMessage("maxLr", "NaN", () -> OneCycleSchedule.builder().setTotalSteps(10).build());
        assertMessage("totalSteps", "0", () -> OneCycleSchedule.builder().setMaxLr(1).build());
        assertMessage("totalSteps", "-3", () -> OneCycleSchedule.builder().setTotalSteps(-3, 5));
        assertMessage(
                "warmupFraction",
                "1.0",
                () ->
                        OneCycleSchedule.builder()
                                .setMaxLr(1)
                                .setTotalSteps(10)
                                .optWarmupFraction(1)
                                .build());
        assertMessage(
                "warmupFraction",
                "0.0",
                () ->
                        OneCycleSchedule.builder()
                                .setMaxLr(1)
                                .setTotalSteps(10)
                                .optWarmupFraction(0)
                                .build());
        assertMessage(
                "divFactor",
                "-1.0",
                () ->
                        OneCycleSchedule.builder()
                                .setMaxLr(1)
                                .setTotalSteps(10)
                                .optDivFactor(-1)
                                .build());
        assertMessage(
                "finalDivFactor",
                "0.0",
                () ->
                        OneCycleSchedule.builder()
                                .setMaxLr(1)
                                .setTotalSteps(10)
                                .optFinalDivFactor(0)
                                .build());
        assertMessage(
                "maxMomentum",
                "1.0",
                () ->
                        OneCycleSchedule.builder()
                                .setMaxLr(1)
                                .setTotalSteps(10)
                                .optMomentum(1, 0.85)
                                .build());
        assertMessage(
                "baseMomentum",
                "-0.1",
                () ->
                        OneCycleSchedule.builder()
                                .setMaxLr(1)
                                .setTotalSteps(10)
                                .optMomentum(0.9, -0.1)
                                .build());
        assertMessage(
                "momentum",
                "0.95",
                () ->
                        OneCycleSchedule.builder()
                                .setMaxLr(1)
                                .setTotalSteps(10)
                                .optMomentum(0.85, 0.95)
                                .build());
        assertMessage(
                "totalSteps",
                "4294967296",
                () -> OneCycleSchedule.builder().setTotalSteps(65536, 65536));
    }

    @Provide
    Arbitrary<OneCycleSchedule> schedules() {
        return Combinators.combine(
                        Arbitraries.doubles().between(-6, 1).map(e -> Math.pow(10, e)),
                        Arbitraries.integers().between(10, 100_000),
                        Arbitraries.doubles().between(0.05, 0.45),
                        Arbitraries.doubles().between(1.5, 1e3),
                        Arbitraries.doubles().between(1.5, 1e5),
                        Arbitraries.of(Annealing.COSINE, Annealing.LINEAR), // one-cycle's shapes
                        Arbitraries.of(true, false))
                .as(
                        (max, total, pct, div, fdiv, ann, three) ->
                                OneCycleSchedule.builder()
                                        .setMaxLr(max)
                                        .setTotalSteps(total)
                                        .optWarmupFraction(pct)
                                        .optDivFactor(div)
                                        .optFinalDivFactor(fdiv)
                                        .optAnnealing(ann)
                                        .optThreePhase(three)
                                        .build());
    }

    @Property(tries = 300)
    void learningRateStaysWithinBoundsAndPeaksAtMax(@ForAll("schedules") OneCycleSchedule s) {
        double lo = s.finalLr();
        double hi = s.maxLr();
        int total = s.totalSteps();
        for (int step = 0; step < total + 5; step += Math.max(1, total / 500)) {
            double lr = s.learningRate(step);
            assertTrue(
                    lr >= lo * (1 - 1e-12) && lr <= hi * (1 + 1e-12), "lr " + lr + " at " + step);
            double m = s.momentum(step);
            assertTrue(m >= 0.85 - 1e-12 && m <= 0.95 + 1e-12, "momentum " + m);
        }
        assertEquals(s.initialLr(), s.learningRate(0), s.initialLr() * 1e-9);
        assertEquals(s.finalLr(), s.learningRate(total - 1), s.finalLr() * 1e-9);
        assertEquals(s.finalLr(), s.learningRate(total + 7), 0);
    }

    @Property(tries = 300)
    void momentumMovesOppositeToTheLearningRate(@ForAll("schedules") OneCycleSchedule s) {
        int total = s.totalSteps();
        for (int step = 0; step + 1 < total; step += Math.max(1, total / 300)) {
            if (step < s.peakStep() && s.peakStep() < step + 1) {
                continue; // the peak falls between these two steps: both values turn there
            }
            double dLr = s.learningRate(step + 1) - s.learningRate(step);
            double dMom = s.momentum(step + 1) - s.momentum(step);
            // in the three-phase variant the last phase keeps momentum still
            assertTrue(
                    dLr * dMom <= 1e-18, s + " step " + step + ": lr " + dLr + " momentum " + dMom);
        }
    }

    @Property(tries = 300)
    void scheduleIsContinuous(@ForAll("schedules") OneCycleSchedule s) {
        int total = s.totalSteps();
        // the largest jump between neighbouring steps is bounded by the steepest cosine slope
        double range = s.maxLr() - s.finalLr();
        double shortestPhase = Math.max(1, 0.05 * total - 2);
        double bound = range * Math.PI / 2 / shortestPhase * 1.5 + 1e-12;
        for (int step = 0; step + 1 < total; step++) {
            double jump = Math.abs(s.learningRate(step + 1) - s.learningRate(step));
            assertTrue(
                    jump <= Math.max(bound, range / shortestPhase * 1.5),
                    "jump " + jump + " at " + step);
        }
    }

    @Test
    void warmupCooldownIsATrapezoid() {
        WarmupCooldownSchedule s =
                WarmupCooldownSchedule.builder()
                        .setLr(0.1)
                        .setTotalSteps(100)
                        .optWarmupFraction(0.1)
                        .optCooldownFraction(0.2)
                        .optWarmupDivFactor(10)
                        .build();
        assertEquals(0.01, s.learningRate(0), 1e-15);
        assertEquals(0.01 + 0.09 * 5 / 10, s.learningRate(5), 1e-15);
        assertEquals(0.1, s.learningRate(10), 0);
        assertEquals(0.1, s.learningRate(80), 0);
        assertEquals(0.1 * (1 - 10 / 19.0), s.learningRate(90), 1e-12);
        assertEquals(0, s.learningRate(99), 0);
        assertEquals(0, s.learningRate(500), 0);
        assertMessage(
                "warmupFraction + cooldownFraction",
                "1.2",
                () ->
                        WarmupCooldownSchedule.builder()
                                .setLr(0.1)
                                .setTotalSteps(10)
                                .optWarmupFraction(0.6)
                                .optCooldownFraction(0.6)
                                .build());
        assertMessage(
                "lr",
                "0.0",
                () -> WarmupCooldownSchedule.builder().setLr(0).setTotalSteps(10).build());
    }
}
