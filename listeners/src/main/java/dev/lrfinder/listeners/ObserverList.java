package dev.lrfinder.listeners;

import dev.lrfinder.core.CurvePoint;
import dev.lrfinder.core.LrSweep;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a range test's observers what happens. An observer that throws is skipped for that call and
 * keeps being called; its first failure in a test logs one warning, later ones only a debug line,
 * so that an observer that fails at every iteration (a metrics registry that refuses every meter,
 * say) does not flood the log.
 */
final class ObserverList {

    private static final Logger logger = LoggerFactory.getLogger(ObserverList.class);

    private final List<RangeTestObserver> observers;

    /** Whether each observer has failed in the current test (one warning each per test). */
    private final boolean[] warned;

    ObserverList(List<RangeTestObserver> observers) {
        this.observers = List.copyOf(observers);
        this.warned = new boolean[this.observers.size()];
    }

    /** A new test starts: each observer may warn once again. */
    void start(LrSweep sweep) {
        Arrays.fill(warned, false);
        for (int i = 0; i < observers.size(); i++) {
            try {
                observers.get(i).onStart(sweep);
            } catch (RuntimeException e) {
                failed(i, e);
            }
        }
    }

    /** Called every iteration: a plain loop, no lambda to allocate. */
    void iteration(CurvePoint point) {
        for (int i = 0; i < observers.size(); i++) {
            try {
                observers.get(i).onIteration(point);
            } catch (RuntimeException e) {
                failed(i, e);
            }
        }
    }

    void stop(LrFinderResult result) {
        for (int i = 0; i < observers.size(); i++) {
            try {
                observers.get(i).onStop(result);
            } catch (RuntimeException e) {
                failed(i, e);
            }
        }
    }

    private void failed(int index, RuntimeException e) {
        RangeTestObserver observer = observers.get(index);
        if (warned[index]) {
            logger.debug("range-test observer {} failed again: {}", observer, e.toString());
            return;
        }
        warned[index] = true;
        logger.warn(
                "range-test observer {} failed: {}; the test goes on, and further failures of this"
                        + " observer in this test are not logged",
                observer,
                e.toString());
    }
}
