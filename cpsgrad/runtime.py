"""The few helpers that emitted adjoint code calls.

Adjoints of parameter trees (dict / list / tuple) have the primal's structure;
inside them ``None`` is a symbolic zero. Adjoint variables of arrays and floats are
never ``None``: the code generator tracks zeros statically.
"""

import contextlib
import sys

import numpy as np

TREES = (dict, list, tuple)


def rebuild(like, items):
    """A list, tuple or named tuple of the same type as ``like`` holding ``items``."""
    if isinstance(like, tuple) and hasattr(like, "_fields"):
        return type(like)(*items)
    return type(like)(items)


def zeros_like(x):
    """A zero adjoint with the structure, shape and float dtype of ``x``."""
    if isinstance(x, np.ndarray):
        dtype = x.dtype if np.issubdtype(x.dtype, np.inexact) else np.float64
        return np.zeros(x.shape, dtype)
    if isinstance(x, (float, int, np.number, np.bool_)) and not isinstance(x, bool):
        if isinstance(x, (np.floating, np.complexfloating)):
            return x.dtype.type(0)
        return 0.0
    if isinstance(x, dict):
        return {k: zeros_like(v) for k, v in x.items()}
    if isinstance(x, TREES):
        return rebuild(x, [zeros_like(v) for v in x])
    return None


def sparse_zeros(x):
    """A zero adjoint for ``x`` that is cheap for trees: their entries are ``None``."""
    if isinstance(x, dict):
        return dict.fromkeys(x)
    if isinstance(x, TREES):
        return rebuild(x, [None] * len(x))
    return zeros_like(x)


def add(a, b):
    """``a + b`` for adjoints; ``None`` is zero; trees add leaf by leaf into a new tree."""
    if a is None:
        return b
    if b is None:
        return a
    if isinstance(a, dict):
        return {k: add(a.get(k), b.get(k)) for k in {**a, **b}}
    if isinstance(a, TREES):
        return rebuild(a, [add(x, y) for x, y in zip(a, b, strict=True)])
    return a + b


def unbox(g, like):
    """Materialize a symbolic zero: ``g``, or zeros shaped like ``like`` when ``g`` is None."""
    if g is None:
        return zeros_like(like)
    if isinstance(g, TREES):
        if isinstance(g, dict):
            return {k: unbox(g.get(k), v) for k, v in like.items()}
        return rebuild(like, [unbox(a, b) for a, b in zip(g, like, strict=True)])
    return g


def unbroadcast(g, x):
    """Sum ``g`` over the axes along which ``x`` was broadcast, so it takes ``x``'s shape."""
    shape = getattr(x, "shape", None)
    gshape = getattr(g, "shape", None)
    if gshape == shape:  # the common case, cheap for floats too
        return g
    shape, gshape = np.shape(x), np.shape(g)
    if gshape == shape:
        return g
    extra = len(gshape) - len(shape)
    axes = tuple(range(extra)) + tuple(
        extra + i for i, n in enumerate(shape) if n == 1 and gshape[extra + i] != 1)
    g = np.sum(g, axis=axes, keepdims=False) if axes else g
    return np.reshape(g, shape)


def _has_array_index(idx):
    items = idx if isinstance(idx, tuple) else (idx,)
    return any(isinstance(i, (list, np.ndarray)) and np.asarray(i).dtype != bool for i in items)


def add_item(acc, idx, g):
    """Add ``g`` into ``acc[idx]`` in place (``acc`` is owned by the caller); returns ``acc``."""
    if g is None:
        return acc
    if isinstance(acc, np.ndarray):
        if _has_array_index(idx):
            np.add.at(acc, idx, g)
        else:
            acc[idx] += g
        return acc
    if isinstance(acc, tuple):
        items = list(acc)
        items[idx] = add(items[idx], g)
        return rebuild(acc, items)
    acc[idx] = add(acc[idx], g)
    return acc


def item_bar(x, idx, g):
    """A fresh adjoint of ``x`` that is ``g`` at ``x[idx]`` and zero elsewhere."""
    if isinstance(x, np.ndarray):
        return add_item(zeros_like(x), idx, g)
    if isinstance(x, dict):
        out = dict.fromkeys(x)
        out[idx] = g
        return out
    out = [None] * len(x)
    if isinstance(idx, slice):
        out[idx] = g
    else:
        out[idx] = g
    return rebuild(x, out) if isinstance(x, tuple) else out


def copy_bar(g):
    """A private copy of an adjoint before it is written in place."""
    if isinstance(g, np.ndarray):
        return g.copy()
    if isinstance(g, dict):
        return dict(g)
    if isinstance(g, list):
        return list(g)
    return g


def seed(y):
    """The adjoint that starts the backward pass of a gradient: 1 for a scalar output."""
    if np.ndim(y) != 0 or isinstance(y, TREES):
        raise TypeError(
            f"grad() needs a function with a scalar output, got {type(y).__name__} of shape "
            f"{np.shape(y)}; use cpsgrad.vjp for non-scalar outputs")
    if isinstance(y, (np.ndarray, np.floating)):
        return np.ones_like(y)
    return 1.0


@contextlib.contextmanager
def deep_recursion(limit=10**7):
    """Raise the interpreter's recursion limit while a gradient runs; restore it after."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, limit))
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


def snapshot(value):
    """The value about to be overwritten by ``x[i] = v``, kept for the adjoint."""
    return value.copy() if isinstance(value, np.ndarray) else value


def zero_item(g, idx):
    """A copy of adjoint ``g`` with ``g[idx]`` zeroed (the item was overwritten)."""
    g = copy_bar(g)
    if isinstance(g, np.ndarray):
        g[idx] = 0
    elif isinstance(g, tuple):
        items = list(g)
        items[idx] = None
        g = rebuild(g, items)
    elif g is not None:
        g[idx] = None
    return g


def append(items, item):
    """``items.append(item)`` as a new list (the forward of a lowered ``append``)."""
    return [*items, item]


def check_finite(value, name, where):
    """Stop at the first emitted value that holds a NaN or inf (``check_nans=True``)."""
    if isinstance(value, (float, np.floating, np.ndarray)) and not np.all(np.isfinite(value)):
        raise FloatingPointError(
            f"cpsgrad check_nans: `{name}` is not finite ({value!r}) in the emitted gradient; "
            f"it comes from the user's line: {where}")
