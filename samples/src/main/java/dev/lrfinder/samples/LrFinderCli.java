package dev.lrfinder.samples;

import dev.lrfinder.samples.cli.CliVersion;
import dev.lrfinder.samples.cli.ExitCodes;
import dev.lrfinder.samples.cli.FindCommand;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/** The {@code lrfinder} command line. */
@Command(
        name = "lrfinder",
        mixinStandardHelpOptions = true,
        versionProvider = CliVersion.class,
        description = "Learning-rate range test for Deep Java Library training.",
        subcommands = {FindCommand.class, CommandLine.HelpCommand.class})
public final class LrFinderCli implements Callable<Integer> {

    /**
     * {@code lrfinder} without a command: a usage line and the commands, on stderr, and exit code
     * 2, as for any other bad command line.
     */
    @Override
    public Integer call() {
        CommandLine cmd = new CommandLine(this);
        PrintWriter err = cmd.getErr();
        err.print(cmd.getHelp().synopsisHeading() + cmd.getHelp().synopsis(0));
        err.println(
                "lrfinder: a command is needed: "
                        + String.join(", ", cmd.getSubcommands().keySet())
                        + " (lrfinder --help describes them)");
        err.flush();
        return ExitCodes.BAD_OPTION;
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
        CommandLine cli = new CommandLine(new LrFinderCli());
        // -V on every command prints the version, not an empty line
        for (CommandLine sub : cli.getSubcommands().values()) {
            if (sub.getCommandSpec().version().length == 0) {
                sub.getCommandSpec().versionProvider(new CliVersion());
            }
        }
        return cli.setParameterExceptionHandler(LrFinderCli::badCommandLine)
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

    /**
     * What the parser refuses (an unknown option, a value that is not a number, a missing value):
     * one line naming the option and the value, and where the options are listed; exit code 2.
     */
    private static int badCommandLine(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        StringBuilder line = new StringBuilder("lrfinder: ").append(ex.getMessage());
        if (ex instanceof UnmatchedArgumentException unmatched
                && !unmatched.getSuggestions().isEmpty()) {
            line.append("; did you mean ")
                    .append(String.join(" or ", unmatched.getSuggestions()))
                    .append('?');
        }
        line.append(" (")
                .append(cmd.getCommandSpec().qualifiedName())
                .append(" --help lists the options)");
        cmd.getErr().println(line);
        cmd.getErr().flush();
        return ExitCodes.BAD_OPTION;
    }
}
