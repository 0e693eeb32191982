package dev.lrfinder.samples;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code lrfinder} command line. */
@Command(
        name = "lrfinder",
        mixinStandardHelpOptions = true,
        version = "lrfinder 0.1.0",
        description = "Learning-rate range test for Deep Java Library training.",
        subcommands = {
            FindCommand.class,
            CompareSchedulesCommand.class,
            BenchOverheadCommand.class,
            BenchFinderCostCommand.class,
            BenchSuggestionsCommand.class,
            CommandLine.HelpCommand.class
        })
public final class LrFinderCli implements Runnable {

    /** Exit code: the command did what it was asked (for {@code find}: a suggestion). */
    public static final int EXIT_OK = 0;

    /** Exit code: something failed (a file that cannot be read, an engine error, ...). */
    public static final int EXIT_FAILURE = 1;

    /** Exit code: a bad option, refused before anything ran (picocli's usage errors too). */
    public static final int EXIT_BAD_OPTION = 2;

    /** Exit code: {@code find} ran, but the curve gave no learning rate to suggest. */
    public static final int EXIT_NO_SUGGESTION = 3;

    /** {@inheritDoc} */
    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /**
     * Runs the command line.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(commandLine().execute(args));
    }

    /**
     * Returns the command line, set to report bad input as one line naming the parameter.
     *
     * @return the configured command line
     */
    public static CommandLine commandLine() {
        return new CommandLine(new LrFinderCli())
                .setExecutionExceptionHandler(
                        (ex, cmd, parsed) -> {
                            // one line, never a stack trace: a bad option or a failure
                            boolean badInput = ex instanceof IllegalArgumentException;
                            String message =
                                    ex.getMessage() == null ? ex.toString() : ex.getMessage();
                            cmd.getErr()
                                    .println("lrfinder: " + (badInput ? "" : "failed: ") + message);
                            return badInput ? EXIT_BAD_OPTION : EXIT_FAILURE;
                        });
    }
}
