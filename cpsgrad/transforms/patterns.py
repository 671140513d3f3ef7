"""Shape patterns: what broadcasting needs to know about a value's shape, and their algebra.

A *pattern* is a tuple with one entry per axis, ``1`` (length one), ``"n"`` (any other length)
or ``"?"`` (unknown), so ``()`` is a float. ``Int`` is an integer scalar; ``Shape(dims)`` is an
array's ``.shape``; ``Tree`` is a dict, tuple or object (its attributes) of patterns; ``None``
is unknown.
``pattern_of(value)`` is the pattern of a runtime value; ``join`` merges the patterns a name
has on two paths; ``broadcast``, ``reduce_`` and ``matmul`` give the patterns of results;
``summed`` says how an operand's adjoint is summed back to its shape.
"""

import functools
import types
from typing import NamedTuple

import numpy as np

ONE, MANY, UNKNOWN = 1, "n", "?"
MAX_KEYS = 64


class Int(NamedTuple):
    """An integer scalar: whether it is 1 when used as a length, and its value if constant."""

    dim: object = UNKNOWN
    value: object = None


class Shape(NamedTuple):
    dims: tuple


class Tree(NamedTuple):
    kind: str  # "dict", "tuple" or "object"
    items: tuple  # ((key, pattern), ...)
    cls: object = None  # an object's class

    def get(self, key):
        return dict(self.items).get(key)


INT = Int()


def dims(p):
    """The axes of a number or array pattern, or None."""
    if isinstance(p, Int):
        return ()
    return p if isinstance(p, tuple) and not isinstance(p, (Shape, Tree)) else None


def pattern_of(value, depth=1, objects=2):
    """The pattern of a runtime value (an argument the adjoint is specialised for): a dict's
    items ``depth`` levels down; an object's class and attributes, ``objects`` levels down
    through objects held as attributes (``model.cell.W``)."""
    if type(value) is np.ndarray:  # the common case first: this runs at every dispatched call
        if value.dtype.kind not in "iuf":
            return None
        return _array_pattern(value.shape)
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, (int, np.integer)):
        return INT
    if isinstance(value, (float, np.floating)):
        return ()
    if isinstance(value, np.ndarray) and value.dtype.kind in "iuf":
        return _array_pattern(value.shape)
    if isinstance(value, dict):
        if depth > 0 and len(value) <= MAX_KEYS and all(type(k) is str for k in value):
            return Tree("dict", tuple([(k, pattern_of(v, depth - 1, 0))
                                       for k, v in value.items()]))
        return None
    if objects > 0 and _plain_object(value):
        cls = type(value)
        return Tree("object", tuple([(k, pattern_of(v, 1, objects - 1))
                                     for k, v in value.__dict__.items()
                                     if not _data_descriptor(getattr(cls, k, None))]), cls)
    return None


@functools.lru_cache(maxsize=1024)
def _array_pattern(shape):
    return tuple(ONE if n == 1 else MANY for n in shape)


def _plain_object(value):
    """An instance of a user class whose attributes are its ``__dict__`` (``obj.w``)."""
    attributes = getattr(value, "__dict__", None)
    return (type(attributes) is dict and len(attributes) <= MAX_KEYS
            and type(value).__getattribute__ is object.__getattribute__
            and not isinstance(value, _NOT_OBJECTS)
            and all(type(k) is str for k in attributes))


_NOT_OBJECTS = (type, types.ModuleType, types.FunctionType, types.MethodType,
                functools.partial, np.ndarray)


def _data_descriptor(attr):
    """A property or slot of the class: it, not the instance's dict, answers ``obj.name``."""
    if attr is None:
        return False
    kind = type(attr)
    return hasattr(kind, "__set__") or hasattr(kind, "__delete__")


def capped(seen, patterns, limit):
    """``patterns``, recorded in ``seen``; all unknown once ``seen`` holds ``limit`` others
    (one adjoint for any shape instead of one more specialisation)."""
    if patterns not in seen and len(seen) >= limit:
        return (None,) * len(patterns)
    seen.add(patterns)
    return patterns


def join(a, b):
    if a == b:
        return a
    da, db = dims(a), dims(b)
    if isinstance(a, Int) and isinstance(b, Int):
        return INT
    if da is not None and db is not None and len(da) == len(db) \
            and not isinstance(a, Int) and not isinstance(b, Int):
        return tuple(x if x == y else UNKNOWN for x, y in zip(da, db, strict=True))
    return None


def join_envs(a, b):
    return {k: join(a[k], b[k]) for k in a.keys() & b.keys()}


def broadcast(a, b):
    """The pattern of ``a op b`` for an elementwise op, or None."""
    if a is None or b is None:
        return None
    n = max(len(a), len(b))
    a, b = (ONE,) * (n - len(a)) + a, (ONE,) * (n - len(b)) + b
    out = []
    for x, y in zip(a, b, strict=True):
        if MANY in (x, y):
            out.append(MANY)
        elif x == ONE:
            out.append(y)
        elif y == ONE:
            out.append(x)
        else:
            out.append(UNKNOWN)
    return tuple(out)


def summed(p, other):
    """How the adjoint of an operand of pattern ``p`` in ``p op other`` is summed back to the
    operand's shape: ``()`` if it already has it (no sum), ``(axes, keepdims)`` for one
    ``np.add.reduce``, or None where a pattern leaves it open (or it takes two reductions:
    leading axes and length-one ones)."""
    if p is None or other is None:
        return None
    lead = max(len(other) - len(p), 0)
    other = (ONE,) * (len(p) + lead - len(other)) + other
    ones = []
    for i, x in enumerate(p):
        y = other[lead + i]
        if x == MANY or y == ONE:
            continue  # the result has the operand's length on this axis
        if x == ONE and y == MANY:
            ones.append(i)
            continue
        return None
    if lead and ones:
        return None
    if lead:
        return tuple(range(lead)), False
    return (tuple(ones), True) if ones else ()


def reduce_(p, axis, keepdims):
    if p is None or axis == UNKNOWN or not isinstance(keepdims, bool):
        return None
    if axis is None:
        return (ONE,) * len(p) if keepdims else ()
    axes = axis if isinstance(axis, tuple) else (axis,)
    if not all(isinstance(a, int) and -len(p) <= a < len(p) for a in axes):
        return None
    axes = {a % len(p) for a in axes}
    if keepdims:
        return tuple(ONE if i in axes else d for i, d in enumerate(p))
    return tuple(d for i, d in enumerate(p) if i not in axes)


def matmul(a, b):
    if a is None or b is None or not a or not b:
        return None
    if len(a) == 1 and len(b) == 1:
        return ()
    if len(a) == 1:
        return (*b[:-2], b[-1])
    if len(b) == 1:
        return a[:-1]
    batch = broadcast(a[:-2], b[:-2])
    return None if batch is None else (*batch, a[-2], b[-1])
