package dev.lrfinder.listeners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lrfinder.core.SuggestionRules;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.lang.reflect.Field;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.internal.chartpart.AxisPair;

class LossCurveChartTest {

    /** The x-axis labels XChart draws, read from its axis after painting the chart. */
    private static List<String> xLabels(XYChart chart) throws Exception {
        BufferedImage image = new BufferedImage(900, 560, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            chart.paint(g, 900, 560);
        } finally {
            g.dispose();
        }
        Field pair = null;
        for (Class<?> c = XYChart.class; pair == null && c != null; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                pair = f.getName().equals("axisPair") ? f : pair;
            }
        }
        assertTrue(pair != null, "XChart's axisPair field is gone");
        pair.setAccessible(true);
        AxisPair<?, ?> axes = (AxisPair<?, ?>) pair.get(chart);
        return axes.getXAxis().getAxisTickCalculator().getTickLabels().stream()
                .filter(l -> l != null && !l.isBlank())
                .toList();
    }

    @Test
    void aTestThatDivergesAtOnceStillHasLabelsOnItsLearningRateAxis() throws Exception {
        // 2 points, at 2000 and 4309: less than a decade, where a log axis has no power of ten
        LrFinderResult r =
                Fixtures.result(
                        2e3,
                        2e6,
                        10,
                        lr -> lr < 3000 ? 2.5 : 1e8,
                        SuggestionRules.defaultRule(),
                        null);
        assertTrue(r.diverged() && r.curve().size() == 2, r.toString());
        List<String> labels = xLabels(LossCurveChart.chart(r));
        assertTrue(labels.size() >= 2, "x-axis labels: " + labels);
    }

    @Test
    void theAxisRunsFromTheDecadeBelowTheFirstRateToTheDecadeAboveTheLast() {
        LrFinderResult r =
                Fixtures.result(
                        2e-6,
                        3,
                        60,
                        lr -> 2 - Math.log10(lr) / 10 + (lr > 1 ? lr : 0),
                        SuggestionRules.defaultRule(),
                        null);
        XYChart chart = LossCurveChart.chart(r);
        double first = r.curve().get(0).learningRate();
        double last = r.curve().get(r.curve().size() - 1).learningRate();
        assertEquals(Math.pow(10, Math.floor(Math.log10(first))), chart.getStyler().getXAxisMin());
        assertEquals(Math.pow(10, Math.ceil(Math.log10(last))), chart.getStyler().getXAxisMax());
        assertTrue(chart.getStyler().getXAxisMin() <= first);
        assertTrue(chart.getStyler().getXAxisMax() >= last);
    }
}
