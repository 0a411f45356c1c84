"""Random ops: statistical checks (reproducibility and seeds are tested in tests/test_ops.py and test_random.py)."""
from __future__ import annotations

import numpy as np

import pytensor as pt

from .common import ALL_DTYPES, BOOL, FLOATS, INTS, SIGNED, Domain, OpInfo, SampleInput, make


# ---- random -----------------------------------------------------------------------------------
def sample_random_dist(op, dtype, rng):
    d = pt.as_dtype(dtype)
    extra = {}
    if op.name == "random_uniform" and dtype in INTS:
        extra = {"minval": -3, "maxval": 7} if dtype != "uint8" else {"minval": 2, "maxval": 9}
    yield SampleInput(((100000,),), {"dtype": d, "seed": 11, **extra}, desc="100000 samples, default parameters")
    if op.name == "random_uniform" and dtype in FLOATS:
        yield SampleInput(((400, 250),), {"minval": -2.0, "maxval": 5.0, "dtype": d, "seed": 3}, desc="[-2, 5)")
    if op.name in ("random_normal", "truncated_normal"):
        yield SampleInput(((400, 250),), {"mean": 3.0, "stddev": 0.5, "dtype": d, "seed": 3}, desc="mean 3 stddev 0.5")
    yield SampleInput(((),), {"dtype": d, "seed": 1, **extra}, desc="0-d")
    yield SampleInput(((0, 3),), {"dtype": d, "seed": 1, **extra}, desc="empty")
    yield SampleInput(((3, 4),), {"dtype": d, **extra}, desc="no op seed")


def check_random_dist(op, out, sample, dtype):
    shape, = sample.args
    kw = sample.kwargs
    x = np.asarray(out.numpy())
    assert x.shape == tuple(shape), f"shape {x.shape} != {tuple(shape)}"
    assert out.dtype == pt.as_dtype(dtype), f"dtype {out.dtype} != {dtype}"
    if x.size < 1000:
        assert np.all(np.isfinite(x.astype("float64")))
        return
    n = x.size
    xf = x.astype("float64")
    if op.name == "random_uniform":
        if dtype in FLOATS:
            lo, hi = kw.get("minval", 0.0), kw.get("maxval", 1.0)
            assert xf.min() >= lo and xf.max() < hi, f"values outside [{lo}, {hi}): {xf.min()} .. {xf.max()}"
            sd = (hi - lo) / np.sqrt(12)
            assert abs(xf.mean() - (lo + hi) / 2) < 6 * sd / np.sqrt(n), f"mean {xf.mean()}"
            assert abs(xf.std() - sd) < 0.02 * sd, f"std {xf.std()} vs {sd}"
        else:
            lo, hi = kw["minval"], kw["maxval"]
            counts = np.bincount((x.astype("int64") - lo), minlength=hi - lo)
            assert x.min() >= lo and x.max() < hi and len(counts) == hi - lo, f"values outside [{lo}, {hi})"
            expected = n / (hi - lo)
            assert np.all(np.abs(counts - expected) < 6 * np.sqrt(expected)), f"counts {counts}"
        return
    mean, sd = kw.get("mean", 0.0), kw.get("stddev", 1.0)
    if op.name == "truncated_normal":
        assert np.all(np.abs(xf - mean) <= 2 * sd * (1 + 1e-6)), "values beyond two stddevs"
        sd_eff = sd * 0.87962566
    else:
        sd_eff = sd
        # Tails exist: about 4.6% beyond two stddevs.
        frac = np.mean(np.abs(xf - mean) > 2 * sd)
        assert abs(frac - 0.0455) < 0.005, f"fraction beyond 2 stddevs {frac}"
    assert abs(xf.mean() - mean) < 6 * sd_eff / np.sqrt(n), f"mean {xf.mean()} vs {mean}"
    assert abs(xf.std() - sd_eff) < 0.02 * sd_eff, f"std {xf.std()} vs {sd_eff}"


