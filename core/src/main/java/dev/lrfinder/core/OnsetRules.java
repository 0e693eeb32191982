package dev.lrfinder.core;

import java.util.Optional;

/**
 * The rules that read the onset of a curve ({@link CurveShape}): {@code onset}, a quarter of the
 * learning rate where the loss turns worse for good (Smith's base learning rate, a third to a
 * quarter of the maximum, arXiv 1506.01186, section 3.3), and {@code guarded}, the default,
 * which reads the descent ({@code steepest} or {@code consensus}) and is guarded by the onset.
 */
final class OnsetRules {

    /** Smith's base learning rate is a third to a quarter of the onset; the rules take a quarter. */
    static final double ONSET_DIVISOR = 4;

    /**
     * A descent of more than this many tolerances resolves the slope well enough for {@code
     * steepest}. Measured on the scenario benchmark: the batch-16 curves descend by 3.3-5.1
     * tolerances, every other curve with a clear descent by 8.1-59; any value from 5.2 to 8.1
     * gives the same suggestions there (chosen on those curves; docs/BENCHMARKS.md).
     */
    static final double RESOLVED_DESCENT = 6;

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
            return Optional.of(at(curve, name(), shape.onset(),
                    curve.get(shape.onset()).learningRate() / ONSET_DIVISOR));
        }
    }

    /**
     * The descent rules guarded by the onset. On a curve that descends clearly ({@link
     * CurveVerdict#clearDescent}): {@code steepest} (Smith's reading, where the loss falls
     * fastest) when the descent exceeds {@link #RESOLVED_DESCENT} tolerances of the level, so that
     * the curve resolves its slope; on a noisier descent {@code consensus}, the geometric mean of
     * three rules, which is steadier. If that suggestion lies beyond the onset, or the curve does
     * not descend clearly, a quarter of the onset: a flat curve leaves nothing else to read, and
     * beyond the onset the loss already turns worse (the rules read the divergence there).
     */
    static final class Guarded implements SuggestionRule {

        private final SuggestionRule steepest;
        private final SuggestionRule consensus;
        private final SuggestionRule onset;

        Guarded(SuggestionRule steepest, SuggestionRule consensus, SuggestionRule onset) {
            this.steepest = steepest;
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
            if (shape == null) {
                return consensus.suggest(curve)
                        .map(s -> at(curve, name(), s.index(), s.learningRate()));
            }
            Suggestion o = onset.suggest(curve).orElseThrow();
            SuggestionRule descent =
                    shape.descent() > RESOLVED_DESCENT * shape.tolerance() ? steepest : consensus;
            Optional<Suggestion> c = descent.suggest(curve);
            if (CurveVerdict.clearDescent(shape) && c.isPresent()
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
