"""Syntax corpus: the Python people actually write — comprehensions, generator arguments,
starred targets, `with` blocks, imports in the body — in the style of user code, not ours.
Each entry of CASES is ``(id, function, args)``, differentiated with respect to argument 0.
Like tests/corpus.py, this file is loaded a second time with ``np`` bound to
``autograd.numpy`` for an independent oracle.

``LOG`` records what the context managers here see, for the order tests in test_syntax.py.
"""

import contextlib
import time
import warnings

try:
    np = ORACLE_NUMPY
except NameError:
    import numpy as np

LOG = []


class Recorder:
    """A user's context manager that writes down each enter and exit."""

    def __init__(self, name):
        self.name = name

    def __enter__(self):
        LOG.append(("enter", self.name))
        return 2.0

    def __exit__(self, kind, value, tb):
        LOG.append(("exit", self.name, kind.__name__ if kind else None))
        return False


class Timer:
    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.elapsed = time.perf_counter() - self.start


@contextlib.contextmanager
def section(name):
    LOG.append(("enter", name))
    try:
        yield name
    finally:
        LOG.append(("exit", name, None))


def squash(v):
    LOG.append("squash")
    return np.tanh(v)


# ----- comprehensions -----
def pairwise_energy(pos):
    n = len(pos)
    dists = [np.sqrt(np.sum((pos[i] - pos[j]) ** 2)) for i in range(n) for j in range(n)
             if i < j]
    return sum(1.0 / d for d in dists)


def poly_features(x):
    feats = [[xi ** p for p in range(1, 4)] for xi in x]
    return np.sum(np.array(feats) @ np.array([0.5, -1.0, 0.25]))


def flatten_rows(m):
    flat = [v * w for row in m for v in row if v > -5.0 for w in (1.0, 2.0)]
    return sum(flat) + max(flat) * min(flat)


def named_weights(ws):
    names = ["alpha", "beta", "gamma"]
    table = {name: w * w for name, w in zip(names, ws) if name != "beta"}
    return sum(table[k] * (i + 1) for i, k in enumerate(sorted(table)))


def distinct_signs(x):
    signs = {int(np.sign(v)) for v in x}
    return len(signs) * np.sum(x ** 2)


def comprehension_scope(x):
    i = 2
    v = x[0]
    doubled = [v * 2.0 for v in x for i in range(1)]
    x = [x * 3.0 for x in x]  # the first `for`'s iterable is the function's `x`
    return doubled[0] * v + x[i] * i


def generator_consumers(x):
    doubled = tuple(v * 2.0 for v in x)
    sines = list(np.sin(v) for v in x)  # noqa: C400 (as users write it)
    s = sorted(v ** 2 for v in x)
    lo = min(v for v in x)
    hi = max(np.cos(v) for v in x if v < 10.0)
    ok = any(v > 0 for v in x) and all(v < 10.0 for v in x)
    label = "-".join(str(k) for k in range(len(x)))
    return sum(doubled) + sum(sines) + s[-1] + lo * hi + (1.0 if ok else 0.0) + len(label)


def generator_of_rows(m):
    return sum(np.sum(np.tanh(row) * k) for k, row in enumerate(m))


def first_match(x):
    k = next(i for i in range(len(x)) if x[i] > 0.25)
    big = next(a * b for a in x for b in x if a * b > 0.3)
    huge = next((v for v in x if v > 100.0), -1.0)
    return np.sum(x[k:] ** 2) + big * huge


def comprehension_in_lambda(x):
    norm = lambda vs: sum(v * v for v in vs)
    return norm([x[0], x[1]]) + norm(x[1:])


# ----- starred targets -----
def head_and_tail(xs):
    first, *rest = xs
    total = first
    for r in rest:
        total = total * 0.5 + r
    return np.sum(total ** 2)


def ends_and_middle(x):
    a, *mid, b = x
    *init, last = x
    return a * b + np.sum(np.stack(mid) ** 2) + last * init[0] * len(init)


def starred_loop_target(x):
    table = [("a", x[0], x[1]), ("b", x[1], x[2], x[0])]
    total = 0.0
    for name, *coeffs in table:
        total = total + len(name) * sum(c * c for c in coeffs)
    return total


# ----- with blocks -----
def log_ignoring_zeros(x):
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.log(x)
        LOG.append(("divide", np.geterr()["divide"]))
    LOG.append(("divide", np.geterr()["divide"]))
    return np.sum(np.where(np.isfinite(logs), logs, 0.0) * x)


def quiet_and_null(x):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        y = np.sqrt(x) * 2.0
    with contextlib.nullcontext(3.0) as scale:
        z = y * scale
    return np.sum(z)


def recorded_blocks(x):
    with Recorder("outer") as scale, Recorder("inner"):
        y = x * scale
        for i in range(3):
            with Recorder(f"step{i}"):
                if i == 1:
                    continue
                y = squash(y) + y
        if np.sum(y) > 0:
            y = y * 2.0
        else:
            y = -y
    LOG.append("after")
    return np.sum(y ** 2)


def early_exits(x):
    for i in range(3):
        with section(i):
            if i == 2:
                break
            with section("nested"):
                if np.sum(x) > 100.0:
                    return np.sum(x)
                x = squash(x)
    with section("last") as name:
        return np.sum(x * x) * len(name)


def timed_step(x):
    timer = Timer()
    with timer:
        y = np.tanh(x)
        while np.sum(y) > 0.5:
            y = y * 0.5
    return np.sum(y * x) + 0.0 * timer.elapsed


# ----- imports in the body (a notebook habit) -----
def notebook_imports(x):
    import math
    import os.path
    from math import tau as turn
    scale = math.sqrt(2.0) * turn / len(os.path.sep)
    return np.sum(np.tanh(x) * scale)


def calls_helper_with_import(x):
    return np.sum(x * helper_with_import(x))


def helper_with_import(v):
    import math
    return v * math.e


def cases():
    rng = np.random.RandomState(3) if hasattr(np, "random") else None
    x = np.array([0.4, -0.3, 0.8])
    m = rng.randn(3, 2)
    return [
        ("pairwise_energy", pairwise_energy, (rng.randn(4, 2),)),
        ("poly_features", poly_features, (x,)),
        ("flatten_rows", flatten_rows, (m,)),
        ("named_weights", named_weights, (x,)),
        ("distinct_signs", distinct_signs, (x,)),
        ("comprehension_scope", comprehension_scope, (x,)),
        ("generator_consumers", generator_consumers, (x,)),
        ("generator_of_rows", generator_of_rows, (m,)),
        ("first_match", first_match, (x,)),
        ("comprehension_in_lambda", comprehension_in_lambda, (x,)),
        ("head_and_tail", head_and_tail, ([x, x * 2.0, m[:, 0]],)),
        ("ends_and_middle", ends_and_middle, (np.array([0.4, -0.3, 0.8, 1.1]),)),
        ("starred_loop_target", starred_loop_target, (x,)),
        ("log_ignoring_zeros", log_ignoring_zeros, (np.array([0.2, 0.5, 2.0]),)),
        ("quiet_and_null", quiet_and_null, (np.array([0.3, 0.5, 2.0]),)),
        ("recorded_blocks", recorded_blocks, (x,)),
        ("early_exits", early_exits, (x,)),
        ("timed_step", timed_step, (x,)),
        ("notebook_imports", notebook_imports, (x,)),
        ("calls_helper_with_import", calls_helper_with_import, (x,)),
    ]
