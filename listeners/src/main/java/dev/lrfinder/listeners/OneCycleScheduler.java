package dev.lrfinder.listeners;

import dev.lrfinder.core.Annealing;
import dev.lrfinder.core.OneCycleSchedule;
import dev.lrfinder.core.SuggestionRules;

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
 * beta1}.
 */
public class OneCycleScheduler extends ScheduleListener {

    /**
     * The peak learning rate {@link #fromSuggestion(LrFinderResult, int)} sets for SGD and Nag, as
     * a multiple of the suggestion: with momentum cycling and annealing, one cycle trains well at
     * peaks above the best constant rate (Smith's super-convergence). Chosen by the study in
     * docs/SCHEDULES.md.
     */
    public static final double PEAK_PER_SUGGESTION_SGD = 3;

    /**
     * The peak learning rate {@link #fromSuggestion(LrFinderResult, int)} sets for adaptive
     * optimizers (Adam, AdamW, RmsProp, Adagrad, anything but SGD and Nag), as a multiple of the
     * suggestion. Chosen by the study in docs/SCHEDULES.md.
     */
    public static final double PEAK_PER_SUGGESTION_ADAPTIVE = 1;

    private double suggestion = Double.NaN;

    /**
     * Creates a scheduler.
     *
     * @param schedule the one-cycle schedule
     * @param startStep the step to start from
     */
    protected OneCycleScheduler(OneCycleSchedule schedule, int startStep) {
        super(schedule, startStep);
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
     * DefaultTrainingConfig}, with PyTorch's defaults but the peak. The peak multiplies the
     * {@code minimum} rule's suggestion (the rule the study in docs/SCHEDULES.md measured the
     * multipliers on, whatever the result's default rule) and depends on the optimizer the trainer
     * was built with, which the scheduler looks up when training begins: {@link
     * #PEAK_PER_SUGGESTION_SGD} x for SGD and Nag, {@link #PEAK_PER_SUGGESTION_ADAPTIVE} x for the
     * others.
     *
     * @param result a range-test result with a suggestion
     * @param totalSteps the optimizer steps of the training run
     * @return the scheduler
     * @throws IllegalStateException if the result has no suggestion
     */
    public static OneCycleScheduler fromSuggestion(LrFinderResult result, int totalSteps) {
        double lr = anchor(result);
        OneCycleScheduler s =
                builder().setMaxLr(PEAK_PER_SUGGESTION_ADAPTIVE * lr).setTotalSteps(totalSteps).build();
        s.suggestion = lr;
        return s;
    }

    /**
     * The learning rate the peak multiplies: the {@code minimum} rule's suggestion, on which the
     * multipliers were measured, or the result's own suggestion when that rule gave none.
     */
    private static double anchor(LrFinderResult result) {
        return result.suggestions()
                .getOrDefault(SuggestionRules.minimum().name(), java.util.Optional.empty())
                .or(result::findSuggestion)
                .orElseGet(result::suggestion)
                .learningRate();
    }

    /** {@inheritDoc} */
    @Override
    public void onTrainingBegin(ai.djl.training.Trainer trainer) {
        if (!Double.isNaN(suggestion)) {
            double k =
                    OptimizerAccess.find(trainer).map(OneCycleScheduler::peakPerSuggestion)
                            .orElse(PEAK_PER_SUGGESTION_ADAPTIVE);
            OneCycleSchedule s = schedule();
            replaceSchedule(s.withMaxLr(k * suggestion));
        }
        super.onTrainingBegin(trainer);
    }

    /**
     * Returns the multiple of the suggestion that {@link #fromSuggestion(LrFinderResult, int)}
     * makes the peak for an optimizer.
     *
     * @param optimizer the optimizer
     * @return {@link #PEAK_PER_SUGGESTION_SGD} for SGD and Nag, else {@link
     *     #PEAK_PER_SUGGESTION_ADAPTIVE}
     */
    public static double peakPerSuggestion(ai.djl.training.optimizer.Optimizer optimizer) {
        return optimizer instanceof ai.djl.training.optimizer.Sgd
                        || optimizer instanceof ai.djl.training.optimizer.Nag
                ? PEAK_PER_SUGGESTION_SGD
                : PEAK_PER_SUGGESTION_ADAPTIVE;
    }

    /**
     * Returns a one-cycle scheduler whose peak is a given multiple of a range test's suggestion.
     *
     * @param result a range-test result with a suggestion
     * @param totalSteps the optimizer steps of the training run
     * @param peakPerSuggestion the peak learning rate as a multiple of the suggestion, &gt; 0
     * @return the scheduler
     * @throws IllegalStateException if the result has no suggestion
     */
    public static OneCycleScheduler fromSuggestion(
            LrFinderResult result, int totalSteps, double peakPerSuggestion) {
        if (!(peakPerSuggestion > 0)) {
            throw new IllegalArgumentException(
                    "peakPerSuggestion must be > 0, got " + peakPerSuggestion);
        }
        double lr = result.suggestion().learningRate();
        return builder().setMaxLr(peakPerSuggestion * lr).setTotalSteps(totalSteps).build();
    }

    /**
     * Returns the schedule.
     *
     * @return the one-cycle schedule
     */
    @Override
    public OneCycleSchedule schedule() {
        return (OneCycleSchedule) super.schedule();
    }

    /** Configures a {@link OneCycleScheduler}. */
    public static final class Builder {

        private final OneCycleSchedule.Builder schedule = OneCycleSchedule.builder();
        private int startStep;

        Builder() {}

        /**
         * Sets the peak learning rate (required).
         *
         * @param maxLr &gt; 0
         * @return this builder
         */
        public Builder setMaxLr(double maxLr) {
            schedule.setMaxLr(maxLr);
            return this;
        }

        /**
         * Sets the optimizer steps of the whole run (required).
         *
         * @param totalSteps &gt; 0
         * @return this builder
         */
        public Builder setTotalSteps(int totalSteps) {
            schedule.setTotalSteps(totalSteps);
            return this;
        }

        /**
         * Sets the steps as epochs x steps per epoch (instead of {@link #setTotalSteps(int)}).
         *
         * @param epochs &gt; 0
         * @param stepsPerEpoch &gt; 0
         * @return this builder
         */
        public Builder setTotalSteps(int epochs, int stepsPerEpoch) {
            schedule.setTotalSteps(epochs, stepsPerEpoch);
            return this;
        }

        /**
         * Sets the warm-up fraction (default 0.3).
         *
         * @param warmupFraction in (0, 1)
         * @return this builder
         */
        public Builder optWarmupFraction(double warmupFraction) {
            schedule.optWarmupFraction(warmupFraction);
            return this;
        }

        /**
         * Sets the initial divisor (default 25).
         *
         * @param divFactor &gt; 0
         * @return this builder
         */
        public Builder optDivFactor(double divFactor) {
            schedule.optDivFactor(divFactor);
            return this;
        }

        /**
         * Sets the final divisor (default 1e4).
         *
         * @param finalDivFactor &gt; 0
         * @return this builder
         */
        public Builder optFinalDivFactor(double finalDivFactor) {
            schedule.optFinalDivFactor(finalDivFactor);
            return this;
        }

        /**
         * Sets cosine or linear annealing (default cosine).
         *
         * @param annealing the annealing
         * @return this builder
         */
        public Builder optAnnealing(Annealing annealing) {
            schedule.optAnnealing(annealing);
            return this;
        }

        /**
         * Uses the three-phase variant (default false).
         *
         * @param threePhase whether to use three phases
         * @return this builder
         */
        public Builder optThreePhase(boolean threePhase) {
            schedule.optThreePhase(threePhase);
            return this;
        }

        /**
         * Sets the momentum range (default 0.95 and 0.85).
         *
         * @param max momentum at the ends
         * @param base momentum at the peak learning rate
         * @return this builder
         */
        public Builder optMomentum(double max, double base) {
            schedule.optMomentum(max, base);
            return this;
        }

        /**
         * Turns momentum cycling on or off (default on).
         *
         * @param cycleMomentum whether to schedule momentum
         * @return this builder
         */
        public Builder optCycleMomentum(boolean cycleMomentum) {
            schedule.optCycleMomentum(cycleMomentum);
            return this;
        }

        /**
         * Starts at step {@code k}, e.g. for a restarted job (default 0).
         *
         * @param startStep &gt;= 0
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
            return new OneCycleScheduler(schedule.build(), startStep);
        }
    }
}
