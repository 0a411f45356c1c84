"""Every public callable of pytensor, pytensor.nn, .math, .random and .linalg (and Tensor, Variable and the
Variable methods) has a real docstring: a signature line with argument names, not pybind's `object`-typed one,
a summary, and an example that runs. A registry op's text is defined beside it in its family file
(csrc/ops/<family>.cpp, define_op(...).doc); other C++ functions' in csrc/bindings/function_docs.h."""
import inspect
import re
import types

import numpy as np
import pytest

import pytensor as pt

MODULES = {"pytensor": pt, "pytensor.nn": pt.nn, "pytensor.math": pt.math, "pytensor.random": pt.random,
           "pytensor.linalg": pt.linalg}


def public_callables():
    out = {}
    for module_name, module in MODULES.items():
        names = getattr(module, "__all__", None) or [n for n in dir(module) if not n.startswith("_")]
        for name in names:
            obj = getattr(module, name)
            if callable(obj) and not isinstance(obj, types.ModuleType):
                out[f"{module_name}.{name}"] = obj
    out.update({"Tensor.numpy": pt.Tensor.numpy, "Variable.numpy": pt.Variable.numpy,
                "Variable.assign": pt.Variable.assign, "Variable.assign_add": pt.Variable.assign_add,
                "Variable.assign_sub": pt.Variable.assign_sub, "Variable.read_value": pt.Variable.read_value})
    return out


CALLABLES = public_callables()


def is_builtin(obj):
    return isinstance(obj, types.BuiltinFunctionType)


def summary_lines(obj):
    """The docstring's lines after a leading signature line (pybind's or ours)."""
    doc = inspect.getdoc(obj) or ""
    lines = [line for line in doc.splitlines() if line.strip()]
    if lines and re.match(r"^\w+\(.*\)( -> .*)?$", lines[0]):
        lines = lines[1:]
    return lines


def test_every_public_callable_has_a_docstring():
    missing = sorted(name for name, obj in CALLABLES.items() if not summary_lines(obj))
    assert len(CALLABLES) > 180
    assert missing == [], f"{len(missing)} public callables without a docstring: {missing}"


@pytest.mark.parametrize("name", sorted(n for n, o in CALLABLES.items() if is_builtin(o)))
def test_core_ops_show_a_real_signature(name):
    obj = CALLABLES[name]
    first = obj.__doc__.splitlines()[0]
    assert first.startswith(obj.__name__ + "(") and first.endswith(")"), first
    assert ": object" not in obj.__doc__ and "-> pytensor" not in obj.__doc__
    # The documented argument names are the ones the function accepts.
    documented = re.findall(r"(\w+)(?:=[^,)]*)?(?:, |\))", first[len(obj.__name__) + 1:])
    for arg in documented:
        if arg != "name":
            assert f"    {arg}: " in obj.__doc__, f"{name}: argument {arg} is not described"


def examples(obj):
    doc = inspect.getdoc(obj) or ""
    return [line.strip()[4:] for line in doc.splitlines() if line.strip().startswith(">>> ")]


# The op table's examples (one statement each); the Python modules' longer examples are prose.
@pytest.mark.parametrize("name", sorted(n for n, o in CALLABLES.items() if examples(o) and (
    is_builtin(o) or n.startswith("Variable."))))
def test_examples_run(name):
    namespace = {"pt": pt, "np": np, "tf": pt}
    for line in examples(CALLABLES[name]):
        exec(compile(line, f"<example of {name}>", "exec"), namespace)


def test_core_ops_have_examples():
    without = sorted(n for n, o in CALLABLES.items() if is_builtin(o) and not examples(o))
    assert without == []


def test_classes_are_documented():
    for cls in (pt.Tensor, pt.Variable, pt.TensorShape, pt.DType, pt.GradientTape):
        doc = inspect.getdoc(cls) or ""
        assert len(doc.splitlines()) >= 3 and "Example" in doc, cls
    assert pt.Variable.__doc__.startswith("Variable(initial_value, trainable=True")
