package dev.lrfinder.core;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The loss recorded by a range test, one {@link CurvePoint} per iteration, in order.
 *
 * <p>A curve writes itself as CSV ({@link #toCsv()}) and JSON ({@link #toJson()}); both read back
 * to an equal curve, bit for bit. Both write a missing number (NaN: a validation loss not measured,
 * a loss that was not a number) the same way, as nothing: an empty CSV field, a JSON {@code null}.
 * Infinite losses are {@code Infinity}/{@code -Infinity} in both (JSON strings). The CSV reader
 * also takes {@code NaN}, as earlier versions wrote it.
 */
public final class LossCurve {

    /** The header line of the CSV form. */
    public static final String CSV_HEADER =
            "iteration,learning_rate,loss,smoothed_loss,validation_loss";

    private static final ObjectMapper JSON = new ObjectMapper();

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
        StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
        for (CurvePoint p : points) {
            sb.append(p.iteration())
                    .append(',')
                    .append(csvNumber(p.learningRate()))
                    .append(',')
                    .append(csvNumber(p.loss()))
                    .append(',')
                    .append(csvNumber(p.smoothedLoss()))
                    .append(',')
                    .append(csvNumber(p.validationLoss()))
                    .append('\n');
        }
        return sb.toString();
    }

    /**
     * Reads a curve from its CSV form.
     *
     * @param csv the text {@link #toCsv()} wrote
     * @return the curve
     * @throws IllegalArgumentException if the text is not such a CSV
     */
    public static LossCurve fromCsv(String csv) {
        String[] lines = csv.split("\r?\n");
        if (lines.length == 0 || !lines[0].trim().equals(CSV_HEADER)) {
            throw new IllegalArgumentException("csv must start with the header " + CSV_HEADER);
        }
        List<CurvePoint> points = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            String[] f = lines[i].split(",", -1);
            if (f.length != 5) {
                throw new IllegalArgumentException(
                        "csv line " + (i + 1) + " must have 5 fields, got: " + lines[i]);
            }
            try {
                points.add(
                        new CurvePoint(
                                Integer.parseInt(f[0].trim()),
                                csvDouble(f[1]),
                                csvDouble(f[2]),
                                csvDouble(f[3]),
                                csvDouble(f[4])));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "csv line " + (i + 1) + " has a bad number: " + lines[i], e);
            }
        }
        return new LossCurve(points);
    }

    /**
     * Returns the curve as a JSON object {@code {"points": [{...}, ...]}}.
     *
     * @return the JSON text
     */
    public String toJson() {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeArrayFieldStart("points");
            for (CurvePoint p : points) {
                g.writeStartObject();
                g.writeNumberField("iteration", p.iteration());
                writeDouble(g, "learning_rate", p.learningRate());
                writeDouble(g, "loss", p.loss());
                writeDouble(g, "smoothed_loss", p.smoothedLoss());
                writeDouble(g, "validation_loss", p.validationLoss());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /**
     * Reads a curve from its JSON form.
     *
     * @param json the text {@link #toJson()} wrote
     * @return the curve
     * @throws IllegalArgumentException if the text is not such a JSON object
     */
    public static LossCurve fromJson(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("json is not valid: " + e.getMessage(), e);
        }
        JsonNode array = root == null ? null : root.get("points");
        if (array == null || !array.isArray()) {
            throw new IllegalArgumentException("json must be an object with a \"points\" array");
        }
        List<CurvePoint> points = new ArrayList<>();
        for (JsonNode n : array) {
            if (!n.hasNonNull("iteration")) {
                throw new IllegalArgumentException("json point lacks \"iteration\": " + n);
            }
            points.add(
                    new CurvePoint(
                            n.get("iteration").asInt(),
                            readDouble(n, "learning_rate"),
                            readDouble(n, "loss"),
                            readDouble(n, "smoothed_loss"),
                            readDouble(n, "validation_loss")));
        }
        return new LossCurve(points);
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

    /** A CSV field: empty for a missing number (NaN), as JSON writes null. */
    private static String csvNumber(double v) {
        return Double.isNaN(v) ? "" : Double.toString(v);
    }

    private static double csvDouble(String field) {
        return field.isBlank() ? Double.NaN : Double.parseDouble(field);
    }

    private static void writeDouble(JsonGenerator g, String name, double v) throws IOException {
        if (Double.isNaN(v)) {
            g.writeNullField(name);
        } else if (Double.isInfinite(v)) {
            g.writeStringField(name, v > 0 ? "Infinity" : "-Infinity");
        } else {
            g.writeNumberField(name, v);
        }
    }

    private static double readDouble(JsonNode n, String name) {
        JsonNode v = n.get(name);
        if (v == null || v.isNull()) {
            return Double.NaN;
        }
        if (v.isTextual()) {
            return Double.parseDouble(v.asText());
        }
        return v.asDouble();
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
