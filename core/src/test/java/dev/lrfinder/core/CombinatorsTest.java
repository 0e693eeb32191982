package dev.lrfinder.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The combinators build rules from rules, and name the result after the composite. */
class CombinatorsTest {

    /** A rule that always picks one index of the curve and suggests a fixed rate. */
    private static SuggestionRule fixed(String name, int index, double lr) {
        return SuggestionRules.rule(name, a -> Optional.of(a.suggestion(name, index, lr)));
    }

    private static final SuggestionRule NONE = SuggestionRules.rule("none", a -> Optional.empty());

    private static final LossCurve CURVE =
            SuggestionRulesTest.curve(x -> 2 - Math.tanh(2 * (x + 3)));

    @Test
    void geometricMeanNeedsMoreThanHalfItsRules() {
        SuggestionRule two =
                SuggestionRules.geometricMean(
                        "gm", fixed("a", 10, 1e-4), fixed("b", 20, 1e-2), NONE);
        Suggestion s = two.suggest(CURVE).orElseThrow();
        assertEquals("gm", s.rule());
        assertEquals(1e-3, s.learningRate(), 1e-15);
        // the point nearest 1e-3 on a 20-per-decade sweep from 1e-6
        assertEquals(60, s.index());
        assertEquals(1e-3, s.pointLearningRate(), 1e-12);
        SuggestionRule withNaN =
                SuggestionRules.geometricMean(
                        "gm", fixed("a", 10, 1e-4), fixed("b", 20, Double.NaN), fixed("c", 30, 0));
        assertTrue(withNaN.suggest(CURVE).isEmpty(), "NaN and 0 count as no suggestion");
        SuggestionRule one = SuggestionRules.geometricMean("gm", fixed("a", 10, 1e-4), NONE, NONE);
        assertTrue(one.suggest(CURVE).isEmpty());
        SuggestionRule half = SuggestionRules.geometricMean("gm", fixed("a", 10, 1e-4), NONE);
        assertTrue(half.suggest(CURVE).isEmpty(), "one of two is not more than half");
        assertEquals(
                "rules must hold at least two rules, got 1",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> SuggestionRules.geometricMean("gm", NONE))
                        .getMessage());
    }

    @Test
    void guardFollowsThePrimaryOnlyWhereTheConditionAcceptsIt() {
        SuggestionRule primary = fixed("p", 30, 1e-3);
        SuggestionRule fallback = fixed("f", 40, 2e-3);
        Suggestion kept =
                SuggestionRules.guard("g", primary, fallback, (a, s) -> s.learningRate() < 1e-2)
                        .suggest(CURVE)
                        .orElseThrow();
        assertEquals("g", kept.rule());
        assertEquals(30, kept.index());
        assertEquals(1e-3, kept.learningRate());
        Suggestion replaced =
                SuggestionRules.guard("g", primary, fallback, (a, s) -> s.learningRate() > 1e-2)
                        .suggest(CURVE)
                        .orElseThrow();
        assertEquals(40, replaced.index());
        assertEquals(2e-3, replaced.learningRate());
        Suggestion noFallback =
                SuggestionRules.guard("g", primary, NONE, (a, s) -> false)
                        .suggest(CURVE)
                        .orElseThrow();
        assertEquals(30, noFallback.index(), "the primary stands when the fallback has nothing");
        Suggestion noPrimary =
                SuggestionRules.guard("g", NONE, fallback, (a, s) -> true)
                        .suggest(CURVE)
                        .orElseThrow();
        assertEquals(40, noPrimary.index());
        assertTrue(SuggestionRules.guard("g", NONE, NONE, (a, s) -> true).suggest(CURVE).isEmpty());
    }

    @Test
    void aRuleNeedsANameAndKeepsIt() {
        assertEquals("mine", fixed("mine", 1, 1).name());
        assertEquals("mine", fixed("mine", 1, 1).toString());
        assertEquals(
                "name must not be blank, got ' '",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> SuggestionRules.rule(" ", a -> Optional.empty()))
                        .getMessage());
    }
}
