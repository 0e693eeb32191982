package dev.lrfinder.listeners;

import dev.lrfinder.core.CurvePoint;
import dev.lrfinder.core.LrSweep;

/**
 * Told about every iteration of a range test as it happens, e.g. to export metrics. Observers run
 * on the training thread: keep them quick, and never throw (a throwing observer is logged and
 * ignored).
 */
public interface RangeTestObserver {

    /**
     * Called once when the test starts.
     *
     * @param sweep the sweep the test follows
     */
    default void onStart(LrSweep sweep) {}

    /**
     * Called after every recorded iteration.
     *
     * @param point the iteration just recorded
     */
    void onIteration(CurvePoint point);

    /**
     * Called once when the test stops: finished, diverged or interrupted (an interrupted result has
     * a partial curve and no suggestion; its {@code status()} says which).
     *
     * @param result the whole result
     */
    default void onStop(LrFinderResult result) {}
}