def sample_categorical(op, dtype, rng):
    p = np.array([[0.2, 0.3, 0.5], [0.7, 0.0, 0.3]])
    with np.errstate(all="ignore"):
        logits = np.log(p).astype(dtype)
    yield SampleInput((logits, 20000), {"seed": 5}, desc="probabilities [[.2 .3 .5] [.7 0 .3]]")
    yield SampleInput((logits, 7), {"seed": 5, "dtype": pt.int32}, desc="int32 output")
    yield SampleInput((np.zeros((3, 4), dtype), 0), {"seed": 1}, desc="zero samples")


def check_categorical(op, out, sample, dtype):
    logits, num = sample.args
    x = out.numpy()
    want_dt = pt.as_dtype(sample.kwargs.get("dtype", pt.int64))
    assert out.dtype == want_dt, f"dtype {out.dtype} != {want_dt}"
    assert x.shape == (logits.shape[0], num), f"shape {x.shape}"
    if num < 1000:
        assert np.all((x >= 0) & (x < logits.shape[1]))
        return
    p = np.exp(logits.astype("float64"))
    p /= p.sum(axis=1, keepdims=True)
    for row in range(x.shape[0]):
        freq = np.bincount(x[row], minlength=logits.shape[1]) / num
        assert len(freq) == logits.shape[1], f"class index out of range: {x[row].max()}"
        assert np.all(np.abs(freq - p[row]) < 0.02), f"row {row}: frequencies {freq} vs {p[row]}"
        assert np.all(freq[p[row] == 0] == 0), "a class of probability 0 was drawn"


def sample_shuffle(op, dtype, rng):
    yield SampleInput((make((1000, 3), dtype, rng, Domain(0, 1000)),), {"seed": 4}, desc="(1000, 3)")
    yield SampleInput((np.arange(5000).astype(dtype) if dtype != "bool" else make((5000,), dtype, rng),),
                      {"seed": 4}, desc="(5000,)")
    yield SampleInput((make((), dtype, rng),), {"seed": 1}, desc="0-d")
    yield SampleInput((make((0, 2), dtype, rng),), {"seed": 1}, desc="empty")
    yield SampleInput((make((6, 4), dtype, rng, layout="transposed"),), {"seed": 2}, desc="transposed input")


def check_shuffle(op, out, sample, dtype):
    value, = sample.args
    x = out.numpy()
    assert x.shape == value.shape and out.dtype == pt.as_dtype(dtype), f"shape/dtype {x.shape} {out.dtype}"
    if value.ndim == 0:
        assert x == value
        return
    row = int(np.prod(value.shape[1:]))
    rows_in = sorted(map(bytes, np.ascontiguousarray(value.reshape(len(value), row))))
    rows_out = sorted(map(bytes, np.ascontiguousarray(x.reshape(len(x), row))))
    assert rows_in == rows_out, "output rows are not a permutation of the input rows"
    if len(value) >= 1000 and dtype != "bool":
        assert not np.array_equal(x, value), "1000+ rows came back in the same order"


def sample_gamma_poisson(op, dtype, rng):
    """random_gamma's alpha (of the output's dtype) or random_poisson's rate (float32) over the trailing dimension."""
    gamma = op.name == "random_gamma"
    params = np.array([0.4, 1.0, 3.5, 60.0] if gamma else [0.5, 4.0, 9.99, 250.0], dtype if gamma else np.float32)
    yield SampleInput((params,), {"shape": (25000, 4), "dtype": dtype, "seed": 11}, desc="25000 samples a parameter")
    yield SampleInput((params[1:3],), {"shape": (3, 2, 2), "dtype": dtype, "seed": 2}, desc="two sample dimensions")
    yield SampleInput((np.array(2.5, params.dtype),), {"shape": (), "dtype": dtype, "seed": 1}, desc="0-d")
    yield SampleInput((params,), {"shape": (0, 4), "dtype": dtype, "seed": 1}, desc="empty")
    yield SampleInput((params[:2],), {"shape": (3, 2), "dtype": dtype}, desc="no op seed")


