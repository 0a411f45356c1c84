"""``keras.utils.split_dataset`` and the directory indexing that ``image_dataset_from_directory`` and
``text_dataset_from_directory`` share: Keras's file order, label inference, seeded shuffle and validation split
(numpy's ``RandomState(seed)``, so the files and the split equal Keras's for the same seed)."""
import os
import random

import numpy as np

import pytensor as pt

__all__ = ["split_dataset"]


def split_dataset(dataset, left_size=None, right_size=None, shuffle=False, seed=None):
    """Splits a dataset of samples into a left and a right ``tf.data.Dataset``.

    Example:
        >>> left, right = keras.utils.split_dataset(np.arange(10), left_size=0.8)
        >>> len(left), len(right)
        (8, 2)

    Args:
        dataset: a ``tf.data.Dataset`` (batched datasets are split by sample and rebatched), a numpy array, or
            a list / tuple of arrays with one entry per sample.
        left_size, right_size: a fraction in (0, 1) or a sample count; one may be None (the rest).
        shuffle: shuffle the samples first (Python's ``random`` seeded with ``seed``, as Keras).
        seed: the shuffle's seed.

    Returns:
        ``(left_dataset, right_dataset)``.
    """
    if left_size is None and right_size is None:
        raise ValueError("split_dataset: at least one of `left_size` or `right_size` must be specified. Received: "
                         "left_size=None and right_size=None")
    samples, structure = _samples(dataset)
    if shuffle:
        random.seed(random.randint(0, int(1e6)) if seed is None else seed)
        random.shuffle(samples)
    left_size, right_size = _split_sizes(left_size, right_size, len(samples))
    splits = []
    for part in (samples[:left_size], samples[-right_size:]):
        columns = [np.stack([sample[i] for sample in part]) for i in range(len(part[0]))]
        split = pt.data.Dataset.from_tensor_slices(pt.nest.pack_sequence_as(structure, columns))
        batch_size = getattr(dataset, "_batch_size", None)
        splits.append(split.batch(batch_size) if batch_size else split)
    return tuple(splits)


def _samples(dataset):
    """The samples of ``dataset`` as a list of flat lists of numpy leaves, and the structure of a sample."""
    if hasattr(dataset, "element_spec"):
        source = dataset.unbatch() if hasattr(dataset, "_batch_size") else dataset
        elements = list(source.as_numpy_iterator())
        samples = [pt.nest.flatten(element) for element in elements]
        structure = elements[0] if elements else None
    elif isinstance(dataset, (np.ndarray, list, tuple)) or hasattr(dataset, "numpy"):
        arrays = dataset if isinstance(dataset, (list, tuple)) else [dataset]
        arrays = [np.asarray(a.numpy() if hasattr(a, "numpy") else a) for a in arrays]
        if len({len(a) for a in arrays}) > 1:
            raise ValueError(f"split_dataset: the arrays in `dataset` have different numbers of samples: "
                             f"{[len(a) for a in arrays]}.")
        samples = [[a[i] for a in arrays] for i in range(len(arrays[0]))]
        structure = tuple(arrays) if isinstance(dataset, (list, tuple)) else arrays[0]
    else:
        raise TypeError(f"split_dataset: `dataset` must be a tf.data.Dataset or a numpy array / list / tuple of "
                        f"arrays. Received: dataset={dataset!r} of type {type(dataset).__name__}")
    if not samples:
        raise ValueError("split_dataset: received an empty dataset; `dataset` must have at least one sample.")
    return samples, structure


