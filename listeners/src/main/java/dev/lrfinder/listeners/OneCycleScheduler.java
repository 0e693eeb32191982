package dev.lrfinder.listeners;

import dev.lrfinder.core.PlannedRate;
import dev.lrfinder.core.SchedulePeak;
import dev.lrfinder.core.Suggestion;
import dev.lrfinder.core.SuggestionRules;
import dev.lrfinder.core.TrainingPlan;
import dev.lrfinder.core.schedule.OneCycleOptions;
import dev.lrfinder.core.schedule.OneCycleSchedule;
import java.util.Optional;

/**
 * Makes Smith's one-cycle policy for DJL: the learning rate warms up from {@code maxLr / divFactor}
 * to {@code maxLr} and anneals far below the start, the momentum moves the opposite way (0.95,
 * 0.85, 0.95). Parameters and defaults are those of PyTorch's {@code OneCycleLR}; see {@link
 * OneCycleSchedule}. It makes a {@link ScheduleListener} (learning rate and momentum) or, through
 * {@link #scheduleFor}, the schedule for a {@link ScheduleTracker} (learning rate only).
 *
 * <pre>{@code
 * LrFinderResult found = LrFinder.builder().build().find(trainer, trainingSet);
 * ScheduleListener oneCycle = OneCycleScheduler.fromSuggestion(found, epochs * stepsPerEpoch);
 * DefaultTrainingConfig next = new DefaultTrainingConfig(loss).optOptimizer(sgd)
 *         .addTrainingListeners(oneCycle);   // a new config: not the range test's
 * }</pre>
 *
 * <p>The listener wires itself to the optimizer as {@link ScheduleListener} describes: the learning
 * rate through the optimizer's tracker and the momentum through SGD's {@code momentum} or Adam's
 * {@code beta1}. Its schedule is fixed when it is built: {@code schedule()} is what training gets.
 */
public final class OneCycleScheduler {

    /**
     * For SGD and Nag when the plan's batch differs from the test's and the test's is unknown (a
     * result made by {@code LrFinderResult.of}) or the curve has no level to read: the peak as a
     * multiple of the {@code minimum} rule's suggestion, chosen by the study in docs/SCHEDULES.md.
     */
    static final double PEAK_PER_SUGGESTION_SGD = 3;

    /**
     * For adaptive optimizers (Adam, AdamW, RmsProp, Adagrad, anything but SGD and Nag): the peak
     * as a multiple of the {@code minimum} rule's suggestion. Chosen by the study in
     * docs/SCHEDULES.md.
     */
    static final double PEAK_PER_SUGGESTION_ADAPTIVE = 1;

    private static final String NAME = "OneCycleScheduler";

    private OneCycleScheduler() {}

    /**
     * Returns a builder; {@code setMaxLr} and {@code setTotalSteps} are required.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns a one-cycle schedule listener for a range test's result, ready to add to the {@code
     * DefaultTrainingConfig} of the next training run, with the schedule of {@link
     * #scheduleFor(LrFinderResult, int)}.
     *
     * @param result a range-test result with a suggestion
     * @param totalSteps the optimizer steps of the training run
     * @return the listener
     * @throws IllegalStateException if the result has no suggestion
     */
    public static ScheduleListener fromSuggestion(LrFinderResult result, int totalSteps) {
        return new ScheduleListener(scheduleFor(result, totalSteps), 0, NAME);
    }

    /**
     * Returns a one-cycle schedule listener for a range test's result and a planned run, with the
     * schedule of {@link #scheduleFor(LrFinderResult, TrainingPlan)}.
     *
     * @param result a range-test result with a suggestion
     * @param plan the training run: its steps and, when it differs from the test's, its batch
     * @return the listener
     * @throws IllegalStateException if the result has no suggestion
     */
    public static ScheduleListener fromSuggestion(LrFinderResult result, TrainingPlan plan) {
        return new ScheduleListener(scheduleFor(result, plan), 0, NAME);
    }

    /**
     * Returns the one-cycle schedule for a range test's result and a run of so many steps: {@link
     * #scheduleFor(LrFinderResult, TrainingPlan)}, at the batch size of the plan the test was
     * configured with, or else at the test's own.
     *
     * <p>For a DJL tracker: {@code
     * Optimizer.sgd().setLearningRateTracker(ScheduleTracker.of(scheduleFor(result, steps)))}.
     *
     * @param result a range-test result with a suggestion
     * @param totalSteps the optimizer steps of the training run
     * @return the schedule
     * @throws IllegalStateException if the result has no suggestion
     */
    public static OneCycleSchedule scheduleFor(LrFinderResult result, int totalSteps) {
        TrainingPlan.Builder plan = TrainingPlan.builder().setSteps(totalSteps);
        result.plan()
                .flatMap(p -> p.batchSize().stream().boxed().findFirst())
                .ifPresent(plan::optBatchSize);
        return scheduleFor(result, plan.build());
    }

