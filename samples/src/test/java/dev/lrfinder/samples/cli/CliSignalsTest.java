package dev.lrfinder.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.lrfinder.core.LossCurve;
import dev.lrfinder.samples.LrFinderCli;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI in a process of its own, stopped by SIGTERM (what Ctrl-C and {@code kill} send) at the
 * moments issue 17 found unsafe: right after the verdict (outputs being written) and during the
 * Pushgateway linger.
 */
class CliSignalsTest {

    /** A started {@code lrfinder} process and its output lines, read as they come. */
    private static final class Cli implements AutoCloseable {
        final Process process;
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final List<String> seen = new CopyOnWriteArrayList<>();

        Cli(String... args) throws IOException {
            List<String> cmd = new ArrayList<>();
            cmd.add(ProcessHandle.current().info().command().orElse("java"));
            cmd.add("-Dai.djl.offline=true");
            cmd.add("-cp");
            cmd.add(
                    System.getProperty(
                            "surefire.test.class.path", System.getProperty("java.class.path")));
            cmd.add(LrFinderCli.class.getName());
            cmd.addAll(Arrays.asList(args));
            process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            Thread reader =
                    new Thread(
                            () -> {
                                try (BufferedReader r =
                                        new BufferedReader(
                                                new InputStreamReader(
                                                        process.getInputStream(),
                                                        StandardCharsets.UTF_8))) {
                                    for (String l; (l = r.readLine()) != null; ) {
                                        seen.add(l);
                                        lines.add(l);
                                    }
                                } catch (IOException e) {
                                    // the process is gone
                                }
                            });
            reader.setDaemon(true);
            reader.start();
        }

        /** Waits for a line that contains {@code text}; false after the timeout. */
        boolean await(String text, long seconds) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            for (long left; (left = end - System.nanoTime()) > 0; ) {
                String l = lines.poll(left, TimeUnit.NANOSECONDS);
                if (l != null && l.contains(text)) {
                    return true;
                }
            }
            return false;
        }

        /** Sends SIGTERM and waits for the process to end. */
        void terminate() throws InterruptedException {
            process.destroy();
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the CLI did not stop:\n" + seen);
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    private static String[] findArgs(Path dir, String... more) throws IOException {
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
                                "--start-lr",
                                "1e-4",
                                "--no-progress",
                                "-o",
                                dir.resolve("out").toString()));
        args.addAll(Arrays.asList(more));
        return args.toArray(String[]::new);
    }

    /** Tells whether an output file is whole: a PNG that ends, a curve that parses. */
    private static boolean whole(Path f) {
        try {
            byte[] bytes = Files.readAllBytes(f);
            String text = new String(bytes, StandardCharsets.UTF_8);
            switch (f.getFileName().toString()) {
                case "lr-find.png" -> {
                    return bytes.length > 5000
                            && "IEND"
                                    .equals(
                                            new String(
                                                    bytes,
                                                    bytes.length - 8,
                                                    4,
                                                    StandardCharsets.ISO_8859_1));
                }
                case "curve.csv" -> LossCurve.fromCsv(text);
                case "curve.json" -> LossCurve.fromJson(text);
                default -> {
                    return true; // a temporary file, under a name of its own
                }
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * A Ctrl-C at any moment must leave no output cut short under its final name: watched from the
     * verdict line (after which the outputs are written) until the CLI exits, no file under a final
     * name is ever incomplete, and no temporary file is left.
     */
    @Test
    void noOutputIsEverVisibleIncompleteUnderItsFinalName(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        List<String> incomplete = new ArrayList<>();
        try (Cli cli = new Cli(findArgs(dir))) {
            assertTrue(cli.await("Verdict:", 120), "no verdict:\n" + cli.seen);
            while (cli.process.isAlive()) {
                for (String name : new String[] {"curve.csv", "curve.json", "lr-find.png"}) {
                    Path f = out.resolve(name);
                    if (Files.exists(f) && !whole(f) && !incomplete.contains(name)) {
                        incomplete.add(name);
                    }
                }
                Thread.sleep(2);
            }
            int code = cli.process.waitFor();
            assertTrue(code == 0 || code == ExitCodes.NO_SUGGESTION, code + "\n" + cli.seen);
        }
        assertEquals(List.of(), incomplete, "seen incomplete under its final name");
        try (Stream<Path> files = Files.list(out)) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(List.of("curve.csv", "curve.json", "lr-find.png"), names);
        }
        // the outputs get the permissions of any new file, not a temporary file's owner-only ones
        Path reference = Files.writeString(dir.resolve("reference.txt"), "x");
        assertEquals(
                Files.getPosixFilePermissions(reference),
                Files.getPosixFilePermissions(out.resolve("lr-find.png")));
    }

    @Test
    void sigtermDuringThePushgatewayLingerDeletesTheGroupAndTheOutputSaysItWaits(@TempDir Path dir)
            throws Exception {
        List<String> requests = new CopyOnWriteArrayList<>();
        HttpServer pushgateway =
                HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 10);
        pushgateway.createContext(
                "/",
                exchange -> {
                    exchange.getRequestBody().readAllBytes();
                    requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
                    exchange.sendResponseHeaders(200, -1);
                    exchange.close();
                });
        pushgateway.start();
        try (Cli cli =
                new Cli(
                        findArgs(
                                dir,
                                "--pushgateway",
                                "127.0.0.1:" + pushgateway.getAddress().getPort(),
                                "--pushgateway-delete-after",
                                "120",
                                "--run-id",
                                "sig-1"))) {
            assertTrue(cli.await("pushed metrics", 120), "no push:\n" + cli.seen);
            boolean saysWaiting = cli.await("waiting", 5);
            cli.terminate();
            assertTrue(
                    requests.stream().anyMatch(r -> r.startsWith("DELETE ") && r.contains("sig-1")),
                    "the group was left on the Pushgateway: " + requests + "\n" + cli.seen);
            assertTrue(saysWaiting, "the output does not say it waits:\n" + cli.seen);
        } finally {
            pushgateway.stop(0);
        }
    }
}
