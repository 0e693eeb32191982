package dev.lrfinder.core;

import java.util.Optional;

/**
 * The rules that read the onset of a curve ({@link CurveShape}): {@code onset}, a quarter of the
 * learning rate where the loss turns worse for good (Smith's base learning rate, a third to a
 * quarter of the maximum, arXiv 1506.01186, section 3.3), and {@code guarded}, the default, {@code
 * consensus} guarded by it.
 */
final class OnsetRules {

    /**
     * Smith's base learning rate is a third to a quarter of the onset; the rules take a quarter.
     */
    static final double ONSET_DIVISOR = 4;

    private OnsetRules() {}

    /** A quarter of the learning rate at the onset. */
    static final class Onset implements SuggestionRule {

        @Override
        public String name() {
            return "onset";
        }

        @Override
        public Optional<Suggestion> suggest(LossCurve curve) {
            CurveShape shape = CurveShape.of(curve);
            if (shape == null) {
                return Optional.empty();
            }
            return Optional.of(
                    at(
                            curve,
                            name(),
                            shape.onset(),
                            curve.get(shape.onset()).learningRate() / ONSET_DIVISOR));
        }
    }

    /**
     * {@code consensus}, guarded by the onset: on a curve that descends clearly ({@link
     * CurveVerdict#clearDescent}) and when {@code consensus} lies at or below the onset, {@code
     * consensus}; otherwise a quarter of the onset. A flat curve leaves nothing but the onset to
     * read, and a suggestion beyond the onset lies where the loss already turns worse: there the
     * descent's rules read the divergence (a spike and its slow decay in the smoothed loss).
     */
    static final class Guarded implements SuggestionRule {

        private final SuggestionRule consensus;
        private final SuggestionRule onset;

        Guarded(SuggestionRule consensus, SuggestionRule onset) {
            this.consensus = consensus;
            this.onset = onset;
        }

        @Override
        public String name() {
            return "guarded";
        }

        @Override
        public Optional<Suggestion> suggest(LossCurve curve) {
            CurveShape shape = CurveShape.of(curve);
            Optional<Suggestion> c = consensus.suggest(curve);
            if (shape == null) {
                return c.map(s -> at(curve, name(), s.index(), s.learningRate()));
            }
            Suggestion o = onset.suggest(curve).orElseThrow();
            if (CurveVerdict.clearDescent(shape)
                    && c.isPresent()
                    && c.get().learningRate() <= o.pointLearningRate()) {
                return Optional.of(at(curve, name(), c.get().index(), c.get().learningRate()));
            }
            return Optional.of(at(curve, name(), o.index(), o.learningRate()));
        }
    }

    static Suggestion at(LossCurve curve, String rule, int index, double lr) {
        CurvePoint p = curve.get(index);
        return new Suggestion(rule, lr, index, p.learningRate(), p.smoothedLoss());
    }
}
