package dev.lrfinder.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/** The verdict on synthetic curves: each reason triggers on its own shape; a clean curve passes. */
class CurveVerdictTest {

    /**
     * A 100-point sweep from 1e-7 to 10 with a raw loss given as a function of log10(lr), plus
     * Gaussian noise, smoothed as the finder smooths it; the curve stops at the first loss above
     * {@code stopAt}, with a NaN point, as a diverging test does.
     */
    static LossCurve sweep(
            DoubleUnaryOperator lossOfLog10Lr, double noise, double stopAt, long seed) {
        return sweep(lossOfLog10Lr, noise, stopAt, seed, 100);
    }

    static LossCurve sweep(
            DoubleUnaryOperator lossOfLog10Lr,
            double noise,
            double stopAt,
            long seed,
            int iterations) {
        LrSweep lrs = LrSweep.exponential(1e-7, 10, iterations);
        Random r = new Random(seed);
        LossSmoother smoother = new LossSmoother(0.98);
        List<CurvePoint> pts = new ArrayList<>();
        for (int i = 0; i < iterations; i++) {
            double lr = lrs.learningRate(i);
            double loss = lossOfLog10Lr.applyAsDouble(Math.log10(lr)) + noise * r.nextGaussian();
            if (loss > stopAt) {
                pts.add(new CurvePoint(i, lr, Double.NaN, Double.NaN));
                break;
            }
            pts.add(new CurvePoint(i, lr, loss, smoother.add(loss)));
        }
        return new LossCurve(pts);
    }

    /** Falls from 2.3 to 0.3 around lr 0.01, turns worse from lr 0.3 and blows up. */
    static double fresh(double x) {
        return 1.3 - Math.tanh(1.5 * (x + 2)) + (x > -0.5 ? 8 * (x + 0.5) * (x + 0.5) : 0);
    }

    /** Flat at 0.2 until lr 0.1, then rises. */
    static double flat(double x) {
        return 0.2 + (x > -1 ? 4 * (x + 1) * (x + 1) : 0);
    }

    @Test
    void aCleanFreshCurveIsConfident() {
        LossCurve c = sweep(CurveVerdictTest::fresh, 0.05, 20, 1);
        Verdict v = CurveVerdict.assess(c, 100);
        assertTrue(v.confident(), v.toString());
        assertEquals("confident", v.toString());
        CurveAnalysis s = CurveAnalysis.of(c);
        // the loss turns worse a little after lr 10^-0.5
        double onsetLr = s.onsetLearningRate();
        assertTrue(onsetLr > 0.2 && onsetLr < 2, "onset lr " + onsetLr);
        assertTrue(s.descends() && s.clearDescent());
    }

    @Test
    void aFlatNoisyCurveHasNoClearDescentButAnOnset() {
        LossCurve c = sweep(CurveVerdictTest::flat, 0.05, 20, 2);
        Verdict v = CurveVerdict.assess(c, 100);
        assertFalse(v.confident());
        assertEquals(List.of(Verdict.Reason.NO_CLEAR_DESCENT), v.reasons());
        assertTrue(v.details().get(0).startsWith("no clear descent"), v.details().get(0));
        // the onset rule still reads where the loss turns worse: a quarter of lr ~0.1-0.6
        double onset = SuggestionRules.onset().suggest(c).orElseThrow().learningRate();
        assertTrue(onset > 0.1 / 4 && onset < 0.6 / 4, "onset suggestion " + onset);
        assertEquals(onset, SuggestionRules.guarded().suggest(c).orElseThrow().learningRate(), 0);
    }

    @Test
    void noiseLargerThanTheDescentIsNoClearDescent() {
        // a real but small step down (0.05), buried in noise ten times as large
        LossCurve c = sweep(x -> flat(x) - (x > -4 ? 0.05 : 0), 0.5, 50, 3);
        assertTrue(CurveVerdict.assess(c, 100).reasons().contains(Verdict.Reason.NO_CLEAR_DESCENT));
        // the same from 2.3: within the noise and less than a third of the start
        c = sweep(x -> 2.1 + flat(x) - (x > -4 ? 0.05 : 0), 0.5, 50, 3);
        Verdict v = CurveVerdict.assess(c, 100);
        assertTrue(v.reasons().contains(Verdict.Reason.NO_CLEAR_DESCENT));
        // both thresholds missed, and both named
        String detail = v.details().get(v.reasons().indexOf(Verdict.Reason.NO_CLEAR_DESCENT));
        assertTrue(detail.contains("a third of it and than the"), detail);
        assertTrue(detail.contains("its level's noise"), detail);
    }

