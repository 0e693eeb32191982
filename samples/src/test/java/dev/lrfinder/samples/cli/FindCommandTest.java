package dev.lrfinder.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lrfinder.core.LossCurve;
import dev.lrfinder.core.LrSweep;
import dev.lrfinder.core.RangeTest;
import dev.lrfinder.core.RangeTestConfig;
import dev.lrfinder.core.SuggestionRules;
import dev.lrfinder.listeners.LrFinderResult;
import dev.lrfinder.samples.LrFinderCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FindCommandTest {

    private static String run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            int code = LrFinderCli.commandLine().execute(args);
            return code + "\n" + buf.toString(StandardCharsets.UTF_8);
        } finally {
            System.setOut(old);
        }
    }

    @Tag("mnist")
    @ParameterizedTest(name = "--engine {0}")
    @ValueSource(strings = {"mxnet", "pytorch"})
    void findPrintsEveryRuleMarksTheDefaultAndWritesTheFiles(String engine, @TempDir Path dir)
            throws Exception {
        String out =
                run(
                        "find",
                        "--engine",
                        engine,
                        "--limit",
                        "4000",
                        "--iterations",
                        "60",
                        "--no-progress",
                        "-o",
                        dir.toString());
        assertTrue(out.startsWith("0\n"), out);
        assertTrue(out.contains(Engines.name(engine) + " engine"), out);
        for (String rule :
                new String[] {
                    "steepest", "valley", "minimum", "slide", "consensus", "onset", "guarded"
                }) {
            assertTrue(out.contains("\n" + rule), rule + " missing:\n" + out);
        }
        assertTrue(out.contains("guarded *"), out);
        assertTrue(out.contains("Suggested learning rate: "), out);
        LossCurve csv = LossCurve.fromCsv(Files.readString(dir.resolve("curve.csv")));
        LossCurve json = LossCurve.fromJson(Files.readString(dir.resolve("curve.json")));
        assertEquals(csv, json);
        assertTrue(csv.size() > 10 && csv.size() <= 60);
        assertTrue(Files.size(dir.resolve("lr-find.png")) > 5000);
    }

    @Test
    void everyBadOptionGivesOneLineNamingItAndNoStackTrace(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("taken.txt"), "keep me");
        String out = dir.resolve("out").toString();
        String[][] cases = {
            {"--start-lr", "0", "--start-lr must be a finite number > 0, got 0.0"},
            {"--start-lr", "1e-50", "--start-lr must be >= "},
            {"--end-lr", "1e300", "--end-lr must be <= "},
            {"--iterations", "3", "--iterations must be >= 10, got 3"},
            {"--batch-size", "0", "--batch-size must be >= 1, got 0"},
            {"--limit", "-5", "--limit must be >= 0, got -5"},
            {"--validation-batches", "-1", "--validation-batches must be >= 0, got -1"},
            {"--momentum", "1.5", "--momentum must be in [0, 1), got 1.5"},
            {"--metrics-port", "70000", "--metrics-port must be in [-1, 65535], got 70000"},
            {"--pushgateway", "nohost:notaport", "--pushgateway must be host:port"},
            {"--pushgateway-delete-after", "-1", "--pushgateway-delete-after must be >= 0, got -1"},
            {"--curve-points", "-3", "--curve-points must be >= 0, got -3"},
            {"--model", "vgg", "--model must be mlp, cnn or resnet, got vgg"},
            {"--optimizer", "lion", "--optimizer must be sgd or adam, got lion"},
            {"--rule", "best", "--rule must be one of"},
            {"--planned-steps", "0", "--planned-steps must be in [1, 2147483647], got 0"},
            {
                "--planned-steps",
                "2147483648",
                "--planned-steps must be in [1, 2147483647], got 2147483648"
            },
            {"--engine", "tensorflow", "--engine must be mxnet or pytorch, got tensorflow"},
            {
                "--mnist-dir",
                dir.resolve("nowhere").toString(),
                "--mnist-dir " + dir.resolve("nowhere")
            },
        };
        for (String[] c : cases) {
            String err = runErr("find", c[0], c[1], "-o", out);
            assertOneLine(err, "lrfinder: " + c[2]);
        }
        assertOneLine(
                runErr(
                        "find",
                        "--pushgateway",
                        "127.0.0.1:9",
                        "--pushgateway-ca",
                        dir.resolve("missing.pem").toString(),
                        "-o",
                        out),
                "lrfinder: --pushgateway-ca: ");
        assertOneLine(
                runErr(
                        "find",
                        "--pushgateway",
                        "127.0.0.1:9",
                        "--pushgateway-user",
                        "bob",
                        "--pushgateway-password-file",
                        dir.resolve("missing").toString(),
                        "-o",
                        out),
                "lrfinder: --pushgateway-password-file: ");
        assertOneLine(
                runErr("find", "--planned-steps", "10", "--planned-batch-size", "0", "-o", out),
                "lrfinder: --planned-batch-size must be in [1, 2147483647], got 0");
        assertOneLine(
                runErr("find", "--planned-steps", "10", "--rule", "valley", "-o", out),
                "lrfinder: --rule and --planned-steps: give one");
        assertOneLine(
                runErr("find", "-o", file.toString()), "lrfinder: -o/--output must be a folder");
        assertOneLine(
                runErr("find", "-o", file.resolve("sub").toString()),
                "lrfinder: -o/--output must be a folder that can be created");
        assertEquals("keep me", Files.readString(file));
    }

    /** The engine this test run uses, as {@code --engine} takes it. */
    static String engine() {
        return ai.djl.engine.Engine.getDefaultEngineName().toLowerCase(java.util.Locale.ROOT);
    }

    /** Runs the CLI in this JVM; returns {exit code, stdout, stderr}. */
    private static String[] runAll(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = LrFinderCli.commandLine().execute(args);
            return new String[] {
                Integer.toString(code),
                out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8)
            };
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** The lrfinder lines of a stderr, without the engines' own log lines. */
    private static String lrfinderLines(String err) {
        StringBuilder sb = new StringBuilder();
        err.lines().filter(l -> l.startsWith("lrfinder")).forEach(l -> sb.append(l).append('\n'));
        return sb.toString();
    }

    @Test
    void aTruncatedIdxFileIsNamedAndSaidTruncated(@TempDir Path dir) throws Exception {
        Path mnist = SyntheticIdx.write(dir.resolve("mnist"), 256);
        Path images = mnist.resolve("train-images-idx3-ubyte");
        byte[] bytes = Files.readAllBytes(images);
        Files.write(images, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        String[] r =
                runAll(
                        "find",
                        "--engine",
                        engine(),
                        "--mnist-dir",
                        mnist.toString(),
                        "--iterations",
                        "10",
                        "--no-progress",
                        "-o",
                        dir.resolve("out").toString());
        assertEquals("1", r[0], r[2]);
        String err = lrfinderLines(r[2]);
        assertOneLine(err, "lrfinder: failed: ");
        assertTrue(err.contains(images.toString()) && err.contains("truncated"), err);
    }

    @Test
    void withAPlanItPrintsThePlannedRateItsBranchAndTheRecommendedRun(@TempDir Path dir)
            throws Exception {
        Path mnist = SyntheticIdx.write(dir.resolve("mnist"), 512);
        String[] r =
                runAll(
                        "find",
                        "--engine",
                        engine(),
                        "--mnist-dir",
                        mnist.toString(),
                        "--iterations",
                        "60",
                        "--batch-size",
                        "32",
                        "--planned-steps",
                        "300",
                        "--no-progress",
                        "-o",
                        dir.resolve("out").toString());
        String out = r[1];
        assertTrue(out.contains("\nPlanned rate: "), out + r[2]);
        assertTrue(
                out.contains("(scaled by the plan: 300 steps at batch 32)")
                        || out.contains("(scaled by the plan from guarded's reading"),
                out);
        String recommended =
                out.lines().filter(l -> l.startsWith("Recommended run: ")).findFirst().orElse("");
        assertTrue(recommended.contains("for 300 steps"), out);
        assertTrue(recommended.contains("Sgd"), out);
    }

    @Test
    void withAPlanAndNoIterationsTheSweepRunsThePlansSteps(@TempDir Path dir) throws Exception {
        Path mnist = SyntheticIdx.write(dir.resolve("mnist"), 512);
        Path out = dir.resolve("out");
        String[] r =
                runAll(
                        "find",
                        "--engine",
                        engine(),
                        "--mnist-dir",
                        mnist.toString(),
                        "--batch-size",
                        "32",
                        "--planned-steps",
                        "150",
                        "--no-progress",
                        "-o",
                        out.toString());
        com.fasterxml.jackson.databind.JsonNode settings =
                new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(Files.readString(out.resolve("curve.json")))
                        .get("settings");
        assertEquals(150, settings.get("iterations").asInt(), r[1] + r[2]);
    }

    @Test
    void aSweepWithoutSuggestionExitsWithItsOwnCodeAndSaysWhy(@TempDir Path dir) throws Exception {
        Path mnist = SyntheticIdx.write(dir.resolve("mnist"), 256);
        String[] r =
                runAll(
                        "find",
                        "--engine",
                        engine(),
                        "--mnist-dir",
                        mnist.toString(),
                        "--iterations",
                        "10",
                        "--start-lr",
                        "1e3",
                        "--end-lr",
                        "1e6",
                        "--batch-size",
                        "64",
                        "--no-progress",
                        "-o",
                        dir.resolve("out").toString());
        assertEquals(Integer.toString(ExitCodes.NO_SUGGESTION), r[0], r[1] + r[2]);
        assertTrue(ExitCodes.NO_SUGGESTION != 2 && ExitCodes.NO_SUGGESTION != 1);
        assertOneLine(lrfinderLines(r[2]), "lrfinder: no learning rate to suggest: ");
        assertTrue(Files.size(dir.resolve("out").resolve("curve.csv")) > 0, "the curve is written");
    }

    @Test
    void theHelpDocumentsTheExitCodes() {
        String[] r = runAll("find", "--help");
        assertEquals("0", r[0]);
        for (String code : new String[] {"0", "1", "2", "3"}) {
            assertTrue(r[1].contains("\n  " + code + "  "), "exit code " + code + ":\n" + r[1]);
        }
    }

    private static void assertOneLine(String err, String start) {
        String[] lines = err.strip().split("\n");
        assertEquals(1, lines.length, "one line expected:\n" + err);
        assertTrue(lines[0].startsWith(start), "expected " + start + "...\ngot " + err);
        assertTrue(!err.contains("\tat ") && !err.contains("Exception"), err);
    }

    private static String runErr(String... args) {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            int code = LrFinderCli.commandLine().execute(args);
            assertTrue(code != 0, "exit code " + code);
            return buf.toString(StandardCharsets.UTF_8);
        } finally {
            System.setErr(old);
        }
    }

    @Test
    void aSecondSweepIsNamedAndTheConfiguredOneIsNot() {
        RangeTest test = RangeTest.of(RangeTestConfig.builder().optNumIterations(50).build());
        for (int i = 0; i < 50; i++) {
            test.record(2.0 - i / 50.0);
        }
        LrFinderResult result = LrFinderResult.of(test, SuggestionRules.defaultRule());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        FindCommand.reportSweptAgain(out, result.sweep(), result);
        assertEquals("", bytes.toString(StandardCharsets.UTF_8), "the configured sweep");
        FindCommand.reportSweptAgain(out, LrSweep.exponential(1e-7, 10, 20), result);
        assertEquals(
                String.format(
                        "%nswept again as long as the plan, exponential sweep 1.0E-7 -> 10.0 in 50"
                                + " iterations: the first sweep could not place the planned rate%n"),
                bytes.toString(StandardCharsets.UTF_8));
    }
}
