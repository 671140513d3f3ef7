"""The few helpers that emitted adjoint code calls.

Adjoints of parameter trees (dict / list / tuple) have the primal's structure;
inside them ``None`` is a symbolic zero. Adjoint variables of arrays and floats are
never ``None``: the code generator tracks zeros statically.
"""

import contextlib
import copy
import functools
import sys
import types

import numpy as np

from cpsgrad.forward import Recorded
from cpsgrad.outer import OuterSum, plain
from cpsgrad.sparse import RowSparse, has_array_index, sparse_item

TREES = (dict, list, tuple)


def rebuild(like, items):
    """A list, tuple or named tuple of the same type as ``like`` holding ``items``."""
    if isinstance(like, tuple) and hasattr(like, "_fields"):
        return type(like)(*items)
    return type(like)(items)


def zeros_like(x):
    """A zero adjoint with the structure, shape and float dtype of ``x``."""
    if isinstance(x, np.ndarray):
        return np.zeros(x.shape, x.dtype if x.dtype.kind in "fc" else np.float64)
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


def object_gradient(g, like):
    """A copy of object ``like`` whose attributes hold their adjoints in ``g`` (a dict), and
    zeros for the float and array attributes that got none."""
    out = copy.copy(like)
    names = vars(like) if hasattr(like, "__dict__") else {
        n: getattr(like, n) for n in getattr(type(like), "__slots__", ()) if hasattr(like, n)}
    for name, value in {**names, **{n: getattr(like, n, None) for n in g}}.items():
        if name in g or _differentiable(value):
            object.__setattr__(out, name, gradient(g.get(name), value))
    return out


def _differentiable(x):
    """Whether ``x`` is a float, an inexact array or a tree or object holding one."""
    if isinstance(x, (float, np.floating, np.complexfloating)):
        return True
    if isinstance(x, np.ndarray):
        return x.dtype.kind in "fc"
    if isinstance(x, dict):
        return any(map(_differentiable, x.values()))
    if isinstance(x, TREES):
        return any(map(_differentiable, x))
    return is_object(x) and any(map(_differentiable, vars(x).values())) if hasattr(
        x, "__dict__") else False


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


def gradient(g, like):
    """The gradient handed to the user: ``unbox``, with an object's adjoint made into a copy
    of the object whose attributes hold their gradients."""
    if type(g) is np.ndarray and type(like) is np.ndarray:
        return g
    if is_object(like):
        return object_gradient(g or {}, like)
    g = unbox(g, like)
    if isinstance(g, dict):
        return {k: gradient(g.get(k), v) for k, v in like.items()}
    if isinstance(g, TREES):
        return rebuild(like, [gradient(a, b) for a, b in zip(g, like, strict=True)])
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
    axes = _SUMMED_AXES.get(key)
    if axes is None:
        extra = len(gshape) - len(shape)
        if extra < 0:
            return np.broadcast_to(g, shape).copy()
        axes = _SUMMED_AXES[key] = tuple(range(extra)) + tuple(
            extra + i for i, n in enumerate(shape) if n == 1 and gshape[extra + i] != 1)
    g = np.add.reduce(g, axis=axes) if axes else g
    return g.reshape(shape) if np.shape(g) != shape else g


_SUMMED_AXES = {}  # (adjoint shape, operand shape) -> the axes unbroadcast sums over


def add_item(acc, idx, g):
    """Add ``g`` into ``acc[idx]`` in place (``acc`` is owned by the caller); returns ``acc``."""
    if g is None:
        return acc
    if isinstance(g, BoundBar):
        return accumulate(acc, g.g)
    if isinstance(acc, dict):
        acc = acc if type(acc) is Owned else Owned(acc)
        acc.add_leaf(idx, g, None)
        return acc
    acc, g = plain(acc), plain(g)
    if isinstance(acc, RowSparse):
        acc.entries.append((idx, g))
        return acc
    if isinstance(acc, np.ndarray):
        if has_array_index(idx):
            np.add.at(acc, idx, g)
        else:
            acc[idx] += g
        return acc
    if isinstance(acc, tuple):
        items = list(acc)
        items[field(acc, idx)] = add(items[field(acc, idx)], g)
        return rebuild(acc, items)
    acc[idx] = add(acc[idx], g)
    return acc


