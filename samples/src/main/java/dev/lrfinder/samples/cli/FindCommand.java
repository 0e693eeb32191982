package dev.lrfinder.samples.cli;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.loss.Loss;
import dev.lrfinder.core.LrSweep;
import dev.lrfinder.core.Suggestion;
import dev.lrfinder.core.SuggestionRule;
import dev.lrfinder.core.SuggestionRules;
import dev.lrfinder.listeners.LrFinder;
import dev.lrfinder.listeners.LrFinderResult;
import dev.lrfinder.metrics.PrometheusExport;
import dev.lrfinder.metrics.RangeTestMetrics;
import dev.lrfinder.metrics.RunTags;
import dev.lrfinder.samples.mnist.MnistSource;
import dev.lrfinder.samples.mnist.Models;
import dev.lrfinder.samples.mnist.Optimizers;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lrfinder find}: the LR range test on real MNIST. */
@Command(
        name = "find",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the LR range test on real MNIST, prints every rule's suggestion (the default"
                    + " marked *) and writes curve.csv, curve.json and lr-find.png."
        },
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {
            "0:a learning rate was suggested",
            "1:a failure (an unreadable or truncated MNIST file, an engine error, ...): one"
                    + " 'lrfinder: failed: ...' line",
            "2:a bad option, refused before anything ran: one 'lrfinder: <option> ...' line",
            "3:the test ran but the curve gave no learning rate to suggest (it diverged at once,"
                    + " or is too short): one 'lrfinder: no learning rate to suggest: ...' line;"
                    + " the curve and plot are written"
        })
public final class FindCommand implements Callable<Integer> {

    @Option(
            names = "--engine",
            defaultValue = "mxnet",
            description = "DJL engine: mxnet or pytorch (default: ${DEFAULT-VALUE})")
    String engine;

    @Option(
            names = "--model",
            defaultValue = "mlp",
            description = "mlp, cnn or resnet (default: ${DEFAULT-VALUE})")
    String model;

    @Option(
            names = "--optimizer",
            defaultValue = "sgd",
            description = "sgd (with momentum) or adam (default: ${DEFAULT-VALUE})")
    String optimizer;

    @Option(
            names = "--momentum",
            defaultValue = "0.9",
            description = "SGD momentum (default: ${DEFAULT-VALUE})")
    float momentum;

    @Option(
            names = "--batch-size",
            defaultValue = "128",
            description = "batch size (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(
            names = "--iterations",
            description =
                    "iterations of the sweep (default: 100; with --planned-steps, as many as the"
                            + " run has steps, from 100 to 400)")
    Integer iterations;

    @Option(
            names = "--start-lr",
            defaultValue = "1e-7",
            description = "first learning rate (default: ${DEFAULT-VALUE})")
    double startLr;

    @Option(
            names = "--end-lr",
            defaultValue = "10",
            description = "last learning rate (default: ${DEFAULT-VALUE})")
    double endLr;

    @Option(names = "--linear", description = "sweep linearly instead of exponentially")
    boolean linear;

    @Option(
            names = "--rule",
            description =
                    "steepest, valley, minimum, slide, consensus, onset or guarded (default: the library default, guarded)")
    String rule;

    @Option(
            names = "--planned-steps",
            description =
                    "the optimizer steps of the run you plan (epochs x steps per epoch): the"
                            + " suggestion is then the planned rule's, for that run")
    Long plannedSteps;

    @Option(
            names = "--planned-batch-size",
            description =
                    "with --planned-steps: the run's batch size, when it differs from --batch-size")
    Long plannedBatchSize;

    @Option(
            names = "--validation-batches",
            defaultValue = "0",
            description =
                    "measure the loss on this many MNIST test batches after every update (default: ${DEFAULT-VALUE}, off)")
    int validationBatches;

    @Option(
            names = "--limit",
            defaultValue = "0",
            description = "use only the first N training images (default: all)")
    int limit;

    @Option(
            names = "--seed",
            defaultValue = "42",
            description = "random seed (default: ${DEFAULT-VALUE})")
    int seed;

    @Option(
            names = "--mnist-dir",
            description =
                    "folder with the MNIST IDX files (default: $LRFINDER_MNIST_DIR, else $HOME/.lrfinder/mnist, as scripts/fetch-mnist.sh writes them; else DJL's download)")
    Path mnistDir;

