"""Writes docs/api_coverage.md: which of TensorFlow's public names pytensor has, and which the corpus uses.

    python tests/programs/api_coverage.py            # materializes the corpus, then writes the report

TensorFlow's names come from pytensor/_tf_api_names.json (recorded by tests/fixtures/record_tf_api_names.py).
A name "exists" when the same dotted path resolves on pytensor (``tf.math.reduce_sum`` -> ``pytensor.math
.reduce_sum``). A use is a dotted reference in a corpus program, after its imports are resolved
(``import tensorflow as tf``, ``from tensorflow.keras import layers``, ``import keras``, ``from keras.layers
import Dense`` ...), counted once per occurrence and attributed to the deepest recorded module it falls in.
"""

import ast
import collections
import functools
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import corpus  # noqa: E402

NAMES_FILE = os.path.join(ROOT, "pytensor", "_tf_api_names.json")
REPORT = os.path.join(ROOT, "docs", "api_coverage.md")

# The modules whose totals the issue tracks first, in this order; the rest follow alphabetically.
HEADLINE = ["tf", "tf.math", "tf.nn", "tf.linalg", "tf.random", "tf.image", "tf.strings", "tf.signal",
            "tf.sparse", "tf.ragged", "tf.config", "tf.experimental", "tf.io", "tf.train", "tf.compat.v1"]

# Import names a TF program uses, as TF API paths (Keras 3's `keras` stands for `tf.keras`).
_IMPORT_ROOTS = {"tensorflow": "tf", "keras": "tf.keras", "tf_keras": "tf.keras"}


def _api_path(module_name):
    """'tensorflow.keras.layers' -> 'tf.keras.layers'; None for modules that are not TF's."""
    top, dot, rest = module_name.partition(".")
    if top not in _IMPORT_ROOTS:
        return None
    return _IMPORT_ROOTS[top] + dot + rest


def _dotted(node):
    """'a.b.c' for a Name/Attribute chain, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def uses(source):
    """The TF API paths referenced in `source`, one entry per occurrence."""
    tree = ast.parse(source)
    aliases = {}  # local name -> TF API path
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                path = _api_path(alias.name)
                if path is not None:
                    # `import tensorflow.keras.layers` binds `tensorflow`; `import x.y as z` binds z to x.y
                    local = alias.asname or alias.name.split(".")[0]
                    aliases[local] = path if alias.asname else _api_path(alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            base = _api_path(node.module)
            if base is not None:
                for alias in node.names:
                    aliases[alias.asname or alias.name] = f"{base}.{alias.name}"
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Attribute, ast.Name)) and not isinstance(getattr(node, "ctx", None), ast.Store):
            dotted = _dotted(node)
            if dotted is None:
                continue
            head, _, rest = dotted.partition(".")
            if head in aliases:
                found.append(aliases[head] + ("." + rest if rest else ""))
    # `tf.keras.layers.Dense` also walks `tf.keras.layers` and `tf.keras`: keep only the longest chains
    counts = collections.Counter(found)
    for path in list(counts):
        parent = path.rpartition(".")[0]
        while parent:
            if parent in counts:
                counts[parent] -= counts[path]
            parent = parent.rpartition(".")[0]
    return +counts


def attribute(path, modules):
    """(module, name) for a used path: the deepest recorded module that holds the next component."""
    parts = path.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        module = ".".join(parts[:cut])
        if module in modules and parts[cut] in modules[module]:
            return module, parts[cut]
    return None


@functools.lru_cache(maxsize=None)
def exists(module, name):
    """True if pytensor has TF's `module`.`name` at the same path."""
    import pytensor

    obj = pytensor
    try:
        for part in module.split(".")[1:] + [name]:
            obj = getattr(obj, part)
    except (AttributeError, ImportError):
        return False
    return True


def collect():
    """Materializes the corpus and returns {program id: Counter of used TF paths} and the programs left out."""
    used, unavailable = {}, []
    for program in corpus.PROGRAMS:
        try:
            path = corpus.materialize(program)
        except FileNotFoundError:
            unavailable.append(program.id)
            continue
        with open(path) as f:
            used[program.id] = uses(f.read())
    return used, unavailable


