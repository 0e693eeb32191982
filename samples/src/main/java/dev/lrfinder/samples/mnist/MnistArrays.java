package dev.lrfinder.samples.mnist;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.ArrayDataset;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import java.util.function.IntPredicate;

/**
 * One MNIST split held as plain arrays, so that the scenario benchmark can cut subsets from it
 * (some digits only, the first n images) or shuffle its labels before building a dataset.
 */
public final class MnistArrays {

    private static final int PIXELS = 28 * 28;

    private final float[] images;
    private final int[] labels;

    private MnistArrays(float[] images, int[] labels) {
        this.images = images;
        this.labels = labels;
    }

    /**
     * Reads a split from the IDX files.
     *
     * @param dir the folder with the IDX files
     * @param train true for the training split
     * @return the split
     * @throws IOException if the files cannot be read
     */
    public static MnistArrays read(Path dir, boolean train) throws IOException {
        String prefix = train ? "train" : "t10k";
        byte[] img = MnistIdx.read(dir, prefix + "-images-idx3-ubyte", 2051);
        byte[] lab = MnistIdx.read(dir, prefix + "-labels-idx1-ubyte", 2049);
        float[] x = new float[img.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = (img[i] & 0xFF) / 255f;
        }
        int[] y = new int[lab.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = lab[i] & 0xFF;
        }
        return new MnistArrays(x, y);
    }

    /**
     * Keeps the images whose label passes a test, at most {@code limit} of them.
     *
     * @param keep the label test
     * @param limit the most images to keep (0 for all)
     * @return the subset
     */
    public MnistArrays subset(IntPredicate keep, int limit) {
        int max = limit > 0 ? limit : labels.length;
        int n = 0;
        for (int i = 0; i < labels.length && n < max; i++) {
            if (keep.test(labels[i])) {
                n++;
            }
        }
        float[] x = new float[n * PIXELS];
        int[] y = new int[n];
        int k = 0;
        for (int i = 0; i < labels.length && k < n; i++) {
            if (keep.test(labels[i])) {
                System.arraycopy(images, i * PIXELS, x, k * PIXELS, PIXELS);
                y[k++] = labels[i];
            }
        }
        return new MnistArrays(x, y);
    }

    /**
     * Returns the same images with their labels permuted at random: nothing left to learn.
     *
     * @param seed the permutation's seed
     * @return the relabelled split
     */
    public MnistArrays shuffledLabels(long seed) {
        int[] y = labels.clone();
        Random r = new Random(seed);
        for (int i = y.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = y[i];
            y[i] = y[j];
            y[j] = t;
        }
        return new MnistArrays(images, y);
    }

    /**
     * Returns the number of images.
     *
     * @return the size
     */
    int size() {
        return labels.length;
    }

    /**
     * Builds a dataset of these images.
     *
     * @param manager owns the arrays
     * @param batchSize the batch size
     * @param shuffle whether to sample in random order
     * @return the dataset
     */
    public ArrayDataset dataset(NDManager manager, int batchSize, boolean shuffle) {
        int n = labels.length;
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            y[i] = labels[i];
        }
        return new ArrayDataset.Builder()
                .setData(manager.create(images, new Shape(n, 1, 28, 28)))
                .optLabels(manager.create(y, new Shape(n)))
                .setSampling(batchSize, shuffle)
                .build();
    }
}
