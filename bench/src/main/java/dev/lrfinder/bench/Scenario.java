package dev.lrfinder.bench;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.tracker.ParameterTracker;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A situation in which a user runs the finder: a start state (fresh weights, or weights trained by
 * an earlier phase) and the next phase, whose learning rate is the question.
 *
 * @param name the scenario's name, e.g. {@code warm}
 * @param description one line for the report
 * @param next the next phase: model, optimizer, data and batch size
 * @param epochs the next phase's budget in epochs
 * @param start the earlier phase that produces the start weights, or null for fresh weights
 * @param startLr the range test's first learning rate
 * @param endLr the range test's last learning rate
 * @param probe true when the scenario has no oracle: a curve that should not support a suggestion
 */
public record Scenario(
        String name,
        String description,
        Setup next,
        int epochs,
        Phase start,
        double startLr,
        double endLr,
        boolean probe) {

    /**
     * An earlier phase of training.
     *
     * @param setup what it trains
     * @param learningRate its constant learning rate
     * @param epochs its length
     */
    public record Phase(Setup setup, double learningRate, int epochs) {}

    /**
     * Runs the earlier phase for one seed and returns the weights it ends with.
     *
     * @param seed the seed
     * @return one array per parameter, in block order; null for a fresh start
     * @throws Exception if training fails
     */
    public List<float[]> startWeights(int seed) throws Exception {
        if (start == null) {
            return null;
        }
        try (Model model = Model.newInstance(name + "-start");
                Trainer trainer =
                        start.setup()
                                .trainer(
                                        model, Tracker.fixed((float) start.learningRate()), seed)) {
            EasyTrain.fit(trainer, start.epochs(), start.setup().train(), null);
            List<float[]> weights = new ArrayList<>();
            for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
                weights.add(p.getValue().getArray().toFloatArray());
            }
            return weights;
        }
    }

    /**
     * Builds the next phase's trainer from the start weights: they are written into a freshly
     * initialized block before the trainer exists, since MXNet's KVStore keeps the first weights it
     * sees.
     *
     * @param model the model to fill
     * @param lr the learning-rate tracker
     * @param seed the seed (initialization of a fresh start, and shuffling)
     * @param weights the start weights, or null for fresh ones
     * @param listeners extra listeners, e.g. a schedule
     * @return the initialized trainer
     */
    public Trainer trainer(
            Model model,
            ParameterTracker lr,
            int seed,
            List<float[]> weights,
            ai.djl.training.listener.TrainingListener... listeners) {
        Engine.getInstance().setRandomSeed(seed);
        Block block = next.block().get();
        model.setBlock(block);
        if (weights != null) {
            block.initialize(model.getNDManager(), DataType.FLOAT32, next.inputShape());
            int i = 0;
            for (Pair<String, Parameter> p : block.getParameters()) {
                p.getValue().getArray().set(FloatBuffer.wrap(weights.get(i++)));
            }
        }
        Trainer trainer =
                model.newTrainer(
                        new DefaultTrainingConfig(next.task().loss())
                                .optOptimizer(next.optimizer().apply(lr))
                                .addTrainingListeners(listeners));
        trainer.initialize(next.inputShape());
        return trainer;
    }

    /**
     * Trains the next phase at a constant learning rate and returns its test accuracy.
     *
     * @param lr the learning rate
     * @param seed the seed
     * @param weights the start weights, or null
     * @return the test accuracy; a diverged run scores chance (0.1)
     * @throws Exception if the data cannot be read
     */
    public double accuracyAt(double lr, int seed, List<float[]> weights) throws Exception {
        try (Model model = Model.newInstance(name);
                Trainer trainer = trainer(model, Tracker.fixed((float) lr), seed, weights)) {
            if (epochs > 0) {
                EasyTrain.fit(trainer, epochs, next.train(), null);
            }
            return next.task().score(trainer, next.test());
        } catch (ai.djl.TrainingDivergedException e) {
            return next.task().diverged();
        }
    }

    /**
     * Trains the next phase with one listener (a schedule) and returns its test accuracy.
     *
     * @param listener the listener that drives the learning rate
     * @param seed the seed
     * @param weights the start weights, or null
     * @return the test accuracy
     * @throws Exception if the data cannot be read
     */
    public double accuracyWith(
            ai.djl.training.listener.TrainingListener listener, int seed, List<float[]> weights)
            throws Exception {
        try (Model model = Model.newInstance(name);
                Trainer trainer = trainer(model, Tracker.fixed(0.01f), seed, weights, listener)) {
            EasyTrain.fit(trainer, epochs, next.train(), null);
            return next.task().score(trainer, next.test());
        } catch (ai.djl.TrainingDivergedException e) {
            return next.task().diverged();
        }
    }

    /**
     * Returns the number of optimizer steps of the next phase.
     *
     * @return epochs times batches per epoch
     */
    public long steps() {
        return epochs * ((next.train().size() + next.batchSize() - 1) / next.batchSize());
    }
}
