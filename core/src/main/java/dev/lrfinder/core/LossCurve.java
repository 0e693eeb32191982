package dev.lrfinder.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The loss recorded by a range test, one {@link CurvePoint} per iteration, in order.
 *
 * <p>A curve writes itself as CSV ({@link #toCsv()}) and JSON ({@link #toJson()}); both read back
 * to an equal curve, bit for bit. Both write a missing number (NaN: a validation loss not measured,
 * a loss that was not a number) the same way, as nothing: an empty CSV field, a JSON {@code null}.
 * Infinite losses are {@code Infinity}/{@code -Infinity} in both (JSON strings). The formats live
 * in {@code LossCurveCsv} and {@code LossCurveJson}; this class holds the data only.
 *
 * <pre>{@code
 * LossCurve curve = test.curve();
 * curve.writeJson(Path.of("curve.json"));
 * LossCurve back = LossCurve.fromJson(Files.readString(Path.of("curve.json")));
 * }</pre>
 */
public final class LossCurve {

    /** The header line of the CSV form. */
    public static final String CSV_HEADER =
            "iteration,learning_rate,loss,smoothed_loss,validation_loss";

    private final List<CurvePoint> points;

    /**
     * Creates a curve.
     *
     * @param points the points, in iteration order
     */
    public LossCurve(List<CurvePoint> points) {
        this.points = List.copyOf(points);
    }

    /**
     * Returns the points.
     *
     * @return the points, unmodifiable
     */
    public List<CurvePoint> points() {
        return points;
    }

    /**
     * Returns the number of points.
     *
     * @return the size
     */
    public int size() {
        return points.size();
    }

    /**
     * Tells whether the curve has no point.
     *
     * @return true if empty
     */
    public boolean isEmpty() {
        return points.isEmpty();
    }

    /**
     * Returns a point.
     *
     * @param index the index, from 0
     * @return the point
     */
    public CurvePoint get(int index) {
        return points.get(index);
    }

    /**
     * Returns the learning rates, in order.
     *
     * @return a new array
     */
    public double[] learningRates() {
        return points.stream().mapToDouble(CurvePoint::learningRate).toArray();
    }

    /**
     * Returns the raw losses, in order.
     *
     * @return a new array
     */
    public double[] losses() {
        return points.stream().mapToDouble(CurvePoint::loss).toArray();
    }

    /**
     * Returns the smoothed losses, in order.
     *
     * @return a new array
     */
    public double[] smoothedLosses() {
        return points.stream().mapToDouble(CurvePoint::smoothedLoss).toArray();
    }

    /**
     * Returns the curve as CSV with the header {@link #CSV_HEADER}.
     *
     * @return the CSV text
     */
    public String toCsv() {
        return LossCurveCsv.format(this);
    }

    /**
     * Reads a curve from its CSV form.
     *
     * @param csv the text {@link #toCsv()} wrote
     * @return the curve
     * @throws IllegalArgumentException if the text is not such a CSV
     */
    public static LossCurve fromCsv(String csv) {
        return LossCurveCsv.parse(csv);
    }

    /**
     * Returns the curve as a JSON object {@code {"points": [{...}, ...]}}.
     *
     * @return the JSON text
     */
    public String toJson() {
        return LossCurveJson.format(this);
    }

    /**
     * Reads a curve from its JSON form.
     *
     * @param json the text {@link #toJson()} wrote
     * @return the curve
     * @throws IllegalArgumentException if the text is not such a JSON object
     */
    public static LossCurve fromJson(String json) {
        return LossCurveJson.parse(json);
    }

    /**
     * Writes the CSV form to a file.
     *
     * @param file the file to write
     * @throws IOException if writing fails
     */
    public void writeCsv(Path file) throws IOException {
        Files.writeString(file, toCsv(), StandardCharsets.UTF_8);
    }

    /**
     * Writes the JSON form to a file.
     *
     * @param file the file to write
     * @throws IOException if writing fails
     */
    public void writeJson(Path file) throws IOException {
        Files.writeString(file, toJson(), StandardCharsets.UTF_8);
    }

    /** {@inheritDoc} */
    @Override
    public boolean equals(Object o) {
        return o instanceof LossCurve other && points.equals(other.points);
    }

    /** {@inheritDoc} */
    @Override
    public int hashCode() {
        return points.hashCode();
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return "LossCurve{points=" + points.size() + "}";
    }
}
