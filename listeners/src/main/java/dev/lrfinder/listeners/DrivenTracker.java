package dev.lrfinder.listeners;

import ai.djl.training.tracker.ParameterTracker;

/**
 * A learning-rate tracker whose value a listener sets before each optimizer step. DJL asks the
 * tracker once per parameter per step; every parameter gets the same value.
 */
final class DrivenTracker implements ParameterTracker {

    private volatile float value;
    private volatile long calls;

    DrivenTracker(float initial) {
        this.value = initial;
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
}