def _split_sizes(left_size, right_size, total):
    """Keras's rules: integer counts in [1, total), fractions in (0, 1) rounded to counts, None for the rest."""
    for name, size in (("left_size", left_size), ("right_size", right_size)):
        if size is not None and type(size) not in (int, float):
            raise TypeError(f"split_dataset: `{name}` must be an int, a float or None. Received: "
                            f"type({name})={type(size).__name__}")
        if (type(size) is int and not 0 < size < total) or (type(size) is float and not 0 < size < 1):
            raise ValueError(f"split_dataset: `{name}` must be a positive integer smaller than {total} or a float "
                             f"in (0, 1). Received: {name}={size}")
    if type(left_size) is float and type(right_size) is float and left_size + right_size > 1:
        raise ValueError("split_dataset: left_size + right_size is greater than 1; it must be at most 1.")
    left = round(left_size * total) if type(left_size) is float else left_size
    right = round(right_size * total) if type(right_size) is float else right_size
    left = total - right if left is None else left
    right = total - left if right is None else right
    if left + right > total:
        raise ValueError(f"split_dataset: left_size + right_size = {left + right} is more than the {total} "
                         f"samples of the dataset.")
    if left == 0 or right == 0:
        raise ValueError(f"split_dataset: with {total} samples, left_size={left_size} and right_size={right_size} "
                         f"leave the {'left' if left == 0 else 'right'} split empty; adjust the sizes.")
    return int(left), int(right)


def check_validation_split_arg(validation_split, subset, shuffle, seed, what):
    if validation_split and not 0 < validation_split < 1:
        raise ValueError(f"{what}: `validation_split` must be between 0 and 1, received: {validation_split}")
    if (validation_split or subset) and not (validation_split and subset):
        raise ValueError(f"{what}: if `subset` is set, `validation_split` must be set, and inversely.")
    if subset not in ("training", "validation", "both", None):
        raise ValueError(f'{what}: `subset` must be either "training", "validation" or "both", received: {subset}')
    if validation_split and shuffle and seed is None:
        raise ValueError(f"{what}: when using `validation_split` and shuffling the data, you must provide a `seed` "
                         f"argument, so that the training and validation subsets do not overlap.")


def index_directory(directory, labels, formats, class_names, shuffle, seed, follow_links, verbose, what):
    """``(file_paths, labels, class_names)`` as Keras lists them: class subfolders sorted by name (or in
    ``class_names``' order), the files of each walked in sorted order, then shuffled with
    ``np.random.RandomState(seed)`` (paths and labels with the same permutation)."""
    if not os.path.isdir(directory):
        raise ValueError(f"{what}: directory {directory!r} does not exist or is not a folder.")
    if labels == "inferred":
        subdirs = [d for d in sorted(os.listdir(directory))
                   if os.path.isdir(os.path.join(directory, d)) and not d.startswith(".")]
        if class_names is not None:
            if not set(class_names).issubset(subdirs):
                raise ValueError(f"{what}: the `class_names` passed did not match the names of the subdirectories "
                                 f"of the target directory. Expected: {subdirs} (or a subset of it), but received: "
                                 f"class_names={class_names}")
            subdirs = list(class_names)
    else:
        if class_names is not None:
            raise ValueError(f"{what}: `class_names` can only be given with labels='inferred' (with labels=None "
                             f"there are no classes; with a list of labels the class names are its sorted values).")
        subdirs = [""]
    filenames, inferred = [], []
    for label, subdir in enumerate(subdirs):
        root_dir = os.path.join(directory, subdir)
        walk = sorted(os.walk(root_dir, followlinks=follow_links), key=lambda entry: entry[0])
        for root, _, files in walk:
            for name in sorted(files):
                if name.lower().endswith(formats):
                    relative = os.path.relpath(os.path.join(root, name), root_dir)
                    filenames.append(os.path.join(os.path.basename(root_dir), relative))
                    inferred.append(label)
    if labels == "inferred":
        labels = np.asarray(inferred, np.int32)
        class_names = subdirs
    elif labels is None:
        class_names = None
    else:
        if len(labels) != len(filenames):
            raise ValueError(f"{what}: expected the lengths of `labels` to match the number of files in the target "
                             f"directory. len(labels) is {len(labels)} while we found {len(filenames)} files in "
                             f"directory {directory}.")
        class_names = [str(label) for label in sorted(set(labels))]
        labels = np.asarray(labels)
    if verbose:
        print(f"Found {len(filenames)} files." if labels is None else
              f"Found {len(filenames)} files belonging to {len(class_names)} classes.")
    file_paths = [os.path.join(directory, name) for name in filenames]
    if shuffle:
        seed = np.random.randint(1e6) if seed is None else seed
        np.random.RandomState(seed).shuffle(file_paths)
        if labels is not None:
            np.random.RandomState(seed).shuffle(labels)
    return file_paths, labels, class_names


