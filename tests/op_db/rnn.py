"""The fused recurrent ops (lstm, gru, simple_rnn) over a whole sequence, against a step-by-step numpy recurrence, and
their fused backward ops (lstm_grad, ...) against central differences of that recurrence in float64."""
from __future__ import annotations

import numpy as np

import pytensor as pt

from .common import FLOATS, INTS, Domain, OpInfo, SampleInput, make

_RNN_ACTIVATIONS = {"tanh": np.tanh, "sigmoid": lambda v: 1.0 / (1.0 + np.exp(-v)), "relu": lambda v: np.maximum(v, 0),
                    "linear": lambda v: v, "hard_sigmoid": lambda v: np.clip((v + 3.0) / 6.0, 0.0, 1.0)}


def ref_rnn(cell, x, h0, c0, kernel, recurrent, bias, reset_after=True, mask=None, go_backwards=False,
            activation="tanh", recurrent_activation="sigmoid"):
    """Keras's recurrences step by step in float64: [sequence in loop order, final h (, final c)]."""
    act, rec = _RNN_ACTIVATIONS[activation], _RNN_ACTIVATIONS[recurrent_activation]
    x, h, c = x.astype(np.float64), h0.astype(np.float64), None if c0 is None else c0.astype(np.float64)
    units = h.shape[1]
    input_bias, recurrent_bias = (bias[0], bias[1]) if cell == "gru" and reset_after else (bias, 0.0)
    sequence = []
    for t in (range(x.shape[1] - 1, -1, -1) if go_backwards else range(x.shape[1])):
        z = x[:, t] @ kernel + input_bias
        if cell == "simple_rnn":
            new_h, new_c = act(z + h @ recurrent), c
        elif cell == "lstm":
            i, f, g, o = np.split(z + h @ recurrent, 4, axis=1)
            new_c = rec(f) * c + rec(i) * act(g)
            new_h = rec(o) * act(new_c)
        else:
            xz, xr, xh = np.split(z, 3, axis=1)
            if reset_after:
                rz, rr, rh = np.split(h @ recurrent + recurrent_bias, 3, axis=1)
                zg, r = rec(xz + rz), rec(xr + rr)
                hh = act(xh + r * rh)
            else:
                zg, r = rec(xz + h @ recurrent[:, :units]), rec(xr + h @ recurrent[:, units:2 * units])
                hh = act(xh + (r * h) @ recurrent[:, 2 * units:])
            new_h, new_c = zg * h + (1 - zg) * hh, c
        if mask is not None:
            live = mask[:, t:t + 1]
            new_h = np.where(live, new_h, h)
            new_c = None if c is None else np.where(live, new_c, c)
        h, c = new_h, new_c
        sequence.append(h)
    outs = [np.stack(sequence, axis=1), h] + ([c] if cell == "lstm" else [])
    return [o.astype(kernel.dtype) for o in outs]


# (batch, steps, features, units, go_backwards, masked, activation, recurrent_activation, layout of x, reset_after)
RNN_CASES = [
    (2, 3, 2, 2, False, False, "tanh", "sigmoid", "contiguous", True),
    (3, 4, 3, 2, True, True, "tanh", "sigmoid", "strided", False),
    (2, 5, 2, 3, False, True, "tanh", "hard_sigmoid", "contiguous", True),
    (2, 2, 2, 2, True, False, "linear", "sigmoid", "transposed", True),
    (70, 6, 5, 8, False, True, "tanh", "sigmoid", "contiguous", True),  # five blocks of rows (16 each, then 6)
    (17, 4, 2, 2, True, True, "tanh", "sigmoid", "contiguous", False),  # two blocks of rows, gradchecked in float64
]


def _sample_rnn(cell):
    gates = {"lstm": 4, "gru": 3, "simple_rnn": 1}[cell]

    def sample(op, dtype, rng):
        for b, t, f, u, backwards, masked, act, rec, layout, reset_after in RNN_CASES:
            if dtype == "float64" and b * t * f > 200:
                continue  # keeps gradient checks small
            x = make((b, t, f), dtype, rng, Domain(-1, 1), layout)
            h0 = make((b, u), dtype, rng, Domain(-1, 1))
            weights = [make((f, gates * u), dtype, rng, Domain(-0.8, 0.8)),
                       make((u, gates * u), dtype, rng, Domain(-0.8, 0.8)),
                       make((2, gates * u) if cell == "gru" and reset_after else (gates * u,), dtype, rng,
                            Domain(-0.5, 0.5))]
            mask = rng.random((b, t)) > 0.3 if masked else None
            kwargs = {"mask": mask, "go_backwards": backwards, "activation": act}
            ref_kwargs = dict(kwargs)
            if cell != "simple_rnn":
                kwargs["recurrent_activation"] = ref_kwargs["recurrent_activation"] = rec
            if cell == "gru":
                kwargs["reset_after"] = ref_kwargs["reset_after"] = reset_after
            states = (h0, make((b, u), dtype, rng, Domain(-1, 1))) if cell == "lstm" else (h0,)
            ref_states = states if cell == "lstm" else (h0, None)
            desc = (f"{layout} x {(b, t, f)} units {u} {act}/{rec} backwards={backwards} masked={masked}"
                    + (f" reset_after={reset_after}" if cell == "gru" else ""))
            yield SampleInput((x, *states, *weights), kwargs, desc=desc,
                              ref_args=(cell, x, *ref_states, *weights), ref_kwargs=ref_kwargs)
    return sample


