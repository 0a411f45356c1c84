"""A two-layer MLP classifying MNIST digits: the first network of most Keras tutorials, unchanged but for
``import pytensor as tf`` / ``from pytensor import keras`` in place of TensorFlow's imports.

It loads MNIST with keras.datasets.mnist.load_data(); on a machine with neither a cached nor a
downloadable copy it says so and trains on the small real MNIST sample kept in examples/data/.

Run: python3 examples/mnist_mlp.py [--epochs 5]
"""
import argparse
import os

import numpy as np

import pytensor as tf  # noqa: F401 - how TensorFlow programs spell the import
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
    parser.add_argument("--epochs", type=int, default=5)
    args = parser.parse_args()

    (train_images, train_labels), (test_images, test_labels) = load_mnist()
    print(train_images.shape, len(train_labels), test_images.shape, len(test_labels))

    # The network architecture: two Dense layers, the last a 10-way softmax.
    model = keras.Sequential([
        layers.Dense(512, activation="relu"),
        layers.Dense(10, activation="softmax")
    ])

    # The compilation step.
    model.compile(optimizer="rmsprop",
                  loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])

    # Preparing the image data: flatten to 784 values in [0, 1].
    train_images = train_images.reshape((len(train_images), 28 * 28))
    train_images = train_images.astype("float32") / 255
    test_images = test_images.reshape((len(test_images), 28 * 28))
    test_images = test_images.astype("float32") / 255

    # Train the model.
    model.fit(train_images, train_labels, epochs=args.epochs, batch_size=128)

    # Using the model to make predictions.
    test_digits = test_images[0:10]
    predictions = model.predict(test_digits)
    print("predictions[0]:", predictions[0])
    print("predicted:", predictions[0].argmax(), "probability:", predictions[0][predictions[0].argmax()],
          "label:", test_labels[0])

    # Evaluating the model on new data.
    test_loss, test_acc = model.evaluate(test_images, test_labels)
    print(f"test_acc: {test_acc}")


if __name__ == "__main__":
    main()
