package dev.lrfinder.samples.cli;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Checks of command-line options before anything runs. Each failure is an {@link
 * IllegalArgumentException} whose message starts with the option as the user typed it, which {@link
 * dev.lrfinder.samples.LrFinderCli} prints as one {@code lrfinder: ...} line.
 */
public final class CliChecks {

    /** The library's parameter names and the options that set them. */
    private static final Map<String, String> OPTIONS =
            Map.of(
                    "plannedSteps", "--planned-steps",
                    "plannedBatchSize", "--planned-batch-size",
                    "startLr", "--start-lr",
                    "endLr", "--end-lr",
                    "numIterations", "--iterations",
                    "validationBatches", "--validation-batches",
                    "rule", "--rule",
                    "shape", "--linear",
                    "model", "--model",
                    "optimizer", "--optimizer");

    private CliChecks() {}

    public static void positive(String option, int value) {
        atLeast(option, value, 1);
    }

    public static void atLeast(String option, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(option + " must be >= " + min + ", got " + value);
        }
    }

    static void between(String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(
                    option + " must be in [" + min + ", " + max + "], got " + value);
        }
    }

    static void unitInterval(String option, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(option + " must be in [0, 1), got " + value);
        }
    }

    /** Makes sure the output folder exists or can be created, and can be written. */
    static void writableFolder(String option, Path folder) {
        if (Files.exists(folder) && !Files.isDirectory(folder)) {
            throw new IllegalArgumentException(
                    option + " must be a folder, got " + folder + ", an existing file");
        }
        try {
            Files.createDirectories(folder);
        } catch (IOException | RuntimeException e) {
            String why =
                    e instanceof FileSystemException f && f.getReason() != null
                            ? f.getReason()
                            : e.getMessage();
            throw new IllegalArgumentException(
                    option + " must be a folder that can be created, got " + folder + ": " + why);
        }
        if (!Files.isWritable(folder)) {
            throw new IllegalArgumentException(
                    option + " must be a writable folder, got " + folder);
        }
    }

    /** Runs a library call and renames the parameter its error names to the CLI option. */
    static <T> T translated(Supplier<T> call) {
        try {
            return call.get();
        } catch (IllegalArgumentException e) {
            String message = String.valueOf(e.getMessage());
            for (Map.Entry<String, String> o : OPTIONS.entrySet()) {
                if (message.startsWith(o.getKey() + " ")) {
                    throw new IllegalArgumentException(
                            o.getValue() + message.substring(o.getKey().length()), e);
                }
            }
            throw e;
        }
    }
}
