"""The C++ layers of csrc/README.md include only themselves and the layers below them:
core -> backend -> ops -> autograd -> graph -> bindings (DESIGN.md: core -> ops -> autograd -> bindings -> Python).
A lower layer reaches a higher one through a hook it declares (VariableHooks, ops/record.h's TapeRecorder)."""
import pathlib
import re

CSRC = pathlib.Path(__file__).resolve().parent.parent / "csrc"
LAYERS = ["core", "backend", "ops", "autograd", "graph", "bindings"]
# Headers a lower layer may include from a higher one, each with the reason it is no cycle.
ALLOWED_UP = {
    ("backend", "ops/op_list.h"): "kernels are keyed by OpId; op_list.h includes nothing of ops",
}
# Files that still include a higher layer, each with the reason and who removes it.
KNOWN = {}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def upward_includes():
    found = []
    for path in sorted(CSRC.rglob("*")):
        if path.suffix not in {".h", ".cpp", ".cu", ".cuh"} or "third_party" in path.parts:
            continue
        rel = path.relative_to(CSRC)
        layer = rel.parts[0]
        if layer not in LAYERS:
            continue
        for target in INCLUDE.findall(path.read_text()):
            resolved = (path.parent / target).resolve()
            try:
                target_rel = resolved.relative_to(CSRC)
            except ValueError:
                continue
            target_layer = target_rel.parts[0]
            if target_layer not in LAYERS or LAYERS.index(target_layer) <= LAYERS.index(layer):
                continue
            if (layer, target_rel.as_posix()) in ALLOWED_UP or rel.as_posix() in KNOWN:
                continue
            found.append(f"{rel.as_posix()} ({layer}) includes {target_rel.as_posix()} ({target_layer})")
    return found


def test_no_layer_includes_a_higher_one():
    assert upward_includes() == []


def test_the_check_sees_an_upward_include(tmp_path, monkeypatch):
    # The check itself can fail: a core file that includes ops/ is reported.
    fake = tmp_path / "csrc"
    (fake / "core").mkdir(parents=True)
    (fake / "ops").mkdir()
    (fake / "ops" / "ops.h").write_text("#pragma once\n")
    (fake / "core" / "tensor.h").write_text('#include "../ops/ops.h"\n')
    monkeypatch.setattr(__import__(__name__), "CSRC", fake)
    assert upward_includes() == ["core/tensor.h (core) includes ops/ops.h (ops)"]


def test_known_exceptions_still_exist():
    # An exception that no longer applies must leave the list (else it would hide a new include).
    for rel in KNOWN:
        text = (CSRC / rel).read_text()
        assert any(LAYERS.index(t.split("/")[1]) > LAYERS.index(rel.split("/")[0])
                   for t in INCLUDE.findall(text) if t.startswith("../") and t.split("/")[1] in LAYERS), rel


# ---- issue 17's grep figures: kernels only under backend/, attributes read only through attrs_as ----------------
CPU_NAME = re.compile(r"\bcpu::")
# std::get on a node's Attrs throws bad_variant_access, which names neither the op nor the structs: attrs_as does.
ATTRS_GET = re.compile(r"std::get<[^>]*>\(\s*[\w.>()-]*\battrs\s*\)")


def _sources(exclude):
    for path in sorted(CSRC.rglob("*")):
        rel = path.relative_to(CSRC)
        if path.suffix in {".h", ".cpp", ".cu", ".cuh"} and rel.parts[0] not in exclude and "third_party" not in rel.parts:
            yield rel.as_posix(), path.read_text()


def _hits(pattern, exclude):
    return [f"{rel}:{n}" for rel, text in _sources(exclude)
            for n, line in enumerate(text.splitlines(), 1) if pattern.search(line)]


def test_no_cpu_name_outside_backend():
    # A family file or binding that names a CPU kernel would have to be edited for every new device.
    assert _hits(CPU_NAME, {"backend"}) == []


def test_attributes_are_read_through_attrs_as():
    assert _hits(ATTRS_GET, set()) == []


def test_the_grep_checks_see_a_violation(tmp_path, monkeypatch):
    fake = tmp_path / "csrc"
    (fake / "ops").mkdir(parents=True)
    (fake / "ops" / "pool.cpp").write_text("cpu::max_pool(x);\nint k = std::get<attrs::Pool2d>(n.attrs).window.kh;\n")
    monkeypatch.setattr(__import__(__name__), "CSRC", fake)
    assert _hits(CPU_NAME, {"backend"}) == ["ops/pool.cpp:1"]
    assert _hits(ATTRS_GET, set()) == ["ops/pool.cpp:2"]
