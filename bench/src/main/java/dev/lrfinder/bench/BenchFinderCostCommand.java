package dev.lrfinder.bench;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.loss.Loss;
import dev.lrfinder.listeners.LrFinder;
import dev.lrfinder.samples.cli.CliChecks;
import dev.lrfinder.samples.cli.Engines;
import dev.lrfinder.samples.mnist.MnistSource;
import dev.lrfinder.samples.mnist.Models;
import dev.lrfinder.samples.mnist.Optimizers;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lrfinder bench-finder-cost}: what one {@code LrFinder.find} with N iterations costs, as a
 * ratio to N bare {@code EasyTrain.trainBatch} + {@code step} iterations on the same trainer. The
 * two alternate (AB, BA, ...) and the median of the pairs' ratios is reported, so that drifts of a
 * shared machine cancel. {@code find} includes its snapshot and restore.
 */
@Command(
        name = "bench-finder-cost",
        mixinStandardHelpOptions = true,
        description =
                "Measures LrFinder.find with N iterations against N bare training iterations"
                        + " on the same trainer (real MNIST).")
public final class BenchFinderCostCommand implements Callable<Integer> {

    @Option(
            names = "--pairs",
            defaultValue = "15",
            description = "pairs (default: ${DEFAULT-VALUE})")
    int pairs;

    @Option(
            names = "--iterations",
            defaultValue = "100",
            description = "iterations of each side (default: ${DEFAULT-VALUE})")
    int iterations;

    @Option(
            names = "--model",
            defaultValue = "mlp",
            description = "mlp or cnn (default: ${DEFAULT-VALUE})")
    String model;

    @Option(
            names = "--engine",
            defaultValue = "mxnet",
            description = "mxnet or pytorch (default: ${DEFAULT-VALUE})")
    String engine;

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
        String engineName = Engines.name(engine);
        Models net = Models.of(model);
        CliChecks.positive("--pairs", pairs);
        CliChecks.atLeast("--iterations", iterations, 10);
        // a sweep that neither diverges nor stops early: find() runs all its iterations
        LrFinder finder =
                LrFinder.builder()
                        .optStartLr(1e-5)
                        .optEndLr(1e-3)
                        .optNumIterations(iterations)
                        .optDivergenceFactor(1e12)
                        .build();
        double[] ratios = new double[pairs];
        double[] bare = new double[pairs];
        double[] found = new double[pairs];
        try (NDManager manager = NDManager.newBaseManager(engineName);
                Model m = Model.newInstance("bench", engineName)) {
            RandomAccessDataset data =
                    MnistSource.resolve(mnistDir).load(manager, true, 0, batchSize, true);
            Engine.getEngine(engineName).setRandomSeed(1);
            m.setBlock(net.block());
            DefaultTrainingConfig config =
                    new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                            .optOptimizer(Optimizers.create("sgd", 0.01f, 0.9f));
            try (Trainer trainer = m.newTrainer(config)) {
                trainer.initialize(Models.INPUT);
                bare(trainer, data, iterations); // warm-up of both paths
                finder.find(trainer, data);
                for (int k = 0; k < pairs; k++) {
                    boolean findFirst = k % 2 == 1;
                    double a =
                            findFirst
                                    ? timeFind(finder, trainer, data)
                                    : bare(trainer, data, iterations);
                    double b =
                            findFirst
                                    ? bare(trainer, data, iterations)
                                    : timeFind(finder, trainer, data);
                    bare[k] = findFirst ? b : a;
                    found[k] = findFirst ? a : b;
                    ratios[k] = found[k] / bare[k];
                }
            }
        }
        double[] sorted = ratios.clone();
        Arrays.sort(sorted);
        out.printf(
                "%s on %s, batch %d, %d pairs of %d iterations%n",
                model, engineName, batchSize, pairs, iterations);
        out.println(
                "| bare ms per iteration (median) | find() ms per iteration (median) |"
                        + " ratio (median of pairs) | middle half of the pair ratios | all pairs |");
        out.println("|---|---|---|---|---|");
        out.printf(
                "| %.3f | %.3f | %.4f | %.4f to %.4f | %.4f to %.4f |%n",
                1000 * BenchOverheadCommand.median(bare) / iterations,
                1000 * BenchOverheadCommand.median(found) / iterations,
                BenchOverheadCommand.median(ratios),
                sorted[pairs / 4],
                sorted[pairs * 3 / 4],
                sorted[0],
                sorted[pairs - 1]);
        return 0;
    }

    private static double timeFind(LrFinder finder, Trainer trainer, RandomAccessDataset data)
            throws Exception {
        long t0 = System.nanoTime();
        finder.find(trainer, data);
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Trains {@code n} bare iterations (cycling over the data); returns the seconds. */
    private static double bare(Trainer trainer, RandomAccessDataset data, int n) throws Exception {
        return n
                * BenchOverheadCommand.segment(
                        trainer, data, trainer.iterateDataset(data).iterator(), n);
    }
}
