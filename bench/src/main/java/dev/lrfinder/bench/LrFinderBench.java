package dev.lrfinder.bench;

import dev.lrfinder.samples.cli.ExitCodes;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code lrfinder-bench} command line: the studies and benchmarks behind the documentation,
 * apart from the user's {@code lrfinder} command.
 *
 * <pre>
 * java -jar bench/target/lrfinder-bench.jar compare-schedules --models mlp --optimizers adam
 * java -jar bench/target/lrfinder-bench.jar bench-suggestions --score docs/bench/scenarios
 * </pre>
 */
@Command(
        name = "lrfinder-bench",
        mixinStandardHelpOptions = true,
        version = "lrfinder-bench 0.1.0",
        description = "The studies and benchmarks of lrfinder, on real MNIST.",
        subcommands = {
            CompareSchedulesCommand.class,
            BenchNoiseScaleCommand.class,
            BenchOverheadCommand.class,
            BenchFinderCostCommand.class,
            BenchOptimizerCostCommand.class,
            BenchSuggestionsCommand.class,
            CommandLine.HelpCommand.class
        })
public final class LrFinderBench implements Runnable {

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
        return new CommandLine(new LrFinderBench())
                .setExecutionExceptionHandler(
                        (ex, cmd, parsed) -> {
                            // one line, never a stack trace: a bad option or a failure
                            boolean badInput = ex instanceof IllegalArgumentException;
                            String message =
                                    ex.getMessage() == null ? ex.toString() : ex.getMessage();
                            cmd.getErr()
                                    .println(
                                            "lrfinder-bench: "
                                                    + (badInput ? "" : "failed: ")
                                                    + message);
                            return badInput ? ExitCodes.BAD_OPTION : ExitCodes.FAILURE;
                        });
    }
}