    @Test
    void aFlatButCleanDescentNamesOnlyTheThirdItMissed() {
        // 2.3 falling to ~2.0 (a seventh of it) with next to no noise: beyond the noise, not clear
        LossCurve c =
                sweep(x -> 2.15 - 0.15 * Math.tanh(1.5 * (x + 3)) + flat(x) - 0.2, 0.001, 20, 6);
        CurveAnalysis a = CurveAnalysis.of(c);
        assertTrue(a.descends() && !a.clearDescent(), a.descent() + " of " + a.startLevel());
        String detail = CurveVerdict.assess(c, 100).details().get(0);
        assertTrue(detail.contains("not more than a third of it;"), detail);
        assertFalse(detail.contains("noise"), detail);
    }

    @Test
    void aDescentWithinTheNoiseNamesOnlyTheNoise() {
        // 0.4 falling to 0.2 (half of it) under noise five times the step: deep enough, not real
        LossCurve c = sweep(x -> 0.3 - 0.1 * Math.tanh(1.5 * (x + 3)) + flat(x) - 0.2, 0.5, 50, 7);
        CurveAnalysis a = CurveAnalysis.of(c);
        assertTrue(
                !a.descends() && a.descent() > CurveAnalysis.CLEAR_DESCENT * a.startLevel(),
                a.descent() + " of " + a.startLevel() + ", tolerance " + a.tolerance());
        String detail = CurveVerdict.assess(c, 100).details().get(0);
        assertTrue(detail.contains("its level's noise"), detail);
        assertFalse(detail.contains("a third"), detail);
    }

    @Test
    void aLossThatRisesFromTheStartIsFlagged() {
        LossCurve c = sweep(x -> 0.5 + 0.3 * (x + 7) * (x + 7), 0.01, 1e9, 4);
        Verdict v = CurveVerdict.assess(c, 100);
        assertTrue(v.reasons().contains(Verdict.Reason.RISES_FROM_START), v.toString());
        assertFalse(v.confident());
    }

    @Test
    void anEarlyDivergenceIsFlaggedAndLeavesTooFewPoints() {
        LossCurve c = sweep(x -> 2 + Math.pow(10, 3 * (x + 6.8)), 0.01, 6, 5); // explodes at once
        assertTrue(c.size() < 10, "size " + c.size());
        Verdict v = CurveVerdict.assess(c, 100);
        assertEquals(
                List.of(Verdict.Reason.EARLY_DIVERGENCE, Verdict.Reason.TOO_SHORT), v.reasons());
        assertTrue(SuggestionRules.onset().suggest(c).isEmpty());
    }

    @Test
    void aSweepThatEndsBeforeTheLossTurnsWorseHasNoOnset() {
        LossCurve c = sweep(x -> 1.3 - Math.tanh(1.5 * (x + 3)), 0.02, 1e9, 6);
        Verdict v = CurveVerdict.assess(c, 100);
        assertEquals(List.of(Verdict.Reason.NO_ONSET), v.reasons(), v.toString());
    }

    @Test
    void rulesThatDisagreeAreFlagged() {
        // as in a real transfer run: the loss falls from 12 to 0.6, turns worse from lr 0.01,
        // and one huge batch loss near lr 1 sends the smoothed loss up; its slow decay after
        // that spike looks like the steepest descent of the curve
        LossCurve c =
                sweep(
                        x ->
                                6.3
                                        - 5.7 * Math.tanh(1.5 * (x + 3))
                                        + (x > -2 ? 2 * Math.min(1, x + 2) : 0)
                                        + (x > 0 && x < 0.08 ? 600 : 0),
                        0.05,
                        1e9,
                        7);
        Verdict v = CurveVerdict.assess(c, 100);
        assertEquals(
                List.of(Verdict.Reason.RULES_DISAGREE),
                v.reasons(),
                v
                        + " "
                        + SuggestionRules.consensus().suggest(c)
                        + " "
                        + SuggestionRules.onset().suggest(c));
        assertTrue(v.details().get(0).contains("beyond the lr"));
    }

    @Test
    void verdictsAreConsistent() {
        Verdict ok = new Verdict(List.of(), List.of());
        assertTrue(ok.confident());
        assertThrowsIae(() -> new Verdict(true, List.of(Verdict.Reason.NO_ONSET), List.of("x")));
        assertThrowsIae(() -> new Verdict(false, List.of(Verdict.Reason.NO_ONSET), List.of()));
        assertEquals("no-clear-descent", Verdict.Reason.NO_CLEAR_DESCENT.code());
    }

    private static void assertThrowsIae(Runnable r) {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, r::run);
    }
}