class Owned(dict):
    """A dict adjoint that the emitted code owns, with the keys whose array leaves it owns too.

    Owned leaves are referenced by nothing else, so later contributions add into them in place
    (``W_bar += g``) instead of allocating a new array per contribution.
    """

    __slots__ = ("owned",)

    def __init__(self, items=()):
        super().__init__(items)
        self.owned = set()

    def add_leaf(self, key, g, g_owner):
        """Add ``g`` (a leaf of ``g_owner``, which is dead after this) into ``self[key]``."""
        if type(g) is OuterSum and self._add_factors(key, g):
            return
        g = plain(g)
        cur = self.get(key)
        if cur is None:
            self[key] = g
            if g_owner is not None and key in g_owner.owned:
                self.owned.add(key)
        elif key in self.owned and _fits(cur, g):
            cur += g
        elif g_owner is not None and key in g_owner.owned and _fits(g, cur):
            g += cur
            self[key] = g
            self.owned.add(key)
        else:
            self[key] = new = add(cur, g)
            if isinstance(new, np.ndarray) and new is not cur and new is not g:
                self.owned.add(key)


    def _add_factors(self, key, g):
        """Add an ``OuterSum`` into ``self[key]`` keeping its factors, where that is owned."""
        cur = self.get(key)
        if cur is None:
            self[key] = g.clone()
        elif key in self.owned and (type(cur) is OuterSum or (
                type(cur) is np.ndarray and cur.shape == g.shape and cur.dtype.kind == "f")):
            cur = cur if type(cur) is OuterSum else OuterSum(cur)
            cur += g
            self[key] = cur
        else:
            return False
        self.owned.add(key)
        return True


def _fits(acc, g):
    """Whether ``acc += g`` gives what ``acc + g`` would: same shape and dtype."""
    if type(acc) is not np.ndarray:
        return False
    if isinstance(g, float):
        return True
    return isinstance(g, np.ndarray) and g.shape == acc.shape and g.dtype == acc.dtype


def accumulate(acc, g):
    """``acc + g`` for an adjoint ``acc`` the caller owns, reusing ``acc`` (and a dead ``g``)."""
    if isinstance(acc, dict) and isinstance(g, dict):
        acc = acc if isinstance(acc, Owned) else Owned(acc)
        g_owner = g if isinstance(g, Owned) else None
        for key, leaf in g.items():
            if leaf is not None:
                acc.add_leaf(key, leaf, g_owner)
        return acc
    return add(acc, g)


def item_bar(x, idx, g):
    """A fresh adjoint of ``x`` that is ``g`` at ``x[idx]`` (or at attribute ``idx`` of an
    object) and zero elsewhere."""
    g = plain(g)
    if isinstance(g, BoundBar):
        return g.g
    if is_object(x):
        return {idx: g}
    idx = field(x, idx)
    if sparse_item(x, idx):
        dtype = x.dtype if np.issubdtype(x.dtype, np.inexact) else np.float64
        return RowSparse(x.shape, dtype, [(idx, g)])
    if isinstance(x, np.ndarray):
        return add_item(zeros_like(x), idx, g)
    if isinstance(x, dict):
        out = dict.fromkeys(x)
        out[idx] = g
        return out
    out = [None] * len(x)
    out[idx] = g
    return rebuild(x, out) if isinstance(x, tuple) else out


def copy_bar(g):
    """A private copy of an adjoint before it is written in place."""
    g = plain(g)
    if isinstance(g, RowSparse):
        return RowSparse(g.shape, g.dtype, list(g.entries))
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


def item_adjoint(g, idx, like):
    """The adjoint at ``idx`` (an index, key, field or attribute) of the tree or object
    adjoint ``g``, materialized like ``like`` (absent or None is zero)."""
    if isinstance(g, dict):
        return unbox(g.get(idx), like)
    return unbox(g[field(g, idx)], like)


def zero_item(g, idx):
    """A copy of adjoint ``g`` with ``g[idx]`` zeroed (the item was overwritten)."""
    g = copy_bar(g)
    if isinstance(g, np.ndarray):
        g[idx] = 0
    elif isinstance(g, tuple):
        items = list(g)
        items[field(g, idx)] = None
        g = rebuild(g, items)
    elif g is not None:
        g[idx] = None
    return g
