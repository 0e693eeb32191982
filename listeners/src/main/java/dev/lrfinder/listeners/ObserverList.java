package dev.lrfinder.listeners;

import dev.lrfinder.core.CurvePoint;
import dev.lrfinder.core.LrSweep;
import java.util.List;
import java.util.function.Consumer;
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
        each(o -> o.onStart(sweep));
    }

    void iteration(CurvePoint point) {
        each(o -> o.onIteration(point));
    }

    void stop(LrFinderResult result) {
        each(o -> o.onStop(result));
    }

    private void each(Consumer<RangeTestObserver> call) {
        for (RangeTestObserver o : observers) {
            try {
                call.accept(o);
            } catch (RuntimeException e) {
                logger.warn("range-test observer {} failed: {}", o, e.toString());
            }
        }
    }
}
