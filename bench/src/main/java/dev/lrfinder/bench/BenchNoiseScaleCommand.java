package dev.lrfinder.bench;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench-noise-scale}: the gradient noise scale {@code B_noise = tr(Sigma) / |G|^2}
 * (McCandlish et al., arXiv 1812.06162, appendix A) at each scenario's start weights, from the
 * gradients of {@code K} batches at one point (no step is taken): the mean squared norm of one
 * batch's gradient is {@code |G|^2 + tr(Sigma) / B}, that of the mean of the {@code K} gradients
 * {@code |G|^2 + tr(Sigma) / (B K)}; the two give {@code tr(Sigma)} and {@code |G|^2}.
 */
@Command(
        name = "bench-noise-scale",
        mixinStandardHelpOptions = true,
        description = "Measures the gradient noise scale at each scenario's start weights.")
public final class BenchNoiseScaleCommand implements Callable<Integer> {

    @Option(names = "--scenarios", split = ",", required = true, description = "scenarios")
    List<String> scenarios;

    @Option(names = "--seeds", defaultValue = "3", description = "seeds (default: 3)")
    int seeds;

    @Option(
            names = "--batches",
            defaultValue = "32",
            description = "batches at the point (default: ${DEFAULT-VALUE})")
    int batches;

    @Option(names = "--mnist-dir", description = "folder with the MNIST IDX files")
    Path mnistDir;

    @Override
    public Integer call() throws Exception {
        Path dir =
                mnistDir != null ? mnistDir : dev.lrfinder.samples.mnist.MnistSource.defaultDir();
        System.out.println("scenario,seed,batch,b_noise,g2,trace_sigma");
        for (String name : scenarios) {
            try (NDManager manager = NDManager.newBaseManager()) {
                Scenario s = Scenarios.of(name, manager, dir, 0);
                for (int seed = 1; seed <= seeds; seed++) {
                    List<float[]> w = s.startWeights(seed);
                    try (Model model = Model.newInstance(name);
                            Trainer trainer = s.trainer(model, Tracker.fixed(0f), seed, w)) {
                        double[] r = measure(trainer, s.next().train(), s.next().batchSize());
                        System.out.printf(
                                "%s,%d,%d,%.6g,%.6g,%.6g%n",
                                name, seed, s.next().batchSize(), r[0], r[1], r[2]);
                    }
                }
            }
        }
        return 0;
    }

    private double[] measure(Trainer trainer, ai.djl.training.dataset.Dataset data, int batchSize)
            throws Exception {
        List<Parameter> params = new ArrayList<>();
        for (Pair<String, Parameter> p : trainer.getModel().getBlock().getParameters()) {
            if (p.getValue().requiresGradient()) {
                params.add(p.getValue());
            }
        }
        double[] sum = null;
        double meanSquared = 0;
        int k = 0;
        for (Batch batch : trainer.iterateDataset(data)) {
            try (batch;
                    GradientCollector gc = trainer.newGradientCollector()) {
                NDList preds = trainer.forward(batch.getData(), batch.getLabels());
                gc.backward(trainer.getLoss().evaluate(batch.getLabels(), preds));
            }
            List<float[]> g = new ArrayList<>();
            int n = 0;
            for (Parameter p : params) {
                float[] v = p.getArray().getGradient().toFloatArray();
                g.add(v);
                n += v.length;
            }
            if (sum == null) {
                sum = new double[n];
            }
            int i = 0;
            double sq = 0;
            for (float[] v : g) {
                for (float x : v) {
                    sum[i++] += x;
                    sq += (double) x * x;
                }
            }
            meanSquared += sq;
            if (++k == batches) {
                break;
            }
        }
        meanSquared /= k;
        double meanNormSquared = 0;
        for (double x : sum) {
            meanNormSquared += (x / k) * (x / k);
        }
        // meanSquared = G2 + S / B; meanNormSquared = G2 + S / (B k)
        double perBatch = (meanSquared - meanNormSquared) * k / (k - 1); // S / B
        double g2 = meanSquared - perBatch;
        double trace = perBatch * batchSize;
        return new double[] {trace / g2, g2, trace};
    }
}
