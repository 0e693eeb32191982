package dev.lrfinder.core;

import java.util.Optional;

/**
 * Reads a suggested learning rate off a range-test curve's {@link CurveAnalysis}. A rule is a small
 * function of one analysis; {@link SuggestionRules} holds the built-in ones and the combinators
 * that build rules from rules.
 *
 * <pre>{@code
 * SuggestionRule mine = SuggestionRules.geometricMean("mine", SuggestionRules.valley(),
 *         SuggestionRules.onset());
 * Optional<Suggestion> s = mine.suggest(curve);
 * }</pre>
 */
public interface SuggestionRule {

    /**
     * Returns the rule's name, as the CLI and the metrics show it.
     *
     * @return the name
     */
    String name();

    /**
     * Reads a suggestion off an analysed curve.
     *
     * @param analysis the curve's analysis
     * @return the suggestion, or empty when the curve is too short or has no usable point
     */
    Optional<Suggestion> suggest(CurveAnalysis analysis);

    /**
     * Reads a suggestion off a curve; analyses it first. To apply several rules to one curve,
     * analyse it once with {@link CurveAnalysis#of} and call {@link #suggest(CurveAnalysis)}.
     *
     * @param curve the curve
     * @return the suggestion, or empty when the curve is too short or has no usable point
     */
    default Optional<Suggestion> suggest(LossCurve curve) {
        return suggest(CurveAnalysis.of(curve));
    }
}