def training_or_validation_split(samples, labels, validation_split, subset, verbose):
    """Keras's split: the validation subset is the last ``int(validation_split * n)`` samples."""
    if not validation_split:
        return samples, labels
    num_val = int(validation_split * len(samples))
    if subset == "training":
        if verbose:
            print(f"Using {len(samples) - num_val} files for training.")
        return samples[:-num_val], None if labels is None else labels[:-num_val]
    if verbose:
        print(f"Using {num_val} files for validation.")
    return samples[-num_val:], None if labels is None else labels[-num_val:]


def paths_and_labels_to_dataset(paths, labels, label_mode, num_classes, load, shuffle, buffer_size, seed,
                                batch_size):
    """A dataset of ``load(path)`` (with the label in ``label_mode``'s encoding), shuffled each epoch through a
    ``buffer_size`` buffer, batched. Files are read lazily, one element at a time."""
    indices = pt.data.Dataset.from_tensor_slices(np.arange(len(paths), dtype=np.int64))
    if label_mode:
        labels = np.asarray(labels)
        if label_mode == "binary":
            labels = labels.astype(np.float32)[:, None]
        elif label_mode == "categorical":
            labels = np.eye(num_classes, dtype=np.float32)[labels]
        else:
            labels = labels.astype(np.int32)
        ds = pt.data.Dataset.zip((indices, pt.data.Dataset.from_tensor_slices(labels)))
    else:
        ds = indices
    if shuffle:
        ds = ds.shuffle(buffer_size, seed=seed)
    if label_mode:
        ds = ds.map(lambda i, label: (load(paths[int(i)]), label))
    else:
        ds = ds.map(lambda i: load(paths[int(i)]))
    return ds.batch(batch_size) if batch_size is not None else ds


def directory_datasets(directory, labels, label_mode, class_names, batch_size, shuffle, seed, validation_split,
                       subset, follow_links, verbose, formats, load, what):
    """The dataset (or ``[training, validation]`` for ``subset="both"``) of the files under ``directory``,
    with ``class_names`` and ``file_paths`` attributes, as the ``*_dataset_from_directory`` functions return;
    ``subset="both"``'s validation set is not shuffled (as Keras)."""
    if labels not in ("inferred", None) and not isinstance(labels, (list, tuple)):
        raise ValueError(f"{what}: `labels` must be 'inferred', None or a list/tuple of integer labels, one per "
                         f"file in the target directory. Received: labels={labels!r}")
    if label_mode not in ("int", "categorical", "binary", None):
        raise ValueError(f'{what}: `label_mode` must be one of "int", "categorical", "binary", or None. Received: '
                         f"label_mode={label_mode!r}")
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    check_validation_split_arg(validation_split, subset, shuffle, seed, what)
    if seed is None:
        seed = np.random.randint(1e6)
    paths, labels, class_names = index_directory(directory, labels, formats, class_names, shuffle, seed,
                                                 follow_links, verbose, what)
    if label_mode == "binary" and len(class_names) != 2:
        raise ValueError(f'{what}: label_mode="binary" needs exactly 2 class_names. Received: '
                         f"class_names={class_names}")
    num_classes = len(class_names) if class_names else 0
    buffer_size = batch_size * 8 if batch_size is not None else 1024
    subsets = ["training", "validation"] if subset == "both" else [subset]
    datasets = []
    for part in subsets:
        part_paths, part_labels = training_or_validation_split(paths, labels, validation_split, part, verbose)
        if not part_paths:
            raise ValueError(f"{what}: no {part + ' ' if part else ''}files found in directory {directory}. "
                             f"Allowed formats: {formats}")
        ds = paths_and_labels_to_dataset(part_paths, part_labels, label_mode, num_classes, load,
                                         shuffle and not (subset == "both" and part == "validation"), buffer_size, seed, batch_size)
        ds.class_names, ds.file_paths = class_names, part_paths
        datasets.append(ds)
    return datasets if subset == "both" else datasets[0]
