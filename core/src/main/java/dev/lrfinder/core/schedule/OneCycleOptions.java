package dev.lrfinder.core.schedule;

/**
 * The one-cycle options, shared by {@link OneCycleSchedule.Builder} and every other builder that
 * makes a one-cycle schedule (the listeners module's {@code OneCycleScheduler.Builder}); defaults
 * are PyTorch's {@code OneCycleLR}'s. Values are copied and checked when the schedule is built.
 *
 * @param <T> the concrete builder
 */
public abstract class OneCycleOptions<T extends OneCycleOptions<T>> {

    double maxLr = Double.NaN;
    int totalSteps;
    double warmupFraction = 0.3;
    double divFactor = 25;
    double finalDivFactor = 1e4;
    Annealing annealing = Annealing.COSINE;
    boolean threePhase;
    double maxMomentum = 0.95;
    double baseMomentum = 0.85;
    boolean cycleMomentum = true;

    /** Creates a builder with the defaults. */
    protected OneCycleOptions() {}

    /**
     * Returns this builder as its concrete type.
     *
     * @return this
     */
    protected abstract T self();

    /**
     * Sets the peak learning rate (required).
     *
     * @param maxLr &gt; 0
     * @return this builder
     */
    public T setMaxLr(double maxLr) {
        this.maxLr = maxLr;
        return self();
    }

    /**
     * Sets the number of optimizer steps of the whole run (required).
     *
     * @param totalSteps &gt; 0
     * @return this builder
     */
    public T setTotalSteps(int totalSteps) {
        this.totalSteps = totalSteps;
        return self();
    }

    /**
     * Sets the number of steps as epochs times steps per epoch.
     *
     * @param epochs &gt; 0
     * @param stepsPerEpoch &gt; 0
     * @return this builder
     */
    public T setTotalSteps(int epochs, int stepsPerEpoch) {
        if (epochs <= 0 || stepsPerEpoch <= 0) {
            throw new IllegalArgumentException(
                    "totalSteps must be > 0, got epochs "
                            + epochs
                            + " x stepsPerEpoch "
                            + stepsPerEpoch);
        }
        long steps = (long) epochs * stepsPerEpoch;
        if (steps > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "totalSteps must be <= "
                            + Integer.MAX_VALUE
                            + ", got epochs "
                            + epochs
                            + " x stepsPerEpoch "
                            + stepsPerEpoch
                            + " = "
                            + steps);
        }
        this.totalSteps = (int) steps;
        return self();
    }

    /**
     * Sets the fraction of the steps spent warming up (default 0.3, PyTorch's pct_start).
     *
     * @param warmupFraction in (0, 1)
     * @return this builder
     */
    public T optWarmupFraction(double warmupFraction) {
        this.warmupFraction = warmupFraction;
        return self();
    }

    /**
     * Sets the initial divisor: the schedule starts at {@code maxLr / divFactor} (default 25).
     *
     * @param divFactor &gt; 0
     * @return this builder
     */
    public T optDivFactor(double divFactor) {
        this.divFactor = divFactor;
        return self();
    }

    /**
     * Sets the final divisor: the schedule ends at {@code initial / finalDivFactor} (default 1e4).
     *
     * @param finalDivFactor &gt; 0
     * @return this builder
     */
    public T optFinalDivFactor(double finalDivFactor) {
        this.finalDivFactor = finalDivFactor;
        return self();
    }

    /**
     * Sets how values move within a phase (default cosine).
     *
     * @param annealing cosine or linear
     * @return this builder
     */
    public T optAnnealing(Annealing annealing) {
        this.annealing = java.util.Objects.requireNonNull(annealing, "annealing");
        return self();
    }

    /**
     * Uses three phases: up, back down to the start, then down to the final value (default false).
     *
     * @param threePhase whether to use three phases
     * @return this builder
     */
    public T optThreePhase(boolean threePhase) {
        this.threePhase = threePhase;
        return self();
    }

    /**
     * Sets the momentum range (default 0.95 and 0.85): momentum starts and ends at {@code max} and
     * is lowest where the learning rate peaks.
     *
     * @param max the momentum at the ends, in [0, 1)
     * @param base the momentum at the peak learning rate, in [0, 1)
     * @return this builder
     */
    public T optMomentum(double max, double base) {
        this.maxMomentum = max;
        this.baseMomentum = base;
        return self();
    }

    /**
     * Turns momentum cycling on or off (default on).
     *
     * @param cycleMomentum whether the schedule gives a momentum
     * @return this builder
     */
    public T optCycleMomentum(boolean cycleMomentum) {
        this.cycleMomentum = cycleMomentum;
        return self();
    }

    /**
     * Builds the schedule from the options set so far.
     *
     * @return the schedule
     * @throws IllegalArgumentException if a parameter is out of range, naming it and its value
     */
    protected OneCycleSchedule buildSchedule() {
        return new OneCycleSchedule(this);
    }
}
