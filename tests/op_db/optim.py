"""Fused optimizer updates: var, grad and slots as Variables, references in float64 numpy."""
from __future__ import annotations

import numpy as np

import pytensor as pt

from .common import FLOATS, INTS, Domain, OpInfo, SampleInput, make


# A sample is (var, grad, *slots) plus hyper-parameters; `_call_optim` turns var and slots into Variables, runs
# the in-place update and returns their new values, which the references compute in float64 numpy.
OPTIM_SLOTS = {  # op -> (slot names, the hyper-parameter sets to try; "use" lists the optional slots passed)
    "apply_sgd": (("momentum_slot",), [dict(learning_rate=0.1), dict(learning_rate=0.1, momentum=0.9),
                                       dict(learning_rate=0.1, momentum=0.9, nesterov=True, weight_decay=0.1)]),
    "apply_rmsprop": (("velocity", "average_grad", "momentum_slot"),
                      [dict(learning_rate=0.01), dict(learning_rate=0.01, momentum=0.5, weight_decay=0.1),
                       dict(learning_rate=0.01, momentum=0.5, centered=True)]),
    "apply_adam": (("m", "v", "v_hat"), [dict(learning_rate=0.01, step=1), dict(learning_rate=0.01, step=7),
                                         dict(learning_rate=0.01, step=3, amsgrad=True, weight_decay=0.1)]),
    "apply_adagrad": (("accumulator",), [dict(learning_rate=0.1), dict(learning_rate=0.1, weight_decay=0.1)]),
    "apply_adadelta": (("accumulated_grad", "accumulated_delta_var"), [dict(learning_rate=1.0, rho=0.9)]),
    "apply_nadam": (("m", "v"), [dict(learning_rate=0.01, step=1, u_product=0.9 * (1 - 0.5 * 0.96)),
                                 dict(learning_rate=0.01, step=4, u_product=0.5, weight_decay=0.1)]),
}


def _optim_used_slots(name, hp):
    slots = OPTIM_SLOTS[name][0]
    if name == "apply_sgd":
        return slots if hp.get("momentum") else ()
    if name == "apply_rmsprop":
        return ("velocity",) + (("average_grad",) if hp.get("centered") else ()) + (
            ("momentum_slot",) if hp.get("momentum") else ())
    if name == "apply_adam":
        return ("m", "v") + (("v_hat",) if hp.get("amsgrad") else ())
    return slots


def sample_optim(op, dtype, rng):
    positive = Domain(0.0, 2.0)
    cases = [((), "contiguous"), ((5,), "contiguous"), ((3, 4), "transposed"), ((2, 3), "strided"),
             ((260, 260), "contiguous")]   # the last crosses the parallel grain
    for hp in OPTIM_SLOTS[op.name][1]:
        for shape, layout in cases:
            slots = {s: make(shape, dtype, rng, positive) for s in _optim_used_slots(op.name, hp)}
            if "average_grad" in slots:   # a reachable state: mean square >= squared mean, away from cancellation
                slots["velocity"] = np.asarray(slots["velocity"] + slots["average_grad"] ** 2 + 1, dtype)
            kwargs = {k: v for k, v in hp.items() if k not in ("centered", "amsgrad")}
            yield SampleInput((make(shape, dtype, rng), make(shape, dtype, rng, None, layout)),
                              {**slots, **kwargs}, desc=f"{shape} grad {layout} {hp}")
        # A row gradient (an IndexedSlices): unsorted indices with duplicates, none, and enough rows to go parallel
        for shape, indices in (((7, 3), np.array([3, 0, 3, 6, 0], np.int32)), ((4, 2), np.zeros(0, np.int64)),
                               ((3000, 24), rng.integers(0, 3000, 700).astype(np.int64))):
            slots = {s: make(shape, dtype, rng, positive) for s in _optim_used_slots(op.name, hp)}
            if "average_grad" in slots:
                slots["velocity"] = np.asarray(slots["velocity"] + slots["average_grad"] ** 2 + 1, dtype)
            kwargs = {k: v for k, v in hp.items() if k not in ("centered", "amsgrad")}
            yield SampleInput((make(shape, dtype, rng), make((len(indices),) + shape[1:], dtype, rng)),
                              {**slots, **kwargs, "indices": indices},
                              desc=f"{shape} rows {indices.dtype} x{len(indices)} {hp}")


def _call_optim(fn, var, grad, **kwargs):
    variables = [pt.Variable(var, name="var")]
    for name in ("momentum_slot", "velocity", "average_grad", "m", "v", "v_hat", "accumulator",
                 "accumulated_grad", "accumulated_delta_var"):
        if name in kwargs:
            kwargs[name] = pt.Variable(kwargs[name], name=name)
            variables.append(kwargs[name])
    fn(variables[0], grad, **kwargs)
    return [v.read_value() for v in variables]


