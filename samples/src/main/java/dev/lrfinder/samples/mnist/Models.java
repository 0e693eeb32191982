package dev.lrfinder.samples.mnist;

import ai.djl.basicmodelzoo.cv.classification.ResNetV1;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import java.util.Locale;

/** The models the samples train on MNIST. */
public enum Models {
    /** A multilayer perceptron 784-256-128-10 with ReLU. */
    MLP,
    /** A small CNN: two 5x5 convolutions (20 and 50 channels) with max pooling, then 500-10. */
    CNN,
    /** DJL's ResNetV1 from the model zoo, 20 layers, for 1x28x28 images. */
    RESNET;

    /** The shape of one MNIST input image. */
    public static final Shape INPUT = new Shape(1, 1, 28, 28);

    /**
     * Parses a model name.
     *
     * @param name mlp, cnn or resnet
     * @return the model
     * @throws IllegalArgumentException for another name
     */
    public static Models of(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("model must be mlp, cnn or resnet, got " + name, e);
        }
    }

    /**
     * Builds a fresh block of this model.
     *
     * @return the block
     */
    public Block block() {
        switch (this) {
            case MLP:
                return new SequentialBlock()
                        .add(Blocks.batchFlattenBlock(784))
                        .add(Linear.builder().setUnits(256).build())
                        .add(Activation::relu)
                        .add(Linear.builder().setUnits(128).build())
                        .add(Activation::relu)
                        .add(Linear.builder().setUnits(10).build());
            case CNN:
                return new SequentialBlock()
                        .add(images())
                        .add(
                                Conv2d.builder()
                                        .setKernelShape(new Shape(5, 5))
                                        .setFilters(20)
                                        .build())
                        .add(Activation::relu)
                        .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                        .add(
                                Conv2d.builder()
                                        .setKernelShape(new Shape(5, 5))
                                        .setFilters(50)
                                        .build())
                        .add(Activation::relu)
                        .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                        .add(Blocks.batchFlattenBlock())
                        .add(Linear.builder().setUnits(500).build())
                        .add(Activation::relu)
                        .add(Linear.builder().setUnits(10).build());
            case RESNET:
            default:
                return new SequentialBlock()
                        .add(images())
                        .add(
                                ResNetV1.builder()
                                        .setImageShape(new Shape(1, 28, 28))
                                        .setNumLayers(20)
                                        .setOutSize(10)
                                        .build());
        }
    }

    /** Reshapes any MNIST batch (N x 784, N x 28 x 28, N x 1 x 28 x 28) to N x 1 x 28 x 28. */
    private static Block images() {
        return new LambdaBlock(
                list -> new NDList(list.singletonOrThrow().reshape(-1, 1, 28, 28)), "images");
    }
}