def check_gamma_poisson(op, out, sample, dtype):
    """Shape and dtype; with many samples each parameter's mean and variance (Gamma(a, 1): a and a; Poisson(r): r
    and r) within 6 standard errors, and the samples' support."""
    params, = sample.args
    x = np.asarray(out.numpy()).astype(np.float64)
    assert x.shape == tuple(sample.kwargs["shape"]), f"shape {x.shape}"
    assert out.dtype == pt.as_dtype(dtype), f"dtype {out.dtype} != {dtype}"
    assert np.all(x >= 0) and (op.name == "random_gamma" or np.all(x == np.floor(x))), "samples outside the support"
    if x.size < 1000:
        return
    n = x.shape[0]
    for k, p in enumerate(params.astype(np.float64)):
        column = x[:, k]
        # var of the sample variance: 2 p^2 + 6 p for Gamma(p, 1) (excess kurtosis 6 / p); p + 2 p^2 for Poisson(p)
        var_of_var = (2 * p * p + 6 * p) if op.name == "random_gamma" else (p + 2 * p * p)
        assert abs(column.mean() - p) < 6 * np.sqrt(p / n), f"parameter {p}: mean {column.mean()}"
        assert abs(column.var() - p) < 6 * np.sqrt(var_of_var / n), f"parameter {p}: variance {column.var()}"


# One row per registry op of this family; tests/op_db/__init__.py joins the families into `op_db`.
ROWS = [
    OpInfo(name="random_normal", family="random", api="random.normal", check=check_random_dist, random=True,
           sample_inputs_func=sample_random_dist, dtypes=FLOATS, unsupported_dtypes=BOOL + INTS, num_inputs=0,
           error_name="normal"),
    OpInfo(name="random_uniform", family="random", api="random.uniform", check=check_random_dist, random=True,
           sample_inputs_func=sample_random_dist, dtypes=FLOATS + SIGNED, unsupported_dtypes=("bool",), num_inputs=0,
           error_name="uniform"),
    OpInfo(name="truncated_normal", family="random", api="random.truncated_normal", check=check_random_dist,
           random=True, sample_inputs_func=sample_random_dist, dtypes=FLOATS, unsupported_dtypes=BOOL + INTS,
           num_inputs=0),
    OpInfo(name="categorical", family="random", api="random.categorical", check=check_categorical, random=True,
           sample_inputs_func=sample_categorical, dtypes=FLOATS, unsupported_dtypes=BOOL + INTS, num_inputs=1),
    OpInfo(name="random_shuffle", family="random", api="random.shuffle", check=check_shuffle, random=True,
           sample_inputs_func=sample_shuffle, dtypes=ALL_DTYPES, num_inputs=1, error_name="shuffle"),
    OpInfo(name="random_gamma", family="random", api="_core.random_gamma", check=check_gamma_poisson, random=True,
           sample_inputs_func=sample_gamma_poisson, dtypes=FLOATS, unsupported_dtypes=SIGNED, num_inputs=1,
           differentiable=True, implicit_gradient=True),
    OpInfo(name="random_poisson", family="random", api="_core.random_poisson", check=check_gamma_poisson,
           random=True, sample_inputs_func=sample_gamma_poisson, dtypes=SIGNED + FLOATS,
           unsupported_dtypes=("uint8", "bool"), num_inputs=1),
]


# ---- TF's Philox streams (philox_* ops) against the numpy reference (tests/philox_reference.py) -------------------
# States [counter_lo, counter_hi, key]: zero; arbitrary; a low counter word about to wrap (the carry into the high).
PHILOX_STATES = (np.array([0, 0, 0], np.int64), np.array([5, 7, 123456789], np.int64),
                 np.array([-3, 4, -99], np.int64))
PHILOX_DRAWS = ("philox_uniform", "philox_uniform_full_int", "philox_uniform_int", "philox_normal",
                "philox_truncated_normal")


def _key_counter(state):
    lo, hi, key = (int(v) & (1 << 64) - 1 for v in state)
    return key, (lo, hi)