def build_report(names, used, unavailable):
    modules = {m: set(ns) for m, ns in names["modules"].items()}
    use_count = collections.Counter()  # (module, name) -> uses
    users = collections.defaultdict(set)
    unresolved = collections.Counter()
    for program_id, counts in used.items():
        for path, n in counts.items():
            key = attribute(path, modules)
            if key is None:
                if "." in path:
                    unresolved[path] += n
                continue
            use_count[key] += n
            users[key].add(program_id)
    order = [m for m in HEADLINE if m in modules] + sorted(m for m in modules if m not in HEADLINE)

    lines = ["# TensorFlow API coverage", "",
             f"Generated by `python tests/programs/api_coverage.py` against TensorFlow {names['tensorflow_version']}'s "
             f"public names (`pytensor/_tf_api_names.json`) and the {len(used)} programs of the corpus "
             "(`tests/programs/corpus.py`). *Exists*: the same dotted path resolves on pytensor. *Used*: "
             "referenced by a corpus program (occurrences, after resolving its imports).", ""]
    if unavailable:
        lines += [f"Programs not counted (source not available offline): {', '.join(unavailable)}.", ""]
    missing_used = sorted((k for k in use_count if not exists(*k)), key=lambda k: (-use_count[k], k))
    lines += ["## Totals", "",
              "| module | public names | exist in pytensor | % | used by the corpus | used and missing |",
              "|---|---:|---:|---:|---:|---:|"]
    for module in order:
        public = sorted(modules[module])
        present = sum(exists(module, n) for n in public)
        used_here = [n for n in public if (module, n) in use_count]
        missing_here = [n for n in used_here if not exists(module, n)]
        percent = f"{100 * present / len(public):.0f}" if public else "-"
        lines.append(f"| `{module}` | {len(public)} | {present} | {percent} | {len(used_here)} | "
                     f"{len(missing_here)} |")
    lines += ["", "## Used by the corpus and missing", "",
              "Sorted by uses; each name's programs in brackets.", ""]
    if not missing_used:
        lines.append("None.")
    for module, name in missing_used:
        lines.append(f"- `{module}.{name}`: {use_count[module, name]} "
                     f"({', '.join(sorted(users[module, name]))})")
    lines += ["", "## Used by the corpus and present", ""]
    present_used = sorted((k for k in use_count if exists(*k)), key=lambda k: (-use_count[k], k))
    lines.append(", ".join(f"`{m}.{n}` {use_count[m, n]}" for m, n in present_used) or "None.")
    if unresolved:
        lines += ["", "## References not in TensorFlow's recorded names", "",
                  "Attributes of objects (methods, class attributes) or names of unrecorded modules:", "",
                  ", ".join(f"`{p}` {n}" for p, n in sorted(unresolved.items(), key=lambda kv: (-kv[1], kv[0])))]
    lines += ["", "## Missing names per module", ""]
    for module in order:
        missing = [n for n in sorted(modules[module]) if not exists(module, n)]
        lines += [f"<details><summary><code>{module}</code>: {len(missing)} missing</summary>", "",
                  ", ".join(f"`{n}`" for n in missing) or "none", "", "</details>", ""]
    return "\n".join(lines).rstrip() + "\n"


def main():
    with open(NAMES_FILE) as f:
        names = json.load(f)
    used, unavailable = collect()
    report = build_report(names, used, unavailable)
    os.makedirs(os.path.dirname(REPORT), exist_ok=True)
    with open(REPORT, "w") as f:
        f.write(report)
    print(f"wrote {REPORT} ({len(used)} programs)")


if __name__ == "__main__":
    # Run as a script from a source checkout: its pytensor. (Not at import: under pytest the repository root ahead
    # of site-packages would make every later subprocess import the unbuilt source tree.)
    sys.path.insert(0, ROOT)
    main()
