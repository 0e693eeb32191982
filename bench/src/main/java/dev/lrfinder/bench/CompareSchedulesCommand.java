package dev.lrfinder.bench;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.loss.Loss;
import dev.lrfinder.listeners.LrFinder;
import dev.lrfinder.listeners.LrFinderResult;
import dev.lrfinder.samples.mnist.Evaluation;
import dev.lrfinder.samples.mnist.MnistSource;
import dev.lrfinder.samples.mnist.Models;
import dev.lrfinder.samples.mnist.Optimizers;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lrfinder compare-schedules}: for each model, optimizer and seed, runs the range test, then
 * trains the same budget with every schedule built from its suggestion and reports the test
 * accuracy (mean and spread over seeds) and the wall time.
 */
@Command(
        name = "compare-schedules",
        mixinStandardHelpOptions = true,
        description =
                "Trains real MNIST with each schedule built from the range test's suggestion"
                        + " and prints test accuracy and wall time as a Markdown table.")
public final class CompareSchedulesCommand implements Callable<Integer> {

    @Option(
            names = "--models",
            split = ",",
            defaultValue = "mlp,cnn",
            description = "models (default: ${DEFAULT-VALUE})")
    List<String> models;

    @Option(
            names = "--optimizers",
            split = ",",
            defaultValue = "sgd,adam",
            description = "optimizers (default: ${DEFAULT-VALUE})")
    List<String> optimizers;

    @Option(
            names = "--epochs",
            split = ",",
            defaultValue = "1,2",
            description = "training budgets in epochs (default: ${DEFAULT-VALUE})")
    List<Integer> epochs;

    @Option(
            names = "--schedules",
            split = ",",
            defaultValue = "constant,step,cosine,warmup-cosine,triangular,cooldown,one-cycle",
            description = "schedules (default: ${DEFAULT-VALUE})")
    List<String> schedules;

    @Option(
            names = "--seeds",
            defaultValue = "3",
            description = "seeds per setup (default: ${DEFAULT-VALUE})")
    int seeds;

    @Option(
            names = "--batch-size",
            defaultValue = "128",
            description = "batch size (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(
            names = "--limit",
            defaultValue = "0",
            description = "use only the first N training images (default: all)")
    int limit;

    @Option(names = "--mnist-dir", description = "folder with the MNIST IDX files")
    Path mnistDir;

    @Option(
            names = "--one-cycle-peak",
            split = ",",
            description =
                    "one-cycle peak(s) as multiples of the suggestion (default: the"
                            + " mapping of OneCycleScheduler.fromSuggestion)")
    List<Double> onePeaks = List.of(Double.NaN);

    @Option(
            names = "--rule",
            defaultValue = "minimum",
            description =
                    "the rule whose suggestion the schedules start from (default: ${DEFAULT-VALUE},"
                            + " as in docs/SCHEDULES.md)")
    String rule;

    @Option(names = "--report", description = "also write the Markdown table to this file")
    Path report;

    /** One training run's outcome. */
    record Run(
            String setup,
            int epochs,
            String schedule,
            int seed,
            double lr,
            double accuracy,
            double seconds) {}

