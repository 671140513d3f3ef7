"""What a gradient call starts from and hands back (``api.Gradient.run``).

The backward pass starts from ``seed`` (1 for a scalar result); the gradient handed to the
user has the structure of the argument: symbolic zeros made real, row-sparse and factored
adjoints made dense, and an object's adjoint (a dict of its attributes' adjoints) made into
a copy of the object whose attributes hold their gradients. While a gradient runs, the
interpreter's recursion limit is raised (``deep_recursion``).
"""

import contextlib
import copy
import sys

import numpy as np

from cpsgrad.runtime import TREES, is_object, rebuild, unbox


def seed(y):
    """The adjoint that starts the backward pass of a gradient: 1 for a scalar output; a
    Python float for a float64 one (NumPy's float64 scalar is a float), so the backward
    pass's scalar arithmetic is Python's, not 0-d arrays'."""
    if type(y) in (float, np.float64):
        return 1.0
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


def gradient(g, like):
    """The gradient handed to the user: ``unbox``, with an object's adjoint made into a copy
    of the object whose attributes hold their gradients."""
    if type(g) is np.ndarray and type(like) is np.ndarray:
        return g
    if type(like) is dict and isinstance(g, dict):  # a dict of gradients: entry by entry
        return {k: gradient(g.get(k), v) for k, v in like.items()}
    if is_object(like):
        return object_gradient(g or {}, like)
    g = unbox(g, like)
    if isinstance(g, dict):
        return {k: gradient(g.get(k), v) for k, v in like.items()}
    if isinstance(g, TREES):
        return rebuild(like, [gradient(a, b) for a, b in zip(g, like, strict=True)])
    return g


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
