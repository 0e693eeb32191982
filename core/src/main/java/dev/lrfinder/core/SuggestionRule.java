package dev.lrfinder.core;

import java.util.Optional;

/**
 * Reads a suggested learning rate off a range-test curve. Rules look at the smoothed loss inside
 * the curve's {@link CurveWindow}, which leaves out the first and last points the way the peers do.
 */
public interface SuggestionRule {

    /**
     * Returns the rule's name, as the CLI and the metrics show it.
     *
     * @return the name
     */
    String name();

    /**
     * Reads a suggestion off a curve.
     *
     * @param curve the curve
     * @return the suggestion, or empty when the curve is too short or has no usable point
     */
    Optional<Suggestion> suggest(LossCurve curve);
}
