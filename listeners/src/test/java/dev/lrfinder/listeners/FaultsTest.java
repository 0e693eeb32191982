package dev.lrfinder.listeners;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.optimizer.Sgd;
import ai.djl.training.tracker.Tracker;
import dev.lrfinder.core.CurvePoint;
import dev.lrfinder.core.RangeTest;
import dev.lrfinder.core.RangeTestStatus;
import dev.lrfinder.core.SuggestionRule;
import dev.lrfinder.core.SuggestionRules;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults of issue 17 on the listeners' side: an interrupt, optimizer state the finder does not
 * know, a NaN in the validation set, a throwing observer, a custom rule under a built-in's name,
 * the plot's global state and a result computed once. Runs on both engines.
 */
class FaultsTest {

    private static Optimizer sgd() {
        return Optimizer.sgd()
                .setLearningRateTracker(Tracker.fixed(0.1f))
                .optMomentum(0.9f)
                .build();
    }

    @Test
    void anInterruptStopsAtTheNextIterationRestoresAndKeepsTheFlag() throws Exception {
        try (Model model = Fixtures.mlp();
                NDManager manager = NDManager.newBaseManager();
                Trainer trainer = Fixtures.trainer(model, sgd())) {
            ArrayDataset data = Fixtures.blobs(manager, 256, 32, 3);
            LrFinderTest.warmUp(trainer, data, 3);
            Map<String, float[]> params = Fixtures.parameters(trainer);
            Map<String, String> state = Fixtures.optimizerState(trainer);
            AtomicInteger updates = new AtomicInteger();
            List<LrFinderResult> told = new ArrayList<>();
            LrFinder finder =
                    LrFinder.builder()
                            .optNumIterations(40)
                            .addObserver(
                                    new RangeTestObserver() {
                                        @Override
                                        public void onIteration(CurvePoint point) {}

                                        @Override
                                        public void onStop(LrFinderResult result) {
                                            told.add(result);
                                        }
                                    })
                            .optProgress(
                                    new LrFinderTest.PeekingProgress(
                                            () -> {
                                                if (updates.incrementAndGet() == 6) {
                                                    Thread.currentThread().interrupt();
                                                }
                                            }))
                            .build();
            LrFinder.RangeTestInterruptedException e;
            boolean flagKept;
            try {
                e =
                        assertThrows(
                                LrFinder.RangeTestInterruptedException.class,
                                () -> finder.find(trainer, data));
            } finally {
                flagKept = Thread.interrupted(); // clears it for the rest of the test
            }
            assertTrue(flagKept, "the thread's interrupt flag must be kept");
            assertEquals(6, updates.get(), "iterations after the interrupt");
            LrFinderResult r = e.result();
            assertEquals(RangeTestStatus.INTERRUPTED, r.status());
            assertEquals(1, told.size(), "observers are told once of an interrupted test");
            assertEquals(RangeTestStatus.INTERRUPTED, told.get(0).status());
            assertTrue(r.curve().size() <= 6, r.toString());
            assertTrue(r.findSuggestion().isEmpty());
            assertTrue(e.getMessage().contains("interrupted"), e.getMessage());
            Map<String, float[]> after = Fixtures.parameters(trainer);
            for (String k : params.keySet()) {
                assertArrayEquals(params.get(k), after.get(k), 0f, k);
            }
            assertEquals(state, Fixtures.optimizerState(trainer));
        }
    }

    /** An Sgd that also keeps a running average of each gradient in an array of NDArrays. */
    static final class ArrayStateSgd extends Sgd {
        final NDArray[] gradientAverages = new NDArray[8];
        private final Map<String, Integer> slots = new ConcurrentHashMap<>();

