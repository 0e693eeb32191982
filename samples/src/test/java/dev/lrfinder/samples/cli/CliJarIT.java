package dev.lrfinder.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lrfinder.core.CurvePoint;
import dev.lrfinder.core.LossCurve;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI as a user runs it: {@code java -jar samples/target/lrfinder.jar}, the jar the build
 * shades, in a process of its own whose stdout and stderr are files (not a terminal). Runs in the
 * samples module's {@code cli-jar} test execution, after {@code package}, which names the jar in
 * the system property {@code lrfinder.cli.jar}.
 */
class CliJarIT {

    private static Path jar;

    /** What a finished {@code lrfinder} process left: its exit code, stdout and stderr. */
    record Run(int code, String out, String err) {
        /** The stderr lines lrfinder wrote, without the engines' own log lines. */
        List<String> lrfinderErr() {
            return err.lines().filter(l -> l.startsWith("lrfinder")).toList();
        }

        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    @BeforeAll
    static void theJar() {
        String path = System.getProperty("lrfinder.cli.jar");
        Assumptions.assumeTrue(
                path != null, "runs in the cli-jar execution, after package built the jar");
        jar = Path.of(path);
        assertTrue(Files.isRegularFile(jar), "no CLI jar at " + jar);
    }

    private static Run lrfinder(Map<String, String> env, List<String> jvm, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.add("-Dai.djl.offline=true");
        cmd.addAll(jvm);
        cmd.add("-jar");
        cmd.add(jar.toString());
        cmd.addAll(Arrays.asList(args));
        Path out = Files.createTempFile("lrfinder-out", ".txt");
        Path err = Files.createTempFile("lrfinder-err", ".txt");
        try {
            ProcessBuilder pb =
                    new ProcessBuilder(cmd)
                            .redirectOutput(out.toFile())
                            .redirectError(err.toFile());
            pb.environment().putAll(env);
            pb.environment().entrySet().removeIf(e -> e.getValue().equals("<unset>"));
            Process p = pb.start();
            assertTrue(p.waitFor(180, TimeUnit.SECONDS), "lrfinder did not end: " + cmd);
            return new Run(
                    p.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static Run lrfinder(String... args) throws IOException, InterruptedException {
        return lrfinder(Map.of(), List.of(), args);
    }

    private static List<String> find(Path dir, String... more) throws IOException {
        Path mnist = SyntheticIdx.write(dir.resolve("mnist"), 512);
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "find",
                                "--engine",
                                FindCommandTest.engine(),
                                "--mnist-dir",
                                mnist.toString(),
                                "--iterations",
                                "20",
                                "--batch-size",
                                "64",
                                "-o",
                                dir.resolve("out").toString()));
        args.addAll(Arrays.asList(more));
        return args;
    }

    @Test
    void whatTheParserRefusesIsOneLineNamingTheOptionAndExitCode2() throws Exception {
        String[][] cases = {
            {"--bogus", "--bogus"},
            {"--iterations ten", "--iterations", "ten"},
            {"--iteration 20", "--iteration", "--iterations"}, // a typo: the option it meant
            {"--start-lr", "--start-lr"}, // no value
        };
        for (String[] c : cases) {
            List<String> args = new ArrayList<>(List.of("find"));
            args.addAll(Arrays.asList(c[0].split(" ")));
            Run r = lrfinder(args.toArray(String[]::new));
            assertEquals(2, r.code(), r.toString());
            assertEquals("", r.out(), r.toString());
            List<String> lines = r.err().strip().lines().toList();
            assertEquals(1, lines.size(), "one line expected: " + r);
            assertTrue(lines.get(0).startsWith("lrfinder: "), r.toString());
            for (int i = 1; i < c.length; i++) {
                assertTrue(lines.get(0).contains(c[i]), c[i] + " not named: " + r);
            }
            assertTrue(lines.get(0).contains("lrfinder find --help"), r.toString());
        }
        Run top = lrfinder("--bogus");
        assertEquals(2, top.code(), top.toString());
        assertEquals(1, top.err().strip().lines().count(), top.toString());
    }

    @Test
    void dashCapitalVPrintsTheVersionOnEveryCommand() throws Exception {
        String expected = "lrfinder " + System.getProperty("lrfinder.version");
        for (String[] args : new String[][] {{"-V"}, {"--version"}, {"find", "-V"}}) {
            Run r = lrfinder(args);
            assertEquals(0, r.code(), r.toString());
            assertEquals(expected, r.out().strip(), Arrays.toString(args) + ": " + r);
        }
    }

    @Test
    void noCommandExitsWith2AndAUsageLine() throws Exception {
        Run r = lrfinder();
        assertEquals(2, r.code(), r.toString());
        assertEquals("", r.out(), r.toString());
        List<String> lines = r.err().strip().lines().toList();
        assertTrue(lines.get(0).startsWith("Usage: lrfinder "), r.toString());
        assertTrue(lines.get(1).startsWith("lrfinder: a command is needed: find"), r.toString());
        assertEquals(2, lines.size(), r.toString());
    }

    private static final Pattern PROGRESS =
            Pattern.compile("lr-find (\\d+)/20: lr (\\S+), loss (\\S+)");

    @Test
    void progressPairsEachLossWithItsOwnRateAndDrawsNoFramesIntoAFile(@TempDir Path dir)
            throws Exception {
        Run r = lrfinder(find(dir, "--start-lr", "1e-4").toArray(String[]::new));
        assertTrue(r.code() == 0 || r.code() == ExitCodes.NO_SUGGESTION, r.toString());
        assertFalse(r.out().contains("\r"), "a \\r frame in a file:\n" + r);
        assertFalse(r.out().contains("NaN"), r.toString());
        LossCurve curve =
                LossCurve.fromCsv(Files.readString(dir.resolve("out").resolve("curve.csv")));
        int lines = 0;
        for (String line : r.out().lines().toList()) {
            Matcher m = PROGRESS.matcher(line);
            if (!m.matches()) {
                continue;
            }
            lines++;
            CurvePoint p = curve.get(Integer.parseInt(m.group(1)) - 1);
            assertEquals(String.format(Locale.ROOT, "%.3g", p.learningRate()), m.group(2), line);
            assertEquals(String.format(Locale.ROOT, "%.4f", p.loss()), m.group(3), line);
        }
        // a line every tenth of the sweep: every second iteration of 20
        assertEquals(Math.min(10, (curve.size() + 1) / 2), lines, r.toString());
    }

    @Test
    void onATerminalTheProgressRedrawsOneLineFromTheFirstPointOn(@TempDir Path dir)
            throws Exception {
        Path script = Path.of("/usr/bin/script");
        Assumptions.assumeTrue(
                Files.isExecutable(script), "util-linux's script gives the CLI a terminal");
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(List.of("-Dai.djl.offline=true", "-jar", jar.toString()));
        cmd.addAll(find(dir, "--start-lr", "1e-4"));
        Path out = dir.resolve("terminal.txt");
        // stdin and stdout on a pseudo-terminal, as when a user types the command
        Process p =
                new ProcessBuilder(
                                script.toString(),
                                "-qec",
                                cmd.stream()
                                        .map(a -> "'" + a + "'")
                                        .reduce((a, b) -> a + " " + b)
                                        .orElseThrow(),
                                "/dev/null")
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                        .redirectOutput(out.toFile())
                        .redirectErrorStream(true)
                        .start();
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "lrfinder did not end");
        String text = Files.readString(out, StandardCharsets.UTF_8);
        LossCurve curve =
                LossCurve.fromCsv(Files.readString(dir.resolve("out").resolve("curve.csv")));
        List<String> frames =
                Arrays.stream(text.split("\r"))
                        .map(String::strip)
                        .filter(f -> f.startsWith("[") && f.contains("lr-find "))
                        .toList();
        assertEquals(curve.size(), frames.size(), text);
        for (int i = 0; i < frames.size(); i++) {
            CurvePoint point = curve.get(i);
            String expected =
                    String.format(
                            Locale.ROOT,
                            "lr-find %d/20: lr %.3g, loss %.4f",
                            i + 1,
                            point.learningRate(),
                            point.loss());
            assertTrue(frames.get(i).endsWith(expected), frames.get(i) + " <> " + expected);
        }
        assertFalse(text.contains("NaN"), text);
    }