def _optim_ref(update):
    """Runs `update(w, g, g2, slots: dict, **hp)` in float64 (g2: the squared gradient) and returns [w, *slots] in
    the input dtype."""
    order = ("momentum_slot", "velocity", "average_grad", "m", "v", "v_hat", "accumulator", "accumulated_grad",
             "accumulated_delta_var")

    def ref(var, grad, indices=None, **kwargs):
        dtype = var.dtype
        slots = {k: kwargs.pop(k).astype(np.float64) for k in order if k in kwargs}
        g = grad.astype(np.float64)
        g2 = g * g
        if indices is not None:  # Keras 3's IndexedSlices: rows summed, and squares summed where it squares them
            g, g2 = np.zeros(var.shape), np.zeros(var.shape)
            np.add.at(g, indices, grad.astype(np.float64))
            np.add.at(g2, indices, grad.astype(np.float64) ** 2)
        w = update(var.astype(np.float64), g, g2, slots, **kwargs)
        return [w.astype(dtype)] + [slots[k].astype(dtype) for k in order if k in slots]
    return ref


def _decayed(w, lr, weight_decay):
    return w - w * weight_decay * lr


def _ref_sgd(w, g, g2, s, learning_rate, momentum=0.0, nesterov=False, weight_decay=0.0):
    w = _decayed(w, learning_rate, weight_decay)
    if "momentum_slot" not in s:
        return w - learning_rate * g
    s["momentum_slot"] = momentum * s["momentum_slot"] - learning_rate * g
    return w + (momentum * s["momentum_slot"] - learning_rate * g if nesterov else s["momentum_slot"])


def _ref_rmsprop(w, g, g2, s, learning_rate, rho=0.9, momentum=0.0, epsilon=1e-7, weight_decay=0.0):
    w = _decayed(w, learning_rate, weight_decay)
    s["velocity"] = rho * s["velocity"] + (1 - rho) * g2
    den = s["velocity"] + epsilon
    if "average_grad" in s:
        s["average_grad"] = rho * s["average_grad"] + (1 - rho) * g
        den = s["velocity"] - s["average_grad"] ** 2 + epsilon
    inc = learning_rate * g / np.sqrt(den)
    if "momentum_slot" in s:
        s["momentum_slot"] = momentum * s["momentum_slot"] + inc
        inc = s["momentum_slot"]
    return w - inc


def _ref_adam(w, g, g2, s, learning_rate, beta_1=0.9, beta_2=0.999, epsilon=1e-7, step=1, weight_decay=0.0):
    w = _decayed(w, learning_rate, weight_decay)
    alpha = learning_rate * np.sqrt(1 - beta_2 ** step) / (1 - beta_1 ** step)
    s["m"] = s["m"] + (g - s["m"]) * (1 - beta_1)
    s["v"] = s["v"] + (g2 - s["v"]) * (1 - beta_2)
    v = s["v"]
    if "v_hat" in s:
        s["v_hat"] = v = np.maximum(s["v_hat"], s["v"])
    return w - alpha * s["m"] / (np.sqrt(v) + epsilon)


def _ref_adagrad(w, g, g2, s, learning_rate, epsilon=1e-7, weight_decay=0.0):
    w = _decayed(w, learning_rate, weight_decay)
    s["accumulator"] = s["accumulator"] + g2
    return w - learning_rate * g / np.sqrt(s["accumulator"] + epsilon)


def _ref_adadelta(w, g, g2, s, learning_rate, rho=0.95, epsilon=1e-7, weight_decay=0.0):
    w = _decayed(w, learning_rate, weight_decay)
    s["accumulated_grad"] = rho * s["accumulated_grad"] + (1 - rho) * g2
    ratio = (s["accumulated_delta_var"] + epsilon) / (s["accumulated_grad"] + epsilon)
    delta = -np.sqrt(ratio) * g
    s["accumulated_delta_var"] = rho * s["accumulated_delta_var"] + (1 - rho) * ratio * g2  # delta**2, dense
    return w + learning_rate * delta


def _ref_nadam(w, g, g2, s, learning_rate, beta_1=0.9, beta_2=0.999, epsilon=1e-7, step=1, u_product=0.468,
               weight_decay=0.0):
    w = _decayed(w, learning_rate, weight_decay)
    u_t = beta_1 * (1 - 0.5 * 0.96 ** step)
    u_next = beta_1 * (1 - 0.5 * 0.96 ** (step + 1))
    s["m"] = s["m"] + (g - s["m"]) * (1 - beta_1)
    s["v"] = s["v"] + (g2 - s["v"]) * (1 - beta_2)
    m_hat = u_next * s["m"] / (1 - u_product * u_next) + (1 - u_t) * g / (1 - u_product)
    return w - m_hat * learning_rate / (np.sqrt(s["v"] / (1 - beta_2 ** step)) + epsilon)


def _optim_row(name, update, error_name):
    return OpInfo(name=name, family="optim", api=f"_core.{name}", ref=_optim_ref(update),
                  sample_inputs_func=sample_optim, dtypes=FLOATS, unsupported_dtypes=INTS, num_inputs=2,
                  call=_call_optim, error_name=error_name, tols={"float32": (1e-4, 1e-5)})


# One row per registry op of this family; tests/op_db/__init__.py joins the families into `op_db`.
ROWS = [
    _optim_row("apply_sgd", _ref_sgd, "SGD"),
    _optim_row("apply_rmsprop", _ref_rmsprop, "RMSprop"),
    _optim_row("apply_adam", _ref_adam, "Adam"),
    _optim_row("apply_adagrad", _ref_adagrad, "Adagrad"),
    _optim_row("apply_adadelta", _ref_adadelta, "Adadelta"),
    _optim_row("apply_nadam", _ref_nadam, "Nadam"),
]
