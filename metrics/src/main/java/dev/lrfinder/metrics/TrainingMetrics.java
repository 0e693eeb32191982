package dev.lrfinder.metrics;

import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import dev.lrfinder.core.LossSmoother;
import dev.lrfinder.listeners.DeferredLoss;
import dev.lrfinder.listeners.LrRangeTestListener;
import dev.lrfinder.listeners.ScheduleListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

/**
 * Meters for any DJL training, bound like Micrometer's own {@code MeterBinder}s and fed as a {@code
 * TrainingListener}: add it to the training config after any lrfinder listener, and bind it to one
 * registry or more (each counts every batch).
 *
 * <pre>{@code
 * TrainingMetrics metrics = TrainingMetrics.builder(RunTags.newRun("mlp", "one-cycle"))
 *         .optSchedule(scheduler).build();
 * metrics.bindTo(registry);
 * config.addTrainingListeners(scheduler, metrics);
 * }</pre>
 *
 * <table>
 * <caption>Meters (Prometheus names; every meter has the run, model and job tags)</caption>
 * <tr><td>lrfinder_training_start_time_seconds</td><td>gauge</td><td>when the meters were bound, seconds since the epoch</td></tr>
 * <tr><td>lrfinder_training_learning_rate</td><td>gauge</td><td>learning rate of the last step</td></tr>
 * <tr><td>lrfinder_training_momentum</td><td>gauge</td><td>momentum (SGD) or beta1 (Adam) of the last step, NaN when not scheduled</td></tr>
 * <tr><td>lrfinder_training_loss</td><td>gauge</td><td>raw training loss of the last batch</td></tr>
 * <tr><td>lrfinder_training_loss_smoothed</td><td>gauge</td><td>debiased moving average of the loss (beta 0.98)</td></tr>
 * <tr><td>lrfinder_training_iterations_total</td><td>counter</td><td>batches trained</td></tr>
 * <tr><td>lrfinder_training_epoch</td><td>gauge</td><td>epochs completed</td></tr>
 * <tr><td>lrfinder_training_batch_seconds</td><td>timer</td><td>time between successive batches</td></tr>
 * <tr><td>lrfinder_training_samples_total</td><td>counter</td><td>examples trained</td></tr>
 * <tr><td>lrfinder_training_samples_per_second</td><td>gauge</td><td>examples per second over the last batch</td></tr>
 * </table>
 *
 * <p>An update writes primitive fields and increments counters: it allocates no meter. The loss is
 * the only value read from the device, once per batch and one batch late ({@link DeferredLoss}), so
 * that reading it does not stall the engine; with {@link Builder#optRangeTest} or {@link
 * Builder#optLoss} it reads nothing.
 */
public final class TrainingMetrics extends TrainingListenerAdapter implements MeterBinder {

    private final Tags tags;
    private final DoubleSupplier learningRate;
    private final DoubleSupplier momentum;
    private final DoubleSupplier loss;
    private final LossSmoother smoother = new LossSmoother(LossSmoother.DEFAULT_BETA);

    private volatile double lastLr = Double.NaN;
    private volatile double lastMomentum = Double.NaN;
    private volatile double lastLoss = Double.NaN;
    private volatile double smoothedLoss = Double.NaN;
    private volatile double epochs;
    private volatile double samplesPerSecond = Double.NaN;
    private volatile double startTime = Double.NaN;
    private long lastBatchNanos;
    private boolean hasLoss;
    private final DeferredLoss deferred = new DeferredLoss();
    // one of each per registry bound: a binder bound to two registries counts in both
    private final List<Counter> iterations = new CopyOnWriteArrayList<>();
    private final List<Counter> samples = new CopyOnWriteArrayList<>();
    private final List<Timer> batchTime = new CopyOnWriteArrayList<>();

    private TrainingMetrics(Builder b) {
        this.tags = b.tags;
        this.learningRate = b.learningRate;
        this.momentum = b.momentum;
        this.loss = b.loss;
    }

    /**
     * Returns a builder.
     *
     * @param tags the tags of every meter, e.g. a {@link RunTags} (run, model and job, which the
     *     Grafana dashboard selects by)
     * @return the builder
     */
    public static Builder builder(Iterable<Tag> tags) {
        return new Builder(tags);
    }