    @Test
    void curveJsonHoldsTheSettingsTheSuggestionTheVerdictAndThePoints(@TempDir Path dir)
            throws Exception {
        Run r = lrfinder(find(dir, "--start-lr", "1e-4", "--no-progress").toArray(String[]::new));
        assertEquals(0, r.code(), r.toString());
        Path out = dir.resolve("out");
        String jsonText = Files.readString(out.resolve("curve.json"));
        JsonNode json = new ObjectMapper().readTree(jsonText);
        JsonNode settings = json.get("settings");
        assertEquals(20, settings.get("iterations").asInt());
        assertEquals(64, settings.get("batch_size").asInt());
        assertEquals(1e-4, settings.get("start_lr").asDouble(), 1e-12);
        assertEquals(10, settings.get("end_lr").asDouble(), 1e-12);
        assertEquals("exponential", settings.get("sweep").asText());
        assertEquals("mlp", settings.get("model").asText());
        assertEquals("0.9", settings.get("momentum").asText());
        assertTrue(settings.get("data").asText().contains(dir.resolve("mnist").toString()));
        JsonNode suggestion = json.get("suggestion");
        Matcher printed =
                Pattern.compile("Suggested learning rate: (\\S+) \\((\\w+)\\)").matcher(r.out());
        assertTrue(printed.find(), r.toString());
        assertEquals(
                printed.group(1),
                String.format("%.4g", suggestion.get("learning_rate").asDouble()));
        assertEquals(printed.group(2), suggestion.get("rule").asText());
        assertEquals(printed.group(2), json.get("rule").asText());
        assertEquals(
                r.out().contains("Verdict: confident"),
                json.get("verdict").get("confident").asBoolean());
        assertEquals(7, json.get("suggestions").size(), jsonText);
        // the points: the same curve as the CSV, and a missing number written alike in both
        String csv = Files.readString(out.resolve("curve.csv"));
        assertEquals(LossCurve.fromCsv(csv), LossCurve.fromJson(jsonText));
        assertFalse(csv.contains("NaN"), csv);
        assertTrue(json.get("points").get(0).get("validation_loss").isNull(), jsonText);
    }

