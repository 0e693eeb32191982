package dev.lrfinder.samples.cli;

/**
 * The exit codes of the {@code lrfinder} commands, distinct so that a script can tell them apart;
 * {@code lrfinder find --help} lists them.
 */
public final class ExitCodes {

    /** The command did what it was asked (for {@code find}: a suggestion). */
    public static final int OK = 0;

    /** Something failed (a file that cannot be read, an engine error, ...). */
    public static final int FAILURE = 1;

    /** A bad option, refused before anything ran (picocli's usage errors too). */
    public static final int BAD_OPTION = 2;

    /** {@code find} ran, but the curve gave no learning rate to suggest. */
    public static final int NO_SUGGESTION = 3;

    private ExitCodes() {}
}
