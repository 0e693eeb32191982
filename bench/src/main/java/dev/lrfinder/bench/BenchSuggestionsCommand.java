package dev.lrfinder.bench;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.training.Trainer;
import ai.djl.training.tracker.Tracker;
import dev.lrfinder.core.Suggestion;
import dev.lrfinder.core.SuggestionRules;
import dev.lrfinder.listeners.LrFinder;
import dev.lrfinder.listeners.LrFinderResult;
import dev.lrfinder.samples.mnist.MnistSource;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lrfinder bench-suggestions}: every suggestion rule against a grid-search oracle. For each
 * setup it trains a fixed budget at every LR of a log grid (the oracle), runs the range test once
 * per seed, trains at each rule's suggestion with the same budget and seed, and reports the gap to
 * the oracle's best in percentage points, the spread of the suggestions across seeds and the cost
 * of both searches in iterations. With {@code --scenarios} it runs the scenario benchmark instead
 * (start states and next phases, {@link Scenarios}; {@link ScenarioBench}), and with {@code
 * --score} it scores every rule and the verdict offline on saved curves and grids ({@link
 * ScenarioScore}).
 */
@Command(
        name = "bench-suggestions",
        mixinStandardHelpOptions = true,
        description = "Measures each suggestion rule against a grid-search oracle.")
public final class BenchSuggestionsCommand implements Callable<Integer> {

    @Option(
            names = "--setups",
            split = ",",
            defaultValue = "mlp-sgd,mlp-adam,cnn-sgd,synthetic-sgd",
            description = "setups (default: ${DEFAULT-VALUE})")
    List<String> setups;

    @Option(
            names = "--epochs",
            defaultValue = "2",
            description = "training budget (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(
            names = "--seeds",
            defaultValue = "3",
            description = "seeds (default: ${DEFAULT-VALUE})")
    int seeds;

    @Option(
            names = "--grid-from",
            defaultValue = "1e-4",
            description = "lowest grid LR (default: ${DEFAULT-VALUE})")
    double gridFrom;

    @Option(
            names = "--grid-to",
            defaultValue = "1",
            description = "highest grid LR (default: ${DEFAULT-VALUE})")
    double gridTo;

    @Option(
            names = "--per-decade",
            defaultValue = "4",
            description = "grid points per decade (default: ${DEFAULT-VALUE})")
    int perDecade;

    @Option(
            names = "--limit",
            defaultValue = "0",
            description = "training images to use (default: all)")
    int limit;

    @Option(
            names = "--batch-size",
            defaultValue = "128",
            description = "batch size (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--mnist-dir", description = "folder with the MNIST IDX files")
    Path mnistDir;

    @Option(names = "--report", description = "also write the Markdown tables to this file")
    Path report;

    @Option(
            names = "--curves",
            description = "write each range test's curve and each oracle grid to this folder")
    Path curves;

    @Option(
            names = "--reuse-oracle",
            description =
                    "read the oracle grid from the --curves folder when a"
                            + " previous run left it there, instead of training it again")
    boolean reuseOracle;

    @Option(
            names = "--scenarios",
            split = ",",
            description =
                    "run these scenarios instead of the"
                            + " setups ("
                            + "fresh, warm, transfer, batch16, batch1024, adamw, cnn-bn; probes: shuffled,"
                            + " above-divergence, sharp-minimum; held out: batch32, nag; cells such as"
                            + " mlp-sgd-b16-e3, see Scenarios); everything goes to --curves"
                            + " (default docs/bench/scenarios)")
    List<String> scenarios;

    @Option(
            names = "--confirm",
            split = ",",
            description =
                    "with --scenarios: rules to train at for real; 'planned' is the plan-aware"
                            + " rule given each scenario's steps and batch size")
    List<String> confirm;

    @Option(
            names = "--confirm-one-cycle",
            description =
                    "with --scenarios: per seed, run the finder and train one-cycle from"
                            + " OneCycleScheduler.fromSuggestion for the phase's steps")
    boolean confirmOneCycle;

    @Option(
            names = "--validation-batches",
            defaultValue = "0",
            description =
                    "with --scenarios: range tests read the loss over this many batches of the"
                            + " test split after every iteration (0: the training loss)")
    int validationBatches;

    @Option(
            names = "--range-iterations",
            defaultValue = "0",
            description =
                    "with --scenarios: the range tests' iterations (default: 0, the finder's own)")
    int rangeIterations;

    @Option(
            names = "--plan-sweep",
            description =
                    "with --scenarios: give the finder each scenario's plan, as a user would, so"
                            + " the sweep runs as many iterations as the plan has steps (100 to 400)")
    boolean planSweep;

    @Option(
            names = "--warmup",
            defaultValue = "0",
            description =
                    "with --scenarios: start every constant-rate run (the grid's and the"
                            + " confirmations') with a linear warm-up from 0 over this fraction of"
                            + " its steps (default: ${DEFAULT-VALUE}, none)")
    double warmup;