    @Test
    void aTestThatDivergesAtOnceSaysWhyOnceAndWritesNoSuggestion(@TempDir Path dir)
            throws Exception {
        Run r =
                lrfinder(
                        find(dir, "--start-lr", "1e3", "--end-lr", "1e6", "--no-progress")
                                .toArray(String[]::new));
        assertEquals(ExitCodes.NO_SUGGESTION, r.code(), r.toString());
        JsonNode json =
                new ObjectMapper()
                        .readTree(Files.readString(dir.resolve("out").resolve("curve.json")));
        String reason = json.get("stop_reason").asText();
        assertTrue(reason.startsWith("diverged"), reason);
        String all = r.out() + r.err();
        assertEquals(1, all.split(Pattern.quote(reason), -1).length - 1, "reason repeated: " + r);
        for (String detail : json.get("verdict").findValuesAsText("detail")) {
            assertEquals(1, all.split(Pattern.quote(detail), -1).length - 1, detail + ": " + r);
        }
        assertEquals(List.of(), r.lrfinderErr().stream().skip(1).toList(), r.toString());
        assertTrue(
                r.lrfinderErr().get(0).startsWith("lrfinder: no learning rate to suggest: "),
                r.toString());
        assertTrue(json.get("suggestion").isNull());
        assertFalse(json.get("verdict").get("confident").asBoolean());
    }

