package dev.lrfinder.core;

/** Where a range test stands. */
public enum RangeTestStatus {
    /** The test wants more iterations. */
    RUNNING,
    /** The test recorded every iteration of its sweep. */
    FINISHED,
    /** The loss diverged before the sweep ended. */
    DIVERGED,
    /**
     * The thread driving the test was interrupted before the sweep ended: the curve is partial and
     * no rule reads it.
     */
    INTERRUPTED
}
