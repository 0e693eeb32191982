package dev.lrfinder.bench;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.ParameterTracker;
import ai.djl.training.tracker.Tracker;
import dev.lrfinder.core.TrainingPlan;
import dev.lrfinder.listeners.LrFinder;
import dev.lrfinder.listeners.LrFinderResult;
import dev.lrfinder.listeners.Recommendation;
import dev.lrfinder.listeners.Recommendation.Method;
import dev.lrfinder.listeners.optimizers.ScheduleFreeAdamW;
import dev.lrfinder.listeners.optimizers.ScheduleFreeSgd;
import dev.lrfinder.samples.mnist.MnistSource;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The recommended-run study of docs/SCHEDULES.md: on each scenario and seed, a range test with each
 * optimizer (SGD with momentum 0.9, AdamW, Schedule-Free SGD, Schedule-Free AdamW), then every
 * method {@link Recommendation} builds from it (constant, one-cycle, cosine, warmup-stable-decay,
 * linear to zero; schedule-free), with and without a weight average, at the finder's rate and at
 * multiples of it (the tuned best), plus the schedule-free optimizers at their published defaults.
 * Writes one CSV row per training run.
 */
@Command(
        name = "compare-schedules",
        mixinStandardHelpOptions = true,
        description =
                "Trains each method of the recommended-run study on the scenarios and writes one"
                        + " CSV row per run (test score, rate, seconds).")
public final class CompareSchedulesCommand implements Callable<Integer> {

    @Option(
            names = "--scenarios",
            split = ",",
            defaultValue = "fresh,warm,batch16,cnn-bn",
            description = "scenarios (default: ${DEFAULT-VALUE}; held out: batch64-3ep,cnn-3ep)")
    List<String> scenarios;

    @Option(
            names = "--seeds",
            defaultValue = "3",
            description = "seeds (default: ${DEFAULT-VALUE})")
    int seeds;

    @Option(
            names = "--multiples",
            split = ",",
            defaultValue = "0.5,2,4",
            description = "multiples of the finder's rate tried for the tuned best")
    List<Double> multiples;

    @Option(
            names = "--tuned",
            split = ",",
            defaultValue =
                    "sgd/constant,sgd/one-cycle,sgd/wsd,adamw/one-cycle,sf-sgd/schedule-free,sf-adamw/schedule-free",
            description = "optimizer/method pairs tuned over --multiples")
    List<String> tuned;

    @Option(names = "--mnist-dir", description = "folder with the MNIST IDX files")
    Path mnistDir;

    @Option(names = "--csv", required = true, description = "the CSV file to write (appended)")
    Path csv;

    @Option(
            names = "--optimizers",
            split = ",",
            defaultValue = "sgd,adamw,sf-sgd,sf-adamw",
            description = "the optimizers the range tests and runs use (default: ${DEFAULT-VALUE})")
    List<String> optimizers;

    @Option(
            names = "--no-defaults",
            description = "leave out the schedule-free optimizers at their published defaults")
    boolean noDefaults;

    @Option(names = "--no-averaging", description = "leave out the runs with a weight average")
    boolean noAveraging;

    @Option(
            names = "--methods",
            split = ",",
            description =
                    "only these methods (constant, one-cycle, cosine, wsd, linear-to-zero,"
                            + " schedule-free; default: every method the optimizer runs)")
    List<String> onlyMethods;