        ArrayStateSgd() {
            super(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.1f)).optMomentum(0.9f));
        }

        @Override
        public void update(String parameterId, NDArray weight, NDArray grad) {
            int slot = slots.computeIfAbsent(parameterId, k -> slots.size());
            NDArray average = gradientAverages[slot];
            if (average == null) {
                average = grad.mul(0.1f);
                average.detach();
                gradientAverages[slot] = average;
            } else {
                try (NDArray tenth = grad.mul(0.1f)) {
                    average.muli(0.9f).addi(tenth);
                }
            }
            super.update(parameterId, weight, grad);
        }
    }

    @Test
    void optimizerStateInAnArrayOfNdArraysIsRestoredBitForBit() throws Exception {
        ArrayStateSgd optimizer = new ArrayStateSgd();
        try (Model model = Fixtures.mlp();
                NDManager manager = NDManager.newBaseManager();
                Trainer trainer = Fixtures.trainer(model, optimizer)) {
            ArrayDataset data = Fixtures.blobs(manager, 256, 32, 3);
            LrFinderTest.warmUp(trainer, data, 4);
            float[] before = optimizer.gradientAverages[0].toFloatArray();
            Map<String, String> state = Fixtures.optimizerState(trainer);
            LrFinder.builder()
                    .optStartLr(1e-4)
                    .optEndLr(1)
                    .optNumIterations(20)
                    .build()
                    .find(trainer, data);
            assertArrayEquals(before, optimizer.gradientAverages[0].toFloatArray(), 0f);
            assertEquals(state, Fixtures.optimizerState(trainer));
        }
    }

    /** Somewhere to keep arrays that the finder cannot know how to copy. */
    static final class Holder {
        NDArray velocity;
    }

    /** An Sgd that keeps state in an object of its own. */
    static final class HolderStateSgd extends Sgd {
        final Holder extra = new Holder();

        HolderStateSgd() {
            super(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.1f)));
        }
    }

    @Test
    void optimizerStateTheFinderCannotCopyIsRefusedBeforeTheTestNamingClassAndField()
            throws Exception {
        HolderStateSgd optimizer = new HolderStateSgd();
        try (Model model = Fixtures.mlp();
                NDManager manager = NDManager.newBaseManager();
                Trainer trainer = Fixtures.trainer(model, optimizer)) {
            ArrayDataset data = Fixtures.blobs(manager, 128, 32, 3);
            optimizer.extra.velocity = manager.ones(new Shape(3));
            Map<String, float[]> params = Fixtures.parameters(trainer);
            AtomicInteger iterations = new AtomicInteger();
            IllegalStateException e =
                    assertThrows(
                            IllegalStateException.class,
                            () ->
                                    LrFinder.builder()
                                            .optNumIterations(10)
                                            .addObserver(p -> iterations.incrementAndGet())
                                            .build()
                                            .find(trainer, data));
            assertTrue(
                    e.getMessage().contains("HolderStateSgd")
                            && e.getMessage().contains("extra")
                            && e.getMessage().contains("Holder"),
                    e.getMessage());
            assertEquals(0, iterations.get(), "refused before the test starts");
            Map<String, float[]> after = Fixtures.parameters(trainer);
            for (String k : params.keySet()) {
                assertArrayEquals(params.get(k), after.get(k), 0f, k);
            }
        }
    }

    /** Gaussian blobs whose first sample has one NaN feature. */
    private static ArrayDataset blobsWithOneNaN(NDManager manager, int samples, int batchSize) {
        Random r = new Random(11);
        float[] x = new float[samples * Fixtures.FEATURES];
        float[] y = new float[samples];
        for (int i = 0; i < samples; i++) {
            y[i] = i % Fixtures.CLASSES;
            for (int j = 0; j < Fixtures.FEATURES; j++) {
                x[i * Fixtures.FEATURES + j] =
                        (float) ((j % Fixtures.CLASSES == y[i] ? 2 : 0) + r.nextGaussian());
            }
        }
        x[3] = Float.NaN;
        return new ArrayDataset.Builder()
                .setData(manager.create(x, new Shape(samples, Fixtures.FEATURES)))
                .optLabels(manager.create(y, new Shape(samples)))
                .setSampling(batchSize, false)
                .build();
    }

    @Test
    void aNanInTheValidationSetDivergesAtOnceSayingWhy() throws Exception {
        try (Model model = Fixtures.linear();
                NDManager manager = NDManager.newBaseManager();
                Trainer trainer = Fixtures.trainer(model, sgd())) {
            LrFinderResult r =
                    LrFinder.builder()
                            .optStartLr(1e-4)
                            .optEndLr(1)
                            .optNumIterations(20)
                            .optValidationBatches(2)
                            .build()
                            .find(
                                    trainer,
                                    Fixtures.blobs(manager, 256, 32, 8),
                                    blobsWithOneNaN(manager, 128, 32));
            assertEquals(RangeTestStatus.DIVERGED, r.status(), r.toString());
            assertEquals(0, r.divergedAt().orElseThrow());
            assertTrue(r.findSuggestion().isEmpty(), r.toString());
            String why = r.stopReason().orElseThrow();
            assertTrue(why.contains("validation loss is NaN"), why);
        }
    }

    /** Runs something with System.err captured, and returns what it printed. */
    static String stderrOf(ThrowingRunnable run) throws Exception {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            run.run();
        } finally {
            System.setErr(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void aThrowingObserverLogsOneWarningNotOnePerIteration() throws Exception {
        try (Model model = Fixtures.mlp();
                NDManager manager = NDManager.newBaseManager();
                Trainer trainer = Fixtures.trainer(model, sgd())) {
            ArrayDataset data = Fixtures.blobs(manager, 256, 32, 3);
            AtomicInteger calls = new AtomicInteger();
            String err =
                    stderrOf(
                            () ->
                                    LrFinder.builder()
                                            .optStartLr(1e-5)
                                            .optEndLr(1e-2)
                                            .optNumIterations(20)
                                            .addObserver(
                                                    p -> {
                                                        calls.incrementAndGet();
                                                        throw new IllegalStateException(
                                                                "observer broke");
                                                    })
                                            .build()
                                            .find(trainer, data));
            assertEquals(20, calls.get(), "the observer is still called");
            long lines = err.lines().filter(l -> l.contains("observer broke")).count();
            assertEquals(1, lines, err);
        }
    }

    /** A rule with a built-in's name. */
    private static SuggestionRule named(String name) {
        return SuggestionRules.rule(name, a -> SuggestionRules.minimum().suggest(a));
    }

    @Test
    void aCustomRuleUnderABuiltInNameIsRefused() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> LrFinder.builder().optSuggestionRule(named("valley")).build());
        assertTrue(
                e.getMessage().startsWith("rule ") && e.getMessage().contains("valley"),
                e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> LrRangeTestListener.builder().optSuggestionRule(named("Guarded")).build());
        RangeTest test = RangeTest.builder().optNumIterations(10).build();
        assertThrows(IllegalArgumentException.class, () -> LrFinderResult.of(test, named("slide")));
        // planned is the name of the rule a plan picks: reserved too
        IllegalArgumentException planned =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> LrFinder.builder().optSuggestionRule(named("planned")).build());
        assertTrue(planned.getMessage().startsWith("rule must not be named planned"));
        // the built-in itself, and a custom rule under a name of its own, are fine
        LrFinder.builder().optSuggestionRule(SuggestionRules.valley()).build();
        LrFinder.builder().optSuggestionRule(named("my-valley")).build();
    }

    @Test
    void writingThePlotLeavesJavaAwtHeadlessAlone(@TempDir Path dir) throws Exception {
        String before = System.getProperty("java.awt.headless");
        System.clearProperty("java.awt.headless");
        try {
            LrFinderResult r =
                    Fixtures.result(
                            1e-5,
                            10,
                            60,
                            lr -> 2 - Math.log10(lr) / 10 + (lr > 1 ? lr : 0),
                            SuggestionRules.defaultRule(),
                            null);
            Path png = dir.resolve("plot.png");
            r.writePlot(png);
            assertTrue(Files.size(png) > 5000);
            assertNull(System.getProperty("java.awt.headless"), "global state changed");
        } finally {
            if (before != null) {
                System.setProperty("java.awt.headless", before);
            }
        }
    }

    /** A rule that counts how often it is asked. */
    private static SuggestionRule counting(AtomicInteger calls) {
        return SuggestionRules.rule(
                "counting",
                a -> {
                    calls.incrementAndGet();
                    return SuggestionRules.minimum().suggest(a);
                });
    }

    @Test
    void theResultIsComputedOnceWhenTheTestStops() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        LrRangeTestListener listener =
                LrRangeTestListener.builder()
                        .optNumIterations(12)
                        .optSuggestionRule(counting(calls))
                        .build();
        try (Model model = Fixtures.mlp();
                NDManager manager = NDManager.newBaseManager();
                Trainer trainer = Fixtures.trainer(model, sgd(), listener)) {
            LrRangeTestListener.RangeTestStoppedException stop =
                    assertThrows(
                            LrRangeTestListener.RangeTestStoppedException.class,
                            () ->
                                    EasyTrain.fit(
                                            trainer, 10, Fixtures.blobs(manager, 64, 16, 2), null));
            assertEquals(1, calls.get(), "rules run when the test stops");
            LrFinderResult first = listener.result();
            assertSame(first, listener.result());
            assertSame(first, stop.result());
            listener.result();
            assertEquals(1, calls.get(), "result() must not re-run the rules");
        }

        calls.set(0);
        try (Model model = Fixtures.mlp();
                NDManager manager = NDManager.newBaseManager();
                Trainer trainer = Fixtures.trainer(model, sgd())) {
            LrFinder.builder()
                    .optNumIterations(12)
                    .optSuggestionRule(counting(calls))
                    .build()
                    .find(trainer, Fixtures.blobs(manager, 64, 16, 2));
            assertEquals(1, calls.get(), "find() builds its result once");
        }
    }
}
