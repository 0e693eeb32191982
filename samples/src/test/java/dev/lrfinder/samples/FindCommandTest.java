package dev.lrfinder.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lrfinder.core.LossCurve;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    @Test
    void findPrintsEveryRuleMarksTheDefaultAndWritesTheFiles(@TempDir Path dir) throws Exception {
        String out =
                run("find", "--limit", "4000", "--iterations", "60", "--no-progress", "-o",
                        dir.toString());
        assertTrue(out.startsWith("0\n"), out);
        for (String rule : new String[] {"steepest", "valley", "minimum", "slide", "consensus", "onset", "guarded"}) {
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
    void badInputIsReportedWithTheParameter(@TempDir Path dir) {
        String out = runErr("find", "--start-lr", "0", "-o", dir.toString());
        assertEquals("lrfinder: startLr must be a finite number > 0, got 0.0", out.trim());
        String model = runErr("find", "--model", "vgg", "-o", dir.toString());
        assertTrue(model.contains("model must be mlp, cnn or resnet, got vgg"), model);
    }

    private static String runErr(String... args) {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            int code = LrFinderCli.commandLine().execute(args);
            assertTrue(code != 0);
            return buf.toString(StandardCharsets.UTF_8);
        } finally {
            System.setErr(old);
        }
    }
}
