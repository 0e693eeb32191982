package dev.lrfinder.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever losses a range test records (short, flat, noisy, NaN or infinite from any point), the
 * rules and the verdict answer without throwing: a suggestion, when there is one, is a finite
 * learning rate inside the sweep's range or below it by the minimum rule's factor, a curve says
 * too-short exactly when its level cannot be read, and a curve with no suggestion from the default
 * rule is never called confident.
 */
class AnyCurveTest {

    @Provide
    Arbitrary<List<Double>> losses() {
        Arbitrary<Double> loss =
                Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(20, Arbitraries.doubles().between(0, 10)),
                        net.jqwik.api.Tuple.of(
                                1,
                                Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, 0.0, 1e30)));
        return loss.list().ofMinSize(0).ofMaxSize(120);
    }

    @Property(tries = 400)
    void rulesAndVerdictHandleAnyRecordedCurve(@ForAll("losses") List<Double> losses) {
        RangeTest test =
                RangeTest.builder().optStartLr(1e-6).optEndLr(1).optNumIterations(100).build();
        for (double loss : losses) {
            if (test.status() != RangeTestStatus.RUNNING) {
                break;
            }
            test.record(loss);
        }
        LossCurve curve = test.curve();
        CurveAnalysis analysis = CurveAnalysis.of(curve);
        Verdict verdict = CurveVerdict.assess(analysis, test.sweep().numIterations());
        assertEquals(
                !analysis.readable(),
                verdict.reasons().contains(Verdict.Reason.TOO_SHORT),
                "too-short exactly when the level cannot be read: " + verdict);
        for (SuggestionRule rule : SuggestionRules.all()) {
            Optional<Suggestion> s = rule.suggest(analysis);
            assertEquals(s, rule.suggest(curve), rule.name() + " reads the curve as its analysis");
            s.ifPresent(
                    x -> {
                        assertTrue(
                                Double.isFinite(x.learningRate()) && x.learningRate() > 0,
                                rule.name() + " " + x);
                        assertTrue(
                                x.learningRate() <= 1 + 1e-9,
                                rule.name() + " above the sweep: " + x);
                        assertTrue(
                                x.index() >= 0 && x.index() < curve.size(), rule.name() + " " + x);
                    });
        }
        if (SuggestionRules.defaultRule().suggest(curve).isEmpty()) {
            assertFalse(verdict.confident(), "confident without a suggestion: " + verdict);
        }
    }
}
