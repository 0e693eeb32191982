package dev.lrfinder.bench;

import dev.lrfinder.core.CurveVerdict;
import dev.lrfinder.core.LossCurve;
import dev.lrfinder.core.Suggestion;
import dev.lrfinder.core.SuggestionRule;
import dev.lrfinder.core.SuggestionRules;
import dev.lrfinder.core.TrainingPlan;
import dev.lrfinder.core.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Scores every rule offline on saved range-test curves and oracle grids: a rule's suggestion for
 * seed k gets the accuracy of seed k's grid interpolated linearly in log10(lr) (a suggestion
 * outside the grid gets the nearest end's accuracy); its gap is the grid's best mean accuracy minus
 * that. Also judges every curve with {@link CurveVerdict} and reports the verdict's two rates, and
 * lists the accuracies reached by really training at a rule's suggestions.
 */
public final class ScenarioScore {

    private static final double GOOD_GAP = 0.01;

    /**
     * One saved run: a curve, its seed's grid, or no grid for a probe, and the plan-aware rule for
     * its set's next phase when the set's meta file names its steps and batch size.
     */
    record Run(
            String set,
            int seed,
            LossCurve curve,
            double[] lrs,
            double[] acc,
            double best,
            SuggestionRule planned,
            boolean regression) {

        /**
         * Returns the gap of a score to the grid's best: accuracy points, or for a regression the
         * test error's excess over the best error, in percent.
         *
         * @param score an accuracy, or minus a mean squared error
         * @return the gap
         */
        double gap(double score) {
            return regression ? 100 * (best - score) / -best : 100 * (best - score);
        }
    }

    private ScenarioScore() {}

    /**
     * Loads every set in the folders: {@code NAME-seedK.json} curves with their {@code
     * NAME-oracle.csv} grids (probes have no grid).
     *
     * @param dirs the folders
     * @param seeds the number of seeds
     * @return the runs by set, in folder and name order
     * @throws IOException if a file cannot be read
     */
    static Map<String, List<Run>> load(List<Path> dirs, int seeds) throws IOException {
        Map<String, List<Run>> sets = new LinkedHashMap<>();
        for (Path dir : dirs) {
            List<String> names;
            try (Stream<Path> files = Files.list(dir)) {
                names =
                        files.map(p -> p.getFileName().toString())
                                .filter(n -> n.endsWith("-seed1.json"))
                                .map(n -> n.substring(0, n.length() - "-seed1.json".length()))
                                .sorted()
                                .toList();
            }
            for (String name : order(names)) {
                Map<Double, double[]> grid =
                        BenchSuggestionsCommand.readOracle(
                                dir.resolve(name + "-oracle.csv"), seeds);
                double[] lrs =
                        grid == null ? null : grid.keySet().stream().mapToDouble(d -> d).toArray();
                double best = -1;
                if (grid != null) {
                    for (double[] a : grid.values()) {
                        best = Math.max(best, java.util.Arrays.stream(a).average().orElse(0));
                    }
                }
                Map<String, String> meta = meta(dir.resolve(name + "-meta.csv"));
                SuggestionRule planned = planned(meta);
                boolean regression = "REGRESSION".equals(meta.get("task"));
                List<Run> runs = new ArrayList<>();
                for (int k = 1; k <= seeds; k++) {
                    LossCurve c =
                            LossCurve.fromJson(
                                    Files.readString(dir.resolve(name + "-seed" + k + ".json")));
                    double[] acc = null;
                    if (grid != null) {
                        acc = new double[lrs.length];
                        for (int i = 0; i < lrs.length; i++) {
                            acc[i] = grid.get(lrs[i])[k - 1];
                        }
                    }
                    runs.add(new Run(name, k, c, lrs, acc, best, planned, regression));
                }
                sets.put(name, runs);
            }
        }
        return sets;
    }

