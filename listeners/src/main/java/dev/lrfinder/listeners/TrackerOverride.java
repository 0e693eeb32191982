package dev.lrfinder.listeners;

import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.ParameterTracker;

/**
 * Puts a listener's learning-rate tracker in place of the one the trainer's optimizer was built
 * with, and the original back afterwards. A listener whose tracker the user wired explicitly
 * ({@link #explicitTracker()}) needs no swap, and may then run where the optimizer is out of reach.
 */
final class TrackerOverride {

    private final DrivenTracker tracker;
    private final String owner;
    private boolean explicit;
    private Optimizer installedOn;
    private ParameterTracker original;

    TrackerOverride(DrivenTracker tracker, String owner) {
        this.tracker = tracker;
        this.owner = owner;
    }

    /** Returns the tracker for the user to wire explicitly, and remembers that they did. */
    ParameterTracker explicitTracker() {
        explicit = true;
        return tracker;
    }

    /**
     * Installs the tracker on the trainer's optimizer unless it is already there.
     *
     * @param trainer the trainer
     * @param location where the trainer keeps its optimizer, or null when out of reach
     * @return the optimizer, or null when it is out of reach but the tracker was wired explicitly
     * @throws IllegalStateException if the optimizer is out of reach and the tracker was not wired
     *     explicitly, or if the optimizer has no learning rate (the message explains the explicit
     *     wiring), or if another lrfinder listener drives the optimizer's learning rate already
     *     (the optimizer gets its original tracker back first)
     */
    Optimizer install(Trainer trainer, DjlInternals.Location location) {
        restore();
        if (location == null) {
            if (!explicit) {
                DjlInternals.requireOptimizer(trainer, owner);
            }
            return null;
        }
        Optimizer optimizer = location.optimizer();
        ParameterTracker current = DjlInternals.learningRate(optimizer, owner);
        if (current instanceof DrivenTracker other && other != tracker) {
            if (other.replaced() != null) { // installed automatically: put the user's back
                DjlInternals.swapLearningRate(optimizer, other.replaced(), owner);
            }
            throw new IllegalStateException(
                    owner
                            + ": the optimizer's learning rate is driven by another lrfinder"
                            + " listener already ("
                            + other.owner()
                            + "), in the same TrainingConfig or wired to the optimizer; two would"
                            + " fight over it. "
                            + remedy(owner, other.owner()));
        }
        if (current != tracker) {
            original = DjlInternals.swapLearningRate(optimizer, tracker, owner);
            installedOn = optimizer;
            tracker.setReplaced(original);
        }
        return optimizer;
    }

    private static boolean rangeTest(String owner) {
        return owner.equals("LrFinder") || owner.equals("LrRangeTestListener");
    }

    /** What to do, naming the listener the user added: a range test, a schedule, or two of one. */
    private static String remedy(String owner, String other) {
        if (rangeTest(owner) && !rangeTest(other)) {
            // a schedule in the config of the trainer the range test runs on
            return "Keep one per trainer: run the range test on a trainer whose TrainingConfig (and"
                    + " optimizer) holds no "
                    + other
                    + ", then train with a new trainer from a new TrainingConfig that holds it.";
        }
        if (rangeTest(other) && !rangeTest(owner)) {
            return "Keep one per trainer: to train after a range test, build the next trainer"
                    + " from a new TrainingConfig (and optimizer) without the "
                    + other
                    + ".";
        }
        return "Keep one per trainer: give each its own trainer, built from its own"
                + " TrainingConfig (and optimizer).";
    }

    /** Puts the optimizer's original tracker back, if {@link #install} replaced it. */
    void restore() {
        if (installedOn != null) {
            if (DjlInternals.learningRate(installedOn, owner) == tracker) {
                DjlInternals.swapLearningRate(installedOn, original, owner);
            }
            tracker.setReplaced(null);
            installedOn = null;
            original = null;
        }
    }
}
