package dev.lrfinder.core.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Warmup-stable-decay and linear decay to zero, read step by step. */
class DecaySchedulesTest {

    @Test
    void wsdWarmsUpFromZeroHoldsThenCoolsDownAlongOneMinusSqrt() {
        WarmupCooldownSchedule s = WarmupCooldownSchedule.wsd(0.1, 1000);
        assertEquals(0, s.learningRate(0), 1e-12);
        assertEquals(0.05, s.learningRate(25), 1e-12); // half way up the 50-step warm-up
        assertEquals(0.1, s.learningRate(50), 1e-12);
        assertEquals(0.1, s.learningRate(799), 1e-12);
        // cool-down from step 800 to 999: lr (1 - sqrt(progress))
        double progress = (900 - 800) / 199.0;
        assertEquals(0.1 * (1 - Math.sqrt(progress)), s.learningRate(900), 1e-12);
        assertEquals(0, s.learningRate(999), 1e-12);
        // the 1 - sqrt shape sits below the straight line inside the cool-down
        assertTrue(s.learningRate(900) < 0.1 * (1 - progress));
    }

    @Test
    void linearToZeroFallsOnAStraightLineAfterTheWarmup() {
        WarmupCooldownSchedule s = WarmupCooldownSchedule.linearToZero(0.2, 1000);
        assertEquals(0.2, s.learningRate(50), 1e-12);
        for (int step : new int[] {51, 300, 524, 998}) {
            assertEquals(0.2 * (1 - (step - 50) / 949.0), s.learningRate(step), 1e-12);
        }
        assertEquals(0, s.learningRate(999), 1e-12);
    }

    @Test
    void warmupConstantRisesFromZeroOverTheFirstTwentiethThenHolds() {
        WarmupCooldownSchedule s = WarmupCooldownSchedule.warmupConstant(0.2, 1000);
        assertEquals(0, s.learningRate(0), 1e-12);
        assertEquals(0.1, s.learningRate(25), 1e-12);
        for (int step : new int[] {50, 51, 500, 999}) {
            assertEquals(0.2, s.learningRate(step), 1e-12);
        }
        assertEquals(1 - 0.05 / 2, s.meanFraction(), 0.001);
    }

    @Test
    void meanFractionIsTheMeanRateOverThePeak() {
        // linear to zero: about half; wsd: warm-up 5 % at half, hold 75 %, 1 - sqrt over 20 % at
        // 1/3
        assertEquals(0.5, WarmupCooldownSchedule.linearToZero(1, 10_000).meanFraction(), 0.01);
        double wsd = 0.05 * 0.5 + 0.75 + 0.2 / 3;
        assertEquals(wsd, WarmupCooldownSchedule.wsd(1, 10_000).meanFraction(), 0.01);
    }

    @Test
    void aWarmupDivFactorBelowZeroIsNamed() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                WarmupCooldownSchedule.builder()
                                        .setLr(1)
                                        .setTotalSteps(10)
                                        .optWarmupDivFactor(-1)
                                        .build());
        assertTrue(e.getMessage().startsWith("warmupDivFactor must be > 0"), e.getMessage());
    }

    @Test
    void meanFractionAveragesEveryStepOverThePeak() {
        // 10 steps: warm-up to 2 over the first 2, hold, cool down linearly over the last 4
        WarmupCooldownSchedule s =
                WarmupCooldownSchedule.builder()
                        .setLr(2)
                        .setTotalSteps(10)
                        .optWarmupFraction(0.2)
                        .optCooldownFraction(0.4)
                        .build();
        double sum = 0;
        for (int step = 0; step < 10; step++) {
            sum += s.learningRate(step);
        }
        assertEquals(sum / 10 / 2, s.meanFraction(), 1e-15);
        assertTrue(s.meanFraction() < 1);
        assertEquals(
                1,
                WarmupCooldownSchedule.builder().setLr(3).setTotalSteps(7).build().meanFraction(),
                1e-15);
        assertEquals(3, WarmupCooldownSchedule.wsd(1, 100).phased().phases().size());
    }
}
