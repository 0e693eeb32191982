package dev.lrfinder.samples.cli;

import java.util.Locale;

/** The DJL engines the command line trains with: MXNet (the default) and PyTorch. */
public final class Engines {

    private Engines() {}

    /**
     * Returns DJL's name of an engine option.
     *
     * @param option {@code mxnet} or {@code pytorch}, case-insensitive
     * @return {@code MXNet} or {@code PyTorch}
     * @throws IllegalArgumentException naming the option for anything else
     */
    public static String name(String option) {
        String key = option == null ? "" : option.trim().toLowerCase(Locale.ROOT);
        switch (key) {
            case "mxnet":
                return "MXNet";
            case "pytorch":
                return "PyTorch";
            default:
                throw new IllegalArgumentException(
                        "--engine must be mxnet or pytorch, got " + option);
        }
    }
}
