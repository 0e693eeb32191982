package dev.lrfinder.bench;

import dev.lrfinder.bench.ScenarioScore.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The scenario benchmark's tables of cost and of real-training confirmations. */
public final class ScenarioTables {

    private ScenarioTables() {}

    /**
     * Lists each set's cost: the grid's iterations (grid points x seeds x the next phase's steps,
     * from {@code NAME-meta.csv}) against the range tests' (the curves' points).
     *
     * @param dirs the folders
     * @param sets the runs
     * @return a Markdown table
     * @throws IOException if a file cannot be read
     */
    static String costs(List<Path> dirs, Map<String, List<Run>> sets) throws IOException {
        StringBuilder sb =
                new StringBuilder(
                        "| set | next phase | grid iterations | range-test"
                                + " iterations (all seeds) | ratio |\n|---|---|---|---|---|\n");
        for (Path dir : dirs) {
            for (Map.Entry<String, List<Run>> e : sets.entrySet()) {
                Path meta = dir.resolve(e.getKey() + "-meta.csv");
                if (!Files.exists(meta)) {
                    continue;
                }
                String description = "";
                long steps = 0;
                for (String line : Files.readAllLines(meta)) {
                    if (line.startsWith("description,")) {
                        description = line.substring(line.indexOf('"') + 1, line.lastIndexOf('"'));
                    } else if (line.startsWith("steps,")) {
                        steps = Long.parseLong(line.split(",")[2]);
                    }
                }
                List<Run> runs = e.getValue();
                long range = runs.stream().mapToLong(r -> r.curve().size()).sum();
                if (runs.get(0).lrs() == null) {
                    sb.append(
                            String.format(
                                    "| %s | %s (probe) | - | %d | - |%n",
                                    e.getKey(), description, range));
                    continue;
                }
                long grid = steps * runs.size() * runs.get(0).lrs().length;
                sb.append(
                        String.format(
                                "| %s | %s | %d | %d | %.0fx |%n",
                                e.getKey(), description, grid, range, (double) grid / range));
            }
        }
        return sb.toString();
    }

    /**
     * Lists the real-training confirmations ({@code NAME-confirm.csv}) against each grid's best.
     *
     * @param dirs the folders
     * @param sets the runs, for the oracle's best
     * @return a Markdown table, empty when no confirmation was run
     * @throws IOException if a file cannot be read
     */
    static String confirmations(List<Path> dirs, Map<String, List<Run>> sets) throws IOException {
        StringBuilder sb = new StringBuilder();
        Map<String, Map<String, List<double[]>>> byRule = new TreeMap<>();
        for (Path dir : dirs) {
            for (String set : sets.keySet()) {
                Path f = dir.resolve(set + "-confirm.csv");
                if (!Files.exists(f) || sets.get(set).get(0).lrs() == null) {
                    continue;
                }
                List<String> lines = Files.readAllLines(f);
                for (String line : lines.subList(1, lines.size())) {
                    String[] p = line.split(",");
                    byRule.computeIfAbsent(p[0], k -> new LinkedHashMap<>())
                            .computeIfAbsent(set, k -> new ArrayList<>())
                            .add(new double[] {Double.parseDouble(p[2]), Double.parseDouble(p[3])});
                }
            }
        }
        if (byRule.isEmpty()) {
            return "";
        }
        sb.append(
                "| rule | set | learning rates (per seed) | accuracy (mean) | oracle best | gap |"
                        + " worst seed's gap |\n|---|---|---|---|---|---|---|\n");
        for (Map.Entry<String, Map<String, List<double[]>>> e : byRule.entrySet()) {
            for (Map.Entry<String, List<double[]>> s : e.getValue().entrySet()) {
                ScenarioScore.Run r0 = sets.get(s.getKey()).get(0);
                double best = r0.best();
                double mean = s.getValue().stream().mapToDouble(v -> v[1]).average().orElse(0);
                double worst = s.getValue().stream().mapToDouble(v -> r0.gap(v[1])).max().orElse(0);
                StringBuilder lrs = new StringBuilder();
                s.getValue()
                        .forEach(
                                v ->
                                        lrs.append(lrs.length() == 0 ? "" : ", ")
                                                .append(String.format("%.3g", v[0])));
                sb.append(
                        r0.regression()
                                ? String.format(
                                        "| %s | %s | %s | test MSE %.4g | test MSE %.4g | %.1f %% |"
                                                + " %.1f %% |%n",
                                        e.getKey(),
                                        s.getKey(),
                                        lrs,
                                        -mean,
                                        -best,
                                        r0.gap(mean),
                                        worst)
                                : String.format(
                                        "| %s | %s | %s | %.2f %% | %.2f %% | %.2f | %.2f |%n",
                                        e.getKey(),
                                        s.getKey(),
                                        lrs,
                                        100 * mean,
                                        100 * best,
                                        r0.gap(mean),
                                        worst));
            }
        }
        return sb.toString();
    }
}