    @Option(
            names = "--tune-averaged",
            description = "try --multiples for the --tuned pairs with a weight average too")
    boolean tuneAveraged;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        Path dir = mnistDir != null ? mnistDir : MnistSource.defaultDir();
        if (!Files.exists(csv)) {
            Files.writeString(
                    csv,
                    "scenario,seed,optimizer,method,averaging,multiple,lr,score,seconds,branch\n");
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            for (String name : scenarios) {
                Scenario base = Scenarios.of(name, manager, dir, 0);
                TrainingPlan plan = TrainingPlan.ofSteps(base.steps());
                for (int seed = 1; seed <= seeds; seed++) {
                    List<float[]> weights = base.startWeights(seed);
                    for (String opt : optimizers) {
                        Scenario s = with(base, optimizer(opt));
                        LrFinderResult found = find(s, seed, weights);
                        for (Method m : methods(opt)) {
                            if (onlyMethods != null && !onlyMethods.contains(label(m))) {
                                continue;
                            }
                            for (boolean avg :
                                    noAveraging
                                            ? new boolean[] {false}
                                            : new boolean[] {false, true}) {
                                Recommendation r = Recommendation.of(found, plan, m, avg);
                                run(out, name, seed, opt, r, 1, base, weights);
                                if ((!avg || tuneAveraged)
                                        && tuned.contains(opt + "/" + label(m))) {
                                    for (double k : multiples) {
                                        run(
                                                out,
                                                name,
                                                seed,
                                                opt,
                                                r.withLearningRate(k * r.learningRate()),
                                                k,
                                                base,
                                                weights);
                                    }
                                }
                            }
                        }
                    }
                    if (!noDefaults) {
                        defaults(out, name, seed, base, weights, plan.steps());
                    }
                }
            }
        }
        return 0;
    }

    private static List<Method> methods(String opt) {
        switch (opt) {
            case "sgd":
                return List.of(
                        Method.CONSTANT,
                        Method.ONE_CYCLE,
                        Method.COSINE,
                        Method.WSD,
                        Method.LINEAR_TO_ZERO);
            case "adamw":
                return List.of(
                        Method.CONSTANT, Method.ONE_CYCLE, Method.WSD, Method.LINEAR_TO_ZERO);
            default:
                return List.of(Method.SCHEDULE_FREE);
        }
    }

    private static String label(Method m) {
        return m.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The tracker-driven optimizer a range test drives. */
    static Function<ParameterTracker, Optimizer> optimizer(String opt) {
        switch (opt) {
            case "sgd":
                return t -> Optimizer.sgd().setLearningRateTracker(t).optMomentum(0.9f).build();
            case "adamw":
                return t -> Optimizer.adamW().optLearningRateTracker(t).build();
            case "sf-sgd":
                return t -> ScheduleFreeSgd.builder().optLearningRateTracker(t).build();
            case "sf-adamw":
                return t -> ScheduleFreeAdamW.builder().optLearningRateTracker(t).build();
            default:
                throw new IllegalArgumentException("optimizer " + opt);
        }
    }

    /** The scenario with another optimizer. */
    static Scenario with(Scenario s, Function<ParameterTracker, Optimizer> optimizer) {
        Setup n = s.next();
        Setup next =
                new Setup(
                        n.name(),
                        n.block(),
                        n.inputShape(),
                        optimizer,
                        n.train(),
                        n.test(),
                        n.batchSize(),
                        n.task());
        return new Scenario(
                s.name(),
                s.description(),
                next,
                s.epochs(),
                s.start(),
                s.startLr(),
                s.endLr(),
                s.probe());
    }

    private static LrFinderResult find(Scenario s, int seed, List<float[]> weights)
            throws Exception {
        try (Model model = Model.newInstance(s.name() + "-find");
                Trainer trainer = s.trainer(model, Tracker.fixed(0.01f), seed, weights)) {
            return LrFinder.builder()
                    .optStartLr(s.startLr())
                    .optEndLr(s.endLr())
                    .optPlannedSteps(s.steps()) // as a user would: the sweep follows the plan
                    .build()
                    .find(trainer, s.next().train());
        }
    }

    private void run(
            PrintStream out,
            String name,
            int seed,
            String opt,
            Recommendation r,
            double multiple,
            Scenario base,
            List<float[]> weights)
            throws Exception {
        Scenario s = with(base, t -> r.optimizer());
        List<TrainingListener> listeners = r.listeners();
        double score = train(s, seed, weights, listeners.toArray(new TrainingListener[0]), name);
        record(
                out,
                name,
                seed,
                opt,
                label(r.method()),
                r.averaging(),
                multiple,
                r.learningRate(),
                score,
                r.plannedRate().branch().name());
    }

    private void defaults(
            PrintStream out, String name, int seed, Scenario base, List<float[]> weights, int steps)
            throws Exception {
        int warmup = (int) Math.round(Recommendation.SCHEDULE_FREE_WARMUP * steps);
        Scenario sfAdamW =
                with(
                        base,
                        t ->
                                ScheduleFreeAdamW.builder()
                                        .optWarmupSteps(warmup)
                                        .optTotalSteps(steps)
                                        .build());
        record(
                out,
                name,
                seed,
                "sf-adamw",
                "defaults",
                false,
                Double.NaN,
                ScheduleFreeAdamW.DEFAULT_LEARNING_RATE,
                train(sfAdamW, seed, weights, new TrainingListener[0], name),
                "");
        Scenario sfSgd =
                with(
                        base,
                        t ->
                                ScheduleFreeSgd.builder()
                                        .optWarmupSteps(warmup)
                                        .optTotalSteps(steps)
                                        .build());
        record(
                out,
                name,
                seed,
                "sf-sgd",
                "defaults",
                false,
                Double.NaN,
                ScheduleFreeSgd.DEFAULT_LEARNING_RATE,
                train(sfSgd, seed, weights, new TrainingListener[0], name),
                "");
    }

    private long started;

    private double train(
            Scenario s, int seed, List<float[]> weights, TrainingListener[] listeners, String name)
            throws Exception {
        started = System.nanoTime();
        try (Model model = Model.newInstance(name);
                Trainer trainer =
                        s.trainer(model, Tracker.fixed(0.01f), seed, weights, listeners)) {
            EasyTrain.fit(trainer, s.epochs(), s.next().train(), null);
            return s.next().task().score(trainer, s.next().test());
        } catch (ai.djl.TrainingDivergedException e) {
            return s.next().task().diverged();
        }
    }

    private void record(
            PrintStream out,
            String name,
            int seed,
            String opt,
            String method,
            boolean averaging,
            double multiple,
            double lr,
            double score,
            String branch)
            throws Exception {
        double seconds = (System.nanoTime() - started) / 1e9;
        String row =
                String.format(
                        Locale.ROOT,
                        "%s,%d,%s,%s,%s,%s,%.6g,%.6f,%.2f,%s%n",
                        name,
                        seed,
                        opt,
                        method,
                        averaging,
                        Double.isNaN(multiple) ? "" : String.valueOf(multiple),
                        lr,
                        score,
                        seconds,
                        branch);
        Files.writeString(csv, row, java.nio.file.StandardOpenOption.APPEND);
        out.print(row);
        out.flush();
    }
}
