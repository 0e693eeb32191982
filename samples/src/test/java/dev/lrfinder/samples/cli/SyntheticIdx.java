package dev.lrfinder.samples.cli;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Small MNIST-shaped IDX files of random images, for CLI tests that need no real MNIST. */
final class SyntheticIdx {

    private SyntheticIdx() {}

    /** Writes the four IDX files, {@code n} images in each split, into {@code dir}. */
    static Path write(Path dir, int n) throws IOException {
        Files.createDirectories(dir);
        Random r = new Random(7);
        for (String split : new String[] {"train", "t10k"}) {
            byte[] labels = new byte[n];
            byte[] pixels = new byte[n * 28 * 28];
            for (int i = 0; i < n; i++) {
                labels[i] = (byte) (i % 10);
                for (int j = 0; j < 28 * 28; j++) {
                    // a class-dependent stripe and noise, so that the loss can fall
                    int signal = (j / 28) % 10 == i % 10 ? 200 : 0;
                    pixels[i * 28 * 28 + j] = (byte) Math.min(255, signal + r.nextInt(56));
                }
            }
            try (OutputStream f = Files.newOutputStream(dir.resolve(split + "-images-idx3-ubyte"));
                    DataOutputStream out = new DataOutputStream(f)) {
                out.writeInt(2051);
                out.writeInt(n);
                out.writeInt(28);
                out.writeInt(28);
                out.write(pixels);
            }
            try (OutputStream f = Files.newOutputStream(dir.resolve(split + "-labels-idx1-ubyte"));
                    DataOutputStream out = new DataOutputStream(f)) {
                out.writeInt(2049);
                out.writeInt(n);
                out.write(labels);
            }
        }
        return dir;
    }
}