def sample_philox_draw(op, dtype, rng):
    bounds = {"minval": -5, "maxval": 17} if op.name == "philox_uniform_int" else {}
    for i, state in enumerate(PHILOX_STATES):
        yield SampleInput((state,), {"shape": (3, 5), "dtype": dtype, **bounds}, desc=f"state {i}, (3, 5)")
    yield SampleInput((PHILOX_STATES[1],), {"shape": (7,), "dtype": dtype, **bounds}, desc="7: a partial block")
    yield SampleInput((PHILOX_STATES[2],), {"shape": (100003,), "dtype": dtype, **bounds},
                      desc="100003: many tiles and threads")
    yield SampleInput((PHILOX_STATES[1],), {"shape": (), "dtype": dtype, **bounds}, desc="0-d")
    yield SampleInput((PHILOX_STATES[1],), {"shape": (0, 3), "dtype": dtype, **bounds}, desc="empty")
    if op.name == "philox_uniform_int":
        wide = {"minval": -10 ** 12, "maxval": 10 ** 12} if dtype == "int64" else {"minval": -2 ** 31, "maxval": 2 ** 31 - 1}
        yield SampleInput((PHILOX_STATES[1],), {"shape": (9,), "dtype": dtype, **wide}, desc="a wide range")


def ref_philox_draw(name):
    import philox_reference as ref

    def run(state, shape, dtype, minval=0, maxval=0):
        key, counter = _key_counter(state)
        count = int(np.prod(shape))
        if name == "philox_uniform":
            values = ref.uniform(key, counter, count, dtype)
        elif name == "philox_uniform_full_int":
            values = ref.full_int(key, counter, count, dtype)
        elif name == "philox_uniform_int":
            values = ref.uniform_int(key, counter, count, minval, maxval, dtype)
        elif name == "philox_normal":
            values = ref.normal(key, counter, count, dtype)
        else:
            values = ref.truncated_normal(key, counter, count, dtype)
        return np.asarray(values, dtype).reshape(shape)
    return run


def sample_philox_shuffle_order(op, dtype, rng):
    for i, state in enumerate(PHILOX_STATES):
        yield SampleInput((state,), {"shape": (9,), "dtype": dtype}, desc=f"state {i}, 9 rows")
    yield SampleInput((PHILOX_STATES[1],), {"shape": (5000,), "dtype": dtype}, desc="5000 rows: several tiles")
    yield SampleInput((PHILOX_STATES[1],), {"shape": (1,), "dtype": dtype}, desc="one row")
    yield SampleInput((PHILOX_STATES[1],), {"shape": (0,), "dtype": dtype}, desc="no rows")


def ref_philox_shuffle_order(state, shape, dtype):
    import philox_reference as ref
    return ref.shuffle_order(*_key_counter(state), shape[0])


def sample_philox_state_from_seed(op, dtype, rng):
    for seed in ([1, 2], [-3, 2 ** 31 - 1], [0, 0]):
        yield SampleInput((np.array(seed).astype(dtype),), {}, desc=f"seed {seed}")


def ref_philox_state_from_seed(seed):
    import philox_reference as ref
    key, (lo, hi) = ref.key_counter_from_seed(*(int(v) & (1 << 64) - 1 for v in seed.astype(np.int64)))
    return np.array([lo, hi, key], np.uint64).view(np.int64)


def sample_philox_skip(op, dtype, rng):
    for i, state in enumerate(PHILOX_STATES):
        yield SampleInput((state.astype(dtype),), {"delta": 256 * 1000}, desc=f"state {i}")
    yield SampleInput((np.array([-1, -1, 5], dtype),), {"delta": 1}, desc="the 128-bit counter wraps to 0")


def ref_philox_skip(state, delta):
    lo, hi, key = (int(v) & (1 << 64) - 1 for v in state)
    value = ((lo | hi << 64) + delta) & (1 << 128) - 1
    return np.array([value & (1 << 64) - 1, value >> 64, key], np.uint64).view(np.int64)


_PHILOX_DTYPES = {"philox_uniform": (FLOATS, BOOL + INTS), "philox_uniform_full_int": (SIGNED + ("uint32", "uint64"),
                                                                                        BOOL + FLOATS),
                  "philox_uniform_int": (SIGNED, FLOATS), "philox_normal": (FLOATS, BOOL + INTS),
                  "philox_truncated_normal": (FLOATS, BOOL + INTS)}

