package dev.lrfinder.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The verdict and the default rule on curves the scenario benchmark saved (MNIST, DJL 0.36 on
 * MXNet; docs/bench/scenarios): what they say there is what docs/BENCHMARKS.md reports.
 */
class RealCurveVerdictTest {

    static LossCurve load(String name) throws IOException {
        try (InputStream in =
                RealCurveVerdictTest.class.getResourceAsStream("/curves/" + name + ".json")) {
            return LossCurve.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void freshAndSmallBatchCurvesAreConfident() throws IOException {
        for (String name : List.of("fresh-seed1", "batch16-seed1")) {
            Verdict v = CurveVerdict.assess(load(name), 100);
            assertTrue(v.confident(), name + ": " + v);
        }
        // on a clear descent below the onset the default is consensus
        for (String name : List.of("fresh-seed1", "batch16-seed1")) {
            LossCurve c = load(name);
            assertEquals(
                    SuggestionRules.consensus().suggest(c).orElseThrow().learningRate(),
                    SuggestionRules.guarded().suggest(c).orElseThrow().learningRate(),
                    0,
                    name);
        }
    }

    @Test
    void aWarmModelsFlatCurveFallsBackToTheOnset() throws IOException {
        LossCurve c = load("warm-seed1");
        Verdict v = CurveVerdict.assess(c, 100);
        assertTrue(v.reasons().contains(Verdict.Reason.NO_CLEAR_DESCENT), v.toString());
        double guarded = SuggestionRules.guarded().suggest(c).orElseThrow().learningRate();
        double consensus = SuggestionRules.consensus().suggest(c).orElseThrow().learningRate();
        // consensus reads noise (1e-4); a quarter of the onset lands near the grid's best (0.056)
        assertTrue(consensus < 1e-3, "consensus " + consensus);
        assertTrue(guarded > 0.01 && guarded < 0.1, "guarded " + guarded);
    }

    @Test
    void aSuggestionBeyondTheOnsetIsGuarded() throws IOException {
        LossCurve c = load("transfer-seed1");
        Verdict v = CurveVerdict.assess(c, 100);
        assertEquals(List.of(Verdict.Reason.RULES_DISAGREE), v.reasons(), v.toString());
        Suggestion onset = SuggestionRules.onset().suggest(c).orElseThrow();
        assertEquals(
                onset.learningRate(),
                SuggestionRules.guarded().suggest(c).orElseThrow().learningRate(),
                0);
        assertTrue(SuggestionRules.steepest().suggest(c).orElseThrow().learningRate() > 1);
    }

    @Test
    void curvesThatCannotSupportASuggestionAreNotConfident() throws IOException {
        Verdict shuffled = CurveVerdict.assess(load("shuffled-seed1"), 100);
        assertEquals(
                List.of(Verdict.Reason.NO_CLEAR_DESCENT), shuffled.reasons(), shuffled.toString());
        Verdict above = CurveVerdict.assess(load("above-divergence-seed3"), 100);
        assertEquals(
                List.of(Verdict.Reason.EARLY_DIVERGENCE, Verdict.Reason.TOO_SHORT),
                above.reasons());
        Verdict sharp = CurveVerdict.assess(load("sharp-minimum-seed1"), 100);
        assertFalse(sharp.confident());
        assertTrue(sharp.reasons().contains(Verdict.Reason.NO_CLEAR_DESCENT), sharp.toString());
    }
}
