package dev.lrfinder.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    void csvAndJsonWriteAMissingNumberAlikeAsNothing() throws Exception {
        LossCurve c =
                new LossCurve(
                        List.of(
                                new CurvePoint(0, 0.001, 2.5, 2.5),
                                new CurvePoint(1, 0.01, Double.NaN, Double.NaN, 2.4)));
        String[] rows = c.toCsv().split("\n");
        assertEquals("0,0.001,2.5,2.5,", rows[1]); // no validation loss: an empty field
        assertEquals("1,0.01,,,2.4", rows[2]);
        com.fasterxml.jackson.databind.JsonNode points =
                new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(c.toJson())
                        .get("points");
        assertTrue(points.get(0).get("validation_loss").isNull());
        assertTrue(points.get(1).get("loss").isNull());
        assertEquals(c, LossCurve.fromCsv(c.toCsv()));
        // files written before: NaN spelled out
        assertEquals(
                c,
                LossCurve.fromCsv(
                        LossCurve.CSV_HEADER + "\n0,0.001,2.5,2.5,NaN\n1,0.01,NaN,NaN,2.4\n"));
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

    @Test
    void accessorsListTheColumnsInOrder() {
        LossCurve c =
                new LossCurve(
                        List.of(
                                new CurvePoint(0, 0.1, 2.0, 2.5),
                                new CurvePoint(1, 0.2, 1.0, 1.5)));
        assertEquals(2, c.points().size());
        assertEquals(false, c.isEmpty());
        assertEquals(true, new LossCurve(List.of()).isEmpty());
        assertArrayEquals(new double[] {0.1, 0.2}, c.learningRates());
        assertArrayEquals(new double[] {2.0, 1.0}, c.losses());
        assertArrayEquals(new double[] {2.5, 1.5}, c.smoothedLosses());
        assertEquals("LossCurve{points=2}", c.toString());
        LossCurve same =
                new LossCurve(
                        List.of(
                                new CurvePoint(0, 0.1, 2.0, 2.5),
                                new CurvePoint(1, 0.2, 1.0, 1.5)));
        assertEquals(c.hashCode(), same.hashCode());
        assertEquals(false, c.equals(new LossCurve(List.of(new CurvePoint(0, 0.1, 2.0, 2.5)))));
        assertEquals(false, c.equals("a curve"));
    }

    @Test
    void jsonWritesNanAsNullAndInfinitiesAsStrings() {
        LossCurve c =
                new LossCurve(
                        List.of(
                                new CurvePoint(
                                        0,
                                        0.1,
                                        Double.NaN,
                                        Double.POSITIVE_INFINITY,
                                        Double.NEGATIVE_INFINITY)));
        String json = c.toJson();
        assertTrue(json.contains("\"loss\" : null"), json);
        assertTrue(json.contains("\"smoothed_loss\" : \"Infinity\""), json);
        assertTrue(json.contains("\"validation_loss\" : \"-Infinity\""), json);
        assertTrue(json.trim().endsWith("}"), json);
        LossCurve back = LossCurve.fromJson(json);
        assertTrue(Double.isNaN(back.get(0).loss()));
        assertEquals(Double.NEGATIVE_INFINITY, back.get(0).validationLoss());
        assertEquals(
                0.1,
                LossCurve.fromJson("{\"points\":[{\"iteration\":0,\"learning_rate\":0.1}]}")
                        .get(0)
                        .learningRate());
    }

    @Test
    void csvErrorsNameTheLine() {
        String csv = LossCurve.CSV_HEADER + "\n\n0,0.1,1,1,NaN\n1,0.2,x,1,NaN\n";
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> LossCurve.fromCsv(csv));
        assertEquals("csv line 4 has a bad number: 1,0.2,x,1,NaN", e.getMessage());
        IllegalArgumentException f =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> LossCurve.fromCsv(LossCurve.CSV_HEADER + "\n0,0.1,1\n"));
        assertEquals("csv line 2 must have 5 fields, got: 0,0.1,1", f.getMessage());
    }
}
