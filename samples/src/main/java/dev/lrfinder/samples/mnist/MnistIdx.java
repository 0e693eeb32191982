package dev.lrfinder.samples.mnist;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.ArrayDataset;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads MNIST from its IDX files (as LeCun publishes them, plain or gzipped) into an {@link
 * ArrayDataset}: images as float32 in [0, 1] of shape (1, 28, 28), labels as float32 class ids.
 */
public final class MnistIdx {

    /** The four files, without the optional {@code .gz}. */
    public static final String[] FILES = {
        "train-images-idx3-ubyte", "train-labels-idx1-ubyte",
        "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"
    };

    private MnistIdx() {}

    /**
     * Tells whether a folder holds all four MNIST files.
     *
     * @param dir the folder
     * @return true if every file is there, plain or gzipped
     */
    public static boolean present(Path dir) {
        for (String f : FILES) {
            if (find(dir, f) == null) {
                return false;
            }
        }
        return true;
    }

    /**
     * Loads the training or test split.
     *
     * @param manager the manager that owns the arrays
     * @param dir the folder with the IDX files
     * @param train true for the 60,000 training images, false for the 10,000 test images
     * @param limit keep only the first {@code limit} images (0 for all)
     * @param batchSize the batch size
     * @param shuffle whether to sample in random order
     * @return the dataset
     * @throws IOException if a file is missing or malformed
     */
    public static ArrayDataset load(
            NDManager manager, Path dir, boolean train, int limit, int batchSize, boolean shuffle)
            throws IOException {
        String prefix = train ? "train" : "t10k";
        byte[] images = read(dir, prefix + "-images-idx3-ubyte", 2051);
        byte[] labels = read(dir, prefix + "-labels-idx1-ubyte", 2049);
        int n = labels.length;
        if (images.length != n * 28 * 28) {
            throw new IOException(
                    "MNIST "
                            + prefix
                            + ": "
                            + n
                            + " labels but "
                            + images.length
                            + " image bytes in "
                            + dir);
        }
        if (limit > 0) {
            n = Math.min(n, limit);
        }
        float[] x = new float[n * 28 * 28];
        for (int i = 0; i < x.length; i++) {
            x[i] = (images[i] & 0xFF) / 255f;
        }
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            y[i] = labels[i] & 0xFF;
        }
        NDArray data = manager.create(x, new Shape(n, 1, 28, 28));
        NDArray label = manager.create(y, new Shape(n));
        return new ArrayDataset.Builder()
                .setData(data)
                .optLabels(label)
                .setSampling(batchSize, shuffle)
                .build();
    }

    static byte[] read(Path dir, String name, int magic) throws IOException {
        Path file = find(dir, name);
        if (file == null) {
            throw new IOException("MNIST file " + name + " not found in " + dir);
        }
        try (InputStream raw = Files.newInputStream(file);
                DataInputStream in =
                        new DataInputStream(
                                file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw)) {
            int m = in.readInt();
            if (m != magic) {
                throw new IOException(file + ": IDX magic " + m + ", expected " + magic);
            }
            int count = in.readInt();
            int size = count;
            if (magic == 2051) {
                int rows = in.readInt();
                int cols = in.readInt();
                size = count * rows * cols;
            }
            byte[] out = new byte[size];
            in.readFully(out);
            return out;
        } catch (EOFException e) {
            throw new IOException(
                    "MNIST file "
                            + file
                            + " is truncated: it ends before the "
                            + (magic == 2051 ? "images" : "labels")
                            + " its header announces; fetch it again (scripts/fetch-mnist.sh)",
                    e);
        }
    }

    private static Path find(Path dir, String name) {
        for (String candidate : new String[] {name, name + ".gz"}) {
            Path p = dir.resolve(candidate);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }
}
