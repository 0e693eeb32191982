package dev.lrfinder.listeners;

import ai.djl.training.tracker.ParameterTracker;

/**
 * A learning-rate tracker whose value a listener sets before each optimizer step. DJL asks the
 * tracker once per parameter per step; every parameter gets the same value. It names the listener
 * that drives it, so that a second lrfinder listener on the same optimizer can say which one is
 * already there.
 */
final class DrivenTracker implements ParameterTracker {

    private final String owner;
    private volatile float value;
    private volatile long calls;
    private ParameterTracker replaced;

    DrivenTracker(float initial, String owner) {
        this.value = initial;
        this.owner = owner;
    }

    /** {@inheritDoc} */
    @Override
    public float getNewValue(String parameterId, int numUpdate) {
        calls++;
        return value;
    }

    void set(float value) {
        this.value = value;
    }

    float get() {
        return value;
    }

    long calls() {
        return calls;
    }

    /** Returns the tracker this one replaced on an optimizer, or null while it is not installed. */
    ParameterTracker replaced() {
        return replaced;
    }

    void setReplaced(ParameterTracker replaced) {
        this.replaced = replaced;
    }

    /** Returns the name of the listener that drives this tracker. */
    String owner() {
        return owner;
    }
}
