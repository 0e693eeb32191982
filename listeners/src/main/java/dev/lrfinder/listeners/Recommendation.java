package dev.lrfinder.listeners;

import ai.djl.training.listener.TrainingListener;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.ParameterTracker;
import dev.lrfinder.core.OptimizerFamily;
import dev.lrfinder.core.PlannedRate;
import dev.lrfinder.core.SchedulePeak;
import dev.lrfinder.core.TrainingPlan;
import dev.lrfinder.core.schedule.Annealing;
import dev.lrfinder.core.schedule.LrSchedule;
import dev.lrfinder.core.schedule.OneCycleSchedule;
import dev.lrfinder.core.schedule.PhasedSchedule;
import dev.lrfinder.core.schedule.WarmupCooldownSchedule;
import dev.lrfinder.listeners.averaging.WeightAveraging;
import dev.lrfinder.listeners.optimizers.ScheduleFreeAdamW;
import dev.lrfinder.listeners.optimizers.ScheduleFreeSgd;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The whole answer of a range test for a planned run: the optimizer, its learning rate and
 * schedule, the listeners to add, and why. {@link LrFinderResult#recommend(TrainingPlan)} gives the
 * run the study in docs/SCHEDULES.md found best for the family of the optimizer the test drove;
 * {@link #of(LrFinderResult, TrainingPlan, Method, boolean)} builds any other method from the same
 * result.
 *
 * <pre>{@code
 * LrFinderResult result = LrFinder.builder().build().find(trainer, trainingSet);
 * Recommendation run = result.recommend(TrainingPlan.ofSteps(epochs * stepsPerEpoch));
 * System.out.println(run);
 * TrainingConfig config = new DefaultTrainingConfig(loss).optOptimizer(run.optimizer());
 * run.listeners().forEach(config::addTrainingListeners);
 * }</pre>
 *
 * <p>The rates: a constant rate is the {@link PlannedRate planned} rate; a decaying schedule
 * (one-cycle, cosine, warmup-stable-decay, linear to zero) peaks where its mean rate equals the
 * planned rate, at most half the turn, where the loss turns worse for good ({@link SchedulePeak});
 * a schedule-free optimizer takes the planned rate read off a range test run with that optimizer,
 * times what its averaging lets a long run take beyond a range test ({@link #scheduleFreeMultiple},
 * about 3.8). Each call of {@link #optimizer()} and {@link #listeners()} builds new ones: a run
 * needs its own.
 */
public final class Recommendation {

    /** The warm-up of the schedule-free optimizers, as a fraction of the steps. */
    public static final double SCHEDULE_FREE_WARMUP = 0.05;

    /** How the learning rate moves over the run. */
    public enum Method {
        /**
         * The planned rate, held after a linear warm-up from 0 over the first 5 % ({@link
         * WarmupCooldownSchedule#warmupConstant}): the range test reached the rate only after
         * hundreds of steps at smaller ones, and a cold start at it can fail where the test did
         * not.
         */
        CONSTANT("constant rate"),
        /** Smith's one-cycle (learning rate and momentum), {@link OneCycleScheduler}. */
        ONE_CYCLE("one-cycle"),
        /** A half cosine from the peak to 0. */
        COSINE("cosine to 0"),
        /** Warmup-stable-decay with a 1 - sqrt cool-down ({@link WarmupCooldownSchedule#wsd}). */
        WSD("warmup-stable-decay"),
        /** A linear decay to 0 ({@link WarmupCooldownSchedule#linearToZero}). */
        LINEAR_TO_ZERO("linear decay to 0"),
        /** A schedule-free optimizer at a constant rate with a warm-up. */
        SCHEDULE_FREE("schedule-free");

        private final String label;

        Method(String label) {
            this.label = label;
        }

        /**
         * Returns the method in words.
         *
         * @return e.g. {@code warmup-stable-decay}
         */
        public String label() {
            return label;
        }
    }

    private final LrFinderResult result;
    private final OptimizerSeen seen;
    private final TrainingPlan plan;
    private final PlannedRate planned;
    private final Method method;
    private final boolean averaging;
    private final double learningRate;
    private final LrSchedule schedule;
    private final String why;

    private Recommendation(
            LrFinderResult result,
            TrainingPlan plan,
            Method method,
            boolean averaging,
            String why) {
        this(result, plan, method, averaging, why, Double.NaN);
    }

    private Recommendation(
            LrFinderResult result,
            TrainingPlan plan,
            Method method,
            boolean averaging,
            String why,
            double rateOverride) {
        this.result = result;
        this.seen = result.optimizerSeen();
        this.plan = plan;
        this.method = method;
        this.averaging = averaging;
        this.why = why;
        this.planned = result.plannedRate(plan);
        OptimizerFamily family = seen.family();
        if (family.scheduleFree() != (method == Method.SCHEDULE_FREE)) {
            throw new IllegalArgumentException(
                    "method "
                            + method
                            + " does not fit the optimizer the range test drove ("
                            + seen.name()
                            + ", "
                            + family
                            + "): "
                            + (family.scheduleFree()
                                    ? "a schedule-free optimizer takes method SCHEDULE_FREE"
                                    : "SCHEDULE_FREE needs a range test run with ScheduleFreeSgd"
                                            + " or ScheduleFreeAdamW"));
        }
        int steps = plan.steps();
        double rate = rateOverride > 0 ? rateOverride : rateFor(result, plan, method, planned);
        learningRate = rate;
        switch (method) {
            case ONE_CYCLE:
                schedule = OneCycleSchedule.builder().setMaxLr(rate).setTotalSteps(steps).build();
                break;
            case COSINE:
                schedule =
                        PhasedSchedule.builder()
                                .setTotalSteps(steps)
                                .addPhase(Math.max(0, steps - 1), Annealing.COSINE, rate, 0)
                                .build();
                break;
            case WSD:
                schedule = WarmupCooldownSchedule.wsd(rate, steps);
                break;
            case LINEAR_TO_ZERO:
                schedule = WarmupCooldownSchedule.linearToZero(rate, steps);
                break;
            case CONSTANT:
                schedule = WarmupCooldownSchedule.warmupConstant(rate, steps);
                break;
            default:
                schedule = null;
        }
    }

    /** The method's rate: the planned rate, a schedule's peak, or the schedule-free rate. */
    private static double rateFor(
            LrFinderResult result, TrainingPlan plan, Method method, PlannedRate planned) {
        int steps = plan.steps();
        switch (method) {
            case CONSTANT:
                return planned.learningRate();
            case ONE_CYCLE:
                return OneCycleScheduler.peak(result, plan);
            case COSINE:
                return SchedulePeak.of(planned, SchedulePeak.HALF);
            case WSD:
                return SchedulePeak.of(
                        planned, WarmupCooldownSchedule.wsd(1, steps).meanFraction());
            case LINEAR_TO_ZERO:
                return SchedulePeak.of(
                        planned, WarmupCooldownSchedule.linearToZero(1, steps).meanFraction());
            default:
                return scheduleFreeMultiple(result, planned) * planned.learningRate();
        }
    }

    /**
     * How much larger a schedule-free optimizer's rate can be in a long run than the range test
     * shows. Per step it moves the training point {@code y} by {@code lr (1 - beta (1 - c))} times
     * the base direction at once, {@code c} being the weight of the newest iterate in the average.
     * In a run at a constant rate {@code c} falls like {@code 1 / t}, so the immediate move is
     * {@code lr (1 - beta)}; in a range test whose rate grows by a factor {@code g} per step, the
     * weights {@code lr^2} grow geometrically and {@code c = 1 - 1 / g^2}. The same immediate move
     * is reached at a rate larger by {@code (1 - beta (1 - c)) / (1 - beta)}: about 3.8 for beta
     * 0.9 and the default sweep (1e-7 to 10 in 100 steps), with nothing fitted.
     */
    static double scheduleFreeMultiple(LrFinderResult result, PlannedRate planned) {
        double beta = result.optimizerSeen().momentum();
        List<dev.lrfinder.core.CurvePoint> points = result.curve().points();
        int i = Math.max(0, Math.min(points.size() - 2, planned.suggestion().index()));
        double growth =
                points.size() < 2
                        ? 1
                        : points.get(i + 1).learningRate() / points.get(i).learningRate();
        if (!(beta > 0 && beta < 1) || !(growth > 1)) {
            return 1;
        }
        double c = 1 - 1 / (growth * growth);
        return (1 - beta * (1 - c)) / (1 - beta);
    }

    /**
     * Returns the same run at another learning rate (the constant rate, the schedule's peak or the
     * schedule-free rate): to tune it by hand, or to try a multiple of the finder's.
     *
     * @param learningRate the rate, a finite number &gt; 0
     * @return the recommendation at that rate
     * @throws IllegalArgumentException if the rate is not a finite number &gt; 0
     */
    public Recommendation withLearningRate(double learningRate) {
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException(
                    "learningRate must be a finite number > 0, got " + learningRate);
        }
        return new Recommendation(
                result, plan, method, averaging, "rate set by hand", learningRate);
    }

    /**
     * Returns the run the study found best for the family of the optimizer the result's test drove
     * (docs/SCHEDULES.md): for SGD and Nag the planned constant rate with a {@link WeightAveraging}
     * (the best of all on the study's development scenarios); for adaptive or unknown optimizers
     * one-cycle with a weight average; for a schedule-free optimizer itself at its rate.
     *
     * @param result a range-test result with a suggestion
     * @param plan the run: its steps and, when it differs from the test's, its batch
     * @return the recommendation
     * @throws IllegalStateException if the result has no suggestion
     */
    public static Recommendation of(LrFinderResult result, TrainingPlan plan) {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(plan, "plan");
        switch (result.optimizerFamily()) {
            case SGD:
                return new Recommendation(
                        result,
                        plan,
                        Method.CONSTANT,
                        true,
                        "for SGD the study's best: the planned constant rate with a weight average"
                                + " (docs/SCHEDULES.md)");
            case SCHEDULE_FREE_SGD:
            case SCHEDULE_FREE_ADAMW:
                return new Recommendation(
                        result,
                        plan,
                        Method.SCHEDULE_FREE,
                        false,
                        "the optimizer averages its own iterates: no schedule, no other average");
            default:
                return new Recommendation(
                        result,
                        plan,
                        Method.ONE_CYCLE,
                        true,
                        "for adaptive optimizers the study's best: one-cycle with a weight average"
                                + " (docs/SCHEDULES.md)");
        }
    }

    /**
     * Returns a run of a given method from a result.
     *
     * @param result a range-test result with a suggestion
     * @param plan the run
     * @param method the method; {@link Method#SCHEDULE_FREE} exactly when the test drove a
     *     schedule-free optimizer
     * @param averaging whether to add {@link WeightAveraging}
     * @return the recommendation
     * @throws IllegalArgumentException if the method does not fit the optimizer, naming both
     * @throws IllegalStateException if the result has no suggestion
     */
    public static Recommendation of(
            LrFinderResult result, TrainingPlan plan, Method method, boolean averaging) {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(method, "method");
        return new Recommendation(result, plan, method, averaging, "asked for");
    }

    /**
     * Returns a new optimizer for the run, its rate (and schedule) set: of the kind the range test
     * drove, with its momentum and weight decay.
     *
     * @return a new optimizer
     */
    public Optimizer optimizer() {
        ParameterTracker rate =
                schedule == null || method == Method.ONE_CYCLE
                        ? ai.djl.training.tracker.Tracker.fixed((float) learningRate)
                        : ScheduleTracker.of(schedule);
        float momentum = Float.isNaN(seen.momentum()) ? 0.9f : seen.momentum();
        int warmup = (int) Math.round(SCHEDULE_FREE_WARMUP * plan.steps());
        switch (seen.family()) {
            case SCHEDULE_FREE_SGD:
                return ScheduleFreeSgd.builder()
                        .optLearningRate((float) learningRate)
                        .optWarmupSteps(warmup)
                        .optTotalSteps(plan.steps())
                        .optWeightDecays(seen.weightDecay())
                        .build();
            case SCHEDULE_FREE_ADAMW:
                return ScheduleFreeAdamW.builder()
                        .optLearningRate((float) learningRate)
                        .optWarmupSteps(warmup)
                        .optTotalSteps(plan.steps())
                        .optWeightDecays(seen.weightDecay())
                        .build();
            case SGD:
                return "Nag".equals(seen.name())
                        ? Optimizer.nag()
                                .setLearningRateTracker(rate)
                                .setMomentum(momentum)
                                .optWeightDecays(seen.weightDecay())
                                .build()
                        : Optimizer.sgd()
                                .setLearningRateTracker(rate)
                                .optMomentum(momentum)
                                .optWeightDecays(seen.weightDecay())
                                .build();
            default:
                return "Adam".equals(seen.name())
                        ? Optimizer.adam()
                                .optLearningRateTracker(rate)
                                .optWeightDecays(seen.weightDecay())
                                .build()
                        : Optimizer.adamW()
                                .optLearningRateTracker(rate)
                                .optWeightDecays(seen.weightDecay())
                                .build();
        }
    }

    /**
     * Returns new listeners to add to the run's {@code TrainingConfig}: one-cycle's schedule (it
     * moves the momentum too) and the weight average, when chosen; possibly none.
     *
     * @return the listeners, in the order to add them
     */
    public List<TrainingListener> listeners() {
        List<TrainingListener> out = new ArrayList<>();
        if (method == Method.ONE_CYCLE) {
            out.add(ScheduleListener.of(schedule));
        }
        if (averaging) {
            out.add(WeightAveraging.builder().setTotalSteps(plan.steps()).build());
        }
        return out;
    }

    /**
     * Returns how the rate moves.
     *
     * @return the method
     */
    public Method method() {
        return method;
    }

    /**
     * Tells whether the run averages its weights ({@link WeightAveraging}).
     *
     * @return true when a weight average is among the listeners
     */
    public boolean averaging() {
        return averaging;
    }

    /**
     * Returns the learning rate: the constant rate, the schedule's peak, or the schedule-free
     * optimizer's rate.
     *
     * @return the rate
     */
    public double learningRate() {
        return learningRate;
    }

    /**
     * Returns the planned constant rate the recommendation starts from, with its branch.
     *
     * @return the planned rate
     */
    public PlannedRate plannedRate() {
        return planned;
    }

    /**
     * Returns the plan.
     *
     * @return the plan
     */
    public TrainingPlan plan() {
        return plan;
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        String optimizer = seen.name() == null ? "the optimizer" : seen.name();
        String rate = String.format("%.4g", learningRate);
        StringBuilder sb = new StringBuilder();
        switch (method) {
            case CONSTANT:
                sb.append(optimizer)
                        .append(" at a constant ")
                        .append(rate)
                        .append(" after a ")
                        .append(Math.round(WarmupCooldownSchedule.WARMUP_FRACTION * 100))
                        .append(" % warm-up");
                break;
            case SCHEDULE_FREE:
                sb.append(optimizer)
                        .append(" at ")
                        .append(rate)
                        .append(" (warm-up ")
                        .append(Math.round(SCHEDULE_FREE_WARMUP * 100))
                        .append(" %), the model left at its averaged point after step ")
                        .append(plan.steps());
                break;
            default:
                sb.append(optimizer)
                        .append(", ")
                        .append(method.label())
                        .append(" peaking at ")
                        .append(rate);
        }
        if (averaging) {
            sb.append(", with a weight average over the last tenth left in the model");
        }
        sb.append(" for ")
                .append(plan.steps())
                .append(" steps. Why: ")
                .append(why)
                .append("; planned rate ")
                .append(planned);
        return sb.toString();
    }
}
