package dev.lrfinder.listeners;

import dev.lrfinder.core.CurvePoint;
import dev.lrfinder.core.LrSweep;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Tells a range test's observers what happens; an observer that throws is logged and skipped. */
final class ObserverList {

    private static final Logger logger = LoggerFactory.getLogger(ObserverList.class);

    private final List<RangeTestObserver> observers;

    ObserverList(List<RangeTestObserver> observers) {
        this.observers = List.copyOf(observers);
    }

    void start(LrSweep sweep) {
        for (RangeTestObserver o : observers) {
            try {
                o.onStart(sweep);
            } catch (RuntimeException e) {
                failed(o, e);
            }
        }
    }

    /** Called every iteration: a plain loop, no lambda to allocate. */
    void iteration(CurvePoint point) {
        for (RangeTestObserver o : observers) {
            try {
                o.onIteration(point);
            } catch (RuntimeException e) {
                failed(o, e);
            }
        }
    }

    void stop(LrFinderResult result) {
        for (RangeTestObserver o : observers) {
            try {
                o.onStop(result);
            } catch (RuntimeException e) {
                failed(o, e);
            }
        }
    }

    private static void failed(RangeTestObserver observer, RuntimeException e) {
        logger.warn("range-test observer {} failed: {}", observer, e.toString());
    }
}
