package dev.lrfinder.bench;

import ai.djl.Model;
import ai.djl.training.Trainer;
import ai.djl.training.tracker.Tracker;
import dev.lrfinder.core.LossCurve;
import dev.lrfinder.core.Suggestion;
import dev.lrfinder.core.SuggestionRule;
import dev.lrfinder.core.SuggestionRules;
import dev.lrfinder.core.TrainingPlan;
import dev.lrfinder.core.schedule.LrSchedule;
import dev.lrfinder.core.schedule.OneCycleSchedule;
import dev.lrfinder.core.schedule.WarmupCooldownSchedule;
import dev.lrfinder.listeners.LrFinder;
import dev.lrfinder.listeners.LrFinderResult;
import dev.lrfinder.listeners.OneCycleScheduler;
import dev.lrfinder.listeners.ScheduleListener;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs one scenario of the suggestion benchmark and keeps everything it measures in a folder, so
 * that rules can be scored offline ({@link ScenarioScore}): the oracle grid ({@code
 * NAME-oracle.csv}: learning rate, seed, test accuracy after the next phase), one range-test curve
 * per seed ({@code NAME-seedK.json}), the start state's accuracy and the cost ({@code
 * NAME-meta.csv}) and the accuracies reached by really training at chosen rules' suggestions
 * ({@code NAME-confirm.csv}); on request a one-cycle oracle, a grid of one-cycle peaks over the
 * same budget ({@code NAME-onecycle-oracle.csv}).
 */
public final class ScenarioBench {

    private final Path dir;
    private final PrintStream out;
    private final int seeds;

    private SuggestionRule anchor = SuggestionRules.minimum();
    private boolean oneCycleOracle;
    private int validationBatches;
    private boolean confirmOneCycle;
    private int rangeIterations;
    private boolean planSweep;
    private double warmup;

    ScenarioBench(Path dir, PrintStream out, int seeds) {
        this.dir = dir;
        this.out = out;
        this.seeds = seeds;
    }

    /**
     * Sets the rule whose suggestion one-cycle peaks multiply ({@code minimum}, as {@code
     * OneCycleScheduler.fromSuggestion} does, unless told otherwise).
     *
     * @param rule the anchor rule
     * @return this
     */
    ScenarioBench anchor(SuggestionRule rule) {
        this.anchor = rule;
        return this;
    }

    /**
     * Asks for the one-cycle oracle: one-cycle runs over the next phase's budget at peaks of the
     * constant-rate grid from half a decade below its best rate to a decade and a quarter above.
     *
     * @param on true to train it
     * @return this
     */
    ScenarioBench oneCycleOracle(boolean on) {
        this.oneCycleOracle = on;
        return this;
    }

    /**
     * Asks the range tests to read the validation loss: after every iteration, the loss over so
     * many batches of the scenario's test split (the benchmark's stand-in for a validation set).
     *
     * @param batches the number of batches, 0 for the training loss
     * @return this
     */
    ScenarioBench validationBatches(int batches) {
        this.validationBatches = batches;
        return this;
    }

    /**
     * Sets the range tests' length (the sweep's iterations), for a sweep that holds each rate
     * longer than the finder's default.
     *
     * @param n the iterations, 0 for the finder's default
     * @return this
     */
    ScenarioBench rangeIterations(int n) {
        this.rangeIterations = n;
        return this;
    }

    /**
     * Gives the finder the scenario's plan (its steps), as a user would, so that the sweep's length
     * follows the plan ({@code RangeTestConfig.plannedIterations}).
     *
     * @param on whether to
     * @return this
     */
    ScenarioBench planSweep(boolean on) {
        this.planSweep = on;
        return this;
    }

    /**
     * Asks for the user's whole flow, trained for real: per seed, the finder from the start
     * weights, then one-cycle from {@code OneCycleScheduler.fromSuggestion} for the next phase's
     * steps ({@code NAME-onecycle-confirm.csv}).
     *
     * @param on true to train it
     * @return this
     */
    ScenarioBench confirmOneCycle(boolean on) {
        this.confirmOneCycle = on;
        return this;
    }

