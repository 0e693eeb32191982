package dev.lrfinder.listeners;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.lrfinder.samples.mnist.MnistSource;
import dev.lrfinder.samples.mnist.Models;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Parameters and optimizer state are bit-identical before and after a find on real MNIST. */
@Tag("mnist")
class MnistRestoreTest {

    static Stream<Arguments> setups() {
        Supplier<Optimizer> sgd =
                () ->
                        Optimizer.sgd()
                                .setLearningRateTracker(Tracker.fixed(0.03f))
                                .optMomentum(0.9f)
                                .build();
        Supplier<Optimizer> adam =
                () -> Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.001f)).build();
        return Stream.of(
                Arguments.of("mlp sgd", Models.MLP, sgd),
                Arguments.of("mlp adam", Models.MLP, adam),
                Arguments.of("cnn sgd", Models.CNN, sgd),
                // batch norm: running statistics are parameters without gradients
                Arguments.of("resnet adam", Models.RESNET, adam));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("setups")
    void findLeavesParametersAndOptimizerStateBitIdentical(
            String name, Models net, Supplier<Optimizer> optimizer) throws Exception {
        try (NDManager manager = NDManager.newBaseManager();
                Model model = Model.newInstance(name)) {
            RandomAccessDataset train =
                    MnistSource.resolve(null).load(manager, true, 6400, 64, true);
            ai.djl.engine.Engine.getInstance().setRandomSeed(3);
            model.setBlock(net.block());
            try (Trainer trainer =
                    model.newTrainer(
                            new ai.djl.training.DefaultTrainingConfig(
                                            ai.djl.training.loss.Loss.softmaxCrossEntropyLoss())
                                    .optOptimizer(optimizer.get()))) {
                trainer.initialize(Models.INPUT);
                LrFinderTest.warmUp(trainer, train, 10);
                Map<String, float[]> params = Fixtures.parameters(trainer);
                Map<String, String> state = Fixtures.optimizerState(trainer);

                LrFinderResult r =
                        LrFinder.builder()
                                .optNumIterations(30)
                                .optStartLr(1e-4)
                                .build()
                                .find(trainer, train);
                assertNotEquals(0, r.curve().size());

                Map<String, float[]> after = Fixtures.parameters(trainer);
                for (String k : params.keySet()) {
                    assertArrayEquals(params.get(k), after.get(k), 0f, name + " " + k);
                }
                assertEquals(state, Fixtures.optimizerState(trainer), name);
            }
        }
    }
}
