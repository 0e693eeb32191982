package dev.lrfinder.samples;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.loss.Loss;
import dev.lrfinder.listeners.LrRangeTestListener;
import dev.lrfinder.metrics.PrometheusExport;
import dev.lrfinder.metrics.RunTags;
import dev.lrfinder.metrics.TrainingMetrics;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lrfinder bench-overhead}: the per-iteration cost of lrfinder's listeners, as a ratio to
 * a bare {@code EasyTrain.trainBatch} + {@code step} iteration of the same model, measured in the
 * same run with the variants interleaved round by round.
 */
@Command(
        name = "bench-overhead",
        mixinStandardHelpOptions = true,
        description = "Measures the per-iteration overhead of LrRangeTestListener and TrainingMetrics"
                + " against bare EasyTrain iterations (MLP on real MNIST).")
public final class BenchOverheadCommand implements Callable<Integer> {

    @Option(names = "--rounds", defaultValue = "7", description = "rounds (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--iterations", defaultValue = "200", description = "iterations per variant and round (default: ${DEFAULT-VALUE})")
    int iterations;

    @Option(names = "--model", defaultValue = "mlp", description = "mlp or cnn (default: ${DEFAULT-VALUE})")
    String model;

    @Option(names = "--batch-size", defaultValue = "128", description = "batch size (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--mnist-dir", description = "folder with the MNIST IDX files")
    Path mnistDir;

    /** {@inheritDoc} */
    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        Models net = Models.of(model);
        Map<String, Supplier<TrainingListener[]>> variants = new LinkedHashMap<>();
        PrometheusExport export = new PrometheusExport();
        variants.put("bare EasyTrain", () -> new TrainingListener[0]);
        variants.put("+ LrRangeTestListener", () -> new TrainingListener[] {rangeTest()});
        variants.put("+ TrainingMetrics (Prometheus registry)", () -> {
            TrainingMetrics m = TrainingMetrics.builder(RunTags.newRun(model, "bench")).build();
            m.bindTo(export.registry());
            return new TrainingListener[] {m};
        });
        variants.put("+ LrRangeTestListener + TrainingMetrics", () -> {
            LrRangeTestListener r = rangeTest();
            TrainingMetrics m = TrainingMetrics.builder(RunTags.newRun(model, "bench"))
                    .optRangeTest(r).build();
            m.bindTo(export.registry());
            return new TrainingListener[] {r, m};
        });
        Map<String, List<Double>> perIteration = new LinkedHashMap<>();
        Map<String, List<Double>> ratios = new LinkedHashMap<>();
        variants.keySet().forEach(k -> {
            perIteration.put(k, new ArrayList<>());
            ratios.put(k, new ArrayList<>());
        });
        try (NDManager manager = NDManager.newBaseManager()) {
            RandomAccessDataset data = MnistSource.resolve(mnistDir)
                    .load(manager, true, iterations * batchSize, batchSize, true);
            for (int round = 0; round <= rounds; round++) {
                Map<String, Double> times = new LinkedHashMap<>();
                List<String> order = new ArrayList<>(variants.keySet());
                java.util.Collections.rotate(order, round); // no variant always runs first
                for (String name : order) {
                    times.put(name, secondsPerIteration(net, data, variants.get(name).get()));
                }
                if (round == 0) {
                    continue; // warm-up round
                }
                double bare = times.get("bare EasyTrain");
                times.forEach((k, v) -> {
                    perIteration.get(k).add(v);
                    ratios.get(k).add(v / bare);
                });
            }
        } finally {
            export.close();
        }
        out.printf("%s, batch %d, %d rounds x %d iterations per variant, %s%n", model, batchSize,
                rounds, iterations, Engine.getInstance().getEngineName());
        out.println("| variant | ms per iteration (median) | ratio to bare (median of rounds) | overhead |");
        out.println("|---|---|---|---|");
        for (String k : variants.keySet()) {
            double ms = 1000 * median(perIteration.get(k));
            double ratio = median(ratios.get(k));
            out.printf("| %s | %.3f | %.4f | %+.2f %% |%n", k, ms, ratio, 100 * (ratio - 1));
        }
        return 0;
    }

    private LrRangeTestListener rangeTest() {
        // a sweep that never diverges and outlasts the measured iterations
        return LrRangeTestListener.builder().optStartLr(1e-4).optEndLr(1e-3)
                .optNumIterations(iterations + 10).optDivergenceFactor(1e12).build();
    }

    private double secondsPerIteration(Models net, RandomAccessDataset data,
            TrainingListener[] listeners) throws Exception {
        Engine.getInstance().setRandomSeed(1);
        try (Model m = Model.newInstance("bench")) {
            m.setBlock(net.block());
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Optimizers.create("sgd", 0.01f, 0.9f))
                    .addTrainingListeners(listeners);
            try (Trainer trainer = m.newTrainer(config)) {
                trainer.initialize(Models.INPUT);
                long t0 = System.nanoTime();
                int n = 0;
                for (Batch batch : trainer.iterateDataset(data)) {
                    try (batch) {
                        EasyTrain.trainBatch(trainer, batch);
                        trainer.step();
                    }
                    n++;
                }
                // engines run asynchronously: wait for the last update before stopping the clock
                trainer.getModel().getBlock().getParameters().valueAt(0).getArray().toFloatArray();
                return (System.nanoTime() - t0) / 1e9 / n;
            }
        }
    }

    static double median(List<Double> xs) {
        double[] a = xs.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }
}
