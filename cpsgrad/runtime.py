"""The few helpers that emitted adjoint code calls.

Adjoints of parameter trees (dict / list / tuple) have the primal's structure;
inside them ``None`` is a symbolic zero. Adjoint variables of arrays and floats are
never ``None``: the code generator tracks zeros statically. Adding into trees by item is
``trees.py``'s; what a gradient call hands back is ``results.py``'s.
"""

import functools
import types

import numpy as np

from cpsgrad.forward import Recorded
from cpsgrad.outer import plain
from cpsgrad.sparse import RowSparse

TREES = (dict, list, tuple)


def rebuild(like, items):
    """A list, tuple or named tuple of the same type as ``like`` holding ``items``."""
    if isinstance(like, tuple) and hasattr(like, "_fields"):
        return type(like)(*items)
    return type(like)(items)


def remembered(table, key, make, most=256):
    """``table[key]``, made by ``make()`` the first time it is asked for; once ``table``
    holds ``most`` entries the oldest goes (a plan per shape: a program with many shapes
    does not grow it without end)."""
    if key in table:
        return table[key]
    if len(table) >= most:
        table.pop(next(iter(table)))
    value = table[key] = make()
    return value


def float_dtype(x):
    """The dtype an adjoint of ``x`` has: ``x``'s own if inexact, else float64."""
    if type(x) is np.ndarray and x.dtype.kind in "fc":  # the common case, cheap
        return x.dtype
    dtype = np.result_type(x) if isinstance(x, (np.ndarray, np.generic)) else np.float64
    return dtype if np.issubdtype(dtype, np.inexact) else np.dtype(np.float64)


def zeros_like(x):
    """A zero adjoint with the structure, shape and float dtype of ``x``."""
    if isinstance(x, np.ndarray):
        return np.zeros(x.shape, float_dtype(x))
    if isinstance(x, (float, int, np.number, np.bool_)) and not isinstance(x, bool):
        if isinstance(x, (np.floating, np.complexfloating)):
            return x.dtype.type(0)
        return 0.0
    if isinstance(x, dict):
        return {k: zeros_like(v) for k, v in x.items()}
    if isinstance(x, TREES):
        return rebuild(x, [zeros_like(v) for v in x])
    return None


def empty_like(x):
    """``zeros_like(x)`` for an adjoint every element of which is written before it is read
    (``transforms/tiles.py``): a NumPy array is left unset; anything else is zeros."""
    if type(x) is np.ndarray:
        return np.empty(x.shape, float_dtype(x))
    return zeros_like(x)


def sparse_zeros(x):
    """A zero adjoint for ``x`` that is cheap for trees: their entries are ``None``; an
    object's adjoint is a dict of its attributes' adjoints."""
    if isinstance(x, dict):
        return dict.fromkeys(x)
    if isinstance(x, TREES):
        return rebuild(x, [None] * len(x))
    if is_object(x):
        return {}
    return zeros_like(x)


class PartialBar:
    """The adjoint of a ``functools.partial``: those of the arguments it holds."""

    __slots__ = ("args", "keywords")

    def __init__(self, args, keywords):
        self.args, self.keywords = tuple(args), dict(keywords)

    def __add__(self, other):
        if other is None:
            return self
        return PartialBar([add(a, b) for a, b in zip(self.args, other.args, strict=True)],
                          {k: add(self.keywords.get(k), other.keywords.get(k))
                           for k in {**self.keywords, **other.keywords}})

    __radd__ = __add__


class BoundBar:
    """The adjoint of a bound method value (``f = model.loss``): its object's adjoint.
    Added into an object's adjoint at the method's name, it adds into the object's own."""

    __slots__ = ("g",)

    def __init__(self, g):
        self.g = g


def is_object(x):
    """Whether ``x`` is an instance of a user class (a parameter tree of attributes)."""
    if type(x) in _LEAVES:
        return False
    return (hasattr(x, "__dict__") or hasattr(type(x), "__slots__")) and not isinstance(
        x, (type, np.ndarray, np.generic, *TREES, *_CODE, Recorded))


_LEAVES = {np.ndarray, float, int, type(None)}
_CODE = (types.FunctionType, types.MethodType, types.BuiltinFunctionType, types.ModuleType,
         functools.partial)


