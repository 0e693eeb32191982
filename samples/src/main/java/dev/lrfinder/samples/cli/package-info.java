/**
 * The user's command, {@code lrfinder find}: its options ({@link
 * dev.lrfinder.samples.cli.FindCommand}, {@link dev.lrfinder.samples.cli.MetricsOptions}), their
 * checks ({@link dev.lrfinder.samples.cli.CliChecks}), the outputs written whole ({@link
 * dev.lrfinder.samples.cli.OutputFiles}) and the exit codes ({@link
 * dev.lrfinder.samples.cli.ExitCodes}).
 */
package dev.lrfinder.samples.cli;
