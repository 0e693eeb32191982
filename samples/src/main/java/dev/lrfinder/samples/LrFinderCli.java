package dev.lrfinder.samples;

import dev.lrfinder.samples.cli.ExitCodes;
import dev.lrfinder.samples.cli.FindCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code lrfinder} command line. */
@Command(
        name = "lrfinder",
        mixinStandardHelpOptions = true,
        version = "lrfinder 0.1.0",
        description = "Learning-rate range test for Deep Java Library training.",
        subcommands = {FindCommand.class, CommandLine.HelpCommand.class})
public final class LrFinderCli implements Runnable {

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
                            return badInput ? ExitCodes.BAD_OPTION : ExitCodes.FAILURE;
                        });
    }
}
