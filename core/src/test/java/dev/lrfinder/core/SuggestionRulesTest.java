package dev.lrfinder.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

class SuggestionRulesTest {

    /** 121 points from 1e-6 to 1, 20 per decade, smoothed loss given as a function of log10(lr). */
    static LossCurve curve(DoubleUnaryOperator lossOfLog10Lr) {
        LrSweep sweep = LrSweep.exponential(1e-6, 1, 121);
        List<CurvePoint> pts = new ArrayList<>();
        for (int i = 0; i < sweep.numIterations(); i++) {
            double lr = sweep.learningRate(i);
            double loss = lossOfLog10Lr.applyAsDouble(Math.log10(lr));
            pts.add(new CurvePoint(i, lr, loss, loss));
        }
        return new LossCurve(pts);
    }

    static LossCurve indexCurve(double[] smoothed) {
        LrSweep sweep = LrSweep.exponential(1e-6, 1, smoothed.length);
        List<CurvePoint> pts = new ArrayList<>();
        for (int i = 0; i < smoothed.length; i++) {
            pts.add(new CurvePoint(i, sweep.learningRate(i), smoothed[i], smoothed[i]));
        }
        return new LossCurve(pts);
    }

    @Test
    void steepestFindsTheInflectionOfASigmoidDrop() {
        // loss falls fastest at lr = 1e-3 and shoots up after 1e-1
        LossCurve c =
                curve(x -> 2 - Math.tanh(2 * (x + 3)) + (x > -1 ? 50 * (x + 1) * (x + 1) : 0));
        Suggestion s = SuggestionRules.steepest().suggest(c).orElseThrow();
        assertEquals("steepest", s.rule());
        assertEquals(1e-3, s.learningRate(), 1e-12);
        assertEquals(60, s.index());
        assertEquals(c.get(60).smoothedLoss(), s.smoothedLoss(), 0);
    }

    @Test
    void minimumDividesTheLrOfTheLowestLossByTen() {
        LossCurve c = curve(x -> (x + 2) * (x + 2));
        Suggestion s = SuggestionRules.minimum().suggest(c).orElseThrow();
        assertEquals("minimum", s.rule());
        assertEquals(1e-2, s.pointLearningRate(), 1e-12);
        assertEquals(1e-3, s.learningRate(), 1e-12);
        assertEquals(80, s.index());
    }

    @Test
    void valleyPicksInsideTheLongestDecreasingStretch() {
        double[] loss = new double[100];
        for (int i = 0; i < 100; i++) {
            if (i < 20) {
                loss[i] = 5; // flat: not strictly decreasing
            } else if (i < 80) {
                loss[i] = 4.9 - 0.05 * (i - 20); // strictly decreasing over 20..79
            } else {
                loss[i] = 2 + 0.3 * (i - 80); // rising
            }
        }
        Suggestion s = SuggestionRules.valley().suggest(indexCurve(loss)).orElseThrow();
        assertEquals("valley", s.rule());
        // about halfway through the middle third of 20..79, never at its ends
        assertTrue(s.index() >= 40 && s.index() <= 52, "valley index " + s.index());
    }

    @Test
    void slideStopsWhereTheSlopeStopsChanging() {
        double[] loss = new double[100];
        for (int i = 0; i < 100; i++) {
            // constant slope -0.01 per point up to 60, then a sharp quadratic rise
            loss[i] = 3 - 0.01 * i + (i > 60 ? 0.02 * (i - 60) * (i - 60) : 0);
        }
        Suggestion s = SuggestionRules.slide().suggest(indexCurve(loss)).orElseThrow();
        assertEquals("slide", s.rule());
        // the walk stops once both points lie on the straight part: the left one is 15 before
        assertTrue(s.index() >= 40 && s.index() <= 47, "slide index " + s.index());
    }

    @Test
    void rulesIgnoreTheDivergedTailAndTheFirstTenth() {
        // the lowest loss sits in the first tenth and a NaN ends the curve: neither may be picked
        double[] loss = new double[60];
        for (int i = 0; i < 60; i++) {
            loss[i] = i < 3 ? 0.1 : 3 - 0.04 * i;
        }
        loss[59] = Double.NaN;
        LossCurve c = indexCurve(loss);
        for (SuggestionRule rule : SuggestionRules.all()) {
            Suggestion s =
                    rule.suggest(c)
                            .orElseThrow(
                                    () ->
                                            new AssertionError(
                                                    rule.name()
                                                            + " gave no suggestion on a usable curve"));
            // the onset may be the last finite point, where the loss turned worse
            int end = s.rule().equals("onset") || s.rule().equals("guarded") ? 59 : 58;
            assertTrue(s.index() >= 6 && s.index() < end, rule.name() + " " + s);
            assertTrue(Double.isFinite(s.learningRate()));
        }
        assertEquals(57, SuggestionRules.minimum().suggest(c).orElseThrow().index());
    }

    @Test
    void consensusIsTheGeometricMeanOfSteepestValleyAndMinimum() {
        LossCurve c =
                curve(x -> 2 - Math.tanh(2 * (x + 3)) + (x > -1 ? 50 * (x + 1) * (x + 1) : 0));
        double s = SuggestionRules.steepest().suggest(c).orElseThrow().learningRate();
        double v = SuggestionRules.valley().suggest(c).orElseThrow().learningRate();
        double m = SuggestionRules.minimum().suggest(c).orElseThrow().learningRate();
        Suggestion g = SuggestionRules.consensus().suggest(c).orElseThrow();
        assertEquals(Math.cbrt(s * v * m), g.learningRate(), 1e-12);
        assertEquals("consensus", g.rule());
        double pointLr = c.get(g.index()).learningRate();
        assertTrue(Math.abs(Math.log10(pointLr / g.learningRate())) <= 0.025 + 1e-9);
    }

    @Test
    void tooShortACurveHasNoSuggestion() {
        LossCurve c =
                new LossCurve(
                        List.of(new CurvePoint(0, 1e-3, 3, 3), new CurvePoint(1, 1e-2, 2, 2)));
        for (SuggestionRule rule : SuggestionRules.all()) {
            assertTrue(rule.suggest(c).isEmpty(), rule.name());
        }
        assertTrue(SuggestionRules.minimum().suggest(new LossCurve(List.of())).isEmpty());
    }

    @Test
    void rulesAreFoundByName() {
        assertSame(SuggestionRules.valley(), SuggestionRules.byName("Valley"));
        assertEquals(7, SuggestionRules.all().size());
        assertTrue(SuggestionRules.all().contains(SuggestionRules.defaultRule()));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> SuggestionRules.byName("x"));
        assertTrue(e.getMessage().contains("rule") && e.getMessage().contains("x"));
    }
}
