package dev.lrfinder.samples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.lrfinder.core.SuggestionRules;
import java.io.PrintStream;
import java.io.OutputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A reduced bench-suggestions: one setup (MLP + SGD momentum 0.9 on 12,800 MNIST images, one
 * epoch), a 7-point grid, one seed. The default rule's suggestion must train to within one point of
 * the grid's best.
 */
@Tag("mnist")
class SuggestionQualityTest {

    @Test
    void defaultSuggestionTrainsWithinOnePointOfTheReducedOracle() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Setup setup = Setup.of("mlp-sgd", manager, MnistSource.resolve(null), 12800, 128);
            double[] grid = {0.001, 0.00316, 0.01, 0.0316, 0.1, 0.316, 1};
            BenchSuggestionsCommand.SetupResult r = BenchSuggestionsCommand.run(
                    setup, grid, 1, 3, new PrintStream(OutputStream.nullOutputStream()));
            double best = r.oracleAccuracy();
            double atDefault = r.ruleAccuracy().get(SuggestionRules.defaultRule().name());
            assertTrue(best > 0.9, "the oracle itself must train: " + best);
            assertTrue(best - atDefault <= 0.01,
                    String.format("default %s: %.2f %% vs oracle %.2f %% at %.3g (suggested %s)",
                            SuggestionRules.defaultRule().name(), 100 * atDefault, 100 * best,
                            r.oracleLr(), java.util.Arrays.toString(
                                    r.ruleSuggestions().get(SuggestionRules.defaultRule().name()))));
        }
    }
}
