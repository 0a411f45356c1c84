"""Nested structures (lists, tuples, namedtuples, dicts) flattened to lists and packed back, as ``tf.nest``."""


def _is_namedtuple(x):
    return isinstance(x, tuple) and hasattr(x, "_fields")


def is_nested(structure):
    """True for lists, tuples and dicts (the containers nest descends into)."""
    return isinstance(structure, (list, tuple, dict))


def flatten(structure):
    """The leaves of `structure` in order (dicts by sorted key, as TF)."""
    if isinstance(structure, dict):
        return [leaf for key in sorted(structure) for leaf in flatten(structure[key])]
    if isinstance(structure, (list, tuple)):
        return [leaf for item in structure for leaf in flatten(item)]
    return [structure]


def _pack(structure, leaves, pos):
    if isinstance(structure, dict):
        out = {}
        for key in sorted(structure):
            out[key], pos = _pack(structure[key], leaves, pos)
        return type(structure)((k, out[k]) for k in structure), pos
    if isinstance(structure, (list, tuple)):
        items = []
        for item in structure:
            packed, pos = _pack(item, leaves, pos)
            items.append(packed)
        if _is_namedtuple(structure):
            return type(structure)(*items), pos
        return type(structure)(items), pos
    return leaves[pos], pos + 1


def pack_sequence_as(structure, flat_sequence):
    """Rebuilds `structure` with the leaves of `flat_sequence`."""
    flat_sequence = list(flat_sequence)
    packed, used = _pack(structure, flat_sequence, 0)
    if used != len(flat_sequence):
        raise ValueError(f"pack_sequence_as: structure has {used} leaves but {len(flat_sequence)} values were given")
    return packed


def map_structure(func, *structures):
    """Applies func to corresponding leaves of the structures."""
    flats = [flatten(s) for s in structures]
    if any(len(f) != len(flats[0]) for f in flats):
        raise ValueError("map_structure: the structures do not have the same number of leaves")
    return pack_sequence_as(structures[0], [func(*leaves) for leaves in zip(*flats)])


def assert_same_structure(nest1, nest2, check_types=True, expand_composites=False):
    """Raises ValueError unless the two structures nest alike (TypeError for different container types when
    `check_types`), as ``tf.nest.assert_same_structure``."""
    if is_nested(nest1) != is_nested(nest2):
        raise ValueError(f"The two structures don't have the same nested structure.\n\nFirst structure: {nest1!r}"
                         f"\n\nSecond structure: {nest2!r}")
    if not is_nested(nest1):
        return
    if check_types and type(nest1) is not type(nest2):
        raise TypeError(f"The two structures don't have the same sequence type. First structure has type "
                        f"{type(nest1)}, while second structure has type {type(nest2)}.")
    if isinstance(nest1, dict):
        if set(nest1) != set(nest2):
            raise ValueError(f"The two dictionaries don't have the same set of keys. First structure has keys "
                             f"{sorted(nest1)}, while second structure has keys {sorted(nest2)}.")
        pairs = [(nest1[k], nest2[k]) for k in sorted(nest1)]
    else:
        if len(nest1) != len(nest2):
            raise ValueError(f"The two structures don't have the same number of elements.\n\nFirst structure "
                             f"({len(nest1)} elements): {nest1!r}\n\nSecond structure ({len(nest2)} elements): "
                             f"{nest2!r}")
        pairs = zip(nest1, nest2)
    for a, b in pairs:
        assert_same_structure(a, b, check_types, expand_composites)
