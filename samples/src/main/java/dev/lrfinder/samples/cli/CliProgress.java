package dev.lrfinder.samples.cli;

import dev.lrfinder.core.CurvePoint;
import dev.lrfinder.core.LrSweep;
import dev.lrfinder.listeners.LrFinderResult;
import dev.lrfinder.listeners.RangeTestObserver;
import java.io.PrintStream;
import java.util.Locale;

/**
 * The progress of {@code lrfinder find}, drawn from the points the range test records: each loss is
 * shown beside the learning rate of its own iteration, and nothing is shown before the first point
 * exists. On a terminal it redraws one line ({@code \r}); elsewhere (a pipe, a file, a CI log) it
 * prints a plain line every tenth of the sweep and the last point, and never a {@code \r}.
 */
final class CliProgress implements RangeTestObserver {

    private static final int BAR = 30;

    private final PrintStream out;
    private final boolean terminal;
    private int total;
    private int every;
    private CurvePoint last;
    private boolean lastPrinted;
    private int width;

    /**
     * Creates the progress.
     *
     * @param out where to print
     * @param terminal true when {@code out} is a terminal that honours {@code \r}
     */
    CliProgress(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** {@inheritDoc} */
    @Override
    public void onStart(LrSweep sweep) {
        total = sweep.numIterations();
        every = Math.max(1, total / 10);
        last = null;
        width = 0;
    }

    /** {@inheritDoc} */
    @Override
    public void onIteration(CurvePoint point) {
        last = point;
        int done = point.iteration() + 1;
        if (terminal) {
            String line = bar(done) + " " + text(point);
            // pad over a longer previous frame
            String padded = String.format("%-" + Math.max(width, line.length()) + "s", line);
            width = line.length();
            out.print("\r" + padded);
            out.flush();
            lastPrinted = true;
        } else {
            lastPrinted = done % every == 0 || done == total;
            if (lastPrinted) {
                out.println(text(point));
            }
        }
    }

    /** {@inheritDoc} */
    @Override
    public void onStop(LrFinderResult result) {
        if (terminal) {
            if (last != null) {
                out.println();
            }
        } else if (last != null && !lastPrinted) {
            out.println(text(last)); // where the test stopped, e.g. diverged between two tenths
        }
        out.flush();
    }

    private String text(CurvePoint p) {
        return String.format(
                Locale.ROOT,
                "lr-find %d/%d: lr %.3g, loss %.4f",
                p.iteration() + 1,
                total,
                p.learningRate(),
                p.loss());
    }

    private String bar(int done) {
        int filled = total == 0 ? BAR : Math.min(BAR, done * BAR / total);
        return "[" + "#".repeat(filled) + " ".repeat(BAR - filled) + "]";
    }
}
