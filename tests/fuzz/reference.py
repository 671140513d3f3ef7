"""The references cpsgrad's gradient is judged against.

* Central finite differences in float64 with two relative step sizes; where they disagree
  the function is not smooth at that point and the point is not used.
* autograd on the same source (the module text run again with ``np`` bound to
  ``autograd.numpy``), where it runs: a second opinion.
"""

import warnings

import numpy as np

from tests.fuzz.values import copy_tree, flatten, unflatten

STEPS = (1e-4, 1e-6)  # relative to max(1, |x|)
SMOOTH_RTOL = 1e-5  # the two step sizes agree within this, relative to the gradient's size
AGREE_RTOL = 1e-4  # cpsgrad agrees with a reference within this, relative likewise


def evaluate(fun, args):
    """``fun(*args)`` on a copy of the arguments, as a Python float. An overflow, a division
    by zero or an invalid operation on the way raises FloatingPointError: programs stay out
    of the domains where functions blow up."""
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        return float(fun(*copy_tree(args)))


def finite_differences(fun, args, wrt, step):
    """Central differences of scalar ``fun`` for every float leaf of the ``wrt`` arguments,
    as one flat vector (the order of ``values.flatten``). Raises ValueError where ``fun``
    jumps at the point itself (a branch taken only exactly there: the mean of the two
    neighbours is far from the value, so no derivative describes it)."""
    point = flatten([args[i] for i in wrt])
    center = evaluate(fun, args)
    out = np.empty_like(point)
    for j in range(point.size):
        h = step * max(1.0, abs(point[j]))
        plus, minus = point.copy(), point.copy()
        plus[j] += h
        minus[j] -= h
        up, down = evaluate(fun, _at(args, wrt, plus)), evaluate(fun, _at(args, wrt, minus))
        if abs((up + down) / 2 - center) > 1e-6 * max(1.0, abs(center)) + abs(up - down):
            raise ValueError("not continuous at the point")
        out[j] = (up - down) / (plus[j] - minus[j])
    return out


def _at(args, wrt, vector):
    moved = list(args)
    for i, tree in zip(wrt, unflatten(vector, [args[i] for i in wrt]), strict=True):
        moved[i] = tree
    return tuple(moved)


def scale(*vectors):
    """The size a gradient error is measured against: at least 1."""
    return max([1.0] + [float(np.max(np.abs(v))) for v in vectors if v is not None and v.size])


def close(a, b, rtol):
    return a.shape == b.shape and bool(np.all(np.abs(a - b) <= rtol * scale(a, b)))


def smooth_gradient(fun, args, wrt):
    """Finite differences at both step sizes if they agree, else None (not smooth here, or
    the function fails next to the point)."""
    try:
        coarse, fine = (finite_differences(fun, args, wrt, h) for h in STEPS)
    except (ArithmeticError, ValueError, FloatingPointError, IndexError, TypeError):
        return None
    if not (np.all(np.isfinite(coarse)) and close(coarse, fine, SMOOTH_RTOL)):
        return None
    return coarse


def autograd_gradient(source, args, wrt):
    """autograd's gradient of ``f`` in ``source`` run with ``np`` = autograd.numpy, as a
    flat vector (maybe not finite), or None where autograd is missing or cannot run it."""
    try:
        import autograd
    except ImportError:
        return None
    namespace = {"__name__": "fuzz_autograd"}
    try:
        code = compile(source.replace("import numpy as np", "import autograd.numpy as np", 1),
                       "<autograd twin>", "exec")
        exec(code, namespace)  # noqa: S102 (the generated program, our own text)
        with warnings.catch_warnings():  # "Output seems independent of input"
            warnings.simplefilter("ignore")
            grads = [autograd.grad(namespace["f"], i)(*copy_tree(args)) for i in wrt]
        return flatten(grads)
    except Exception:
        return None
