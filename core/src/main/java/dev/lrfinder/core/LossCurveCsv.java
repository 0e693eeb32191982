package dev.lrfinder.core;

import java.util.ArrayList;
import java.util.List;

/**
 * The CSV form of a {@link LossCurve}: the header {@link LossCurve#CSV_HEADER}, then one line per
 * point, each double as {@link Double#toString(double)} writes it (so that it reads back bit for
 * bit, {@code Infinity} included); a missing number (NaN) is an empty field, as JSON writes {@code
 * null}. The reader also takes {@code NaN}, as earlier versions wrote it.
 */
final class LossCurveCsv {

    private LossCurveCsv() {}

    static String format(LossCurve curve) {
        StringBuilder sb = new StringBuilder(LossCurve.CSV_HEADER).append('\n');
        for (CurvePoint p : curve.points()) {
            sb.append(p.iteration())
                    .append(',')
                    .append(number(p.learningRate()))
                    .append(',')
                    .append(number(p.loss()))
                    .append(',')
                    .append(number(p.smoothedLoss()))
                    .append(',')
                    .append(number(p.validationLoss()))
                    .append('\n');
        }
        return sb.toString();
    }

    static LossCurve parse(String csv) {
        String[] lines = csv.split("\r?\n");
        if (lines.length == 0 || !lines[0].trim().equals(LossCurve.CSV_HEADER)) {
            throw new IllegalArgumentException(
                    "csv must start with the header " + LossCurve.CSV_HEADER);
        }
        List<CurvePoint> points = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            String[] f = lines[i].split(",", -1);
            if (f.length != 5) {
                throw new IllegalArgumentException(
                        "csv line " + (i + 1) + " must have 5 fields, got: " + lines[i]);
            }
            try {
                points.add(
                        new CurvePoint(
                                Integer.parseInt(f[0].trim()),
                                number(f[1]),
                                number(f[2]),
                                number(f[3]),
                                number(f[4])));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "csv line " + (i + 1) + " has a bad number: " + lines[i], e);
            }
        }
        return new LossCurve(points);
    }

    /** A double as CSV writes it: NaN, a missing number, as an empty field. */
    private static String number(double v) {
        return Double.isNaN(v) ? "" : Double.toString(v);
    }

    /** A CSV field as a double: an empty field is NaN. */
    private static double number(String field) {
        return field.isBlank() ? Double.NaN : Double.parseDouble(field.trim());
    }
}
