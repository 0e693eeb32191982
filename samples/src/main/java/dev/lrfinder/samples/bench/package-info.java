/**
 * The studies and benchmarks behind the documentation: {@code compare-schedules} ({@link
 * dev.lrfinder.samples.bench.CompareSchedulesCommand}, {@link
 * dev.lrfinder.samples.bench.Schedules}), {@code bench-suggestions} (the rules against a grid
 * search over the {@link dev.lrfinder.samples.bench.Scenarios}), {@code bench-overhead} and {@code
 * bench-finder-cost}.
 */
package dev.lrfinder.samples.bench;
