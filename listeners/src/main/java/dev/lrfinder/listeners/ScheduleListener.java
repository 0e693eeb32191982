package dev.lrfinder.listeners;

import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.ParameterTracker;
import ai.djl.training.tracker.Tracker;
import dev.lrfinder.core.schedule.LrSchedule;
import java.lang.reflect.Field;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code TrainingListener} that drives the optimizer's learning rate, and its momentum when the
 * schedule gives one, from an {@link LrSchedule}: before every optimizer step it sets the values of
 * the current step. It wires itself like {@link LrRangeTestListener}: explicitly, by building the
 * optimizer with {@link #tracker()}, or automatically, by installing its tracker at {@code
 * onTrainingBegin} and putting the original back at {@code onTrainingEnd}. An optimizer built with
 * a {@link ScheduleTracker} of the same schedule keeps it: the listener then moves the momentum
 * alone.
 *
 * <pre>{@code
 * LrSchedule schedule = WarmupCooldownSchedule.builder().setLr(0.05).setTotalSteps(1000)
 *         .optWarmupFraction(0.1).optCooldownFraction(0.2).build();
 * config.addTrainingListeners(ScheduleListener.of(schedule));
 * }</pre>
 *
 * <p>Momentum (SGD's and Nag's {@code momentum}, Adam's and AdamW's {@code beta1}) is fixed when
 * DJL builds the optimizer, but read at every update, so the listener writes it before each step
 * and writes the original back at the end. That needs the optimizer object, which the listener
 * finds inside the trainer in both wirings; an optimizer without momentum (Adagrad, RmsProp, whose
 * {@code momentum} is another quantity) gets the learning rate only, with one warning.
 *
 * <p>Steps past the schedule's total hold its last value and log one warning. A restarted job
 * continues the schedule with {@link #setStep(int)}.
 *
 * <p>Its step belongs to one trainer: every trainer built from a config that holds the listener
 * (k-fold, retraining) starts the schedule again at the start step. A listener added to the config
 * after its trainer was built (DJL then calls {@code onTrainingBatch} but never {@code
 * onTrainingBegin}) installs itself at that trainer's first batch, whose update then follows the
 * schedule's first step. Batches of an earlier trainer that is still open when a newer one begins
 * fail with an {@link IllegalStateException}.
 */
public final class ScheduleListener extends TrainingListenerAdapter {

    private static final Logger logger = LoggerFactory.getLogger(ScheduleListener.class);

    private final LrSchedule schedule;
    private final DrivenTracker tracker;
    private final String name;
    private final int startStep;
    private int step;
    private int nextStart;
    private boolean warnedPastEnd;
    private final TrackerOverride override;
    private Trainer trainer;
    private Optimizer optimizer;
    private Field momentumField;
    private float originalMomentum;

    /**
     * Creates a listener for a schedule.
     *
     * @param schedule the schedule
     * @param startStep the step to start from (0 for a new run), below the schedule's total
     * @param name the name its messages give
     */
    ScheduleListener(LrSchedule schedule, int startStep, String name) {
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        if (startStep < 0 || startStep >= schedule.totalSteps()) {
            throw new IllegalArgumentException(
                    "startStep must be in [0, totalSteps "
                            + schedule.totalSteps()
                            + "), got "
                            + startStep);
        }
        this.startStep = startStep;
        this.step = startStep;
        this.nextStart = startStep;
        this.tracker = new DrivenTracker((float) schedule.learningRate(startStep), name);
        this.name = name;
        this.override = new TrackerOverride(tracker, name);
    }

    /**
     * Returns a listener that follows any schedule.
     *
     * @param schedule the schedule
     * @return the listener
     */
    public static ScheduleListener of(LrSchedule schedule) {
        return new ScheduleListener(schedule, 0, "ScheduleListener");
    }

    /**
     * Returns a listener that follows one of DJL's trackers (cosine, cyclical, warm-up, factor),
     * asking it for step {@code numUpdate = step + 1} as DJL's optimizers do.
     *
     * @param djlTracker the tracker
     * @param totalSteps the steps of the run
     * @return the listener
     */
    public static ScheduleListener of(Tracker djlTracker, int totalSteps) {
        Objects.requireNonNull(djlTracker, "djlTracker");
        if (totalSteps <= 0) {
            throw new IllegalArgumentException("totalSteps must be > 0, got " + totalSteps);
        }
        return of(
                new LrSchedule() {
                    @Override
                    public double learningRate(int step) {
                        return djlTracker.getNewValue(Math.min(step, totalSteps - 1) + 1);
                    }

                    @Override
                    public int totalSteps() {
                        return totalSteps;
                    }
                });
    }

    /**
     * Returns the tracker for explicit wiring, e.g. {@code
     * Optimizer.sgd().setLearningRateTracker(scheduler.tracker())}.
     *
     * @return the tracker whose value this listener sets before each step
     */
    public ParameterTracker tracker() {
        return override.explicitTracker();
    }

    /**
     * Returns the schedule.
     *
     * @return the schedule
     */
    public LrSchedule schedule() {
        return schedule;
    }

    /**
     * Returns the step the next batch trains.
     *
     * @return the step, from 0
     */
    public int step() {
        return step;
    }

    /**
     * Moves the schedule to a step, e.g. to resume a job at step {@code k}: during training, the
     * next batch trains step {@code k}; before the trainer is built, its first batch does.
     *
     * @param step the step the next batch trains, &gt;= 0
     */
    public void setStep(int step) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + step);
        }
        if (trainer != null) {
            this.step = step;
        } else {
            this.nextStart = step;
        }
    }

    /**
     * Returns the learning rate the last or next step uses.
     *
     * @return the learning rate
     */
    public float currentLearningRate() {
        return tracker.get();
    }

    /**
     * Returns the momentum the listener set last, or NaN when it does not schedule momentum.
     *
     * @return the momentum or NaN
     */
    public float currentMomentum() {
        return momentumField == null ? Float.NaN : DjlInternals.getFloat(momentumField, optimizer);
    }

    /** {@inheritDoc} */
    @Override
    public void onTrainingBegin(Trainer trainer) {
        begin(trainer);
        apply();
    }

    /** {@inheritDoc} */
    @Override
    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
        if (trainer != this.trainer) {
            if (this.trainer != null) {
                throw new IllegalStateException(
                        name
                                + ": this trainer's schedule was restarted by a newer trainer,"
                                + " built from the same TrainingConfig while this one was open; one"
                                + " listener drives one trainer at a time. Close a trainer before"
                                + " building the next, or give each trainer its own listener.");
            }
            // added to the config after this trainer was built: no onTrainingBegin came
            begin(trainer);
        }
        apply();
        step++;
    }

    /** {@inheritDoc} */
    @Override
    public void onTrainingEnd(Trainer trainer) {
        if (trainer == this.trainer) {
            end();
        }
    }

    /** Starts the schedule on a trainer, from the start step. */
    private void begin(Trainer trainer) {
        end();
        this.trainer = trainer;
        step = nextStart;
        nextStart = startStep;
        warnedPastEnd = false;
        DjlInternals.Location location = DjlInternals.locate(trainer).orElse(null);
        if (location != null
                && DjlInternals.learningRate(location.optimizer(), name)
                        instanceof ScheduleTracker own
                && own.schedule() == schedule) {
            optimizer = location.optimizer(); // the optimizer follows this schedule already
        } else {
            optimizer = override.install(trainer, location);
        }
        if (optimizer != null) {
            if (!Double.isNaN(schedule.momentum(0))) {
                momentumField = DjlInternals.momentumField(optimizer).orElse(null);
                if (momentumField == null) {
                    logger.warn(
                            "{}: {} has no momentum to schedule; scheduling the learning rate"
                                    + " only",
                            name,
                            optimizer.getClass().getSimpleName());
                } else {
                    originalMomentum = DjlInternals.getFloat(momentumField, optimizer);
                }
            }
        } else if (!Double.isNaN(schedule.momentum(0))) {
            logger.warn("{}: cannot reach the optimizer, so momentum is not scheduled", name);
        }
    }

    /** Puts the original tracker and momentum back. */
    private void end() {
        override.restore();
        if (optimizer != null && momentumField != null) {
            DjlInternals.setFloat(momentumField, optimizer, originalMomentum);
        }
        momentumField = null;
        optimizer = null;
        trainer = null;
    }

    /** Sets the learning rate and momentum of the current step. */
    private void apply() {
        if (step >= schedule.totalSteps() && !warnedPastEnd) {
            warnedPastEnd = true;
            logger.warn(
                    "{}: step {} is past the schedule's {} steps; holding its last learning"
                            + " rate {}",
                    name,
                    step,
                    schedule.totalSteps(),
                    schedule.learningRate(step));
        }
        tracker.set((float) schedule.learningRate(step));
        if (momentumField != null) {
            DjlInternals.setFloat(momentumField, optimizer, (float) schedule.momentum(step));
        }
    }
}