def _rnn_row(cell, num_inputs):
    return OpInfo(name=cell, family="rnn", api=f"_core.{cell}", ref=ref_rnn, sample_inputs_func=_sample_rnn(cell),
                  dtypes=FLOATS, unsupported_dtypes=INTS, differentiable=True, num_inputs=num_inputs,
                  grad_argnums=tuple(range(num_inputs)), tols={"float32": (2e-5, 2e-6)})


def _sample_rnn_grad(cell):
    forward = _sample_rnn(cell)

    def sample(op, dtype, rng):
        for s in forward(op, dtype, rng):
            b, t = s.args[0].shape[:2]
            u = s.args[1].shape[1]
            grads = tuple(make(shape, dtype, rng, Domain(-1, 1))
                          for shape in [(b, t, u), (b, u)] + ([(b, u)] if cell == "lstm" else []))
            yield SampleInput(s.args + grads, s.kwargs, desc=s.desc, ref_args=s.ref_args + grads,
                              ref_kwargs=s.ref_kwargs)
    return sample


def _ref_rnn_grad(cell, *args, **kwargs):
    """The operands' gradients of sum(outputs * output gradients): central differences of ref_rnn in float64."""
    num = 6  # x, h0, c0 (None but for lstm), kernel, recurrent_kernel, bias
    operands = [None if a is None else np.array(a, np.float64) for a in args[:num]]  # copies: perturbed below
    grads = [np.asarray(g, np.float64) for g in args[num:]]
    dtype = args[4].dtype

    def objective():
        outs = ref_rnn(cell, *operands, **kwargs)
        return sum(float(np.sum(o * g)) for o, g in zip(outs, grads))

    step, result = 1e-6, []
    for a in operands:
        if a is None:
            continue
        d = np.zeros_like(a)
        for i in np.ndindex(a.shape):
            a[i] += step
            up = objective()
            a[i] -= 2 * step
            d[i] = (up - objective()) / (2 * step)
            a[i] += step
        result.append(d.astype(dtype))
    return result


def _call_rnn_grad(cell):
    """The fused backward ops are internal: reached as the operands' gradient of the forward op, the trailing
    arguments the outputs' upstream gradients."""
    num = 6 if cell == "lstm" else 5

    def call(fn, *args, **kwargs):
        from pytensor.gradient_tape import GradientTape
        operands = [pt.convert_to_tensor(a) for a in args[:num]]
        with GradientTape() as tape:
            tape.watch(operands)
            outputs = fn(*operands, **kwargs)
        return tape.gradient(list(outputs), operands, output_gradients=list(args[num:]))
    return call


def _rnn_grad_row(cell, num_operands):
    num_args = num_operands + (3 if cell == "lstm" else 2)  # the call's: the registry op's less the saved buffer
    return OpInfo(name=f"{cell}_grad", family="rnn", api=f"_core.{cell}", ref=_ref_rnn_grad,
                  sample_inputs_func=_sample_rnn_grad(cell), dtypes=FLOATS, unsupported_dtypes=INTS,
                  differentiable=True, num_inputs=num_args + 1, grad_argnums=tuple(range(num_args)),
                  call=_call_rnn_grad(cell), error_name=cell,  # ints stop at the forward op
                  # the reference is a central difference (error ~1e-9 of the result's scale)
                  tols={"float32": (2e-5, 2e-6), "float64": (1e-6, 1e-8)})


ROWS = [
    _rnn_row("lstm", 6),
    _rnn_row("gru", 5),
    _rnn_row("simple_rnn", 5),
    _rnn_grad_row("lstm", 6),
    _rnn_grad_row("gru", 5),
    _rnn_grad_row("simple_rnn", 5),
]
