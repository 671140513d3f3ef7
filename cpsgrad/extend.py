"""The extension surface: register gradient rules for your own functions, check them."""

import copy

import numpy as np

from cpsgrad import runtime
from cpsgrad.api import grad
from cpsgrad.rules.registry import default_registry

defvjp = default_registry.defvjp
deflinear = default_registry.deflinear
defnondiff = default_registry.defnondiff
adjoint = default_registry.adjoint


def check_grads(f, *args, wrt=None, eps=1e-6, rtol=1e-5, atol=1e-7, seed=0):
    """Compare cpsgrad's gradient of scalar ``f`` with central finite differences.

    A random-direction test: for a random direction ``v`` over the ``wrt`` arguments,
    ``<grad, v>`` must match ``(f(x + eps v) - f(x - eps v)) / (2 eps)``. Two
    evaluations of ``f``, whatever the size of the arguments. Raises AssertionError.
    """
    wrt = tuple(range(len(args))) if wrt is None else wrt
    wrt_t = wrt if isinstance(wrt, tuple) else (wrt,)
    rng = np.random.default_rng(seed)
    grads = grad(f, wrt=wrt_t)(*args)
    dirs = [_tree_map(lambda x: rng.standard_normal(np.shape(x)), args[i]) for i in wrt_t]

    def shifted(sign):
        moved = list(args)
        for i, d in zip(wrt_t, dirs, strict=True):
            moved[i] = _tree_map2(lambda x, v: x + sign * eps * v, args[i], d)
        return f(*moved)

    numeric = (shifted(1.0) - shifted(-1.0)) / (2 * eps)
    analytic = sum(_tree_dot(g, d) for g, d in zip(grads, dirs, strict=True))
    if not np.allclose(analytic, numeric, rtol=rtol, atol=atol):
        raise AssertionError(f"gradient check failed for {getattr(f, '__name__', f)}: "
                             f"directional derivative {analytic!r} (cpsgrad) vs "
                             f"{numeric!r} (finite differences)")


def _tree_map(fn, x):
    return _tree_map2(lambda a, _b: fn(a), x, x)


def _tree_map2(fn, x, y):
    """``fn`` on the float leaves of ``x`` (and the same leaves of ``y``), in a tree of the
    same structure; an object's float and array attributes are its leaves."""
    if isinstance(x, dict):
        return {k: _tree_map2(fn, v, y[k]) for k, v in x.items()}
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return type(x)(*(_tree_map2(fn, a, b) for a, b in zip(x, y, strict=True)))
    if isinstance(x, (list, tuple)):
        return type(x)(_tree_map2(fn, a, b) for a, b in zip(x, y, strict=True))
    if runtime.is_object(x):
        out = copy.copy(x)
        for name, value in vars(x).items():
            object.__setattr__(out, name, _tree_map2(fn, value, getattr(y, name)))
        return out
    if isinstance(x, (float, np.floating)) or (isinstance(x, np.ndarray)
                                               and x.dtype.kind in "fc"):
        return fn(x, y)
    return x


def _tree_dot(g, d):
    if isinstance(d, dict):
        return sum(_tree_dot(g[k], d[k]) for k in d)
    if isinstance(d, (list, tuple)):
        return sum(_tree_dot(a, b) for a, b in zip(g, d, strict=True))
    if runtime.is_object(d):
        return sum(_tree_dot(getattr(g, k), v) for k, v in vars(d).items())
    if isinstance(d, (float, np.floating, np.ndarray)):
        return float(np.sum(np.asarray(g) * d))
    return 0.0
