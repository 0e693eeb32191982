package dev.lrfinder.bench;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.lrfinder.listeners.optimizers.ScheduleFreeAdamW;
import dev.lrfinder.listeners.optimizers.ScheduleFreeSgd;
import dev.lrfinder.samples.mnist.Models;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench-optimizer-cost}: the cost of a training step with Schedule-Free AdamW and
 * Schedule-Free SGD as a ratio to DJL's {@code Adam} on the same model and batch. Two trainers (DJL
 * Adam and the optimizer measured) train alternating segments (AB, BA, ...) on the same generated
 * batch, and the median of the pairs' ratios is reported with its spread, so that drifts of a
 * shared machine cancel.
 */
@Command(
        name = "bench-optimizer-cost",
        mixinStandardHelpOptions = true,
        description =
                "Measures the per-step cost of the schedule-free optimizers against DJL's Adam"
                        + " (forward, backward and step of the samples' MLP or CNN).")
public final class BenchOptimizerCostCommand implements Callable<Integer> {

    @Option(
            names = "--pairs",
            defaultValue = "30",
            description = "pairs of segments (default: ${DEFAULT-VALUE})")
    int pairs;

    @Option(
            names = "--steps",
            defaultValue = "30",
            description = "steps per segment (default: ${DEFAULT-VALUE})")
    int steps;

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

    @Option(
            names = "--engine",
            defaultValue = "mxnet",
            description = "mxnet or pytorch (default: ${DEFAULT-VALUE})")
    String engine;

    private String engineName;

    @Override
    public Integer call() throws Exception {
        engineName = dev.lrfinder.samples.cli.Engines.name(engine);
        System.out.printf(
                "engine %s (default engine of this JVM: %s), model %s, batch %d, %d pairs of %d"
                        + " steps%n",
                engineName, Engine.getInstance().getEngineName(), model, batchSize, pairs, steps);
        System.out.println(
                "| optimizer | ms per step (median) | ratio to DJL Adam: median | min | max |");
        System.out.println("|---|---|---|---|---|");
        report(
                "ScheduleFreeAdamW",
                () -> ScheduleFreeAdamW.builder().optLearningRate(0.001f).build());
        report("ScheduleFreeSgd", () -> ScheduleFreeSgd.builder().optLearningRate(0.5f).build());
        report(
                "DJL AdamW (control)",
                () -> Optimizer.adamW().optLearningRateTracker(Tracker.fixed(0.001f)).build());
        return 0;
    }

    private void report(String name, Supplier<Optimizer> measured) throws Exception {
        Models net = Models.of(model);
        try (NDManager manager = NDManager.newBaseManager(engineName);
                Model a = Model.newInstance("adam", engineName);
                Model b = Model.newInstance("measured", engineName)) {
            Engine.getEngine(engineName).setRandomSeed(1);
            NDArray x = manager.randomNormal(new Shape(batchSize, 1, 28, 28));
            NDArray y =
                    manager.randomInteger(
                                    0,
                                    10,
                                    new Shape(batchSize),
                                    ai.djl.ndarray.types.DataType.INT32)
                            .toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
            Trainer adam =
                    trainer(
                            a,
                            net,
                            Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.001f)).build());
            Trainer other = trainer(b, net, measured.get());
            segment(adam, x, y);
            segment(other, x, y);
            double[] ratios = new double[pairs];
            double[] perStep = new double[pairs];
            for (int i = 0; i < pairs; i++) {
                double ta;
                double tb;
                if (i % 2 == 0) {
                    ta = segment(adam, x, y);
                    tb = segment(other, x, y);
                } else {
                    tb = segment(other, x, y);
                    ta = segment(adam, x, y);
                }
                ratios[i] = tb / ta;
                perStep[i] = tb / steps * 1e3;
            }
            adam.close();
            other.close();
            Arrays.sort(ratios);
            Arrays.sort(perStep);
            System.out.printf(
                    Locale.ROOT,
                    "| %s | %.2f | %.3f | %.3f | %.3f |%n",
                    name,
                    perStep[pairs / 2],
                    ratios[pairs / 2],
                    ratios[0],
                    ratios[pairs - 1]);
        }
    }

    private Trainer trainer(Model model, Models net, Optimizer optimizer) {
        model.setBlock(net.block());
        Trainer trainer =
                model.newTrainer(
                        new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                                .optOptimizer(optimizer));
        trainer.initialize(Models.INPUT);
        return trainer;
    }

    /** Seconds for {@link #steps} forward-backward-step iterations. */
    private double segment(Trainer trainer, NDArray x, NDArray y) {
        long t0 = System.nanoTime();
        for (int i = 0; i < steps; i++) {
            try (GradientCollector collector = trainer.newGradientCollector()) {
                NDList out = trainer.forward(new NDList(x));
                NDArray loss = trainer.getLoss().evaluate(new NDList(y), out);
                collector.backward(loss);
                out.close();
                loss.close();
            }
            trainer.step();
        }
        // wait for the engine to finish the segment's work
        trainer.getModel().getBlock().getParameters().get(0).getValue().getArray().toFloatArray();
        return (System.nanoTime() - t0) / 1e9;
    }
}