    /**
     * Returns the one-cycle schedule for a range test's result and a planned run, with PyTorch's
     * defaults but the peak. When the test drove SGD or Nag, the plan could use it (its batch is
     * the test's, or the test's is known) and its curve has a level, the peak is 2 x the planned
     * constant rate for the run ({@link LrFinderResult#suggestion(TrainingPlan)}; a cycle's mean
     * rate is about half its peak), at most {@link PlannedRate#ONSET_CAP} of the turn, where the
     * loss turns worse for good ({@link SchedulePeak}). Otherwise it is 3 x the anchor for SGD and
     * Nag and 1 x for any other optimizer (including one the test could not see); the anchor is the
     * {@code minimum} rule's suggestion when the result's verdict is confident, and the result's
     * own suggestion when it is not (on a flat curve {@code minimum} reads noise).
     * docs/BENCHMARKS.md measures both against a grid of one-cycle peaks.
     *
     * @param result a range-test result with a suggestion
     * @param plan the training run: its steps and, when it differs from the test's, its batch
     * @return the schedule
     * @throws IllegalStateException if the result has no suggestion
     */
    public static OneCycleSchedule scheduleFor(LrFinderResult result, TrainingPlan plan) {
        return OneCycleSchedule.builder()
                .setMaxLr(peak(result, plan))
                .setTotalSteps(plan.steps())
                .build();
    }

    /**
     * The peak of {@link #scheduleFor(LrFinderResult, TrainingPlan)}: for SGD and Nag whose planned
     * rate the plan scaled (from the reach, or from {@code guarded}'s reading for want of a clear
     * descent), {@link SchedulePeak}'s for a cycle's mean of half its peak (twice the planned rate,
     * at most half the turn); else {@link #peakPerSuggestion} times the {@link #anchor}.
     */
    static double peak(LrFinderResult result, TrainingPlan plan) {
        PlannedRate planned = result.plannedRate(plan);
        boolean sgdPlanned =
                planned.branch() == PlannedRate.Branch.SCALED
                        || planned.branch() == PlannedRate.Branch.SCALED_FROM_GUARDED;
        if (sgdPlanned && result.analysis().readable()) {
            return SchedulePeak.of(planned, SchedulePeak.HALF);
        }
        return peakPerSuggestion(result) * anchor(result);
    }

    private static boolean sgd(LrFinderResult result) {
        return result.optimizerFamily() == dev.lrfinder.core.OptimizerFamily.SGD;
    }

    /**
     * Returns a one-cycle schedule whose peak is a given multiple of an anchor: the {@code minimum}
     * rule's suggestion on a confident curve, else (or when that rule gave none) the result's own;
     * the anchor {@link #scheduleFor(LrFinderResult, TrainingPlan)} falls back to when it cannot
     * use the plan.
     *
     * @param result a range-test result with a suggestion
     * @param totalSteps the optimizer steps of the training run
     * @param peakPerSuggestion the peak learning rate as a multiple of the suggestion, &gt; 0
     * @return the schedule
     * @throws IllegalStateException if the result has no suggestion
     */
    static OneCycleSchedule scheduleFor(
            LrFinderResult result, int totalSteps, double peakPerSuggestion) {
        if (!(peakPerSuggestion > 0) || Double.isInfinite(peakPerSuggestion)) {
            throw new IllegalArgumentException(
                    "peakPerSuggestion must be a finite number > 0, got " + peakPerSuggestion);
        }
        return OneCycleSchedule.builder()
                .setMaxLr(peakPerSuggestion * anchor(result))
                .setTotalSteps(totalSteps)
                .build();
    }

    /**
     * The learning rate the peak multiplies: the minimum rule's on a confident curve (the rule the
     * multiples were measured on), else the result's own suggestion.
     */
    static double anchor(LrFinderResult result) {
        Optional<Suggestion> minimum =
                result.verdict().confident()
                        ? result.suggestions()
                                .getOrDefault(SuggestionRules.minimum().name(), Optional.empty())
                        : Optional.empty();
        return minimum.or(result::findSuggestion).orElseGet(result::suggestion).learningRate();
    }

    /**
     * Returns the multiple of the anchor that {@link #scheduleFor(LrFinderResult, TrainingPlan)}
     * makes the peak when it cannot use the plan, for the optimizer the result's test drove.
     *
     * @param result a range-test result
     * @return 3 for SGD and Nag, else 1
     */
    static double peakPerSuggestion(LrFinderResult result) {
        return sgd(result) ? PEAK_PER_SUGGESTION_SGD : PEAK_PER_SUGGESTION_ADAPTIVE;
    }

    /**
     * Configures a one-cycle {@link ScheduleListener}: the one-cycle options of {@link
     * OneCycleOptions} ({@code setMaxLr} and {@code setTotalSteps} required) and the step to start
     * from.
     */
    public static final class Builder extends OneCycleOptions<Builder> {

        private int startStep;

        Builder() {}

        /** {@inheritDoc} */
        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Starts at step {@code k}, e.g. for a restarted job (default 0).
         *
         * @param startStep in [0, totalSteps)
         * @return this builder
         */
        public Builder optStartStep(int startStep) {
            this.startStep = startStep;
            return this;
        }

        /**
         * Builds the listener.
         *
         * @return the listener, whose {@code schedule()} is a {@link OneCycleSchedule}
         * @throws IllegalArgumentException if a parameter is out of range, naming it and its value
         */
        public ScheduleListener build() {
            return new ScheduleListener(buildSchedule(), startStep, NAME);
        }
    }
}
