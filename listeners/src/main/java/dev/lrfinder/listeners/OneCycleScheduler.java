package dev.lrfinder.listeners;

import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.training.optimizer.Nag;
import ai.djl.training.optimizer.Sgd;
import ai.djl.training.tracker.ParameterTracker;
import dev.lrfinder.core.OneCycleOptions;
import dev.lrfinder.core.OneCycleSchedule;
import dev.lrfinder.core.Suggestion;
import dev.lrfinder.core.SuggestionRules;
import java.util.Optional;

/**
 * Smith's one-cycle policy as a DJL {@code TrainingListener}: the learning rate warms up from
 * {@code maxLr / divFactor} to {@code maxLr} and anneals far below the start, the momentum moves
 * the opposite way (0.95, 0.85, 0.95). Parameters and defaults are those of PyTorch's {@code
 * OneCycleLR}; see {@link OneCycleSchedule}.
 *
 * <pre>{@code
 * LrFinderResult found = LrFinder.builder().build().find(trainer, trainingSet);
 * config.addTrainingListeners(OneCycleScheduler.fromSuggestion(found, epochs * stepsPerEpoch));
 * }</pre>
 *
 * <p>It wires itself to the optimizer as {@link ScheduleListener} describes: the learning rate
 * through the optimizer's tracker and the momentum through SGD's {@code momentum} or Adam's {@code
 * beta1}. Its schedule is fixed when it is built: {@link #schedule()} is what training gets.
 */
public final class OneCycleScheduler extends TrainingListenerAdapter {

    /**
     * The peak learning rate {@link #fromSuggestion(LrFinderResult, int)} sets for SGD and Nag, as
     * a multiple of the {@code minimum} rule's suggestion: with momentum cycling and annealing, one
     * cycle trains well at peaks above the best constant rate (Smith's super-convergence). Chosen
     * by the study in docs/SCHEDULES.md.
     */
    public static final double PEAK_PER_SUGGESTION_SGD = 3;

    /**
     * The peak learning rate {@link #fromSuggestion(LrFinderResult, int)} sets for adaptive
     * optimizers (Adam, AdamW, RmsProp, Adagrad, anything but SGD and Nag), as a multiple of the
     * {@code minimum} rule's suggestion. Chosen by the study in docs/SCHEDULES.md.
     */
    public static final double PEAK_PER_SUGGESTION_ADAPTIVE = 1;

    private final OneCycleSchedule schedule;
    private final ScheduleListener driver;

    private OneCycleScheduler(OneCycleSchedule schedule, int startStep) {
        this.schedule = schedule;
        this.driver = new ScheduleListener(schedule, startStep, "OneCycleScheduler");
    }

    /**
     * Returns a builder; {@code setMaxLr} and {@code setTotalSteps} are required.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns a one-cycle scheduler for a range test's result, ready to add to a {@code
     * DefaultTrainingConfig}, with PyTorch's defaults but the peak: {@link
     * #PEAK_PER_SUGGESTION_SGD} x the anchor when the test drove SGD or Nag, {@link
     * #PEAK_PER_SUGGESTION_ADAPTIVE} x for any other optimizer (including one the test could not
     * see), the multiples docs/SCHEDULES.md measured. The anchor is the {@code minimum} rule's
     * suggestion when the result's verdict is confident, and the result's own suggestion when it is
     * not: on a flat curve (a warm model) {@code minimum} reads noise, while the default rule falls
     * back to the onset (docs/BENCHMARKS.md).
     *
     * @param result a range-test result with a suggestion
     * @param totalSteps the optimizer steps of the training run
     * @return the scheduler
     * @throws IllegalStateException if the result has no suggestion
     */
    public static OneCycleScheduler fromSuggestion(LrFinderResult result, int totalSteps) {
        return fromSuggestion(result, totalSteps, peakPerSuggestion(result));
    }

    /**
     * Returns a one-cycle scheduler whose peak is a given multiple of the same suggestion {@link
     * #fromSuggestion(LrFinderResult, int)} anchors on: the {@code minimum} rule's on a confident
     * curve, else (or when that rule gave none) the result's own.
     *
     * @param result a range-test result with a suggestion
     * @param totalSteps the optimizer steps of the training run
     * @param peakPerSuggestion the peak learning rate as a multiple of the suggestion, &gt; 0
     * @return the scheduler
     * @throws IllegalStateException if the result has no suggestion
     */
    public static OneCycleScheduler fromSuggestion(
            LrFinderResult result, int totalSteps, double peakPerSuggestion) {
        if (!(peakPerSuggestion > 0) || Double.isInfinite(peakPerSuggestion)) {
            throw new IllegalArgumentException(
                    "peakPerSuggestion must be a finite number > 0, got " + peakPerSuggestion);
        }
        return builder()
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
     * Returns the multiple of the suggestion that {@link #fromSuggestion(LrFinderResult, int)}
     * makes the peak for the optimizer the result's test drove.
     *
     * @param result a range-test result
     * @return {@link #PEAK_PER_SUGGESTION_SGD} for SGD and Nag, else {@link
     *     #PEAK_PER_SUGGESTION_ADAPTIVE}
     */
    public static double peakPerSuggestion(LrFinderResult result) {
        String optimizer = result.optimizer().orElse("");
        return optimizer.equals(Sgd.class.getSimpleName())
                        || optimizer.equals(Nag.class.getSimpleName())
                ? PEAK_PER_SUGGESTION_SGD
                : PEAK_PER_SUGGESTION_ADAPTIVE;
    }

    /**
     * Returns the schedule.
     *
     * @return the one-cycle schedule training gets
     */
    public OneCycleSchedule schedule() {
        return schedule;
    }

    /**
     * Returns the tracker for explicit wiring, e.g. {@code
     * Optimizer.sgd().setLearningRateTracker(scheduler.tracker())}.
     *
     * @return the tracker whose value this listener sets before each step
     */
    public ParameterTracker tracker() {
        return driver.tracker();
    }

    /**
     * Returns the step the next batch trains.
     *
     * @return the step, from 0
     */
    public int step() {
        return driver.step();
    }

    /**
     * Moves the schedule to a step, e.g. to resume a job at step {@code k}.
     *
     * @param step the step the next batch trains, &gt;= 0
     */
    public void setStep(int step) {
        driver.setStep(step);
    }

    /**
     * Returns the learning rate the last or next step uses.
     *
     * @return the learning rate
     */
    public float currentLearningRate() {
        return driver.currentLearningRate();
    }

    /**
     * Returns the momentum the scheduler set last, or NaN when it does not schedule momentum.
     *
     * @return the momentum or NaN
     */
    public float currentMomentum() {
        return driver.currentMomentum();
    }

    /** {@inheritDoc} */
    @Override
    public void onTrainingBegin(Trainer trainer) {
        driver.onTrainingBegin(trainer);
    }

    /** {@inheritDoc} */
    @Override
    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
        driver.onTrainingBatch(trainer, batchData);
    }

    /** {@inheritDoc} */
    @Override
    public void onTrainingEnd(Trainer trainer) {
        driver.onTrainingEnd(trainer);
    }

    /**
     * Configures a {@link OneCycleScheduler}: the one-cycle options of {@link OneCycleOptions}
     * ({@code setMaxLr} and {@code setTotalSteps} required) and the step to start from.
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
         * Builds the scheduler.
         *
         * @return the scheduler
         * @throws IllegalArgumentException if a parameter is out of range, naming it and its value
         */
        public OneCycleScheduler build() {
            return new OneCycleScheduler(buildSchedule(), startStep);
        }
    }
}