    @Test
    void theCliAndTheFetchScriptFindMnistByOneRuleThatReadsHome(@TempDir Path dir)
            throws Exception {
        Path home = dir.resolve("home");
        Path mnist = home.resolve(".lrfinder").resolve("mnist");
        SyntheticIdx.write(mnist, 256);
        Map<String, String> env = Map.of("HOME", home.toString(), "LRFINDER_MNIST_DIR", "<unset>");
        // Java's user.home elsewhere, as in a container whose HOME is not the user's home
        List<String> jvm = List.of("-Duser.home=" + dir.resolve("elsewhere"));
        Run r =
                lrfinder(
                        env,
                        jvm,
                        "find",
                        "--engine",
                        FindCommandTest.engine(),
                        "--iterations",
                        "10",
                        "--batch-size",
                        "64",
                        "--no-progress",
                        "-o",
                        dir.resolve("out").toString());
        assertTrue(r.code() == 0 || r.code() == ExitCodes.NO_SUGGESTION, r.toString());
        assertTrue(r.out().startsWith("LR range test on MNIST IDX files in " + mnist), r.out());

        ProcessBuilder script =
                new ProcessBuilder("bash", Path.of("..", "scripts", "fetch-mnist.sh").toString())
                        .redirectErrorStream(true);
        script.environment().put("HOME", home.toString());
        script.environment().remove("LRFINDER_MNIST_DIR");
        Process p = script.start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), said);
        assertEquals("MNIST already in " + mnist, said.strip());
    }

    @Test
    void withoutMnistTheErrorNamesTheFolderItLookedInAndTheRule(@TempDir Path dir)
            throws Exception {
        Path home = dir.resolve("home");
        Files.createDirectories(home);
        Run r =
                lrfinder(
                        Map.of("HOME", home.toString(), "LRFINDER_MNIST_DIR", "<unset>"),
                        List.of("-Duser.home=" + dir.resolve("elsewhere")),
                        "find",
                        "--engine",
                        FindCommandTest.engine(),
                        "--iterations",
                        "10",
                        "--no-progress",
                        "-o",
                        dir.resolve("out").toString());
        assertEquals(ExitCodes.FAILURE, r.code(), r.toString());
        assertEquals(1, r.lrfinderErr().size(), r.toString());
        String line = r.lrfinderErr().get(0);
        assertTrue(line.contains(home.resolve(".lrfinder").resolve("mnist").toString()), line);
        assertTrue(line.contains("$HOME/.lrfinder/mnist") && line.contains("fetch-mnist.sh"), line);
    }

    @Test
    void theCliJarIsAFileOfItsOwnAndTheModuleArtifactStaysThin() throws Exception {
        // what `mvn install` copies into the local repository: the module's own jar
        Path artifact = Path.of(System.getProperty("lrfinder.module.jar"));
        assertFalse(artifact.equals(jar), "the CLI jar is the module's artifact");
        assertTrue(Files.size(artifact) < 5_000_000, artifact + ": " + Files.size(artifact));
        try (JarFile thin = new JarFile(artifact.toFile())) {
            assertTrue(thin.getEntry("ai/djl/Model.class") == null, "DJL in " + artifact);
        }
        try (JarFile cli = new JarFile(jar.toFile())) {
            assertEquals(
                    "dev.lrfinder.samples.LrFinderCli",
                    cli.getManifest().getMainAttributes().getValue("Main-Class"));
            assertTrue(cli.getEntry("ai/djl/Model.class") != null);
        }
        // no shaded jar kept as "original": the shade's input is always the thin jar
        assertFalse(Files.exists(jar.resolveSibling("original-" + jar.getFileName())));
    }

    /** The fenced blocks of a Markdown file that name no language: the outputs README quotes. */
    private static List<String> outputBlocks(Path markdown) throws IOException {
        List<String> blocks = new ArrayList<>();
        StringBuilder block = null;
        boolean inCode = false;
        for (String line : Files.readAllLines(markdown, StandardCharsets.UTF_8)) {
            if (line.startsWith("```")) {
                if (inCode && block != null) {
                    blocks.add(block.toString());
                }
                block = !inCode && line.equals("```") ? new StringBuilder() : null;
                inCode = !inCode;
            } else if (block != null) {
                block.append(line).append('\n');
            }
        }
        return blocks;
    }

    @Test
    @org.junit.jupiter.api.Tag("mnist")
    void theReadmesOutputsAreWhatItsCommandsPrintOnRealMnist(@TempDir Path dir) throws Exception {
        List<String> blocks = outputBlocks(Path.of("..", "README.md"));
        assertEquals(2, blocks.size(), "README quotes two outputs: " + blocks);
        // README's two runs, as written there, each writing to a folder of its own
        Run plain = lrfinder("find", "-o", dir.resolve("plain").toString());
        Run planned =
                lrfinder("find", "--planned-steps", "938", "-o", dir.resolve("planned").toString());
        assertEquals(0, plain.code(), plain.toString());
        assertEquals(0, planned.code(), planned.toString());
        assertQuoted(blocks.get(0), plain);
        assertQuoted(blocks.get(1), planned);
    }

    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?");

    /**
     * Asserts that a run printed a quoted block as consecutive lines: the words exactly, each
     * number to 0.1 % (between two runs of one seed the engine's threads may sum in another order,
     * which moves the fourth digit of a reading or of the loss where it diverges).
     */
    private static void assertQuoted(String block, Run run) {
        List<String> want = block.lines().toList();
        List<String> got = run.out().lines().toList();
        for (int start = 0; start + want.size() <= got.size(); start++) {
            boolean all = true;
            for (int k = 0; k < want.size() && all; k++) {
                all = sameLine(want.get(k), got.get(start + k));
            }
            if (all) {
                return;
            }
        }
        throw new AssertionError("README quotes\n" + block + "not printed by\n" + run);
    }

    private static boolean sameLine(String want, String got) {
        if (!NUMBER.matcher(want).replaceAll("#").equals(NUMBER.matcher(got).replaceAll("#"))) {
            return false;
        }
        Matcher a = NUMBER.matcher(want);
        Matcher b = NUMBER.matcher(got);
        while (a.find() && b.find()) {
            double x = Double.parseDouble(a.group());
            double y = Double.parseDouble(b.group());
            if (Math.abs(x - y) > 1e-3 * Math.max(Math.abs(x), Math.abs(y))) {
                return false;
            }
        }
        return true;
    }
}
