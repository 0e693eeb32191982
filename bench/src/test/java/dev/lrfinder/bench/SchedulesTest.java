package dev.lrfinder.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lrfinder.core.RangeTest;
import dev.lrfinder.core.RangeTestStatus;
import dev.lrfinder.core.SuggestionRules;
import dev.lrfinder.core.schedule.LrSchedule;
import dev.lrfinder.listeners.LrFinderResult;
import org.junit.jupiter.api.Test;

/** Each study schedule, built from a suggestion of 0.01 over 100 steps, has the intended shape. */
class SchedulesTest {

    static LrFinderResult suggesting(double lr) {
        // 100 points from 1e-5, 20 per decade; the loss is lowest at 10 x lr
        RangeTest test =
                RangeTest.builder()
                        .optStartLr(1e-5)
                        .optEndLr(1e-5 * Math.pow(10, 99 / 20.0))
                        .optSmoothing(0)
                        .build();
        while (test.status() == RangeTestStatus.RUNNING) {
            test.record(Math.pow(Math.log10(test.learningRate()) - Math.log10(lr * 10), 2) + 1);
        }
        LrFinderResult r = LrFinderResult.of(test, SuggestionRules.minimum());
        assertEquals(lr, r.suggestion().learningRate(), lr * 1e-9);
        return r;
    }

    static LrSchedule of(Schedules s) {
        return s.listener(suggesting(0.01), 100).schedule();
    }

    @Test
    void shapes() {
        LrSchedule constant = of(Schedules.CONSTANT);
        assertEquals(0.01, constant.learningRate(0), 1e-9);
        assertEquals(0.01, constant.learningRate(99), 1e-9);

        LrSchedule step = of(Schedules.STEP);
        assertEquals(0.01, step.learningRate(10), 1e-9);
        assertEquals(0.001, step.learningRate(60), 1e-9);
        assertEquals(0.0001, step.learningRate(90), 1e-9);

        LrSchedule cosine = of(Schedules.COSINE);
        assertEquals(0.01, cosine.learningRate(0), 1e-4);
        assertEquals(0.005, cosine.learningRate(49), 3e-4);
        assertTrue(cosine.learningRate(99) < 1e-4);

        LrSchedule warm = of(Schedules.WARMUP_COSINE);
        assertEquals(0.001 + 0.009 / 10, warm.learningRate(0), 1e-6); // DJL counts updates from 1
        assertEquals(0.01, warm.learningRate(10), 1e-4);
        assertTrue(warm.learningRate(99) < 1e-4);

        LrSchedule tri = of(Schedules.TRIANGULAR);
        double lo = 1;
        double hi = 0;
        for (int i = 0; i < 100; i++) {
            lo = Math.min(lo, tri.learningRate(i));
            hi = Math.max(hi, tri.learningRate(i));
        }
        assertEquals(0.001, lo, 1e-4);
        assertEquals(0.015, hi, 1e-4);

        LrSchedule cool = of(Schedules.COOLDOWN);
        assertEquals(0.01, cool.learningRate(79), 1e-9);
        assertEquals(0, cool.learningRate(99), 0);

        // a result that does not name its optimizer peaks at the adaptive mapping: 1 x
        LrSchedule one = of(Schedules.ONE_CYCLE);
        assertEquals(0.01, one.learningRate(29), 1e-9);
        LrSchedule three = Schedules.ONE_CYCLE.listener(suggesting(0.01), 100, 3).schedule();
        assertEquals(0.03, three.learningRate(29), 1e-9);
    }

    @Test
    void namesParseAndBadNamesAreRejected() {
        assertEquals(Schedules.ONE_CYCLE, Schedules.of("one-cycle"));
        assertEquals("warmup-cosine", Schedules.WARMUP_COSINE.label());
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Schedules.of("sawtooth"));
        assertTrue(e.getMessage().contains("sawtooth"));
    }
}
