package dev.lrfinder.bench;

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
import dev.lrfinder.samples.mnist.MnistSource;
import dev.lrfinder.samples.mnist.Models;
import dev.lrfinder.samples.mnist.Optimizers;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lrfinder bench-overhead}: the per-iteration cost of lrfinder's listeners, as a ratio to a
 * bare {@code EasyTrain.trainBatch} + {@code step} iteration of the same model. One trainer per
 * listener trains alternating segments with the listener switched off and on (AB, BA, ...), and the
 * median of the pairs' ratios is reported, so that drifts of a shared machine cancel.
 */
@Command(
        name = "bench-overhead",
        mixinStandardHelpOptions = true,
        description =
                "Measures the per-iteration overhead of LrRangeTestListener and TrainingMetrics"
                        + " against bare EasyTrain iterations (MLP on real MNIST).")
public final class BenchOverheadCommand implements Callable<Integer> {

    @Option(
            names = "--pairs",
            defaultValue = "40",
            description = "pairs of segments per listener (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(
            names = "--iterations",
            defaultValue = "50",
            description = "iterations per segment (default: ${DEFAULT-VALUE})")
    int iterations;

    @Option(
            names = "--model",
            defaultValue = "mlp",
            description = "mlp or cnn (default: ${DEFAULT-VALUE})")
    String model;

    @Option(
            names = "--batch-size",
            defaultValue = "128",
            description = "batch size (default: ${DEFAULT-VALUE})")
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
        variants.put("LrRangeTestListener", () -> new TrainingListener[] {rangeTest()});
        variants.put(
                "TrainingMetrics (Prometheus registry)",
                () -> {
                    TrainingMetrics m =
                            TrainingMetrics.builder(RunTags.newRun(model, "bench")).build();
                    m.bindTo(export.registry());
                    return new TrainingListener[] {m};
                });
        variants.put(
                "LrRangeTestListener + TrainingMetrics",
                () -> {
                    LrRangeTestListener r = rangeTest();
                    TrainingMetrics m =
                            TrainingMetrics.builder(RunTags.newRun(model, "bench"))
                                    .optRangeTest(r)
                                    .build();
                    m.bindTo(export.registry());
                    return new TrainingListener[] {r, m};
                });
        out.printf(
                "%s, batch %d, %d pairs of %d-iteration segments per variant, %s%n",
                model, batchSize, rounds, iterations, Engine.getInstance().getEngineName());
        out.println(
                "| listener | bare ms per iteration (median) | with it | ratio (median of pairs) |"
                        + " middle half of the pair ratios |");
        out.println("|---|---|---|---|---|");
        try (NDManager manager = NDManager.newBaseManager()) {
            RandomAccessDataset data =
                    MnistSource.resolve(mnistDir).load(manager, true, 0, batchSize, true);
            for (Map.Entry<String, Supplier<TrainingListener[]>> v : variants.entrySet()) {
                double[][] r = pairs(net, data, new Toggle(v.getValue().get()));
                double[] ratios = r[2].clone();
                Arrays.sort(ratios);
                out.printf(
                        "| %s | %.3f | %.3f | %.4f (%+.2f %%) | %.4f to %.4f |%n",
                        v.getKey(),
                        1000 * median(r[0]),
                        1000 * median(r[1]),
                        median(ratios),
                        100 * (median(ratios) - 1),
                        ratios[ratios.length / 4],
                        ratios[ratios.length * 3 / 4]);
            }
        } finally {
            export.close();
        }
        return 0;
    }

    /**
     * Times segments of bare iterations and of iterations with the listeners, alternating AB and BA
     * within one trainer, so that drifts of the machine cancel in each pair's ratio.
     *
     * @return seconds per iteration bare, with the listeners, and the ratio, per pair
     */
    private double[][] pairs(Models net, RandomAccessDataset data, Toggle toggle) throws Exception {
        Engine.getInstance().setRandomSeed(1);
        try (Model m = Model.newInstance("bench")) {
            m.setBlock(net.block());
            DefaultTrainingConfig config =
                    new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                            .optOptimizer(Optimizers.create("sgd", 0.01f, 0.9f))
                            .addTrainingListeners(toggle);
            try (Trainer trainer = m.newTrainer(config)) {
                trainer.initialize(Models.INPUT);
                java.util.Iterator<Batch> batches = trainer.iterateDataset(data).iterator();
                segment(trainer, data, batches, iterations); // warm-up
                double[][] out = new double[3][rounds];
                for (int k = 0; k < rounds; k++) {
                    boolean onFirst = k % 2 == 1;
                    toggle.on = onFirst;
                    double first = segment(trainer, data, batches, iterations);
                    toggle.on = !onFirst;
                    double second = segment(trainer, data, batches, iterations);
                    out[0][k] = onFirst ? second : first;
                    out[1][k] = onFirst ? first : second;
                    out[2][k] = out[1][k] / out[0][k];
                }
                return out;
            }
        }
    }

    /** Trains {@code n} iterations (cycling over the data) and returns seconds per iteration. */
    static double segment(
            Trainer trainer, RandomAccessDataset data, java.util.Iterator<Batch> batches, int n)
            throws Exception {
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            if (!batches.hasNext()) {
                batches = trainer.iterateDataset(data).iterator();
            }
            try (Batch batch = batches.next()) {
                EasyTrain.trainBatch(trainer, batch);
                trainer.step();
            }
        }
        // engines run asynchronously: wait for the last update before stopping the clock
        trainer.getModel().getBlock().getParameters().valueAt(0).getArray().toFloatArray();
        return (System.nanoTime() - t0) / 1e9 / n;
    }

    /** Passes batches to the listeners under test only while switched on. */
    private static final class Toggle extends ai.djl.training.listener.TrainingListenerAdapter {
        private final TrainingListener[] listeners;
        volatile boolean on;

        Toggle(TrainingListener[] listeners) {
            this.listeners = listeners;
        }

        @Override
        public void onTrainingBegin(Trainer trainer) {
            for (TrainingListener l : listeners) {
                l.onTrainingBegin(trainer);
            }
        }

        @Override
        public void onTrainingBatch(Trainer trainer, BatchData batchData) {
            if (on) {
                for (TrainingListener l : listeners) {
                    l.onTrainingBatch(trainer, batchData);
                }
            }
        }

        @Override
        public void onTrainingEnd(Trainer trainer) {
            for (TrainingListener l : listeners) {
                l.onTrainingEnd(trainer);
            }
        }
    }

    private LrRangeTestListener rangeTest() {
        // a sweep that never diverges and outlasts the measured iterations
        return LrRangeTestListener.builder()
                .optStartLr(1e-4)
                .optEndLr(1e-3)
                .optNumIterations(1_000_000)
                .optDivergenceFactor(1e12)
                .build();
    }

    static double median(double[] xs) {
        double[] a = xs.clone();
        Arrays.sort(a);
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }
}
