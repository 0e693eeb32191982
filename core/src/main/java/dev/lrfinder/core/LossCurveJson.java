package dev.lrfinder.core;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON form of a {@link LossCurve}, {@code {"points": [{"iteration": 0, "learning_rate": ...,
 * "loss": ..., "smoothed_loss": ..., "validation_loss": ...}, ...]}}: a NaN is {@code null}, an
 * infinity the string {@code "Infinity"} or {@code "-Infinity"}. The only class of core that uses
 * Jackson.
 */
final class LossCurveJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private LossCurveJson() {}

    static String format(LossCurve curve) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeArrayFieldStart("points");
            for (CurvePoint p : curve.points()) {
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

    static LossCurve parse(String json) {
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
}
