package dev.lrfinder.bench;

import ai.djl.training.tracker.CosineTracker;
import ai.djl.training.tracker.CyclicalTracker;
import ai.djl.training.tracker.Tracker;
import ai.djl.training.tracker.WarmUpTracker;
import dev.lrfinder.core.schedule.WarmupCooldownSchedule;
import dev.lrfinder.listeners.LrFinderResult;
import dev.lrfinder.listeners.OneCycleScheduler;
import dev.lrfinder.listeners.ScheduleListener;
import java.util.Locale;

/**
 * The schedules the study compares, each built from one learning rate {@code lr} (the range test's
 * suggestion) and the run's number of steps. DJL's own trackers are used where they do the job;
 * lrfinder's schedules where DJL has none.
 */
public enum Schedules {
    /** {@code lr} throughout. */
    CONSTANT,
    /**
     * {@code lr}, divided by 10 at 50 % and again at 75 % of the steps (DJL MultiFactorTracker).
     */
    STEP,
    /** Cosine from {@code lr} to 0 (DJL CosineTracker). */
    COSINE,
    /**
     * Linear warm-up over 10 % of the steps, then cosine to 0 (DJL WarmUpTracker + CosineTracker).
     */
    WARMUP_COSINE,
    /** Triangular cycles between lr/10 and 1.5 lr, four cycles per run (DJL CyclicalTracker). */
    TRIANGULAR,
    /**
     * {@code lr} with a linear cool-down to 0 over the last 20 % (lrfinder WarmupCooldownSchedule).
     */
    COOLDOWN,
    /** One cycle, {@link OneCycleScheduler#fromSuggestion}. */
    ONE_CYCLE;

    /**
     * Parses a name such as {@code one-cycle} or {@code warmup_cosine}.
     *
     * @param name the name
     * @return the schedule
     */
    public static Schedules of(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "schedule must be one of constant, step, cosine,"
                            + " warmup-cosine, triangular, cooldown, one-cycle, got "
                            + name,
                    e);
        }
    }

    /**
     * Returns the name as the CLI shows it.
     *
     * @return e.g. {@code one-cycle}
     */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Builds the listener that drives this schedule.
     *
     * @param result the range test's result; its suggestion is {@code lr}
     * @param totalSteps the steps of the run
     * @return the listener to add to the training config
     */
    public ScheduleListener listener(LrFinderResult result, int totalSteps) {
        return listener(result, totalSteps, Double.NaN);
    }

    /**
     * Builds the listener, with the one-cycle peak at a given multiple of the suggestion.
     *
     * @param result the range test's result; its suggestion is {@code lr}
     * @param totalSteps the steps of the run
     * @param onePeak the one-cycle peak as a multiple of {@code lr}, or NaN for the default mapping
     * @return the listener to add to the training config
     */
    public ScheduleListener listener(LrFinderResult result, int totalSteps, double onePeak) {
        float lr = (float) result.suggestion().learningRate();
        switch (this) {
            case CONSTANT:
                return ScheduleListener.of(Tracker.fixed(lr), totalSteps);
            case STEP:
                return ScheduleListener.of(
                        Tracker.multiFactor()
                                .setBaseValue(lr)
                                .setSteps(new int[] {totalSteps / 2, totalSteps * 3 / 4})
                                .optFactor(0.1f)
                                .build(),
                        totalSteps);
            case COSINE:
                return ScheduleListener.of(cosine(lr, totalSteps), totalSteps);
            case WARMUP_COSINE:
                int warm = Math.max(1, totalSteps / 10);
                WarmUpTracker w =
                        Tracker.warmUp()
                                .setMainTracker(cosine(lr, totalSteps - warm))
                                .optWarmUpSteps(warm)
                                .optWarmUpBeginValue(lr / 10)
                                .build();
                return ScheduleListener.of(w, totalSteps);
            case TRIANGULAR:
                CyclicalTracker c =
                        Tracker.cyclical()
                                .optBaseValue(lr / 10)
                                .optMaxValue(1.5f * lr)
                                .optStepSizeUp(Math.max(1, totalSteps / 8))
                                .optStepSizeDown(Math.max(1, totalSteps / 8))
                                .build();
                return ScheduleListener.of(c, totalSteps);
            case COOLDOWN:
                return ScheduleListener.of(
                        WarmupCooldownSchedule.builder()
                                .setLr(lr)
                                .setTotalSteps(totalSteps)
                                .optCooldownFraction(0.2)
                                .build());
            case ONE_CYCLE:
            default:
                ScheduleListener one =
                        Double.isNaN(onePeak)
                                ? OneCycleScheduler.fromSuggestion(result, totalSteps)
                                : OneCycleScheduler.fromSuggestion(result, totalSteps, onePeak);
                return ScheduleListener.of(one.schedule());
        }
    }

    private static CosineTracker cosine(float lr, int steps) {
        return Tracker.cosine().setBaseValue(lr).optFinalValue(0f).setMaxUpdates(steps).build();
    }
}
