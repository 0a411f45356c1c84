"""A small convolutional network on MNIST (Conv2D / MaxPooling2D), written as TensorFlow / Keras code.

Two 3x3 convolutions with 2x2 max pooling, then a softmax classifier; about 99 % test accuracy
after 2 epochs. Loads MNIST with keras.datasets.mnist.load_data(); on a machine with neither a
cached nor a downloadable copy it says so and trains on the small real MNIST sample kept in
examples/data/.

Run: python3 examples/mnist_cnn.py [--epochs 2]
"""
import argparse
import os

import numpy as np

import pytensor as tf
from pytensor import keras
from pytensor.keras import layers
from pytensor.keras.datasets import DatasetUnavailableError, mnist

SAMPLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "mnist_sample.npz")


def load_mnist():
    try:
        return mnist.load_data()
    except DatasetUnavailableError as error:
        print(f"MNIST is neither cached nor downloadable ({error}); using the real sample in {SAMPLE}.")
        with np.load(SAMPLE) as f:
            return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=2)
    args = parser.parse_args()

    (train_images, train_labels), (test_images, test_labels) = load_mnist()
    # Conv2D wants (samples, height, width, channels): add the single grey channel.
    train_images = train_images.reshape((-1, 28, 28, 1)).astype("float32") / 255
    test_images = test_images.reshape((-1, 28, 28, 1)).astype("float32") / 255

    model = keras.Sequential([
        layers.Conv2D(32, (3, 3), activation="relu", input_shape=(28, 28, 1)),
        layers.MaxPooling2D((2, 2)),
        layers.Conv2D(64, (3, 3), activation="relu"),
        layers.MaxPooling2D((2, 2)),
        layers.Flatten(),
        layers.Dense(10, activation="softmax"),
    ])
    model.summary()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(train_images, train_labels, epochs=args.epochs, batch_size=128)
    test_loss, test_acc = model.evaluate(test_images, test_labels)
    print(f"test_acc: {test_acc:.4f}")
    print("first test digit predicted as", int(tf.argmax(model.predict(test_images[:1]), axis=1).numpy()[0]),
          "label", int(test_labels[0]))


if __name__ == "__main__":
    main()
