package dev.lrfinder.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LossCurveTest {

    static LossCurve randomCurve(long seed, boolean validation) {
        Random r = new Random(seed);
        List<CurvePoint> pts = new ArrayList<>();
        for (int i = 0; i < 57; i++) {
            pts.add(
                    new CurvePoint(
                            i,
                            1e-7 * Math.pow(1.3, i),
                            r.nextDouble() * 3,
                            r.nextGaussian(),
                            validation ? r.nextDouble() : Double.NaN));
        }
        pts.add(
                new CurvePoint(
                        57, 0.5, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY));
        return new LossCurve(pts);
    }

    @Test
    void csvRoundTripsBitForBit() {
        for (boolean validation : new boolean[] {false, true}) {
            LossCurve c = randomCurve(7, validation);
            LossCurve back = LossCurve.fromCsv(c.toCsv());
            assertEquals(c, back);
            for (int i = 0; i < c.size(); i++) {
                assertEquals(
                        Double.doubleToRawLongBits(c.get(i).learningRate()),
                        Double.doubleToRawLongBits(back.get(i).learningRate()));
            }
        }
    }

    @Test
    void jsonRoundTripsBitForBit() {
        for (boolean validation : new boolean[] {false, true}) {
            LossCurve c = randomCurve(11, validation);
            assertEquals(c, LossCurve.fromJson(c.toJson()));
        }
    }

    @Test
    void filesRoundTrip(@TempDir Path dir) throws Exception {
        LossCurve c = randomCurve(3, true);
        c.writeCsv(dir.resolve("c.csv"));
        c.writeJson(dir.resolve("c.json"));
        assertEquals(c, LossCurve.fromCsv(java.nio.file.Files.readString(dir.resolve("c.csv"))));
        assertEquals(c, LossCurve.fromJson(java.nio.file.Files.readString(dir.resolve("c.json"))));
    }

    @Test
    void emptyCurveRoundTrips() {
        LossCurve c = new LossCurve(List.of());
        assertEquals(c, LossCurve.fromCsv(c.toCsv()));
        assertEquals(c, LossCurve.fromJson(c.toJson()));
    }

    @Test
    void malformedInputIsRejectedClearly() {
        assertThrows(IllegalArgumentException.class, () -> LossCurve.fromCsv("a,b\n1,2"));
        assertThrows(
                IllegalArgumentException.class,
                () -> LossCurve.fromCsv(LossCurve.CSV_HEADER + "\n1,2,3"));
        assertThrows(IllegalArgumentException.class, () -> LossCurve.fromJson("{\"x\":1}"));
        assertThrows(IllegalArgumentException.class, () -> LossCurve.fromJson("not json"));
    }
}