    @Option(
            names = "--one-cycle-oracle",
            description =
                    "with --scenarios: also train one-cycle runs over the same budget at peaks"
                            + " from half a decade below the constant-rate oracle's best to a decade"
                            + " and a quarter above it")
    boolean oneCycleOracle;

    @Option(
            names = "--one-cycle",
            split = ",",
            description =
                    "with --scenarios: one-cycle peaks to"
                            + " train, as multiples of the minimum rule's suggestion")
    List<Double> oneCycle;

    @Option(
            names = "--one-cycle-anchor",
            defaultValue = "minimum",
            description =
                    "the rule whose"
                            + " suggestion --one-cycle multiplies (default: ${DEFAULT-VALUE}, as fromSuggestion)")
    String oneCycleAnchor;

    @Option(
            names = "--score",
            split = ",",
            description =
                    "score every rule offline on the curves"
                            + " and oracle grids saved in these folders (no training) and print the tables")
    List<Path> score;

    /** The outcome of one setup. */
    public record SetupResult(
            String setup,
            double oracleLr,
            double oracleAccuracy,
            Map<String, Double> ruleAccuracy,
            Map<String, double[]> ruleSuggestions,
            long gridIterations,
            long rangeTestIterations) {}

    /** {@inheritDoc} */
    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        if (score != null) {
            Map<String, List<ScenarioScore.Run>> sets = ScenarioScore.load(score, seeds);
            String tables =
                    ScenarioScore.report(sets)
                            + "\n"
                            + ScenarioTables.confirmations(score, sets)
                            + "\n"
                            + ScenarioTables.costs(score, sets);
            out.print(tables);
            if (report != null) {
                Files.writeString(report, tables);
            }
            return 0;
        }
        if (scenarios != null) {
            Path dir = curves != null ? curves : Path.of("docs/bench/scenarios");
            List<String> rules = confirm != null ? confirm : List.of();
            for (String r : rules) {
                if (!r.equals("planned")) {
                    SuggestionRules.byName(r); // a bad name stops the run before it trains
                }
            }
            Path mnist = mnistDir != null ? mnistDir : MnistSource.defaultDir();
            for (String name : scenarios) {
                try (NDManager manager = NDManager.newBaseManager()) {
                    new ScenarioBench(dir, out, seeds)
                            .anchor(SuggestionRules.byName(oneCycleAnchor))
                            .oneCycleOracle(oneCycleOracle)
                            .validationBatches(validationBatches)
                            .rangeIterations(rangeIterations)
                            .planSweep(planSweep)
                            .confirmOneCycle(confirmOneCycle)
                            .warmup(warmup)
                            .run(
                                    Scenarios.of(name, manager, mnist, limit),
                                    grid(),
                                    reuseOracle,
                                    rules,
                                    oneCycle != null ? oneCycle : List.of());
                }
            }
            return 0;
        }
        List<SetupResult> results = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            for (String name : setups) {
                Setup setup =
                        Setup.of(name, manager, MnistSource.resolve(mnistDir), limit, batchSize);
                Map<Double, double[]> oracle =
                        reuseOracle && curves != null
                                ? readOracle(curves.resolve(setup.name() + "-oracle.csv"), seeds)
                                : null;
                results.add(run(setup, grid(), epochs, seeds, out, curves, oracle));
            }
        }
        String tables = tables(results);
        out.println();
        out.print(tables);
        if (report != null) {
            Files.writeString(report, tables);
        }
        return 0;
    }

    double[] grid() {
        int n = (int) Math.round(Math.log10(gridTo / gridFrom) * perDecade) + 1;
        double[] g = new double[n];
        for (int i = 0; i < n; i++) {
            g[i] = gridFrom * Math.pow(10, (double) i / perDecade);
        }
        return g;
    }

    /**
     * Benchmarks one setup.
     *
     * @param setup the setup
     * @param grid the oracle's learning rates
     * @param epochs the budget
     * @param seeds the number of seeds
     * @param out where to log progress
     * @return the outcome
     * @throws Exception if training fails
     */
    public static SetupResult run(
            Setup setup, double[] grid, int epochs, int seeds, PrintStream out) throws Exception {
        return run(setup, grid, epochs, seeds, out, null, null);
    }

    /** Reads an oracle grid a previous run wrote: accuracy per learning rate and seed. */
    static Map<Double, double[]> readOracle(Path file, int seeds) throws java.io.IOException {
        if (!Files.exists(file)) {
            return null;
        }
        Map<Double, double[]> grid = new java.util.TreeMap<>();
        List<String> lines = Files.readAllLines(file);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            int seed = Integer.parseInt(f[1]);
            if (seed <= seeds) {
                grid.computeIfAbsent(Double.parseDouble(f[0]), k -> new double[seeds])[seed - 1] =
                        Double.parseDouble(f[2]);
            }
        }
        return grid;
    }

    /**
     * Benchmarks one setup and keeps its curves and oracle grid.
     *
     * @param setup the setup
     * @param grid the oracle's learning rates
     * @param epochs the budget
     * @param seeds the number of seeds
     * @param out where to log progress
     * @param curves a folder for the curves and the grid, or null
     * @param known oracle accuracies per learning rate and seed from an earlier run, or null
     * @return the outcome
     * @throws Exception if training fails
     */
    public static SetupResult run(
            Setup setup,
            double[] grid,
            int epochs,
            int seeds,
            PrintStream out,
            Path curves,
            Map<Double, double[]> known)
            throws Exception {
        StringBuilder oracle = new StringBuilder("learning_rate,seed,accuracy\n");
        long stepsPerEpoch = (setup.train().size() + setup.batchSize() - 1) / setup.batchSize();
        double bestLr = Double.NaN;
        double bestAcc = -1;
        for (double lr :
                known != null ? known.keySet().stream().mapToDouble(d -> d).toArray() : grid) {
            double acc = 0;
            for (int seed = 1; seed <= seeds; seed++) {
                double a =
                        known != null
                                ? known.get(lr)[seed - 1]
                                : setup.accuracyAt(lr, epochs, seed);
                oracle.append(lr).append(',').append(seed).append(',').append(a).append('\n');
                acc += a / seeds;
            }
            out.printf("%s oracle lr %.4g: %.2f %%%n", setup.name(), lr, 100 * acc);
            if (acc > bestAcc) {
                bestAcc = acc;
                bestLr = lr;
            }
        }
        Map<String, double[]> suggestions = new LinkedHashMap<>();
        long rangeIterations = 0;
        for (int seed = 1; seed <= seeds; seed++) {
            LrFinderResult r;
            try (Model model = Model.newInstance(setup.name());
                    Trainer trainer = setup.trainer(model, Tracker.fixed(0.01f), seed)) {
                r = LrFinder.builder().build().find(trainer, setup.train());
            }
            rangeIterations += r.curve().size();
            if (curves != null) {
                Files.createDirectories(curves);
                r.writeJson(curves.resolve(setup.name() + "-seed" + seed + ".json"));
            }
            for (Map.Entry<String, Optional<Suggestion>> e : r.suggestions().entrySet()) {
                suggestions.computeIfAbsent(e.getKey(), k -> new double[seeds])[seed - 1] =
                        e.getValue().map(Suggestion::learningRate).orElse(Double.NaN);
            }
        }
        Map<String, Double> accuracy = new LinkedHashMap<>();
        for (Map.Entry<String, double[]> e : suggestions.entrySet()) {
            double acc = 0;
            for (int seed = 1; seed <= seeds; seed++) {
                double lr = e.getValue()[seed - 1];
                acc += (Double.isNaN(lr) ? 0.1 : setup.accuracyAt(lr, epochs, seed)) / seeds;
            }
            accuracy.put(e.getKey(), acc);
            out.printf(
                    "%s rule %s: %s -> %.2f %%%n",
                    setup.name(), e.getKey(), java.util.Arrays.toString(e.getValue()), 100 * acc);
        }
        if (curves != null) {
            Files.writeString(curves.resolve(setup.name() + "-oracle.csv"), oracle);
        }
        long gridIterations = (long) grid.length * seeds * epochs * stepsPerEpoch;
        return new SetupResult(
                setup.name(),
                bestLr,
                bestAcc,
                accuracy,
                suggestions,
                gridIterations,
                rangeIterations);
    }

    static String tables(List<SetupResult> results) {
        StringBuilder sb = new StringBuilder();
        sb.append(
                "| setup | oracle best LR | oracle accuracy | rule | suggestions (per seed) | spread (max/min) | accuracy at suggestion | gap (points) |\n");
        sb.append("|---|---|---|---|---|---|---|---|\n");
        for (SetupResult r : results) {
            for (Map.Entry<String, Double> e : r.ruleAccuracy().entrySet()) {
                double[] s = r.ruleSuggestions().get(e.getKey());
                double min = java.util.Arrays.stream(s).min().orElse(Double.NaN);
                double max = java.util.Arrays.stream(s).max().orElse(Double.NaN);
                StringBuilder ss = new StringBuilder();
                for (double x : s) {
                    ss.append(ss.length() == 0 ? "" : ", ").append(String.format("%.3g", x));
                }
                String rule =
                        e.getKey()
                                + (e.getKey().equals(SuggestionRules.defaultRule().name())
                                        ? " (default)"
                                        : "");
                sb.append(
                        String.format(
                                "| %s | %.3g | %.2f %% | %s | %s | %.2f | %.2f %% | %.2f |%n",
                                r.setup(),
                                r.oracleLr(),
                                100 * r.oracleAccuracy(),
                                rule,
                                ss,
                                max / min,
                                100 * e.getValue(),
                                100 * (r.oracleAccuracy() - e.getValue())));
            }
        }
        sb.append(
                "\n| setup | grid-search iterations | range-test iterations | ratio |\n|---|---|---|---|\n");
        for (SetupResult r : results) {
            sb.append(
                    String.format(
                            "| %s | %d | %d | %.0fx |%n",
                            r.setup(),
                            r.gridIterations(),
                            r.rangeTestIterations(),
                            (double) r.gridIterations() / r.rangeTestIterations()));
        }
        return sb.toString();
    }
}