    @Option(
            names = {"-o", "--output"},
            defaultValue = "lrfinder-out",
            description = "output folder (default: ${DEFAULT-VALUE})")
    Path output;

    @Option(names = "--no-progress", description = "do not draw a progress bar")
    boolean noProgress;

    @Mixin MetricsOptions metrics = new MetricsOptions();

    @Option(names = "--run-id", description = "the run tag of the metrics (default: random)")
    String runId;

    /** {@inheritDoc} */
    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        // every check before any training, naming the option as the user typed it
        String engineName = Engines.name(engine);
        Models net = CliChecks.translated(() -> Models.of(model));
        CliChecks.translated(() -> Optimizers.create(optimizer, 0.01f, 0.9f));
        SuggestionRule chosen =
                rule == null
                        ? SuggestionRules.defaultRule()
                        : CliChecks.translated(() -> SuggestionRules.byName(rule));
        if (rule != null && plannedSteps != null) {
            throw new IllegalArgumentException(
                    "--rule and --planned-steps: give one (the plan picks the rule, planned), got"
                            + " --rule "
                            + rule
                            + " and --planned-steps "
                            + plannedSteps);
        }
        CliChecks.positive("--batch-size", batchSize);
        CliChecks.atLeast("--limit", limit, 0);
        CliChecks.atLeast("--validation-batches", validationBatches, 0);
        CliChecks.unitInterval("--momentum", momentum);
        metrics.check();
        CliChecks.writableFolder("-o/--output", output);
        MnistSource source = MnistSource.resolve(mnistDir);
        LrFinder.Builder finder =
                CliChecks.translated(
                        () ->
                                LrFinder.builder()
                                        .optStartLr(startLr)
                                        .optEndLr(endLr)
                                        .optShape(
                                                linear
                                                        ? LrSweep.Shape.LINEAR
                                                        : LrSweep.Shape.EXPONENTIAL)
                                        .optValidationBatches(validationBatches));
        if (plannedSteps != null) {
            finder.optPlannedSteps(plannedSteps);
        } else {
            finder.optSuggestionRule(chosen);
        }
        if (plannedBatchSize != null) {
            finder.optPlannedBatchSize(plannedBatchSize);
        }
        if (iterations != null) {
            finder.optNumIterations(iterations);
        }
        CliChecks.translated(finder::build);
        if (!noProgress) {
            // a terminal gets one redrawn line; a pipe or a file plain lines, never a \r
            finder.addObserver(new CliProgress(System.out, System.console() != null));
        }
        RunTags tags =
                runId == null
                        ? RunTags.newRun(model, "lr-find")
                        : new RunTags(runId, model, "lr-find");
        PrometheusExport export = null;
        if (metrics.enabled()) {
            RangeTestMetrics meters = metrics.meters(tags);
            finder.addObserver(meters);
            export = metrics.start(meters, tags, out);
        }
        try {
            return run(out, finder.build(), source, net, engineName);
        } finally {
            if (export != null) {
                metrics.finish(export, tags, out);
            }
        }
    }

    private Integer run(
            PrintStream out, LrFinder lrFinder, MnistSource source, Models net, String engineName)
            throws Exception {
        Engine.getEngine(engineName).setRandomSeed(seed);
        out.printf(
                "LR range test on %s: %s, %s, batch %d, %s, %s engine%n",
                source.describe(),
                net.name().toLowerCase(),
                optimizerName(),
                batchSize,
                lrFinder.config().sweep(),
                engineName);

        LrFinderResult result;
        try (NDManager manager = NDManager.newBaseManager(engineName);
                Model m = Model.newInstance("lrfinder-" + model, engineName)) {
            RandomAccessDataset train = source.load(manager, true, limit, batchSize, true);
            RandomAccessDataset validation =
                    validationBatches > 0 ? source.load(manager, false, 0, batchSize, false) : null;
            m.setBlock(net.block());
            DefaultTrainingConfig config =
                    new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                            .optOptimizer(Optimizers.create(optimizer, 0.01f, momentum));
            try (Trainer trainer = m.newTrainer(config)) {
                trainer.initialize(Models.INPUT);
                result = lrFinder.find(trainer, train, validation);
            }
        }
        reportSweptAgain(out, lrFinder.config().sweep(), result);
        report(out, result);
        Files.createDirectories(output);
        // each through a temporary file: a Ctrl-C now leaves no file cut short
        OutputFiles.replace(output.resolve("curve.csv"), result::writeCsv);
        OutputFiles.replace(
                output.resolve("curve.json"),
                f -> CurveJson.write(f, result, settings(source, engineName, lrFinder, result)));
        OutputFiles.replace(output.resolve("lr-find.png"), result::writePlot);
        out.printf(
                "wrote %s, %s, %s%n",
                output.resolve("curve.csv"),
                output.resolve("curve.json"),
                output.resolve("lr-find.png"));
        if (result.findSuggestion().isEmpty()) {
            // the reason is in the report above (how the test stopped, the verdict): not again
            System.err.println(
                    "lrfinder: no learning rate to suggest: see the verdict above and the plot "
                            + output.resolve("lr-find.png"));
            return ExitCodes.NO_SUGGESTION;
        }
        return ExitCodes.OK;
    }

    /** The settings the test ran with, for curve.json. */
    private Map<String, Object> settings(
            MnistSource source, String engineName, LrFinder finder, LrFinderResult result) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("data", source.describe());
        s.put("engine", engineName);
        s.put("model", model);
        s.put("optimizer", optimizer);
        if ("sgd".equalsIgnoreCase(optimizer)) {
            s.put("momentum", Double.parseDouble(Float.toString(momentum))); // 0.9, not 0.8999...
        }
        s.put("batch_size", batchSize);
        s.put("limit", limit);
        s.put("seed", seed);
        // the sweep the result came from: the configured one, or the finder's second one
        s.put("sweep", result.sweep().shape().name().toLowerCase());
        s.put("start_lr", result.sweep().startLr());
        s.put("end_lr", result.sweep().endLr());
        s.put("iterations", result.sweep().numIterations());
        s.put("smoothing", finder.config().smoothing());
        s.put("divergence_factor", finder.config().divergenceFactor());
        s.put("validation_batches", validationBatches);
        s.put("rule", rule); // null: the default, or the plan's rule
        s.put("planned_steps", plannedSteps);
        s.put("planned_batch_size", plannedBatchSize);
        return s;
    }

    private String optimizerName() {
        return "sgd".equalsIgnoreCase(optimizer) ? "sgd momentum " + momentum : optimizer;
    }

    /**
     * Says so when the finder swept again, as long as the plan, instead of the configured sweep.
     */
    static void reportSweptAgain(PrintStream out, LrSweep configured, LrFinderResult result) {
        if (result.sweep().numIterations() != configured.numIterations()) {
            out.printf(
                    "%nswept again as long as the plan, %s: the first sweep could not place the"
                            + " planned rate%n",
                    result.sweep());
        }
    }

    static void report(PrintStream out, LrFinderResult result) {
        out.printf(
                "%nrange test %s after %d iterations%n",
                result.stopReason().orElse("running"), result.curve().size());
        out.printf("%-10s %-14s %s%n", "rule", "suggested lr", "curve point");
        for (Map.Entry<String, Optional<Suggestion>> e : result.suggestions().entrySet()) {
            String name = e.getKey() + (e.getKey().equals(result.rule().name()) ? " *" : "");
            out.printf(
                    "%-10s %-14s %s%n",
                    name,
                    e.getValue().map(s -> String.format("%.4g", s.learningRate())).orElse("none"),
                    e.getValue()
                            .map(
                                    s ->
                                            "#"
                                                    + s.index()
                                                    + String.format(
                                                            " (lr %.3g, loss %.4f)",
                                                            s.pointLearningRate(),
                                                            s.smoothedLoss()))
                            .orElse(""));
        }
        out.println(
                result.plan()
                        .map(p -> "* the rule for the planned run (" + p + ")")
                        .orElse("* default rule"));
        out.println(
                result.findSuggestion()
                        .map(
                                s ->
                                        String.format(
                                                "Suggested learning rate: %.4g (%s)",
                                                s.learningRate(), s.rule()))
                        .orElse("Suggested learning rate: none"));
        out.println(
                result.verdict().confident()
                        ? "Verdict: confident (the curve supports the suggestion)"
                        : "Verdict: NOT confident, read the plot: "
                                + String.join("; ", result.verdict().details()));
        if (result.findSuggestion().isPresent()) {
            result.plan()
                    .ifPresent(
                            plan -> {
                                out.println("Planned rate: " + result.plannedRate(plan));
                                out.println("Recommended run: " + result.recommend(plan));
                            });
        }
    }
}
