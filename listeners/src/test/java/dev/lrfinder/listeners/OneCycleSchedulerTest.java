package dev.lrfinder.listeners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.lrfinder.core.SuggestionRules;
import dev.lrfinder.core.TrainingPlan;
import dev.lrfinder.core.schedule.OneCycleSchedule;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The optimizer really applies the scheduled learning rate and momentum. */
class OneCycleSchedulerTest {

    /** The loss is the mean of the single weight times an input of ones: its gradient is 1. */
    static final class MeanLoss extends Loss {
        MeanLoss() {
            super("mean");
        }

        @Override
        public NDArray evaluate(NDList labels, NDList predictions) {
            return predictions.singletonOrThrow().mean();
        }
    }

    /**
     * Records the single weight and, before every step, what the optimizer will apply: its
     * installed learning-rate tracker at the coming update and its momentum field.
     */
    static final class Recorder extends TrainingListenerAdapter {
        final ScheduleListener scheduler;
        final List<Float> weights = new ArrayList<>();
        final List<Float> lrs = new ArrayList<>();
        final List<Float> momenta = new ArrayList<>();

        Recorder(ScheduleListener scheduler) {
            this.scheduler = scheduler;
        }

        @Override
        public void onTrainingBatch(Trainer trainer, BatchData batchData) {
            Parameter w = trainer.getModel().getBlock().getParameters().valueAt(0);
            weights.add(w.getArray().getFloat(0, 0));
            Optimizer optimizer = DjlInternals.locate(trainer).orElseThrow().optimizer();
            // DJL counts updates from 1: this batch's update is number weights.size()
            lrs.add(
                    DjlInternals.learningRate(optimizer, "test")
                            .getNewValue(w.getId(), weights.size()));
            momenta.add(
                    DjlInternals.momentumField(optimizer)
                            .map(f -> DjlInternals.getFloat(f, optimizer))
                            .orElse(Float.NaN));
        }
    }

