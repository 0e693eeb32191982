package dev.lrfinder.samples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lrfinder.core.Suggestion;
import dev.lrfinder.core.Verdict;
import dev.lrfinder.listeners.LrFinderResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * {@code curve.json}: everything one {@code lrfinder find} found, to read without its console
 * output. The settings the test ran with, how it stopped, the suggestion (null when there is none),
 * every rule's suggestion, the verdict, and the points as {@code LossCurve.toJson} writes them (so
 * {@code LossCurve.fromJson} reads the file back). A number that is missing (NaN) is {@code null},
 * as it is an empty field in {@code curve.csv}.
 */
final class CurveJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CurveJson() {}

    /**
     * Returns the JSON text.
     *
     * @param result the range test's result
     * @param settings the options the test ran with, by name, in the order to write them
     * @return the JSON object, pretty-printed
     */
    static String of(LrFinderResult result, Map<String, Object> settings) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode s = root.putObject("settings");
        for (Map.Entry<String, Object> e : settings.entrySet()) {
            s.set(e.getKey(), JSON.valueToTree(e.getValue()));
        }
        root.put("status", result.status().name().toLowerCase());
        root.put("stop_reason", result.stopReason().orElse(null));
        root.put("rule", result.rule().name());
        root.set("suggestion", suggestion(result.findSuggestion()));
        ObjectNode rules = root.putObject("suggestions");
        for (Map.Entry<String, Optional<Suggestion>> e : result.suggestions().entrySet()) {
            rules.set(e.getKey(), suggestion(e.getValue()));
        }
        Verdict verdict = result.verdict();
        ObjectNode v = root.putObject("verdict");
        v.put("confident", verdict.confident());
        ArrayNode reasons = v.putArray("reasons");
        for (int i = 0; i < verdict.reasons().size(); i++) {
            reasons.addObject()
                    .put("code", verdict.reasons().get(i).code())
                    .put("detail", verdict.details().get(i));
        }
        JsonNode curve = JSON.readTree(result.curve().toJson());
        root.set("points", curve.get("points"));
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    }

    /**
     * Writes the JSON text to a file.
     *
     * @param file the file
     * @param result the range test's result
     * @param settings the options the test ran with
     */
    static void write(Path file, LrFinderResult result, Map<String, Object> settings)
            throws IOException {
        Files.writeString(file, of(result, settings), StandardCharsets.UTF_8);
    }

    private static JsonNode suggestion(Optional<Suggestion> suggestion) {
        if (suggestion.isEmpty()) {
            return JSON.nullNode();
        }
        Suggestion s = suggestion.get();
        ObjectNode n = JSON.createObjectNode();
        n.put("rule", s.rule());
        n.put("learning_rate", s.learningRate());
        n.put("point_index", s.index());
        n.put("point_learning_rate", s.pointLearningRate());
        n.put("point_smoothed_loss", s.smoothedLoss());
        return n;
    }
}