    /**
     * Starts every constant-rate run (the grid's and the confirmations') with a linear warm-up from
     * 0 over a fraction of its steps: what the constant rate costs a run that starts at it.
     *
     * @param fraction the warm-up's fraction of the steps, in [0, 1); 0 for none
     * @return this
     */
    ScenarioBench warmup(double fraction) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("--warmup must be in [0, 1), got " + fraction);
        }
        this.warmup = fraction;
        return this;
    }

    /** Trains a constant-rate run, after the warm-up if one was asked for. */
    private double constantRun(Scenario s, double lr, int seed, List<float[]> weights)
            throws Exception {
        if (warmup == 0) {
            return s.accuracyAt(lr, seed, weights);
        }
        LrSchedule schedule =
                WarmupCooldownSchedule.builder()
                        .setLr(lr)
                        .setTotalSteps((int) s.steps())
                        .optWarmupFraction(warmup)
                        .optWarmupDivFactor(Double.POSITIVE_INFINITY)
                        .build();
        return s.accuracyWith(ScheduleListener.of(schedule), seed, weights);
    }

    /**
     * Returns the rule a name stands for in a scenario: {@code planned} is the plan-aware rule for
     * the scenario's next phase (its steps and batch size), any other name a built-in rule.
     *
     * @param name the rule's name
     * @param s the scenario
     * @return the rule
     */
    static SuggestionRule rule(String name, Scenario s) {
        return name.equals("planned")
                ? SuggestionRules.plannedFor(
                        TrainingPlan.ofSteps(s.steps()),
                        s.next().batchSize(),
                        ScenarioScore.family(optimizerName(s)))
                : SuggestionRules.byName(name);
    }

    /** The simple class name of the next phase's optimizer, e.g. {@code Sgd}. */
    static String optimizerName(Scenario s) {
        return s.next().optimizer().apply(Tracker.fixed(0.1f)).getClass().getSimpleName();
    }

    /**
     * Runs one scenario.
     *
     * @param s the scenario
     * @param grid the oracle's learning rates
     * @param reuse read the oracle grid and the curves back when an earlier run left them
     * @param confirm rules to train at for real (may be empty)
     * @param peaks one-cycle peaks to train, as multiples of the {@code minimum} suggestion, as
     *     {@code OneCycleScheduler.fromSuggestion} anchors them (may be empty)
     * @throws Exception if training fails
     */
    void run(Scenario s, double[] grid, boolean reuse, List<String> confirm, List<Double> peaks)
            throws Exception {
        Files.createDirectories(dir);
        List<List<float[]>> weights = new ArrayList<>();
        StringBuilder meta = new StringBuilder("key,seed,value\n");
        meta.append("description,0,\"").append(s.description()).append("\"\n");
        meta.append("steps,0,").append(s.steps()).append('\n');
        meta.append("batch_size,0,").append(s.next().batchSize()).append('\n');
        meta.append("task,0,").append(s.next().task()).append('\n');
        meta.append("optimizer,0,").append(optimizerName(s)).append('\n');
        for (int seed = 1; seed <= seeds; seed++) {
            long t0 = System.nanoTime();
            List<float[]> w = s.startWeights(seed);
            weights.add(w);
            double startAcc = startAccuracy(s, seed, w);
            meta.append("start_accuracy,").append(seed).append(',').append(startAcc).append('\n');
            out.printf(
                    "%s seed %d: start accuracy %.2f %% (%.1f s)%n",
                    s.name(), seed, 100 * startAcc, (System.nanoTime() - t0) / 1e9);
        }
        Files.writeString(dir.resolve(s.name() + "-meta.csv"), meta);
        if (!s.probe()) {
            oracle(s, grid, reuse, weights);
            if (oneCycleOracle) {
                oneCycleOracle(s, grid, weights);
            }
        }
        List<LossCurve> curves = new ArrayList<>();
        for (int seed = 1; seed <= seeds; seed++) {
            Path file = dir.resolve(s.name() + "-seed" + seed + ".json");
            if (reuse && Files.exists(file)) {
                curves.add(LossCurve.fromJson(Files.readString(file)));
                continue;
            }
            long t0 = System.nanoTime();
            LossCurve c = rangeTest(s, seed, weights.get(seed - 1)).curve();
            out.printf(
                    "%s seed %d: range test took %.1f s%n",
                    s.name(), seed, (System.nanoTime() - t0) / 1e9);
            c.writeJson(file);
            curves.add(c);
            out.printf(
                    "%s seed %d: range test %d points; %s%n",
                    s.name(), seed, curves.get(seed - 1).size(), suggestions(curves.get(seed - 1)));
        }
        oneCycle(s, curves, weights, peaks);
        if (confirmOneCycle) {
            confirmOneCycle(s, weights);
        }
        for (String name : confirm) {
            SuggestionRule rule = rule(name, s);
            for (int seed = 1; seed <= seeds; seed++) {
                Optional<Suggestion> sug = rule.suggest(curves.get(seed - 1));
                double lr = sug.map(Suggestion::learningRate).orElse(Double.NaN);
                double acc =
                        Double.isNaN(lr) ? 0.1 : constantRun(s, lr, seed, weights.get(seed - 1));
                appendLine(
                        dir.resolve(s.name() + "-confirm.csv"),
                        "rule,seed,learning_rate,accuracy",
                        rule.name() + "," + seed + "," + lr + "," + acc);
                out.printf(
                        "%s confirm %s seed %d: lr %.4g -> %.2f %%%n",
                        s.name(), rule.name(), seed, lr, 100 * acc);
            }
        }
    }

    private void oneCycle(
            Scenario s, List<LossCurve> curves, List<List<float[]>> weights, List<Double> peaks)
            throws Exception {
        for (double k : peaks) {
            double mean = 0;
            for (int seed = 1; seed <= seeds; seed++) {
                double lr = anchor.suggest(curves.get(seed - 1)).orElseThrow().learningRate();
                double acc =
                        s.accuracyWith(
                                dev.lrfinder.listeners.OneCycleScheduler.builder()
                                        .setMaxLr(k * lr)
                                        .setTotalSteps((int) s.steps())
                                        .build(),
                                seed,
                                weights.get(seed - 1));
                mean += acc / seeds;
                appendLine(
                        dir.resolve(s.name() + "-onecycle.csv"),
                        "anchor,peak_per_anchor,seed,peak_lr,accuracy",
                        anchor.name() + "," + k + "," + seed + "," + k * lr + "," + acc);
            }
            out.printf(
                    "%s one-cycle peak %.2f x %s: %.2f %%%n",
                    s.name(), k, anchor.name(), 100 * mean);
        }
    }

    /**
     * Runs the finder from a seed's start weights, on the training loss or, when asked, on the
     * validation loss (the scenario's test batches).
     */
    private LrFinderResult rangeTest(Scenario s, int seed, List<float[]> weights) throws Exception {
        try (Model model = Model.newInstance(s.name());
                Trainer trainer = s.trainer(model, Tracker.fixed(0.01f), seed, weights)) {
            LrFinder.Builder b = LrFinder.builder();
            if (rangeIterations > 0) {
                b.optNumIterations(rangeIterations);
            }
            if (planSweep) {
                b.optPlannedSteps(s.steps());
            }
            LrFinder finder =
                    b.optStartLr(s.startLr())
                            .optEndLr(s.endLr())
                            .optValidationBatches(Math.max(1, validationBatches))
                            .build();
            return validationBatches > 0
                    ? finder.find(trainer, s.next().train(), s.next().test())
                    : finder.find(trainer, s.next().train());
        }
    }

    private void confirmOneCycle(Scenario s, List<List<float[]>> weights) throws Exception {
        for (int seed = 1; seed <= seeds; seed++) {
            LrFinderResult result = rangeTest(s, seed, weights.get(seed - 1));
            ScheduleListener oneCycle =
                    OneCycleScheduler.fromSuggestion(result, TrainingPlan.ofSteps(s.steps()));
            double peak = ((OneCycleSchedule) oneCycle.schedule()).maxLr();
            double acc = s.accuracyWith(oneCycle, seed, weights.get(seed - 1));
            appendLine(
                    dir.resolve(s.name() + "-onecycle-confirm.csv"),
                    "seed,peak_lr,accuracy",
                    seed + "," + peak + "," + acc);
            out.printf(
                    "%s finder -> fromSuggestion seed %d: peak %.4g -> %.2f %%%n",
                    s.name(), seed, peak, 100 * acc);
        }
    }

    private void oneCycleOracle(Scenario s, double[] grid, List<List<float[]>> weights)
            throws Exception {
        Map<Double, double[]> constant =
                BenchSuggestionsCommand.readOracle(dir.resolve(s.name() + "-oracle.csv"), seeds);
        double best = Double.NaN;
        double bestMean = -1;
        for (Map.Entry<Double, double[]> e : constant.entrySet()) {
            double mean = java.util.Arrays.stream(e.getValue()).average().orElse(0);
            if (mean > bestMean) {
                bestMean = mean;
                best = e.getKey();
            }
        }
        Path file = dir.resolve(s.name() + "-onecycle-oracle.csv");
        Map<Double, double[]> known = BenchSuggestionsCommand.readOracle(file, seeds);
        StringBuilder csv = new StringBuilder("learning_rate,seed,accuracy\n");
        double perDecade = Math.round(1 / Math.log10(grid[1] / grid[0]));
        for (int k = -2; k <= 5; k++) {
            double peak = best * Math.pow(10, k / perDecade);
            double mean = 0;
            for (int seed = 1; seed <= seeds; seed++) {
                double[] saved = known == null ? null : nearest(known, peak);
                double a =
                        saved != null
                                ? saved[seed - 1]
                                : s.accuracyWith(
                                        dev.lrfinder.listeners.OneCycleScheduler.builder()
                                                .setMaxLr(peak)
                                                .setTotalSteps((int) s.steps())
                                                .build(),
                                        seed,
                                        weights.get(seed - 1));
                csv.append(peak).append(',').append(seed).append(',').append(a).append('\n');
                mean += a / seeds;
            }
            out.printf("%s one-cycle oracle peak %.4g: %.2f %%%n", s.name(), peak, 100 * mean);
            Files.writeString(file, csv);
        }
    }

    /** The saved row of a peak, matched to 1e-9 relative, or null. */
    private static double[] nearest(Map<Double, double[]> known, double peak) {
        for (Map.Entry<Double, double[]> e : known.entrySet()) {
            if (Math.abs(e.getKey() / peak - 1) < 1e-9) {
                return e.getValue();
            }
        }
        return null;
    }

    private void oracle(Scenario s, double[] grid, boolean reuse, List<List<float[]>> weights)
            throws Exception {
        Path file = dir.resolve(s.name() + "-oracle.csv");
        Map<Double, double[]> known =
                reuse ? BenchSuggestionsCommand.readOracle(file, seeds) : null;
        if (known != null && known.size() == grid.length) {
            return;
        }
        StringBuilder csv = new StringBuilder("learning_rate,seed,accuracy\n");
        for (double lr : grid) {
            double mean = 0;
            for (int seed = 1; seed <= seeds; seed++) {
                double a = constantRun(s, lr, seed, weights.get(seed - 1));
                csv.append(lr).append(',').append(seed).append(',').append(a).append('\n');
                mean += a / seeds;
            }
            out.printf("%s oracle lr %.4g: %.2f %%%n", s.name(), lr, 100 * mean);
            Files.writeString(file, csv);
        }
    }

    private static double startAccuracy(Scenario s, int seed, List<float[]> w) throws Exception {
        try (Model model = Model.newInstance(s.name());
                Trainer trainer = s.trainer(model, Tracker.fixed(0.01f), seed, w)) {
            return s.next().task().score(trainer, s.next().test());
        }
    }

    private static String suggestions(LossCurve c) {
        StringBuilder sb = new StringBuilder();
        for (SuggestionRule r : SuggestionRules.all()) {
            sb.append(r.name())
                    .append(' ')
                    .append(
                            r.suggest(c)
                                    .map(x -> String.format("%.3g", x.learningRate()))
                                    .orElse("-"))
                    .append("; ");
        }
        return sb.toString();
    }

    private static void appendLine(Path file, String header, String line) throws IOException {
        if (!Files.exists(file)) {
            Files.writeString(file, header + "\n");
        }
        Files.writeString(file, line + "\n", StandardOpenOption.APPEND);
    }
}