    /** {@inheritDoc} */
    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        MnistSource source = MnistSource.resolve(mnistDir);
        List<Run> runs = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            RandomAccessDataset train = source.load(manager, true, limit, batchSize, true);
            RandomAccessDataset test = source.load(manager, false, 0, 1000, false);
            int stepsPerEpoch = (int) ((train.size() + batchSize - 1) / batchSize);
            for (String modelName : models) {
                Models net = Models.of(modelName);
                for (String opt : optimizers) {
                    String setup = modelName + " + " + opt;
                    for (int seed = 1; seed <= seeds; seed++) {
                        LrFinderResult found = find(net, opt, seed, train, rule);
                        double lr = found.suggestion().learningRate();
                        out.printf("%s seed %d: suggestion %.4g%n", setup, seed, lr);
                        for (int e : epochs) {
                            for (String name : schedules) {
                                Schedules schedule = Schedules.of(name);
                                List<Double> peaks =
                                        schedule == Schedules.ONE_CYCLE
                                                ? onePeaks
                                                : List.of(Double.NaN);
                                for (double peak : peaks) {
                                    String label =
                                            Double.isNaN(peak)
                                                    ? schedule.label()
                                                    : schedule.label() + " x" + peak;
                                    long t0 = System.nanoTime();
                                    double acc =
                                            train(
                                                    net,
                                                    opt,
                                                    seed,
                                                    train,
                                                    test,
                                                    e,
                                                    schedule.listener(
                                                            found, e * stepsPerEpoch, peak));
                                    double secs = (System.nanoTime() - t0) / 1e9;
                                    runs.add(new Run(setup, e, label, seed, lr, acc, secs));
                                    out.printf(
                                            "  %d epoch(s) %-16s %.2f %% (%.1f s)%n",
                                            e, label, 100 * acc, secs);
                                }
                            }
                        }
                    }
                }
            }
        }
        String table = table(runs);
        out.println();
        out.print(table);
        if (report != null) {
            Files.writeString(report, table);
        }
        return 0;
    }

    private static LrFinderResult find(
            Models net, String opt, int seed, RandomAccessDataset train, String rule)
            throws Exception {
        try (Model model = Model.newInstance("find");
                Trainer trainer = trainer(model, net, opt, seed)) {
            return LrFinder.builder()
                    .optSuggestionRule(dev.lrfinder.core.SuggestionRules.byName(rule))
                    .build()
                    .find(trainer, train);
        }
    }

    private static Trainer trainer(
            Model model,
            Models net,
            String opt,
            int seed,
            ai.djl.training.listener.TrainingListener... listeners) {
        Engine.getInstance().setRandomSeed(seed);
        model.setBlock(net.block());
        DefaultTrainingConfig config =
                new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                        .optOptimizer(Optimizers.create(opt, 0.01f, 0.9f))
                        .addTrainingListeners(listeners);
        Trainer trainer = model.newTrainer(config);
        trainer.initialize(Models.INPUT);
        return trainer;
    }

    static double train(
            Models net,
            String opt,
            int seed,
            RandomAccessDataset train,
            RandomAccessDataset test,
            int epochs,
            ai.djl.training.listener.TrainingListener schedule)
            throws Exception {
        try (Model model = Model.newInstance("train");
                Trainer trainer = trainer(model, net, opt, seed, schedule)) {
            EasyTrain.fit(trainer, epochs, train, null);
            return Evaluation.accuracy(trainer, test);
        }
    }

    static String table(List<Run> runs) {
        Map<String, List<Run>> groups = new LinkedHashMap<>();
        for (Run r : runs) {
            groups.computeIfAbsent(
                            r.setup() + "|" + r.epochs() + "|" + r.schedule(),
                            k -> new ArrayList<>())
                    .add(r);
        }
        StringBuilder sb = new StringBuilder();
        sb.append(
                "| setup | epochs | schedule | test accuracy (mean ± sd) | min | wall time per run |\n");
        sb.append("|---|---|---|---|---|---|\n");
        for (List<Run> g : groups.values()) {
            Run first = g.get(0);
            double[] acc = g.stream().mapToDouble(Run::accuracy).toArray();
            double mean = java.util.Arrays.stream(acc).average().orElse(Double.NaN);
            double sd =
                    Math.sqrt(
                            java.util.Arrays.stream(acc).map(a -> (a - mean) * (a - mean)).sum()
                                    / Math.max(1, acc.length - 1));
            double min = java.util.Arrays.stream(acc).min().orElse(Double.NaN);
            double secs = g.stream().mapToDouble(Run::seconds).average().orElse(Double.NaN);
            sb.append(
                    String.format(
                            "| %s | %d | %s | %.2f %% ± %.2f | %.2f %% | %.1f s |%n",
                            first.setup(),
                            first.epochs(),
                            first.schedule(),
                            100 * mean,
                            100 * sd,
                            100 * min,
                            secs));
        }
        return sb.toString();
    }
}
