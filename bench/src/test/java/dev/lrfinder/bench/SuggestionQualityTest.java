package dev.lrfinder.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.lrfinder.core.SuggestionRules;
import dev.lrfinder.samples.mnist.MnistSource;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A reduced bench-suggestions: one setup (MLP + SGD momentum 0.9 on 12,800 MNIST images, one epoch
 * of 100 iterations), a 7-point grid, three seeds. The default rule's suggestion must train to
 * within 1.5 points of the grid's best and beat fast.ai's default ({@code valley}). The full
 * benchmark's target is 1 point at 2 epochs (docs/BENCHMARKS.md); on this short budget the default
 * sits low, as the benchmark's batch-1024 scenario shows, and measured 1.37 points on PyTorch.
 */
@Tag("mnist")
class SuggestionQualityTest {

    @Test
    void defaultSuggestionTrainsCloseToTheReducedOracleAndBeatsValley() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Setup setup = Setup.of("mlp-sgd", manager, MnistSource.resolve(null), 12800, 128);
            double[] grid = {0.001, 0.00316, 0.01, 0.0316, 0.1, 0.316, 1};
            BenchSuggestionsCommand.SetupResult r =
                    BenchSuggestionsCommand.run(
                            setup, grid, 1, 3, new PrintStream(OutputStream.nullOutputStream()));
            double best = r.oracleAccuracy();
            String name = SuggestionRules.defaultRule().name();
            double gap = best - r.ruleAccuracy().get(name);
            double valleyGap = best - r.ruleAccuracy().get("valley");
            String report =
                    String.format(
                            "default %s: gap %.2f points (suggested %s), valley: gap"
                                    + " %.2f points, oracle %.2f %% at %.3g",
                            name,
                            100 * gap,
                            Arrays.toString(r.ruleSuggestions().get(name)),
                            100 * valleyGap,
                            100 * best,
                            r.oracleLr());
            System.out.println("SuggestionQualityTest: " + report);
            assertTrue(best > 0.9, "the oracle itself must train: " + best);
            assertTrue(gap <= 0.015, report);
            assertTrue(gap < valleyGap, report);
        }
    }
}