    /** A set's meta values that hold for every seed (seed 0), empty without a meta file. */
    private static Map<String, String> meta(Path file) throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                String[] f = line.split(",", 3);
                if (f.length == 3 && f[1].equals("0")) {
                    values.put(f[0], f[2]);
                }
            }
        }
        return values;
    }

    /** The planned rule of a set whose meta names its steps and batch size, else null. */
    private static SuggestionRule planned(Map<String, String> values) {
        if (!values.containsKey("steps") || !values.containsKey("batch_size")) {
            return null;
        }
        return SuggestionRules.plannedFor(
                TrainingPlan.ofSteps(Long.parseLong(values.get("steps"))),
                Integer.parseInt(values.get("batch_size")),
                family(values.get("optimizer")));
    }

    /** The family of an optimizer named by its simple class name in a meta file. */
    static dev.lrfinder.core.OptimizerFamily family(String name) {
        if ("Sgd".equals(name) || "Nag".equals(name)) {
            return dev.lrfinder.core.OptimizerFamily.SGD;
        }
        return name == null
                ? dev.lrfinder.core.OptimizerFamily.UNKNOWN
                : dev.lrfinder.core.OptimizerFamily.ADAPTIVE;
    }

    private static List<String> order(List<String> names) {
        List<String> known =
                new ArrayList<>(List.of("mlp-sgd", "mlp-adam", "synthetic-sgd", "cnn-sgd"));
        known.addAll(Scenarios.SCORED);
        known.addAll(Scenarios.HELD_OUT);
        known.addAll(Scenarios.HELD_OUT_PLAN);
        known.addAll(Scenarios.OTHER_LOSSES);
        known.addAll(Scenarios.PROBES);
        List<String> out = new ArrayList<>(known.stream().filter(names::contains).toList());
        names.stream().filter(n -> !out.contains(n)).forEach(out::add);
        return out;
    }

    /** The accuracy of a run's grid at a learning rate, interpolated in log10(lr). */
    static double accuracyAt(Run r, double lr) {
        if (Double.isNaN(lr)) {
            return 0.1;
        }
        double x = Math.log10(lr);
        double[] g = r.lrs();
        if (x <= Math.log10(g[0])) {
            return r.acc()[0];
        }
        for (int i = 1; i < g.length; i++) {
            double x1 = Math.log10(g[i]);
            if (x <= x1) {
                double x0 = Math.log10(g[i - 1]);
                return r.acc()[i - 1] + (r.acc()[i] - r.acc()[i - 1]) * (x - x0) / (x1 - x0);
            }
        }
        return r.acc()[g.length - 1];
    }

    static double suggestion(SuggestionRule rule, LossCurve c) {
        return rule.suggest(c).map(Suggestion::learningRate).orElse(Double.NaN);
    }

    /**
     * Writes the Markdown report: the per-set table, the summary, the verdict and its rates.
     *
     * @param sets the runs
     * @return the report
     */
    static String report(Map<String, List<Run>> sets) {
        boolean planned =
                sets.values().stream()
                        .flatMap(List::stream)
                        .filter(r -> r.lrs() != null)
                        .allMatch(r -> r.planned() != null);
        StringBuilder sb = new StringBuilder();
        sb.append(
                "| set | oracle best LR | oracle accuracy | rule | suggestions (per seed) | spread |"
                        + " gap per seed (points) | mean gap |\n|---|---|---|---|---|---|---|---|\n");
        Map<String, Map<String, double[]>> stats = new LinkedHashMap<>();
        for (Map.Entry<String, List<Run>> e : sets.entrySet()) {
            List<Run> runs = e.getValue();
            if (runs.get(0).lrs() == null || runs.get(0).regression()) {
                continue;
            }
            Run r0 = runs.get(0);
            double bestLr = bestLr(runs);
            List<SuggestionRule> rules = new ArrayList<>(SuggestionRules.all());
            if (planned) {
                rules.add(r0.planned());
            }
            for (SuggestionRule rule : rules) {
                StringBuilder sug = new StringBuilder();
                StringBuilder gaps = new StringBuilder();
                double sum = 0;
                double worst = -1e9;
                double min = Double.MAX_VALUE;
                double max = 0;
                for (Run r : runs) {
                    double lr = suggestion(rule, r.curve());
                    double gap = 100 * (r.best() - accuracyAt(r, lr));
                    sum += gap / runs.size();
                    worst = Math.max(worst, gap);
                    min = Math.min(min, lr);
                    max = Math.max(max, lr);
                    sug.append(sug.length() == 0 ? "" : ", ").append(String.format("%.3g", lr));
                    gaps.append(gaps.length() == 0 ? "" : ", ").append(String.format("%.2f", gap));
                }
                stats.computeIfAbsent(rule.name(), k -> new LinkedHashMap<>())
                        .put(e.getKey(), new double[] {sum, worst, max / min});
                sb.append(
                        String.format(
                                "| %s | %.3g | %.2f %% | %s | %s | %.2f | %s | %.2f |%n",
                                e.getKey(),
                                bestLr,
                                100 * r0.best(),
                                label(rule),
                                sug,
                                max / min,
                                gaps,
                                sum));
            }
        }
        sb.append("\n").append(summary(stats)).append("\n").append(verdicts(sets));
        sb.append(regressions(sets));
        return sb.toString();
    }

    /** The sets with another loss: each rule's test error's excess over the grid's best. */
    private static String regressions(Map<String, List<Run>> sets) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, List<Run>> e : sets.entrySet()) {
            List<Run> runs = e.getValue();
            if (runs.get(0).lrs() == null || !runs.get(0).regression()) {
                continue;
            }
            Run r0 = runs.get(0);
            sb.append(
                    String.format(
                            "%n%s: oracle best lr %.3g, test MSE %.4g; excess of the test error"
                                    + " over the oracle's, in percent%n%n",
                            e.getKey(), bestLr(runs), -r0.best()));
            sb.append(
                    "| rule | suggestions (per seed) | excess per seed (%) | mean excess (%) |\n"
                            + "|---|---|---|---|\n");
            List<SuggestionRule> rules = new ArrayList<>(SuggestionRules.all());
            if (r0.planned() != null) {
                rules.add(r0.planned());
            }
            for (SuggestionRule rule : rules) {
                StringBuilder sug = new StringBuilder();
                StringBuilder gaps = new StringBuilder();
                double sum = 0;
                for (Run r : runs) {
                    double lr = suggestion(rule, r.curve());
                    double gap = r.gap(lr > 0 ? accuracyAt(r, lr) : -1);
                    sum += gap / runs.size();
                    sug.append(sug.length() == 0 ? "" : ", ").append(String.format("%.3g", lr));
                    gaps.append(gaps.length() == 0 ? "" : ", ").append(String.format("%.1f", gap));
                }
                sb.append(String.format("| %s | %s | %s | %.1f |%n", label(rule), sug, gaps, sum));
            }
        }
        return sb.toString();
    }

    private static String label(SuggestionRule rule) {
        return rule.name() + (rule == SuggestionRules.defaultRule() ? " (default)" : "");
    }

    private static double bestLr(List<Run> runs) {
        Run r0 = runs.get(0);
        double bestLr = Double.NaN;
        double best = -1;
        for (int i = 0; i < r0.lrs().length; i++) {
            double m = 0;
            for (Run r : runs) {
                m += r.acc()[i] / runs.size();
            }
            if (m > best) {
                best = m;
                bestLr = r0.lrs()[i];
            }
        }
        return bestLr;
    }

    private static String summary(Map<String, Map<String, double[]>> stats) {
        if (stats.isEmpty() || stats.values().iterator().next().isEmpty()) {
            return ""; // only regressions (or probes): their table comes after
        }
        StringBuilder sb = new StringBuilder("| rule |");
        List<String> setNames = new ArrayList<>(stats.values().iterator().next().keySet());
        setNames.forEach(s -> sb.append(' ').append(s).append(" |"));
        sb.append(" mean gap | worst run | worst spread |\n|---|");
        setNames.forEach(s -> sb.append("---|"));
        sb.append("---|---|---|\n");
        for (Map.Entry<String, Map<String, double[]>> e : stats.entrySet()) {
            sb.append("| ").append(e.getKey()).append(" |");
            double mean = 0;
            double worst = -1e9;
            double spread = 0;
            for (String s : setNames) {
                double[] v = e.getValue().get(s);
                sb.append(String.format(" %.2f |", v[0]));
                mean += v[0] / setNames.size();
                worst = Math.max(worst, v[1]);
                spread = Math.max(spread, v[2]);
            }
            sb.append(String.format(" %.2f | %.2f | %.3g |%n", mean, worst, spread));
        }
        return sb.toString();
    }

    private static String verdicts(Map<String, List<Run>> sets) {
        StringBuilder sb =
                new StringBuilder(
                        "| set | seed | default's lr | default's gap | verdict |\n"
                                + "|---|---|---|---|---|\n");
        int good = 0;
        int goodConfident = 0;
        int probes = 0;
        int probesRejected = 0;
        int bad = 0;
        int badRejected = 0;
        for (List<Run> runs : sets.values()) {
            if (runs.get(0).regression()) {
                continue; // its gaps are in percent of error, not points: its own table
            }
            for (Run r : runs) {
                Verdict v = CurveVerdict.assess(r.curve(), 100);
                double lr = suggestion(SuggestionRules.defaultRule(), r.curve());
                String gap = "probe";
                if (r.lrs() == null) {
                    probes++;
                    probesRejected += v.confident() ? 0 : 1;
                } else {
                    double g = 100 * (r.best() - accuracyAt(r, lr));
                    gap = String.format("%.2f", g);
                    if (g <= 100 * GOOD_GAP) {
                        good++;
                        goodConfident += v.confident() ? 1 : 0;
                    } else {
                        bad++;
                        badRejected += v.confident() ? 0 : 1;
                    }
                }
                String codes =
                        v.confident()
                                ? "confident"
                                : "not confident ("
                                        + String.join(
                                                ", ",
                                                v.reasons().stream()
                                                        .map(Verdict.Reason::code)
                                                        .toList())
                                        + ")";
                sb.append(
                        String.format(
                                "| %s | %d | %.3g | %s | %s |%n",
                                r.set(), r.seed(), lr, gap, codes));
            }
        }
        sb.append(
                String.format(
                        "%nConfident on %d of %d runs whose default suggestion lies within 1 point"
                                + " of the oracle (%.0f %%); not confident on %d of %d runs beyond 1 point; not confident"
                                + " on %d of %d probe curves (%.0f %%).%n",
                        goodConfident,
                        good,
                        100.0 * goodConfident / good,
                        badRejected,
                        bad,
                        probesRejected,
                        probes,
                        100.0 * probesRejected / Math.max(1, probes)));
        return sb.toString();
    }
}