ROWS += [
    OpInfo(name=name, family="random", api=f"_core.{name}", ref=ref_philox_draw(name), sample_inputs_func=sample_philox_draw,
           dtypes=_PHILOX_DTYPES[name][0], unsupported_dtypes=_PHILOX_DTYPES[name][1], num_inputs=1)
    for name in PHILOX_DRAWS
] + [
    OpInfo(name="philox_shuffle_order", family="random", api="_core.philox_shuffle_order", ref=ref_philox_shuffle_order,
           sample_inputs_func=sample_philox_shuffle_order, dtypes=("int64",), unsupported_dtypes=("int32", "float32"),
           num_inputs=1),
    OpInfo(name="philox_state_from_seed", family="random", api="_core.philox_state_from_seed",
           ref=ref_philox_state_from_seed, sample_inputs_func=sample_philox_state_from_seed, dtypes=SIGNED,
           unsupported_dtypes=FLOATS + BOOL, num_inputs=1),
    OpInfo(name="philox_skip", family="random", api="_core.philox_skip", ref=ref_philox_skip,
           sample_inputs_func=sample_philox_skip, dtypes=("int64",), unsupported_dtypes=("int32", "float32"),
           num_inputs=1),
]


# ---- TF's variable-count samplers (philox_gamma, _poisson, _binomial) and categorical against the reference -------
def sample_philox_gamma(op, dtype, rng):
    alphas = np.array([0.3, 1.0, 2.5, 40.0], dtype)
    for i, state in enumerate(PHILOX_STATES):
        yield SampleInput((state, alphas), {"shape": (5, 4), "dtype": dtype}, desc=f"state {i}, alpha < 1, 1, > 1")
    yield SampleInput((PHILOX_STATES[1], np.array([[0.7], [3.0]], dtype)), {"shape": (3, 2, 1), "dtype": dtype},
                      desc="2-D alpha")
    yield SampleInput((PHILOX_STATES[2], np.array([0.1, 5.0], dtype)), {"shape": (3001, 2), "dtype": dtype},
                      desc="6002 samples: many parallel chunks")
    yield SampleInput((PHILOX_STATES[1], np.array(2.0, dtype)), {"shape": (0,), "dtype": dtype}, desc="empty")


def ref_philox_gamma(state, alpha, shape, dtype):
    import philox_reference as ref
    return ref.gamma(*_key_counter(state), tuple(shape), alpha).astype(dtype)


def sample_philox_poisson(op, dtype, rng):
    rates = np.array([0.5, 9.9, 10.0, 1000.0, -1.0], np.float32)
    for i, state in enumerate(PHILOX_STATES):
        yield SampleInput((state, rates), {"shape": (4, 5), "dtype": dtype}, desc=f"state {i}, Knuth and PTRS")
    yield SampleInput((PHILOX_STATES[1], np.array([3.0, 30.0])), {"shape": (2001, 2), "dtype": dtype},
                      desc="float64 rates, 4002 samples: many parallel chunks")
    yield SampleInput((PHILOX_STATES[1], np.array([2, 20], np.int32)), {"shape": (3, 2), "dtype": dtype},
                      desc="int32 rates")


def ref_philox_poisson(state, rate, shape, dtype):
    import philox_reference as ref
    return ref.poisson(*_key_counter(state), tuple(shape), rate.astype(np.float64), dtype).astype(dtype)


def sample_philox_binomial(op, dtype, rng):
    counts = np.array([5.0, 50.0, 500.0, 0.0, 20.0], np.float32)
    probs = np.array([0.1, 0.8, 0.5, 0.5, 1.0], np.float32)
    for i, state in enumerate(PHILOX_STATES):
        yield SampleInput((state, counts, probs), {"shape": (6, 5), "dtype": dtype},
                          desc=f"state {i}, inversion, BTRS, p > 0.5, count 0, p 1")
    yield SampleInput((PHILOX_STATES[1], np.array([[7.5], [2000.0]]), np.array([0.999, 0.2])),
                      {"shape": (3, 2, 2), "dtype": dtype}, desc="float64, counts and probs broadcast")
    yield SampleInput((PHILOX_STATES[2], np.array(100.0, np.float32), np.array([0.05, 0.3], np.float32)),
                      {"shape": (2001, 2), "dtype": dtype}, desc="4002 samples: many parallel chunks")