    /** {@inheritDoc} */
    @Override
    public void bindTo(MeterRegistry registry) {
        Tags t = tags;
        if (Double.isNaN(startTime)) {
            startTime = System.currentTimeMillis() / 1000.0;
        }
        Gauge.builder("lrfinder.training.start.time", this, m -> m.startTime)
                .description("when the meters were bound, in seconds since the epoch")
                .baseUnit("seconds")
                .tags(t)
                .strongReference(true)
                .register(registry);
        Gauge.builder("lrfinder.training.learning.rate", this, m -> m.lastLr)
                .description("learning rate of the last optimizer step")
                .tags(t)
                .strongReference(true)
                .register(registry);
        Gauge.builder("lrfinder.training.momentum", this, m -> m.lastMomentum)
                .description("momentum (SGD) or beta1 (Adam) of the last step")
                .tags(t)
                .strongReference(true)
                .register(registry);
        Gauge.builder("lrfinder.training.loss", this, m -> m.lastLoss)
                .description("raw training loss of the last batch")
                .tags(t)
                .strongReference(true)
                .register(registry);
        Gauge.builder("lrfinder.training.loss.smoothed", this, m -> m.smoothedLoss)
                .description("debiased moving average of the training loss (beta 0.98)")
                .tags(t)
                .strongReference(true)
                .register(registry);
        Gauge.builder("lrfinder.training.epoch", this, m -> m.epochs)
                .description("epochs completed")
                .tags(t)
                .strongReference(true)
                .register(registry);
        Gauge.builder("lrfinder.training.samples.per.second", this, m -> m.samplesPerSecond)
                .description("examples trained per second over the last batch")
                .tags(t)
                .strongReference(true)
                .register(registry);
        iterations.add(
                Counter.builder("lrfinder.training.iterations")
                        .description("batches trained")
                        .tags(t)
                        .register(registry));
        samples.add(
                Counter.builder("lrfinder.training.samples")
                        .description("examples trained")
                        .tags(t)
                        .register(registry));
        batchTime.add(
                Timer.builder("lrfinder.training.batch")
                        .description("time between successive batches")
                        .tags(t)
                        .register(registry));
    }

    /** {@inheritDoc} */
    @Override
    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
        long now = System.nanoTime();
        double l;
        if (loss != null) {
            l = loss.getAsDouble();
        } else {
            boolean previous = deferred.hasPending();
            l = deferred.swap(trainer, batchData); // the previous batch's: no stall
            if (!previous) {
                l = Double.NaN;
            }
        }
        record(
                learningRate.getAsDouble(),
                momentum.getAsDouble(),
                l,
                batchData.getBatch().getSize(),
                now);
    }

    /** {@inheritDoc} */
    @Override
    public void onTrainingEnd(Trainer trainer) {
        deferred.close();
    }

    /** {@inheritDoc} */
    @Override
    public void onEpoch(Trainer trainer) {
        epochs = epochs + 1;
    }

    /**
     * Records one batch; what {@link #onTrainingBatch} does with the values it reads, and the way
     * in for a training loop that is not DJL's (call {@link #onEpoch} with null at each epoch).
     *
     * @param lr the learning rate of the step
     * @param mom the momentum of the step, or NaN
     * @param batchLoss the raw loss
     * @param batchSize the examples in the batch
     * @param nanoTime {@link System#nanoTime()} at the batch
     */
    public void record(double lr, double mom, double batchLoss, long batchSize, long nanoTime) {
        lastLr = lr;
        lastMomentum = mom;
        if (!Double.isNaN(batchLoss) || hasLoss) {
            lastLoss = batchLoss;
            smoothedLoss = smoother.add(batchLoss);
            hasLoss = true;
        }
        for (Counter c : iterations) {
            c.increment();
        }
        for (Counter c : samples) {
            c.increment(batchSize);
        }
        if (lastBatchNanos != 0) {
            long elapsed = nanoTime - lastBatchNanos;
            for (Timer timer : batchTime) {
                timer.record(elapsed, TimeUnit.NANOSECONDS);
            }
            samplesPerSecond = elapsed > 0 ? batchSize * 1e9 / elapsed : Double.NaN;
        }
        lastBatchNanos = nanoTime;
    }

    /** Configures {@link TrainingMetrics}. */
    public static final class Builder {

        private final Tags tags;
        private DoubleSupplier learningRate = () -> Double.NaN;
        private DoubleSupplier momentum = () -> Double.NaN;
        private DoubleSupplier loss;

        Builder(Iterable<Tag> tags) {
            this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
        }

        /**
         * Takes the learning rate and momentum from a schedule listener (e.g. {@code
         * OneCycleScheduler}'s).
         *
         * @param schedule the scheduler that drives the optimizer
         * @return this builder
         */
        public Builder optSchedule(ScheduleListener schedule) {
            learningRate = schedule::currentLearningRate;
            momentum = schedule::currentMomentum;
            return this;
        }

        /**
         * Takes the learning rate and the loss from a range test, so that the loss is read from the
         * device only once.
         *
         * @param rangeTest the range-test listener, added to the config before this one
         * @return this builder
         */
        public Builder optRangeTest(LrRangeTestListener rangeTest) {
            learningRate = rangeTest::currentLearningRate;
            loss =
                    () -> {
                        var p = rangeTest.lastPoint();
                        return p == null ? Double.NaN : p.loss();
                    };
            return this;
        }

        /**
         * Sets where the learning rate comes from (default: NaN, unknown).
         *
         * @param learningRate the supplier, called once per batch
         * @return this builder
         */
        public Builder optLearningRate(DoubleSupplier learningRate) {
            this.learningRate = Objects.requireNonNull(learningRate);
            return this;
        }

        /**
         * Sets where the loss comes from (default: computed from the batch's labels and
         * predictions).
         *
         * @param loss the supplier, called once per batch
         * @return this builder
         */
        public Builder optLoss(DoubleSupplier loss) {
            this.loss = Objects.requireNonNull(loss);
            return this;
        }

        /**
         * Builds the meters' listener; bind it to a registry with {@link #bindTo}.
         *
         * @return the listener
         */
        public TrainingMetrics build() {
            return new TrainingMetrics(this);
        }
    }
}
