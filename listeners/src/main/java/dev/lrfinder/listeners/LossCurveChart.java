package dev.lrfinder.listeners;

import dev.lrfinder.core.CurvePoint;
import dev.lrfinder.core.Suggestion;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws a range test with XChart: raw and smoothed loss against the learning rate on a log axis.
 * Only {@link LossCurvePlot} refers to it, once it has checked that XChart is there.
 */
final class LossCurveChart {

    private LossCurveChart() {}

    static XYChart chart(LrFinderResult result) {
        XYChart chart =
                new XYChartBuilder()
                        .width(900)
                        .height(560)
                        .title(
                                "LR range test: "
                                        + result.status().name().toLowerCase()
                                        + ", "
                                        + (result.verdict().confident()
                                                ? "confident"
                                                : "NOT confident (" + codes(result) + ")"))
                        .xAxisTitle("learning rate (log scale)")
                        .yAxisTitle("loss")
                        .build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setMarkerSize(6);

        List<Double> lrs = new ArrayList<>();
        List<Double> raw = new ArrayList<>();
        List<Double> smooth = new ArrayList<>();
        for (CurvePoint p : result.curve().points()) {
            // a diverged point can be NaN/Inf: XChart cannot draw it, the CSV keeps it
            if (Double.isFinite(p.loss()) && Double.isFinite(p.smoothedLoss())) {
                lrs.add(p.learningRate());
                raw.add(p.loss());
                smooth.add(p.smoothedLoss());
            }
        }
        if (lrs.isEmpty()) {
            chart.setTitle("LR range test: no finite loss recorded");
            chart.addSeries("loss", new double[] {1e-7, 10}, new double[] {0, 0});
            return chart;
        }
        decadeBounds(chart, lrs);
        // a diverging tail dwarfs the curve: show up to twice the starting loss, as the peers do
        double top = 2 * smooth.get(0);
        double bottom = Double.POSITIVE_INFINITY;
        for (int i = 0; i < raw.size(); i++) {
            bottom = Math.min(bottom, Math.min(raw.get(i), smooth.get(i)));
        }
        if (top > bottom) {
            chart.getStyler().setYAxisMax(top);
            chart.getStyler().setYAxisMin(Math.max(0, bottom - 0.05 * (top - bottom)));
        }
        XYSeries rawSeries = chart.addSeries("raw loss", lrs, raw);
        rawSeries.setMarker(SeriesMarkers.NONE);
        rawSeries.setLineColor(new Color(160, 180, 210));
        XYSeries smoothSeries = chart.addSeries("smoothed loss", lrs, smooth);
        smoothSeries.setMarker(SeriesMarkers.NONE);
        smoothSeries.setLineColor(new Color(20, 60, 160));
        smoothSeries.setLineStyle(new BasicStroke(2.5f));

        Optional<Suggestion> s = result.findSuggestion();
        if (s.isPresent()) {
            Suggestion sug = s.get();
            double y = nearestSmoothed(lrs, smooth, sug.learningRate());
            XYSeries mark =
                    chart.addSeries(
                            String.format("suggestion (%s): %.3g", sug.rule(), sug.learningRate()),
                            new double[] {sug.learningRate()},
                            new double[] {y});
            mark.setMarker(
                    result.verdict().confident() ? SeriesMarkers.CIRCLE : SeriesMarkers.CROSS);
            mark.setMarkerColor(result.verdict().confident() ? new Color(200, 30, 30) : Color.GRAY);
            mark.setLineStyle(new BasicStroke(0f));
            chart.getStyler().setMarkerSize(12);
        }
        return chart;
    }

    /**
     * A log axis labels the powers of ten within its range only: a curve that spans less than a
     * decade (a test that diverged at once) would get no x-axis label at all. The axis runs from
     * the power of ten at or below the first learning rate to the one above the last.
     */
    static void decadeBounds(XYChart chart, List<Double> lrs) {
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (double lr : lrs) {
            if (lr > 0 && Double.isFinite(lr)) {
                min = Math.min(min, lr);
                max = Math.max(max, lr);
            }
        }
        if (max == 0) {
            return;
        }
        double low = Math.pow(10, Math.floor(Math.log10(min)));
        double high = Math.pow(10, Math.ceil(Math.log10(max)));
        if (high <= low) {
            high = low * 10;
        }
        chart.getStyler().setXAxisMin(low);
        chart.getStyler().setXAxisMax(high);
    }

    private static String codes(LrFinderResult result) {
        StringBuilder sb = new StringBuilder();
        for (var reason : result.verdict().reasons()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(reason.code());
        }
        return sb.toString();
    }

    /**
     * Renders the chart into memory, then writes the PNG. XChart draws on a {@code BufferedImage},
     * which needs no display, so no JVM-wide property ({@code java.awt.headless}) is set: an
     * application that shows windows keeps them. A JVM without a display is headless on its own.
     */
    static void write(LrFinderResult result, Path file) throws IOException {
        byte[] png = BitmapEncoder.getBitmapBytes(chart(result), BitmapEncoder.BitmapFormat.PNG);
        java.nio.file.Files.write(file, png);
    }

    private static double nearestSmoothed(List<Double> lrs, List<Double> smooth, double lr) {
        int best = 0;
        for (int i = 1; i < lrs.size(); i++) {
            if (Math.abs(Math.log(lrs.get(i) / lr)) < Math.abs(Math.log(lrs.get(best) / lr))) {
                best = i;
            }
        }
        return smooth.get(best);
    }
}
