package dev.lrfinder.samples.cli;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes the CLI's output files so that none is ever seen incomplete under its name: each is
 * written to a temporary file beside it, then moved into place in one atomic rename. A Ctrl-C or
 * {@code kill} at any moment leaves either the whole new file or none (or the previous one); the
 * temporary file of a write under way is deleted on the way out (a shutdown hook).
 */
public final class OutputFiles {

    /** The temporary files being written now, deleted if the JVM stops meanwhile. */
    private static final Set<Path> PENDING = ConcurrentHashMap.newKeySet();

    static {
        Thread cleanup =
                new Thread(
                        () -> {
                            for (Path tmp : PENDING) {
                                try {
                                    Files.deleteIfExists(tmp);
                                } catch (IOException e) {
                                    // the JVM is stopping: nothing more to do
                                }
                            }
                        },
                        "lrfinder-output-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
    }

    /** Writes a file at a path it is given. */
    interface Writer {
        /**
         * Writes the whole content.
         *
         * @param file where to write it
         * @throws IOException if writing fails
         */
        void writeTo(Path file) throws IOException;
    }

    private OutputFiles() {}

    /**
     * Writes {@code target} through a temporary file in its folder, then renames it into place.
     *
     * @param target the file to create or replace
     * @param writer what writes the content
     * @throws IOException if writing or the rename fails (the target is then as it was)
     */
    static void replace(Path target, Writer writer) throws IOException {
        Path folder = target.toAbsolutePath().getParent();
        // named, not created: the writer creates it with the permissions any new file gets
        // (Files.createTempFile would make it readable by its owner only)
        Path tmp = folder.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        PENDING.add(tmp);
        try {
            writer.writeTo(tmp);
            try {
                Files.move(
                        tmp,
                        target,
                        StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
            PENDING.remove(tmp);
        }
    }
}
