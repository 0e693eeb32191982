package dev.lrfinder.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The analysis of hand-made curves, each value worked out by hand from the definitions. */
class CurveAnalysisTest {

    /** Points at lr 10^(i/10 - 5) with these raw losses, smoothed = raw. */
    private static LossCurve raw(double... loss) {
        List<CurvePoint> pts = new ArrayList<>();
        for (int i = 0; i < loss.length; i++) {
            pts.add(new CurvePoint(i, Math.pow(10, i / 10.0 - 5), loss[i], loss[i]));
        }
        return new LossCurve(pts);
    }

    /** A V: falls by 0.1 a point from 3 to the bottom at index 20, then rises by 0.1 a point. */
    private static double[] vee(int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = 1 + 0.1 * Math.abs(i - 20);
        }
        return v;
    }

    @Test
    void theWindowSkipsTheFirstTenthAndTheLastPoints() {
        CurveAnalysis a = CurveAnalysis.of(raw(vee(40)));
        assertEquals(4, a.windowStart());
        assertEquals(36, a.windowEnd(), "40 points drop min(5, max(1, 4)) = 4 at the end");
        assertEquals(32, a.windowSize());
        assertTrue(a.windowUsable());
        CurveAnalysis big = CurveAnalysis.of(raw(vee(100)));
        assertEquals(10, big.windowStart());
        assertEquals(95, big.windowEnd(), "at most five dropped");
        CurveAnalysis tiny = CurveAnalysis.of(raw(1, 1, 1));
        assertEquals(0, tiny.windowStart());
        assertEquals(2, tiny.windowEnd(), "at least one dropped");
        assertFalse(tiny.windowUsable());
        assertTrue(CurveAnalysis.of(raw(1, 1, 1, 1)).windowUsable(), "three points are enough");
    }

    @Test
    void aNonFiniteEndDropsOnlyThatPointAndTheOneBefore() {
        double[] v = vee(40);
        v[30] = Double.NaN;
        LossCurve c = raw(java.util.Arrays.copyOf(v, 31));
        CurveAnalysis a = CurveAnalysis.of(c);
        assertEquals(29, a.windowEnd(), "31 points, the smoothed loss finite up to 30: end 29");
        assertEquals(30, a.finitePoints());
        assertTrue(a.turnsWorse(), "a non-finite end turns worse");
    }

    @Test
    void theLevelIsACenteredRunningMedianAndFindsTheBottom() {
        CurveAnalysis a = CurveAnalysis.of(raw(vee(40)));
        // h = max(2, round(40 / 20)) = 2: the median of five
        assertEquals(1.1, a.level(20), 1e-12);
        assertEquals(1.2, a.level(18), 1e-12);
        assertEquals(2.85, a.level(1), 1e-12, "the median of the four values 0..3");
        assertTrue(a.readable());
        assertEquals(19, a.best(), "the first of the three lowest levels");
        assertEquals(1.1, a.bestLevel(), 1e-12);
    }

    @Test
    void aSpikeEndsTheReadingAndTheLevelHidesIt() {
        // falls by 0.1 a point from 3 to 2 at index 10, then flat; +-0.01 of noise
        double[] v = new double[40];
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.max(2, 3 - 0.1 * i) + (i % 2 == 0 ? 0.01 : -0.01);
        }
        v[15] = 5; // one batch blew up on the flat, which the loss does not fall below after it
        CurveAnalysis a = CurveAnalysis.of(raw(v));
        assertEquals(1.4826 * 0.04 / Math.sqrt(6), a.noise(), 1e-9);
        assertEquals(2.01, a.level(15), 1e-9, "the median hides it");
        assertEquals(10, a.best(), "the lowest level before the spike, 2.01, first at 10");
        assertEquals(15, a.onset(), "a spike marks where training turns unstable");
        // the flat's level, 2.01 and 1.99 in turn, never falls 5 sigma / sqrt(5) = 0.054 below
        // 2.01, and stays within it of the best to the end
        assertEquals(39, a.turn());
        assertTrue(a.turnsWorse(), "the spike ends the reading");
    }

    @Test
    void aSpikeTheLossFallsFarBelowAfterwardsIsATransient() {
        double[] v = vee(40);
        for (int i = 0; i < v.length; i++) {
            v[i] += i % 2 == 0 ? 0.01 : -0.01; // noise: sigma = 1.4826 * 0.04 / sqrt(6)
        }
        v[10] = 5; // one batch blew up on the way down
        CurveAnalysis a = CurveAnalysis.of(raw(v));
        assertEquals(1.4826 * 0.04 / Math.sqrt(6), a.noise(), 1e-9);
        assertTrue(Math.abs(a.level(10) - 2.0) < 0.15, "the median hides it: " + a.level(10));
        // the lowest level before it is 9's, 2.21; 11's, 1.89, lies more than the tolerance (5
        // sigma / sqrt(5) = 0.054) below it: the loss recovered, and no batch after 11 is a spike
        assertEquals(19, a.best(), "the bottom's level, 1.09 at 19, 20 and 21: the first");
        assertEquals(22, a.turn(), "22's level, 1.21, is the first above 1.09 + 0.054");
        assertEquals(22, a.onset(), "the turn, not the transient");
        assertTrue(a.turnsWorse());
        double[] noiseless = vee(40);
        noiseless[10] = 5;
        assertEquals(19, CurveAnalysis.of(raw(noiseless)).best(), "no noise: no spike to tell");
    }

    @Test
    void theLocalNoiseLeavesOutThePointsOwnLoss() {
        // one batch at 5 among zeros: its second differences are 5, 10 and 5 at 4, 5 and 6
        double[] local =
                CurveAnalysis.localNoise(new double[] {0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0}, 2);
        assertEquals(0, local[5], 1e-12, "2, 3, 7 and 8 leave out 4, 5 and 6: all zero");
        assertEquals(
                1.4826 * 5 / Math.sqrt(6),
                local[3],
                1e-12,
                "1, 5 and 6 (0, 10 and 5) leave out 2, 3 and 4: their median is 5");
        assertEquals(
                1.4826 * 2.5 / Math.sqrt(6),
                local[9],
                1e-12,
                "6 and 7 (5 and 0) leave out 8 and 9, the last there is: their median is 2.5");
        assertEquals(
                1.4826 * 2.5 / Math.sqrt(6),
                local[1],
                1e-12,
                "3 and 4 (0 and 5) leave out 1 and 2, the first there is: their median is 2.5");
    }

    @Test
    void aBatchIsASpikeAgainstTheNoiseAroundItNotOnlyTheCurves() {
        // a steady descent to a flat from 40, +-0.3 of noise where the loss is high (0 to 29),
        // +-0.01 below, over 80 points: the curve's sigma is the quiet stretch's (1.4826 * 0.04 /
        // sqrt(6), 6 sigma = 0.145), the loud stretch's own 1.4826 * 1.2 / sqrt(6) (6 sigma = 4.36)
        double[] v = new double[80];
        for (int i = 0; i < v.length; i++) {
            double noise = i < 30 ? 0.3 : 0.01;
            v[i] = 3 - 0.02 * Math.min(i, 40) + (i % 2 == 0 ? noise : -noise);
        }
        v[15] += 1; // 0.46 above its level: more than 6 sigma, noise in its loud stretch
        v[45] += 1; // 1 above its level on the quiet flat, which never falls below it: a spike
        CurveAnalysis a = CurveAnalysis.of(raw(v));
        assertEquals(1.4826 * 0.04 / Math.sqrt(6), a.noise(), 1e-9);
        assertEquals(45, a.onset(), "the loud start is noise, the quiet stretch's batch a spike");
        assertTrue(a.best() > 30 && a.best() < 45, "the lowest level before it: " + a.best());
    }

    @Test
    void theReachIsWhereTheTrendCrossesItsToleranceInterpolatedBetweenPoints() {
        assertArrayEquals(
                new double[] {2, 2.5, 3, 3.5, 11 / 3.0},
                CurveAnalysis.runningMean(new double[] {1, 3, 2, 4, 5}, 2),
                1e-12,
                "the mean of the (up to) five values around each");
        double[] v = vee(40);
        for (int i = 0; i < v.length; i++) {
            v[i] += i % 2 == 0 ? 0.01 : -0.01;
        }
        CurveAnalysis a = CurveAnalysis.of(raw(v));
        // the falling side's levels are its own losses (17: 1.29, 18's median of 1.41, 1.29, 1.21,
        // 1.09, 1.01 is 1.21); 19 to 21 level at 1.09, 22 at 1.21. The trend, the mean of five
        // levels: 1.138 at 20, the lowest, 1.154 at 19 and 1.218 at 18
        double tolerance = 5 * (1.4826 * 0.04 / Math.sqrt(6)) / Math.sqrt(5);
        assertEquals(tolerance, a.tolerance(), 1e-9);
        double threshold = 1.138 + tolerance;
        assertEquals(19, a.reach(), "18's trend, 1.218, lies above 1.138 + 0.054; 19's does not");
        double t = (1.218 - threshold) / (1.218 - 1.154);
        assertEquals(Math.pow(10, (18 + t) / 10 - 5), a.reachLearningRate(), 1e-12);
        assertEquals(Math.pow(10, 1.9 - 5), a.learningRate(19), 1e-15, "0.4 of a point lower");
        // a loss that only rises: the trend is lowest where the reading starts (40 / 10 = 4), and
        // the reach is that point itself, with nothing before it to interpolate from
        double[] rising = new double[40];
        for (int i = 0; i < rising.length; i++) {
            rising[i] = 1 + 0.1 * i;
        }
        CurveAnalysis r = CurveAnalysis.of(raw(rising));
        assertEquals(4, r.reach());
        assertEquals(Math.pow(10, 0.4 - 5), r.reachLearningRate(), 1e-15);
    }

    @Test
    void noiseToleranceDescentAndOnsetFollowTheirDefinitions() {
        // a straight fall then a straight rise: second differences vanish except at the bottom
        CurveAnalysis a = CurveAnalysis.of(raw(vee(40)));
        assertEquals(0, a.noise(), 1e-12, "the median |second difference| of a V is 0");
        assertEquals(0, a.tolerance(), 1e-12);
        // start level: median of raw[4..8] = 2.4; best level 1.1 at 19 (and 20, 21)
        assertEquals(2.4, a.startLevel(), 1e-12);
        assertEquals(19, a.best());
        assertEquals(1.3, a.descent(), 1e-12);
        assertTrue(a.descends());
        assertTrue(a.clearDescent(), "1.3 > 2.4 / 3");
        assertEquals(22, a.onset(), "the level rises after the last of the three lowest");
        assertEquals(22, a.turn(), "no spike: the onset is the turn");
        assertEquals(Math.pow(10, 2.2 - 5), a.onsetLearningRate(), 1e-15);
        assertTrue(a.turnsWorse());
        assertTrue(a.atOrBelowOnset(a.onsetLearningRate()));
        assertFalse(a.atOrBelowOnset(a.onsetLearningRate() * 1.0001));
    }

    @Test
    void aNoisyFlatCurveDoesNotDescend() {
        double[] v = new double[60];
        java.util.Random r = new java.util.Random(7);
        for (int i = 0; i < v.length; i++) {
            v[i] = 1 + 0.05 * r.nextGaussian();
        }
        CurveAnalysis a = CurveAnalysis.of(raw(v));
        assertTrue(a.noise() > 0.03 && a.noise() < 0.08, "noise " + a.noise());
        assertEquals(5 * a.noise() / Math.sqrt(7), a.tolerance(), 1e-12, "h = 3: 2h + 1 = 7");
        assertFalse(a.clearDescent());
        // a shallow but real descent: more than the tolerance, less than a third of the start
        double[] shallow = vee(40);
        for (int i = 0; i < shallow.length; i++) {
            shallow[i] = 10 + 0.1 * Math.abs(i - 20);
        }
        CurveAnalysis s = CurveAnalysis.of(raw(shallow));
        assertTrue(s.descends());
        assertFalse(s.clearDescent(), "1.3 of 11.4 is less than a third");
    }

    @Test
    void aCurveThatNeverTurnsWorseHasItsOnsetAtTheEnd() {
        double[] fall = new double[30];
        for (int i = 0; i < fall.length; i++) {
            fall[i] = 3 - 0.05 * i;
        }
        CurveAnalysis a = CurveAnalysis.of(raw(fall));
        assertFalse(a.turnsWorse());
        assertEquals(29, a.onset(), "clamped to the last finite point");
    }

    @Test
    void tooFewFinitePointsLeaveNoLevel() {
        double[] v = vee(40);
        v[13] = Double.POSITIVE_INFINITY; // 13 finite, 4 skipped: 9 read, fewer than 10
        CurveAnalysis a = CurveAnalysis.of(raw(v));
        assertFalse(a.readable());
        assertFalse(a.descends());
        assertFalse(a.clearDescent());
        assertFalse(a.turnsWorse());
        assertFalse(a.atOrBelowOnset(1e-9));
        IllegalStateException e = assertThrows(IllegalStateException.class, a::onset);
        assertEquals(
                "the curve has 13 finite points, fewer than 10 after its first tenth: it has no"
                        + " level",
                e.getMessage());
        assertThrows(IllegalStateException.class, a::best);
        assertThrows(IllegalStateException.class, a::turn);
        assertThrows(IllegalStateException.class, a::reach);
        assertThrows(IllegalStateException.class, a::reachLearningRate);
        assertThrows(IllegalStateException.class, a::noise);
        assertThrows(IllegalStateException.class, a::tolerance);
        assertThrows(IllegalStateException.class, a::startLevel);
        assertThrows(IllegalStateException.class, () -> a.level(0));
        double[] w = vee(40);
        w[14] = Double.NaN; // 14 finite, 10 read: just enough
        assertTrue(CurveAnalysis.of(raw(w)).readable());
    }

    @Test
    void theValidationLossIsReadWhereTheTestMeasuredIt() {
        List<CurvePoint> pts = new ArrayList<>();
        double[] v = vee(40);
        for (int i = 0; i < v.length; i++) {
            // the training loss only falls; the validation loss is the V
            pts.add(new CurvePoint(i, Math.pow(10, i / 10.0 - 5), 3 - 0.01 * i, v[i], v[i]));
        }
        CurveAnalysis a = CurveAnalysis.of(new LossCurve(pts));
        assertEquals(19, a.best());
        assertTrue(a.turnsWorse());
    }

    @Test
    void slopesAndNearestPoints() {
        CurveAnalysis a = CurveAnalysis.of(raw(vee(40)));
        double[] slopes = a.slopesPerDecade();
        assertEquals(a.windowSize(), slopes.length);
        // per decade: 0.1 per point, 10 points a decade
        assertEquals(-1, slopes[0], 1e-9);
        assertEquals(1, slopes[slopes.length - 1], 1e-9);
        assertEquals(0, slopes[20 - 4], 1e-9, "central difference across the bottom");
        assertEquals(25, a.nearestIndex(Math.pow(10, 2.5 - 5) * 1.01));
        assertEquals(0, a.nearestIndex(1e-12));
        assertEquals(-1, CurveAnalysis.of(new LossCurve(List.of())).nearestIndex(1));
        assertArrayEquals(
                new double[] {1, 1.5, 2},
                CurveAnalysis.gradient(new double[] {0, 1, 2}, new double[] {0, 1, 3}));
        assertArrayEquals(
                new double[1], CurveAnalysis.gradient(new double[] {0}, new double[] {5}));
        assertEquals(Double.NaN, CurveAnalysis.median(new double[0]));
        assertEquals(2.5, CurveAnalysis.median(new double[] {4, 1, 2, 3}));
        assertEquals(3, CurveAnalysis.median(new double[] {5, 1, 3}));
    }

    @Test
    void aSuggestionNamesItsPoint() {
        LossCurve curve = raw(vee(40));
        CurveAnalysis a = CurveAnalysis.of(curve);
        Suggestion s = a.suggestion("mine", 12, 0.5);
        // point 12 of the V: lr 10^(1.2 - 5), loss 1 + 0.1 * |12 - 20| = 1.8
        assertEquals("mine", s.rule());
        assertEquals(0.5, s.learningRate(), 0);
        assertEquals(12, s.index());
        assertEquals(Math.pow(10, 1.2 - 5), s.pointLearningRate(), 1e-15);
        assertEquals(1.8, s.smoothedLoss(), 1e-12);
        assertEquals(Math.pow(10, 1.2 - 5), a.learningRate(12), 1e-15);
        assertEquals(1.8, a.smoothedLoss(12), 1e-12);
        // the analysis reads the curve it was given, not a copy of another
        assertSame(curve, a.curve());
    }
}