def ref_philox_binomial(state, counts, probs, shape, dtype):
    import philox_reference as ref
    return ref.binomial(*_key_counter(state), tuple(shape), counts, probs).astype(dtype)


def sample_philox_parameterized_truncated_normal(op, dtype, rng):
    big = np.inf if dtype in FLOATS else 1000  # the unsupported integer dtypes' samples only need their dtype
    params = [np.array(v, dtype) for v in ([0.0, 1.0, 2.0, -1.0, 5.0], [1.0, 0.5, 2.0, 1.0, 2.0],
                                            [-1.0, 0.9, 2.5, 2.0, -big], [1.0, 1.2, big, 9.0, 1.0])]
    for i, state in enumerate(PHILOX_STATES):
        yield SampleInput((state, *params), {"shape": (3, 5), "dtype": dtype},
                          desc=f"state {i}: normal, uniform and exponential proposals, flipped bounds")
    yield SampleInput((PHILOX_STATES[1], *(np.array(v, dtype) for v in (0.0, 1.0, -2.0, 2.0))),
                      {"shape": (5001,), "dtype": dtype}, desc="5001 samples of one member")


def ref_philox_parameterized_truncated_normal(state, means, stddevs, minvals, maxvals, shape, dtype):
    import philox_reference as ref
    return ref.parameterized_truncated_normal(*_key_counter(state), tuple(shape), means, stddevs, minvals, maxvals)


def sample_philox_categorical(op, dtype, rng):
    logits = np.array([[0.0, 1.0, 2.0, -1.0], [5.0, -np.inf, 5.0, 0.5], [-3.0, -3.0, -3.0, -3.0]], np.float32)
    for i, state in enumerate(PHILOX_STATES):
        yield SampleInput((state, logits), {"num_samples": 7, "dtype": dtype}, desc=f"state {i}, a non-finite logit")
    yield SampleInput((PHILOX_STATES[1], rng.standard_normal((300, 10))), {"num_samples": 33, "dtype": dtype},
                      desc="float64 logits, 300 rows: parallel rows, odd samples a row (rows start mid-block)")
    yield SampleInput((PHILOX_STATES[1], logits), {"num_samples": 0, "dtype": dtype}, desc="no samples")


def ref_philox_categorical(state, logits, num_samples, dtype):
    import philox_reference as ref
    return ref.categorical(*_key_counter(state), logits, num_samples).astype(dtype)


ROWS += [
    OpInfo(name="philox_gamma", family="random", api="_core.philox_gamma", ref=ref_philox_gamma,
           sample_inputs_func=sample_philox_gamma, dtypes=FLOATS, unsupported_dtypes=SIGNED, num_inputs=2,
           differentiable=True, implicit_gradient=True, grad_argnums=(1,)),
    OpInfo(name="philox_poisson", family="random", api="_core.philox_poisson", ref=ref_philox_poisson,
           sample_inputs_func=sample_philox_poisson, dtypes=SIGNED + FLOATS, unsupported_dtypes=("uint8", "bool"),
           num_inputs=2),
    OpInfo(name="philox_binomial", family="random", api="_core.philox_binomial", ref=ref_philox_binomial,
           sample_inputs_func=sample_philox_binomial, dtypes=SIGNED + FLOATS, unsupported_dtypes=("uint8", "bool"),
           num_inputs=3),
    OpInfo(name="philox_parameterized_truncated_normal", family="random",
           api="_core.philox_parameterized_truncated_normal", ref=ref_philox_parameterized_truncated_normal,
           sample_inputs_func=sample_philox_parameterized_truncated_normal, dtypes=FLOATS, unsupported_dtypes=SIGNED,
           num_inputs=5),
    OpInfo(name="philox_categorical", family="random", api="_core.philox_categorical", ref=ref_philox_categorical,
           sample_inputs_func=sample_philox_categorical, dtypes=SIGNED, unsupported_dtypes=FLOATS, num_inputs=2),
]
