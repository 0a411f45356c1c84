"""``keras.utils.text_dataset_from_directory``."""
import numpy as np

from .dataset_utils import directory_datasets

__all__ = ["text_dataset_from_directory"]


def text_dataset_from_directory(directory, labels="inferred", label_mode="int", class_names=None, batch_size=32,
                                max_length=None, shuffle=True, seed=None, validation_split=None, subset=None,
                                follow_links=False, verbose=True):
    """A ``tf.data.Dataset`` of the ``.txt`` files under ``directory`` as byte strings, labelled by subfolder
    (``main/pos/*.txt``, ``main/neg/*.txt`` give labels 1 and 0: classes sort by name).

    The file order, the seeded shuffle of the file list and the validation split equal Keras's for the same
    ``seed`` (``dataset.file_paths``); the per-epoch shuffle of elements uses pytensor's own generator.

    Example:
        >>> train = keras.utils.text_dataset_from_directory("aclImdb/train", batch_size=32,
        ...                                                  validation_split=0.2, subset="training", seed=1337)

    Args:
        directory, labels, label_mode, class_names, batch_size, shuffle, seed, validation_split, subset,
            follow_links, verbose: as for ``image_dataset_from_directory``.
        max_length: keep at most this many bytes of each text.
    """
    if max_length is not None and int(max_length) < 0:
        raise ValueError(f"text_dataset_from_directory: `max_length` must be None or >= 0; received {max_length}.")

    def load(path):
        with open(path, "rb") as file:
            text = file.read()
        return np.asarray(text if max_length is None else text[:int(max_length)], dtype=object)

    return directory_datasets(directory, labels, label_mode, class_names, batch_size, shuffle, seed,
                              validation_split, subset, follow_links, verbose, (".txt",), load,
                              "text_dataset_from_directory")
