package dev.lrfinder.listeners;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes a range test's plot. XChart is a regular dependency of lrfinder-listeners, but a user who
 * never plots may exclude it: this class names no XChart type, so that everything else works
 * without it and {@code writePlot} says what is missing instead of a {@code NoClassDefFoundError}.
 */
final class LossCurvePlot {

    private static final String XCHART = "org.knowm.xchart.XYChart";

    private LossCurvePlot() {}

    static void write(LrFinderResult result, Path file) throws IOException {
        try {
            Class.forName(XCHART, false, LossCurvePlot.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(
                    "writePlot needs XChart, which is not on the classpath (excluded from"
                            + " lrfinder-listeners?): add org.knowm.xchart:xchart:3.8.8, or write"
                            + " the curve with writeCsv/writeJson instead",
                    e);
        }
        LossCurveChart.write(result, file);
    }
}