    static Recorder train(Optimizer optimizer, ScheduleListener scheduler, int steps)
            throws Exception {
        Recorder recorder = new Recorder(scheduler);
        try (Model model = Model.newInstance("w");
                NDManager manager = NDManager.newBaseManager()) {
            model.setBlock(
                    new SequentialBlock().add(Linear.builder().setUnits(1).optBias(false).build()));
            DefaultTrainingConfig config =
                    new DefaultTrainingConfig(new MeanLoss())
                            .optOptimizer(optimizer)
                            // the recorder runs after the scheduler has set this step's values
                            .addTrainingListeners(scheduler, recorder);
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(1, 1));
                ArrayDataset ones =
                        new ArrayDataset.Builder()
                                .setData(manager.ones(new Shape(steps * 4, 1)))
                                .optLabels(manager.zeros(new Shape(steps * 4)))
                                .setSampling(4, false)
                                .build();
                EasyTrain.fit(trainer, 1, ones, null);
                recorder.weights.add(
                        trainer.getModel()
                                .getBlock()
                                .getParameters()
                                .valueAt(0)
                                .getArray()
                                .getFloat(0, 0));
            }
        }
        return recorder;
    }

    @Test
    void sgdAppliesTheScheduledLearningRateAndMomentum() throws Exception {
        int steps = 40;
        ScheduleListener scheduler =
                OneCycleScheduler.builder().setMaxLr(0.5).setTotalSteps(steps).build();
        OneCycleSchedule schedule = (OneCycleSchedule) scheduler.schedule();
        Optimizer sgd =
                Optimizer.sgd()
                        .setLearningRateTracker(Tracker.fixed(123f))
                        .optMomentum(0.5f)
                        .build();
        Recorder r = train(sgd, scheduler, steps);
        assertEquals(steps + 1, r.weights.size());
        // Momentum SGD with gradient 1: v = m * v - lr, w = w + v. The update with momentum is
        // MXNet's on both engines (DJL's PyTorch JNI follows MXNet's formula, not torch.optim's
        // b = m * b + g, w -= lr * b, which differs once the rate changes between steps).
        double v = 0;
        for (int t = 0; t < steps; t++) {
            assertEquals(schedule.learningRate(t), r.lrs.get(t), 1e-7, "lr at " + t);
            assertEquals(schedule.momentum(t), r.momenta.get(t), 1e-7, "momentum at " + t);
            v = (float) schedule.momentum(t) * v - (float) schedule.learningRate(t);
            double delta = r.weights.get(t + 1) - r.weights.get(t);
            assertEquals(v, delta, 2e-5, "update at step " + t);
        }
        // the learning rate rose to the peak and came back down far below the start
        assertTrue(r.lrs.get(11) > 10 * r.lrs.get(0));
        assertTrue(r.lrs.get(steps - 1) < r.lrs.get(0) / 1000);
    }

    @Test
    void adamGetsTheScheduledBeta1AndTheOriginalIsRestored() throws Exception {
        int steps = 20;
        ScheduleListener scheduler =
                OneCycleScheduler.builder().setMaxLr(0.01).setTotalSteps(steps).build();
        Optimizer adam =
                Optimizer.adam()
                        .optLearningRateTracker(Tracker.fixed(0.001f))
                        .optBeta1(0.9f)
                        .build();
        Recorder r = train(adam, scheduler, steps);
        for (int t = 0; t < steps; t++) {
            assertEquals(scheduler.schedule().momentum(t), r.momenta.get(t), 1e-7);
        }
        java.lang.reflect.Field beta1 = DjlInternals.momentumField(adam).orElseThrow();
        assertEquals(0.9f, DjlInternals.getFloat(beta1, adam), 0f); // put back at training end
        assertTrue(r.momenta.get(0) > 0.94f && r.momenta.get(6) < 0.86f);
    }

    @Test
    void stepsPastTheTotalHoldTheFinalRateAndARestartedJobResumesAtStepK() throws Exception {
        ScheduleListener past = OneCycleScheduler.builder().setMaxLr(0.1).setTotalSteps(10).build();
        Recorder r =
                train(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(1f)).build(), past, 16);
        for (int t = 10; t < 16; t++) {
            assertEquals(((OneCycleSchedule) past.schedule()).finalLr(), r.lrs.get(t), 1e-12);
        }
        ScheduleListener resumed =
                OneCycleScheduler.builder().setMaxLr(0.1).setTotalSteps(10).optStartStep(4).build();
        Recorder r2 =
                train(
                        Optimizer.sgd().setLearningRateTracker(Tracker.fixed(1f)).build(),
                        resumed,
                        3);
        assertEquals((float) resumed.schedule().learningRate(4), r2.lrs.get(0), 0f);
        assertEquals((float) resumed.schedule().learningRate(6), r2.lrs.get(2), 0f);
    }

    @Test
    void fromSuggestionPeaksAtTheMappedSuggestionForTheOptimizerTheTestDrove() {
        // lowest loss at lr 0.1, so the minimum rule suggests 0.01
        java.util.function.DoubleUnaryOperator bowl = lr -> Math.pow(Math.log10(lr) + 1, 2) + 1;
        double end = 1e-5 * Math.pow(10, 99 / 20.0);
        LrFinderResult sgd =
                Fixtures.result(1e-5, end, 100, bowl, SuggestionRules.minimum(), "Sgd");
        LrFinderResult adam =
                Fixtures.result(1e-5, end, 100, bowl, SuggestionRules.defaultRule(), "Adam");
        LrFinderResult unknown =
                Fixtures.result(1e-5, end, 100, bowl, SuggestionRules.valley(), null);
        assertEquals(0.01, sgd.suggestion().learningRate(), 1e-12);
        // the peak is fixed at construction: what schedule() reports is what training gets; for
        // SGD whose plan scaled the rate, the peak whose cycle's mean is the planned rate
        OneCycleSchedule forSgd = OneCycleScheduler.scheduleFor(sgd, 500);
        assertEquals(500, forSgd.totalSteps());
        double peak =
                dev.lrfinder.core.SchedulePeak.of(
                        sgd.plannedRate(TrainingPlan.ofSteps(500)),
                        dev.lrfinder.core.SchedulePeak.HALF);
        assertEquals(peak, forSgd.maxLr(), 1e-12);
        // a plan at another batch than the test's, which is unknown: 3 x the minimum rule's
        TrainingPlan atBatch = TrainingPlan.builder().setSteps(500).optBatchSize(64).build();
        assertEquals(3.0 * 0.01, OneCycleScheduler.scheduleFor(sgd, atBatch).maxLr(), 1e-12);
        assertEquals(1.0 * 0.01, OneCycleScheduler.scheduleFor(adam, 500).maxLr(), 1e-12);
        assertEquals(1.0 * 0.01, OneCycleScheduler.scheduleFor(unknown, 500).maxLr(), 1e-12);
        // both overloads anchor on the same (minimum) rule, whatever the result's own rule
        assertEquals(0.05, OneCycleScheduler.scheduleFor(adam, 500, 5).maxLr(), 1e-12);
        assertEquals(0.05, OneCycleScheduler.scheduleFor(unknown, 500, 5).maxLr(), 1e-12);
        try (Model model = Fixtures.mlp()) {
            ScheduleListener s = OneCycleScheduler.fromSuggestion(sgd, 500);
            Optimizer optimizer =
                    Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.1f)).build();
            try (Trainer t = Fixtures.trainer(model, optimizer, s)) {
                // what the optimizer will apply at its first update, not what the listener says
                assertEquals(
                        peak / 25,
                        DjlInternals.learningRate(optimizer, "test").getNewValue("any", 1),
                        1e-9);
            }
        }
        dev.lrfinder.core.RangeTest diverged = dev.lrfinder.core.RangeTest.builder().build();
        diverged.record(Double.NaN);
        LrFinderResult none = LrFinderResult.of(diverged, SuggestionRules.minimum());
        assertThrows(
                IllegalStateException.class, () -> OneCycleScheduler.fromSuggestion(none, 500));
    }

    @Test
    void onACurveWithoutAClearDescentThePeakAnchorsOnTheResultsOwnSuggestion() {
        // a warm model: flat with noise, then the loss turns worse and diverges
        java.util.function.DoubleUnaryOperator warm =
                lr ->
                        lr < 0.3
                                ? 0.2 + 0.004 * Math.sin(37 * Math.log(lr))
                                : 0.2 + 2 * Math.pow(lr / 0.3, 2);
        LrFinderResult r =
                Fixtures.result(1e-7, 10, 100, warm, SuggestionRules.defaultRule(), "Sgd");
        assertTrue(!r.verdict().confident(), r.verdict().toString());
        double own = r.suggestion().learningRate();
        double minimum = r.suggestions().get("minimum").orElseThrow().learningRate();
        assertTrue(Math.abs(Math.log(own / minimum)) > Math.log(2), own + " vs minimum " + minimum);
        // no clear descent: the planned rate scales guarded's reading; the peak doubles it
        dev.lrfinder.core.PlannedRate planned = r.plannedRate(TrainingPlan.ofSteps(500));
        assertEquals(dev.lrfinder.core.PlannedRate.Branch.SCALED_FROM_GUARDED, planned.branch());
        assertEquals(
                dev.lrfinder.core.SchedulePeak.of(planned, dev.lrfinder.core.SchedulePeak.HALF),
                OneCycleScheduler.scheduleFor(r, 500).maxLr(),
                1e-12);
        assertEquals(2 * own, OneCycleScheduler.scheduleFor(r, 500, 2).maxLr(), 1e-12);
        TrainingPlan atBatch = TrainingPlan.builder().setSteps(500).optBatchSize(64).build();
        assertEquals(3.0 * own, OneCycleScheduler.scheduleFor(r, atBatch).maxLr(), 1e-12);
    }

    @Test
    void badParametersAreRejected() {
        assertThrows(
                IllegalArgumentException.class,
                () -> OneCycleScheduler.builder().setMaxLr(-1).setTotalSteps(10).build());
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        OneCycleScheduler.builder()
                                .setMaxLr(1)
                                .setTotalSteps(10)
                                .optStartStep(-1)
                                .build());
        IllegalArgumentException past =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                OneCycleScheduler.builder()
                                        .setMaxLr(1)
                                        .setTotalSteps(10)
                                        .optStartStep(10)
                                        .build());
        assertTrue(
                past.getMessage().startsWith("startStep ") && past.getMessage().contains("10"),
                past.getMessage());
    }

    @Test
    void rmsPropGetsTheLearningRateOnlyItsMomentumIsLeftAlone() throws Exception {
        Optimizer rms =
                Optimizer.rmsprop()
                        .optLearningRateTracker(Tracker.fixed(0.001f))
                        .optMomentum(0.3f)
                        .build();
        assertTrue(DjlInternals.momentumField(rms).isEmpty());
        ScheduleListener scheduler =
                OneCycleScheduler.builder().setMaxLr(0.01).setTotalSteps(10).build();
        if (Fixtures.pytorch()) { // DJL's PyTorch engine has no RmsProp update
            assertThrows(UnsupportedOperationException.class, () -> train(rms, scheduler, 5));
            return;
        }
        Recorder r = train(rms, scheduler, 5);
        assertTrue(Float.isNaN(scheduler.currentMomentum()));
        java.lang.reflect.Field f = rms.getClass().getDeclaredField("momentum");
        assertEquals(0.3f, DjlInternals.getFloat(f, rms), 0f);
        assertEquals((float) scheduler.schedule().learningRate(4), r.lrs.get(4), 0f);
    }
}
