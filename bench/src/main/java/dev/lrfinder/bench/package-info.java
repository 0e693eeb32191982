/**
 * The studies and benchmarks behind the documentation, run by {@link
 * dev.lrfinder.bench.LrFinderBench}: {@code compare-schedules} ({@link
 * dev.lrfinder.bench.CompareSchedulesCommand}, {@link dev.lrfinder.bench.Schedules}), {@code
 * bench-suggestions} (the rules against a grid search over the {@link
 * dev.lrfinder.bench.Scenarios}), {@code bench-overhead} and {@code bench-finder-cost}. Not
 * published: the module builds {@code bench/target/lrfinder-bench.jar} and nothing else.
 */
package dev.lrfinder.bench;