def field(container, key):
    """``key`` as an index into ``container``: a named tuple's field name becomes its
    position; anything else is kept."""
    if isinstance(key, str) and isinstance(container, tuple) and hasattr(container, "_fields"):
        return container._fields.index(key)
    return key


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
    """Materialize a symbolic zero: ``g``, or zeros shaped like ``like`` when ``g`` is None
    (an object's zero adjoint is an empty dict of attribute adjoints)."""
    g = plain(g)
    if g is None:
        return {} if is_object(like) else zeros_like(like)
    if isinstance(g, RowSparse):
        return g.dense()
    if isinstance(g, dict) and not isinstance(like, dict):
        return g  # an object's adjoint
    if isinstance(g, TREES):
        if isinstance(g, dict):
            return {k: unbox(g.get(k), v) for k, v in like.items()}
        return rebuild(like, [unbox(a, b) for a, b in zip(g, like, strict=True)])
    return g


def add_vjp(g, x, y, i):
    """The adjoint of operand ``i`` of ``x + y``: a slice of ``g`` if they are lists or
    tuples being concatenated, else ``g`` summed to the operand's shape."""
    if isinstance(x, (list, tuple)):
        part = g[:len(x)] if i == 0 else g[len(x):]
        return rebuild((x, y)[i], part)
    return unbroadcast(g, (x, y)[i])


def mul_vjp(g, x, y, i):
    """The adjoint of operand ``i`` of ``x * y``: for a list repeated ``n`` times, the sum
    of the ``n`` pieces of ``g``; else the product rule."""
    seq, n = (x, y) if isinstance(x, (list, tuple)) else (y, x)
    if isinstance(seq, (list, tuple)):
        if (seq is x) != (i == 0):
            return 0.0  # the count, an integer
        pieces = [g[k * len(seq):(k + 1) * len(seq)] for k in range(n)]
        return rebuild(seq, [_sum_items([p[j] for p in pieces]) for j in range(len(seq))])
    return unbroadcast(g * (y if i == 0 else x), (x, y)[i])


def _sum_items(items):
    out = None
    for item in items:
        out = add(out, item)
    return out


def unbroadcast(g, x):
    """Sum ``g`` over the axes along which ``x`` was broadcast, so it takes ``x``'s shape;
    its real part if ``x`` is real (``x`` met a complex operand)."""
    gshape = getattr(g, "shape", None)
    if gshape is not None and gshape == getattr(x, "shape", None) and g.dtype.kind != "c":
        return g  # the common case: same shape, real
    if (getattr(getattr(g, "dtype", None), "kind", None) == "c" or type(g) is complex) \
            and not np.iscomplexobj(x):
        g = np.real(g)
    shape = getattr(x, "shape", ())  # Python floats have no shape; numpy scalars have ()
    gshape = getattr(g, "shape", ())
    if gshape == shape:  # the common case, cheap for scalars too
        return g
    key = (gshape, shape)
    found = _SUMMED_AXES.get(key)
    if found is None:
        extra = len(gshape) - len(shape)
        if extra < 0:
            return np.broadcast_to(g, shape).copy()
        axes = tuple(range(extra)) + tuple(
            extra + i for i, n in enumerate(shape) if n == 1 and gshape[extra + i] != 1)
        found = _SUMMED_AXES[key] = axes, _sum_subscripts(len(gshape), axes)
    axes, subscripts = found
    if subscripts is not None and type(g) is np.ndarray:
        g = np.einsum(subscripts, g)
    elif axes:
        g = np.add.reduce(g, axis=axes)
    return g.reshape(shape) if np.shape(g) != shape else g


def _sum_subscripts(ndim, axes):
    """``np.einsum`` subscripts summing over ``axes`` where that beats ``np.add.reduce``:
    over several axes (a bias over batch and image axes, ``bfij->f``: 3x faster, since the
    reduction's inner loop runs over the short image axes); else None."""
    if len(axes) < 2 or ndim > 26:  # noqa: PLR2004 (letters)
        return None
    letters = "abcdefghijklmnopqrstuvwxyz"[:ndim]
    return f"{letters}->{''.join(c for i, c in enumerate(letters) if i not in axes)}"


_SUMMED_AXES = {}  # (adjoint shape, operand shape) -> (axes unbroadcast sums over, einsum form)
