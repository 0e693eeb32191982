package dev.lrfinder.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.training.Trainer;
import ai.djl.training.tracker.Tracker;
import dev.lrfinder.core.CurveVerdict;
import dev.lrfinder.core.LossCurve;
import dev.lrfinder.core.SuggestionRules;
import dev.lrfinder.core.Verdict;
import dev.lrfinder.listeners.LrFinder;
import dev.lrfinder.samples.mnist.MnistSource;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A reduced scenario benchmark on the first 12,800 MNIST images, one seed: after a first epoch of
 * momentum SGD at 0.01 (a warm model), the default rule's suggestion for the next epoch must train
 * to within one point of a 5-point grid's best; and with the labels shuffled, the verdict must not
 * be confident.
 */
@Tag("mnist")
class ScenarioCheckTest {

    private static final int IMAGES = 12800;

    @Test
    void warmStartSuggestionTrainsWithinOnePointOfTheGrid() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Scenario warm = Scenarios.of("warm", manager, MnistSource.defaultDir(), IMAGES);
            List<float[]> start = warm.startWeights(1);
            double best = 0;
            double bestLr = 0;
            for (double lr : new double[] {0.003, 0.01, 0.03, 0.1, 0.3}) {
                double a = warm.accuracyAt(lr, 1, start);
                if (a > best) {
                    best = a;
                    bestLr = lr;
                }
            }
            LossCurve curve;
            try (Model model = Model.newInstance("warm");
                    Trainer trainer = warm.trainer(model, Tracker.fixed(0.01f), 1, start)) {
                curve = LrFinder.builder().build().find(trainer, warm.next().train()).curve();
            }
            double lr = SuggestionRules.defaultRule().suggest(curve).orElseThrow().learningRate();
            double atDefault = warm.accuracyAt(lr, 1, start);
            assertTrue(best > 0.9, "the grid itself must train: " + best);
            assertTrue(
                    best - atDefault <= 0.01,
                    String.format(
                            "default %s at %.3g: %.2f %%, grid's"
                                    + " best %.2f %% at %.3g; verdict %s",
                            SuggestionRules.defaultRule().name(),
                            lr,
                            100 * atDefault,
                            100 * best,
                            bestLr,
                            CurveVerdict.assess(curve, 100)));
        }
    }

    @Test
    void shuffledLabelsGiveAVerdictThatIsNotConfident() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Scenario shuffled = Scenarios.of("shuffled", manager, MnistSource.defaultDir(), IMAGES);
            try (Model model = Model.newInstance("shuffled");
                    Trainer trainer = shuffled.trainer(model, Tracker.fixed(0.01f), 1, null)) {
                LossCurve curve =
                        LrFinder.builder().build().find(trainer, shuffled.next().train()).curve();
                Verdict v = CurveVerdict.assess(curve, 100);
                assertFalse(v.confident(), v.toString());
                assertTrue(v.reasons().contains(Verdict.Reason.NO_CLEAR_DESCENT), v.toString());
            }
        }
    }
}
