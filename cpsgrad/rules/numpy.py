"""Gradient rules for NumPy, as one declarative table (after autograd's numpy_vjps.py).

Each rule is ``(g, ans, *args, **kwargs) -> adjoint``; one-expression rules are
inlined into emitted code, so they refer only to parameters and to names defined at
module level here. Helpers below are named and used where a rule needs more than a
line. Parameter names follow NumPy's, because keyword arguments at call sites are
matched by name.

Functions of several arrays passed as one sequence (``concatenate``, ``stack``, ...)
return a list of adjoints. Functions returning a sequence (``split``, ``eigh``, ...)
receive ``g`` as a list whose entries may be ``None`` (zero).

Float32 inputs get float32 adjoints: constants are Python floats (weak under NEP 50),
never NumPy float64 scalars or arrays.
"""

import functools
import itertools
import math
import operator

import numpy as np

from cpsgrad.outer import OuterSum
from cpsgrad.rules.einsum import LETTERS, einsum_arg_vjp
from cpsgrad.rules.registry import default_registry as R  # noqa: N812
from cpsgrad.runtime import float_dtype, remembered, unbroadcast

defvjp, deflinear, defnondiff = R.defvjp, R.deflinear, R.defnondiff

LOG2 = math.log(2.0)
LOG10 = math.log(10.0)
DEG = math.pi / 180.0
TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
SPECTRAL = 2  # ``ord`` of the 2-norm / largest singular value
MATRIX = 2  # dimensions of a matrix


# ===================================================================================
# helpers used by the rules
# ===================================================================================

def cast_like(g, x):
    """``g`` as an array with ``x``'s floating dtype (for rules that compute in float64)."""
    return np.asarray(g, dtype=float_dtype(x))


def zeros_of(x, like=None):
    """Zeros of ``x``'s shape, in the dtype of ``like`` (default: ``x``)."""
    return np.zeros(np.shape(x), float_dtype(x if like is None else like))


def match_complex(x, g):
    """``g`` made real when ``x`` is real (adjoints of real inputs are real)."""
    return g if np.iscomplexobj(x) else np.real(g)


def is_inexact(x):
    """Whether ``x`` holds floats (or complex numbers); integer results carry no gradient."""
    return np.issubdtype(np.result_type(x), np.inexact)


def normalize_axes(axis, ndim):
    """``axis`` (None, int or tuple) as a sorted tuple of non-negative axes."""
    if axis is None:
        return tuple(range(ndim))
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    return tuple(sorted(operator.index(a) % ndim for a in axes))


def repeat_to_match(g, x, axis=None, keepdims=False):
    """Broadcast the adjoint of a reduction back over the reduced axes of ``x``."""
    shape = np.shape(x)
    if axis is not None and not keepdims and shape:
        g = np.expand_dims(g, normalize_axes(axis, len(shape)))
    out = np.empty(shape, getattr(g, "dtype", np.float64))  # faster than np.broadcast_to
    out[...] = g
    return out


def count_reduced(x, axis=None):
    """How many elements of ``x`` each output of a reduction over ``axis`` combines."""
    shape = np.shape(x)
    if axis is None:
        return int(np.size(x))
    return math.prod(shape[a] for a in normalize_axes(axis, len(shape)))


def minmax_vjp(g, ans, x, axis=None, out=None, keepdims=False, initial=None, where=None):  # noqa: ARG001
    """Adjoint of max/min: split evenly between the positions that attain the extremum."""
    x = np.asarray(x)
    parts = _short_parts(x, axis)
    if parts is not None:  # a few slices: no broadcasting over short axes (reduce_axes)
        axes, indices = parts
        if keepdims:
            ans, g = np.squeeze(ans, axes), np.squeeze(g, axes)
        dtype = float_dtype(x)
        masks = [(x[index] == ans).astype(dtype) for index in indices]  # float: faster below
        count = masks[0] + masks[1]
        for mask in masks[2:]:
            count += mask
        share = g / count
        out = np.empty(x.shape, dtype)  # the slices cover it
        for index, mask in zip(indices, masks, strict=True):
            np.multiply(mask, share, out=out[index])
        return out
    if axis is not None and not keepdims and x.ndim:  # put the reduced axes back, as length 1
        axes = normalize_axes(axis, x.ndim)
        ans, g = np.expand_dims(ans, axes), np.expand_dims(g, axes)
    mask = (x == ans).astype(float_dtype(x))
    return mask * (g / mask.sum(axis=axis, keepdims=True))


SHORT = {np.max: np.maximum, np.amax: np.maximum, np.min: np.minimum, np.amin: np.minimum,
         np.sum: np.add, np.mean: np.add}
SHORT_MOST, SHORT_FROM = 8, 512  # elements reduced into each result; results
_SHORT_PARTS = {}  # (shape, axis) -> what _short_parts found


def reduce_axes(fun, x, axis=None, keepdims=False, **kwargs):
    """``fun(x, axis=axis, keepdims=keepdims)`` for ``fun`` one of ``np.max``, ``np.min``,
    ``np.sum``, ``np.mean``. Over axes of few elements (a 2x2 pooling window), NumPy's
    reduction runs its inner loop once per result, over two or three elements, up to twenty
    times slower than the same reduction done as ``np.maximum`` (``np.add``) of the few
    slices. Then it is done so: the same maxima and minima; sums up to rounding (the order
    of the few additions)."""
    found = None if kwargs else _short_parts(x, axis)
    if found is None:
        return fun(x, axis=axis, keepdims=keepdims, **kwargs)
    axes, indices = found
    ufunc, parts = SHORT[fun], [x[index] for index in indices]
    out = ufunc(parts[0], parts[1])
    for part in parts[2:]:
        ufunc(out, part, out=out)
    if fun is np.mean:
        out /= len(parts)
    return np.expand_dims(out, axes) if keepdims else out


def _short_parts(x, axis):
    """``(axes, [index of each slice])`` when reducing float array ``x`` over ``axis`` combines
    2 to ``SHORT_MOST`` elements into each of at least ``SHORT_FROM`` results; else None."""
    if type(x) is not np.ndarray or x.dtype.kind != "f" or x.size < 2 * SHORT_FROM \
            or axis is None:
        return None
    key = (x.shape, tuple(axis) if isinstance(axis, list) else axis)
    return remembered(_SHORT_PARTS, key, lambda: _find_short_parts(x, axis))


def _find_short_parts(x, axis):
    axes = normalize_axes(axis, x.ndim)
    count = math.prod(x.shape[a] for a in axes)
    if not 1 < count <= SHORT_MOST or x.size < count * SHORT_FROM:
        return None
    indices = []
    for at in itertools.product(*(range(x.shape[a]) for a in axes)):
        index = [slice(None)] * x.ndim
        for a, i in zip(axes, at, strict=True):
            index[a] = i
        indices.append(tuple(index))
    return axes, indices


def prod_vjp(g, ans, x, axis=None, dtype=None, out=None, keepdims=False):  # noqa: ARG001
    """Adjoint of prod, exact even where ``x`` has zeros (products of all the others)."""
    x = np.asarray(x)
    if x.ndim == 0:
        return g * np.ones_like(x)
    axes = normalize_axes(axis, x.ndim)
    k = len(axes)
    moved = np.moveaxis(x, axes, range(x.ndim - k, x.ndim))
    flat = np.reshape(moved, (*moved.shape[:x.ndim - k], -1))
    ones = np.ones_like(flat[..., :1])
    left = np.cumprod(np.concatenate([ones, flat[..., :-1]], axis=-1), axis=-1)
    right = np.flip(np.cumprod(np.concatenate([ones, np.flip(flat, -1)[..., :-1]], axis=-1),
                               axis=-1), -1)
    gk = g if keepdims else np.expand_dims(g, axes)
    gk = np.reshape(np.moveaxis(gk, axes, range(x.ndim - k, x.ndim)), (*flat.shape[:-1], 1))
    res = np.reshape(left * right * gk, moved.shape)
    return np.moveaxis(res, range(x.ndim - k, x.ndim), axes)


def cumprod_vjp(g, ans, x, axis=None, dtype=None, out=None):  # noqa: ARG001
    """Adjoint of cumprod; uses division where ``x`` has no zeros, else an exact O(n^2) sum."""
    x = np.asarray(x)
    shape = x.shape
    if axis is None:
        x, axis = np.ravel(x), 0
    axis %= max(x.ndim, 1)
    g = np.reshape(g, x.shape)
    if np.all(x != 0):
        rev = np.flip(np.cumsum(np.flip(g * ans.reshape(x.shape), axis), axis), axis)
        return np.reshape(rev / x, shape)
    xm = np.moveaxis(x, axis, -1)
    gm = np.moveaxis(g, axis, -1)
    n = xm.shape[-1]
    res = np.zeros_like(gm)
    for i in range(n):
        others = xm.copy()
        others[..., i] = 1
        partial = np.cumprod(others, axis=-1)[..., i:]
        res[..., i] = np.sum(gm[..., i:] * partial, axis=-1)
    return np.reshape(np.moveaxis(res, -1, axis), shape)


def std_vjp(g, ans, x, axis=None, ddof=0, keepdims=False):
    """Adjoint of std: ``g (x - mean) / (n std)``, and 0 where ``x`` is constant along the
    axis (std is not differentiable there), also when rounding left a std of a few ulps."""
    x = np.asarray(x)
    noise = 8 * np.finfo(float_dtype(x)).eps * np.max(np.abs(x), axis=axis, keepdims=keepdims) \
        if x.size else 0.0
    safe = np.where(ans > noise, ans, np.inf)
    return repeat_to_match(g / safe, x, axis, keepdims) * (
        x - np.mean(x, axis=axis, keepdims=True)) / (count_reduced(x, axis) - ddof)


def cumsum_vjp(g, x, axis=None):
    """Adjoint of cumsum: a reversed cumulative sum."""
    return np.reshape(np.flip(np.cumsum(np.flip(g, axis), axis), axis), np.shape(x))


def power_exponent_less_one(y):
    """``y - 1``, but 1 where ``y == 0`` (so ``0 ** (y - 1)`` is finite), dtype-preserving."""
    if isinstance(y, (int, float)):
        return y - 1 if y != 0 else 1
    return np.where(y, np.subtract(y, 1), np.ones_like(y))


def safe_log(x):
    """``log(x)`` with 0 where ``x == 0``; Python scalars stay Python scalars."""
    if isinstance(x, (int, float)):
        return math.log(x) if x > 0 else (math.nan if x < 0 else 0.0)
    return np.log(np.where(x, x, np.ones_like(x)))


def fmax_mask(x, y):
    """Where ``fmax(x, y)`` takes ``x`` (ties and a NaN ``y`` go to ``x``)."""
    return np.logical_or(np.greater_equal(x, y), np.isnan(y))


def fmin_mask(x, y):
    """Where ``fmin(x, y)`` takes ``x``."""
    return np.logical_or(np.less_equal(x, y), np.isnan(y))


# ----- vector and matrix norms -----

def norm_vjp(g, ans, x, ord=None, axis=None, keepdims=False):  # noqa: A002
    """Adjoint of ``np.linalg.norm`` for vector and matrix norms."""
    x = np.conj(x) if np.iscomplexobj(x) else np.asarray(x)  # d|x| = Re(conj(x) dx) / |x|
    if axis is None:
        if ord is None or ord == "fro" or (x.ndim == 1 and ord == SPECTRAL):
            return g * x / np.where(ans, ans, 1)
        axes = tuple(range(x.ndim))
    else:
        axes = axis if isinstance(axis, tuple) else (axis,)
        axes = tuple(a % x.ndim for a in axes)
    if not keepdims:
        g = np.expand_dims(g, tuple(sorted(axes)))
        ans = np.expand_dims(ans, tuple(sorted(axes)))
    if len(axes) == 1:
        return vector_norm_vjp(g, ans, x, ord, axes[0])
    return matrix_norm_vjp(g, ans, x, ord, axes)


def vector_norm_vjp(g, ans, x, ord, axis):  # noqa: A002
    """``g`` and ``ans`` are kept-dimension; ``axis`` is the one reduced axis."""
    if ord is None or ord == SPECTRAL:
        return g * x / np.where(ans, ans, 1)
    if ord == 0:
        return np.zeros_like(g * x)
    if ord in (np.inf, -np.inf):
        mask = np.abs(x) == ans
        return g * np.sign(x) * mask / np.sum(mask, axis=axis, keepdims=True).astype(
            float_dtype(x))
    if ord == 1:
        return g * np.sign(x)
    return g * np.sign(x) * np.abs(x) ** (ord - 1) / np.where(ans, ans, 1) ** (ord - 1)


def matrix_norm_vjp(g, ans, x, ord, axes):  # noqa: A002
    """Matrix norms over ``axes = (row, col)``; ``g`` and ``ans`` are kept-dimension."""
    row, col = axes
    if ord is None or ord == "fro":
        return g * x / np.where(ans, ans, 1)
    if ord in (1, -1):
        sums = np.sum(np.abs(x), axis=row, keepdims=True)
        mask = sums == ans
        return g * np.sign(x) * mask / np.sum(mask, axis=col, keepdims=True).astype(
            float_dtype(x))
    if ord in (np.inf, -np.inf):
        sums = np.sum(np.abs(x), axis=col, keepdims=True)
        mask = sums == ans
        return g * np.sign(x) * mask / np.sum(mask, axis=row, keepdims=True).astype(
            float_dtype(x))
    xm = np.moveaxis(x, (row, col), (-2, -1))
    gm = np.moveaxis(g, (row, col), (-2, -1))
    u, _, vt = np.linalg.svd(xm, full_matrices=False)
    if ord == "nuc":
        d = u @ vt
    elif ord in (SPECTRAL, -SPECTRAL):
        i = 0 if ord == SPECTRAL else -1
        d = u[..., :, i:i + 1 or None] @ vt[..., i:i + 1 or None, :]
    else:
        msg = f"gradient of np.linalg.norm with ord={ord!r}"
        raise NotImplementedError(msg)
    return np.moveaxis(gm * d, (-2, -1), (row, col))


# ----- products -----

def matmul_vjp_x(g, x, y):
    """Adjoint of ``x`` in ``x @ y`` for every combination of 1-D and n-D operands."""
    if getattr(x, "ndim", 0) == 2 and getattr(y, "ndim", 0) == 2:  # noqa: PLR2004 (matrices)
        return g @ y.T
    if np.ndim(y) == 1:
        if np.ndim(x) == 1:
            return g * y
        if np.ndim(x) == MATRIX and np.ndim(g) == 1 and np.result_type(g, y).kind == "f":
            return OuterSum(None, g, y)  # np.outer(g, y), kept as factors (cpsgrad.outer)
        return unbroadcast(np.expand_dims(g, -1) * y, x)
    if np.ndim(x) == 1:
        return unbroadcast(np.squeeze(np.expand_dims(g, -2) @ np.swapaxes(y, -1, -2), -2), x)
    return unbroadcast(g @ np.swapaxes(y, -1, -2), x)


def matmul_vjp_y(g, x, y):
    """Adjoint of ``y`` in ``x @ y``."""
    if getattr(x, "ndim", 0) == 2 and getattr(y, "ndim", 0) == 2:  # noqa: PLR2004 (matrices)
        return x.T @ g
    if np.ndim(x) == 1:
        if np.ndim(y) == 1:
            return g * x
        return unbroadcast(np.expand_dims(x, -1) * np.expand_dims(g, -2), y)
    if np.ndim(y) == 1:
        return unbroadcast(np.squeeze(np.swapaxes(x, -1, -2) @ np.expand_dims(g, -1), -1), y)
    return unbroadcast(np.swapaxes(x, -1, -2) @ g, y)


def dot_vjp_x(g, x, y):
    """Adjoint of ``x`` in ``np.dot(x, y)`` for operands of any dimension."""
    xd, yd = np.ndim(x), np.ndim(y)
    if xd in (1, 2) and yd == 2:  # noqa: PLR2004 (matrix or vector times a matrix: g @ y.T)
        return cast_like(g @ y.T, x)
    if yd == 0 or xd == 0:
        return cast_like(unbroadcast(g * y, x), x)
    if yd == 1:
        return np.tensordot(g, y, 0) if xd == 1 else np.multiply.outer(g, y)
    return cast_like(np.tensordot(g, np.swapaxes(y, -1, -2), yd - 1), x)


def add_dot_vjp_x(acc, g, x, y):
    """``acc += dot_vjp_x(g, x, y)`` (``_add_x_adjoint``)."""
    return _add_x_adjoint(acc, g, x, y, dot_vjp_x)


def add_matmul_vjp_x(acc, g, x, y):
    """``acc += matmul_vjp_x(g, x, y)`` (``_add_x_adjoint``)."""
    return _add_x_adjoint(acc, g, x, y, matmul_vjp_x)


def _add_x_adjoint(acc, g, x, y, vjp):
    """``acc += vjp(g, x, y)``, the adjoint of ``x`` in a product of ``x`` and ``y``; for a
    matrix times a vector it is a rank-one update, kept as its factors (``add_outer``)."""
    if np.ndim(x) == MATRIX and np.ndim(y) == 1 and np.ndim(g) == 1:
        return add_outer(acc, g, y)
    acc += vjp(g, x, y)
    return acc


def add_outer(acc, g, y):
    """``acc += np.outer(g, y)``; for vectors ``g`` and ``y`` and a float matrix accumulator,
    the update is kept as its factors, added in by one matrix product when ``acc`` is read
    (``cpsgrad.outer``)."""
    if type(acc) in (np.ndarray, OuterSum) and acc.ndim == MATRIX and acc.dtype.kind == "f" \
            and np.ndim(g) == 1 and np.ndim(y) == 1 and acc.shape == (np.size(g), np.size(y)) \
            and np.result_type(g, y).kind == "f":
        acc = acc if type(acc) is OuterSum else OuterSum(acc)
        acc.add_outer(g, y)
        return acc
    acc += np.outer(g, y)
    return acc


def dot_vjp_y(g, x, y):
    """Adjoint of ``y`` in ``np.dot(x, y)``."""
    xd, yd = np.ndim(x), np.ndim(y)
    if xd == 2 and yd == 2:  # noqa: PLR2004 (matrix times matrix: x.T @ g)
        return cast_like(x.T @ g, y)
    if xd == 1 and yd == 2:  # noqa: PLR2004 (vector times matrix: an outer product)
        return cast_like(np.outer(x, g), y)
    if yd == 0 or xd == 0:
        return cast_like(unbroadcast(g * x, y), y)
    if yd == 1 and xd == 2:  # noqa: PLR2004 (matrix times vector: g @ x)
        return cast_like(g @ x, y)
    if yd == 1:
        return np.tensordot(g, x, xd - 1) if xd > 1 else g * x
    gx = np.tensordot(x, g, (list(range(xd - 1)), list(range(xd - 1))))
    return cast_like(np.moveaxis(gx, 0, -2), y)


def tensordot_axes(x, y, axes):
    """``tensordot``'s ``axes`` argument as two lists of non-negative axes."""
    xd, yd = np.ndim(x), np.ndim(y)
    if isinstance(axes, (int, np.integer)):
        return list(range(xd - axes, xd)), list(range(axes))
    ax, ay = axes
    ax = [ax] if isinstance(ax, (int, np.integer)) else list(ax)
    ay = [ay] if isinstance(ay, (int, np.integer)) else list(ay)
    return [a % xd for a in ax], [a % yd for a in ay]


def tensordot_vjp(g, x, y, axes, argnum):
    """Adjoint of ``x`` (argnum 0) or ``y`` (argnum 1) in ``np.tensordot(x, y, axes)``."""
    xd, yd = np.ndim(x), np.ndim(y)
    ax, ay = tensordot_axes(x, y, axes)
    xs = LETTERS[:xd]
    ys = list(LETTERS[xd:xd + yd])
    for a, b in zip(ax, ay, strict=True):
        ys[b] = xs[a]
    ys = "".join(ys)
    gs = "".join(xs[i] for i in range(xd) if i not in ax) + "".join(
        ys[i] for i in range(yd) if i not in ay)
    if argnum == 0:
        return np.einsum(f"{gs},{ys}->{xs}", g, y)
    return np.einsum(f"{xs},{gs}->{ys}", x, g)


def inner_vjp(g, x, y, argnum):
    """Adjoint of ``np.inner`` (a tensordot over the last axes)."""
    if np.ndim(x) == 0 or np.ndim(y) == 0:
        other, me = (y, x) if argnum == 0 else (x, y)
        return cast_like(unbroadcast(g * other, me), me)
    return tensordot_vjp(g, x, y, ([-1], [-1]), argnum)


def kron_vjp(g, x, y, argnum):
    """Adjoint of ``np.kron``: view ``g`` with interleaved (x axis, y axis) pairs."""
    nd = max(np.ndim(x), np.ndim(y))
    xs = (1,) * (nd - np.ndim(x)) + np.shape(x)
    ys = (1,) * (nd - np.ndim(y)) + np.shape(y)
    gi = np.reshape(g, tuple(n for pair in zip(xs, ys, strict=True) for n in pair))
    xl, yl = LETTERS[:nd], LETTERS[nd:2 * nd]
    gl = "".join(a + b for a, b in zip(xl, yl, strict=True))
    if argnum == 0:
        return np.reshape(np.einsum(f"{gl},{yl}->{xl}", gi, np.reshape(y, ys)), np.shape(x))
    return np.reshape(np.einsum(f"{gl},{xl}->{yl}", gi, np.reshape(x, xs)), np.shape(y))


# ----- linear algebra -----

def mT(x):
    """Swap the last two axes (matrix transpose over a batch)."""
    return np.swapaxes(x, -1, -2)


def diagonal_vjp(g, x, offset=0, axis1=0, axis2=1):
    """Adjoint of ``np.diagonal``: ``g`` placed on the diagonal of a zero array."""
    nd = np.ndim(x)
    a1, a2 = axis1 % nd, axis2 % nd
    acc = np.zeros(np.shape(x), float_dtype(g))
    moved = np.moveaxis(acc, (a1, a2), (-2, -1))
    n = np.shape(g)[-1]
    i = np.arange(n) + max(-offset, 0)
    j = np.arange(n) + max(offset, 0)
    moved[..., i, j] = g
    return acc


def trace_vjp(g, x, offset=0, axis1=0, axis2=1):
    """Adjoint of ``np.trace``: ``g`` repeated along the (offset) diagonal."""
    n = np.shape(np.diagonal(np.empty(np.shape(x), bool), offset, axis1, axis2))[-1]
    g = np.broadcast_to(np.expand_dims(g, -1), (*np.shape(g), n))
    return diagonal_vjp(g, x, offset, axis1, axis2)


def diag_vjp(g, x, k=0):
    """Adjoint of ``np.diag``: extracts from a matrix, or builds one from a vector."""
    if np.ndim(x) == 1:
        return np.diag(g, k)
    return diagonal_vjp(g, x, k, 0, 1)


def slogdet_vjp(g, ans, x):  # noqa: ARG001
    """Adjoint of ``slogdet``: only the log-determinant carries a gradient."""
    g_logdet = None if g is None else g[1]
    if g_logdet is None:
        return zeros_of(x)
    return np.expand_dims(g_logdet, (-1, -2)) * mT(np.linalg.inv(x))


def solve_vjp(g, ans, a, b, argnum):
    """Adjoint of ``a`` (argnum 0) or ``b`` (1) in ``np.linalg.solve(a, b)``."""
    if np.ndim(b) == 1:
        gb = np.linalg.solve(mT(a), np.expand_dims(g, -1))[..., 0]
        if argnum == 1:
            return unbroadcast(gb, b)
        return unbroadcast(-np.expand_dims(gb, -1) * np.expand_dims(ans, -2), a)
    gb = np.linalg.solve(mT(a), g)
    if argnum == 1:
        return unbroadcast(gb, b)
    return unbroadcast(-gb @ mT(ans), a)


def cholesky_vjp(g, ans, x, upper=False):
    """Adjoint of ``cholesky`` (Murray 2016), as a derivative of the triangle it reads.

    NumPy reads only the lower triangle (upper if ``upper``), so the adjoint lives in
    that triangle; for symmetric perturbations it equals the symmetrized adjoint.
    """
    low = mT(ans) if upper else ans
    gl = mT(g) if upper else g
    n = np.shape(x)[-1]
    phi = mT(low) @ gl
    phi = np.tril(phi) - 0.5 * np.eye(n, dtype=phi.dtype) * phi
    # S = L^{-T} phi L^{-1}
    s = np.linalg.solve(mT(low), mT(np.linalg.solve(mT(low), mT(phi))))
    sym = 0.5 * (s + mT(s))
    return tri_adjoint(sym, "U" if upper else "L")


def tri_adjoint(sym, uplo):
    """Adjoint w.r.t. the triangle a symmetric-matrix routine reads, from a symmetric one."""
    n = np.shape(sym)[-1]
    strict = np.tril(np.ones((n, n), bool), -1) if uplo == "L" else np.triu(
        np.ones((n, n), bool), 1)
    eye = np.eye(n, dtype=bool)
    return np.where(eye, sym, np.where(strict, 2 * sym, np.zeros_like(sym)))


def eigh_vjp(g, ans, x, UPLO="L"):
    """Adjoint of ``eigh`` (real symmetric), w.r.t. the triangle NumPy reads."""
    w, v = ans[0], ans[1]
    gw, gv = g[0], g[1]
    inner = np.zeros(np.shape(x), float_dtype(x))
    if gw is not None:
        inner = inner + np.expand_dims(gw, -2) * np.eye(np.shape(x)[-1], dtype=inner.dtype)
    if gv is not None and np.any(gv):
        n = np.shape(x)[-1]
        diff = np.expand_dims(w, -2) - np.expand_dims(w, -1)
        off = ~np.eye(n, dtype=bool)
        f = np.where(off, 1 / np.where(off, diff, 1), 0)
        inner = inner + f * (mT(v) @ gv)
    full = v @ inner @ mT(v)
    return tri_adjoint(0.5 * (full + mT(full)), UPLO)


def real_only(x, name):
    """Refuse complex input where a rule is derived for real matrices only."""
    if np.iscomplexobj(x):
        msg = f"gradient of {name} for complex matrices"
        raise NotImplementedError(msg)


def off_diagonal_inverse(d):
    """``1 / d`` off the diagonal of the last two axes, 0 on it."""
    n = np.shape(d)[-1]
    off = ~np.eye(n, dtype=bool)
    return np.where(off, 1 / np.where(off, d, 1), 0)


def pinv_vjp(g, ans, a, rcond=None, hermitian=False, **kwargs):  # noqa: ARG001
    """Adjoint of ``pinv``, exact while the rank stays constant (Golub and Pereyra 1973):
    d(A+) = -A+ dA A+ + A+ A+^T dA^T (I - A A+) + (I - A+ A) dA^T A+^T A+."""
    real_only(a, "np.linalg.pinv")
    p, pt, gt = ans, mT(ans), mT(g)
    left = np.eye(np.shape(a)[-2], dtype=p.dtype) - a @ p   # I - A A+, acts on dA's rows
    right = np.eye(np.shape(a)[-1], dtype=p.dtype) - p @ a  # I - A+ A, acts on dA's columns
    return -pt @ g @ pt + left @ gt @ p @ pt + pt @ p @ gt @ right


def svd_vjp(g, ans, a, full_matrices=True, compute_uv=True, hermitian=False):  # noqa: ARG001
    """Adjoint of ``svd`` for real matrices with distinct singular values (Townsend 2016).

    With ``full_matrices=True`` and a non-square ``a``, the extra columns of ``u`` (or rows
    of ``vh``) are not unique: their adjoints must be zero.
    """
    real_only(a, "np.linalg.svd")
    if not compute_uv:
        u, _, vt = np.linalg.svd(a, full_matrices=False)
        return (u * np.expand_dims(g, -2)) @ vt
    u, s, vt = ans
    gu, gs, gvt = g
    k = np.shape(s)[-1]
    if gu is not None and np.shape(gu)[-1] > k:
        if np.any(gu[..., k:]):
            svd_full_matrices()
        gu = gu[..., :k]
    if gvt is not None and np.shape(gvt)[-2] > k:
        if np.any(gvt[..., k:, :]):
            svd_full_matrices()
        gvt = gvt[..., :k, :]
    u, vt = u[..., :k], vt[..., :k, :]
    v = mT(vt)
    f = off_diagonal_inverse(np.expand_dims(s * s, -2) - np.expand_dims(s * s, -1))
    inner = np.zeros((*np.shape(s)[:-1], k, k), float_dtype(a))
    if gs is not None:
        inner = inner + np.expand_dims(gs, -1) * np.eye(k, dtype=inner.dtype)
    out = 0.0
    if gu is not None:
        ut_gu = mT(u) @ gu
        inner = inner + (f * (ut_gu - mT(ut_gu))) * np.expand_dims(s, -2)
        out = out + (gu - u @ ut_gu) / np.expand_dims(s, -2) @ vt
    if gvt is not None:
        gv = mT(gvt)
        vt_gv = vt @ gv
        inner = inner + np.expand_dims(s, -1) * (f * (vt_gv - mT(vt_gv)))
        out = out + u @ mT((gv - v @ vt_gv) / np.expand_dims(s, -2))
    return u @ inner @ vt + out


def svd_full_matrices():
    msg = ("gradient of np.linalg.svd(full_matrices=True) through the extra singular "
           "vectors of a non-square matrix (they are not unique); use full_matrices=False")
    raise NotImplementedError(msg)


def eig_vjp(g, ans, a):
    """Adjoint of ``eig`` (unit-norm eigenvectors, phase free; distinct eigenvalues).

    With A V = V diag(w) and dV = V C, C is off-diagonally (V^-1 dA V)_ij / (w_j - w_i);
    its diagonal keeps each eigenvector at unit norm. Complex arithmetic throughout; a
    real ``a`` gets the real part.
    """
    w, v = ans
    gw, gv = g
    n = np.shape(w)[-1]
    inner = np.zeros(np.shape(v), np.result_type(v, 1j))
    if gw is not None:
        inner = inner + np.expand_dims(gw, -2) * np.eye(n)
    if gv is not None:
        vt = mT(v)
        h = vt @ gv
        norm = (vt @ np.conj(v)) * np.expand_dims(np.real(np.diagonal(h, 0, -2, -1)), -2)
        inner = inner + off_diagonal_inverse(np.expand_dims(w, -2) - np.expand_dims(w, -1)) * (
            h - norm)
    return match_complex(a, np.linalg.solve(mT(v), inner @ mT(v)))


def eigvals_vjp(g, ans, a):  # noqa: ARG001
    """Adjoint of ``eigvals``: that of ``eig`` with no eigenvector adjoint."""
    return eig_vjp([g, None], np.linalg.eig(a), a)


def eigvalsh_vjp(g, ans, a, UPLO="L"):  # noqa: ARG001
    """Adjoint of ``eigvalsh``: that of ``eigh`` with no eigenvector adjoint."""
    return eigh_vjp([g, None], np.linalg.eigh(a, UPLO), a, UPLO)


# ----- shapes, sequences of arrays -----

def transpose_vjp(g, x, axes):
    """Adjoint of ``np.transpose``: transpose back with the inverse permutation."""
    if axes is None or len(axes) == 0:
        return np.transpose(g)
    return np.transpose(g, np.argsort(np.mod(axes, np.ndim(x))))


def split_sizes(g, xs, axis):
    """Split ``g`` along ``axis`` into pieces as long as each of ``xs`` along it."""
    bounds = np.cumsum([np.shape(x)[axis] for x in xs])[:-1]
    return np.split(g, bounds, axis)


def pieces_of(pieces, xs):
    """The adjoint of a sequence argument: a list, or one array if ``xs`` is an array
    (``np.hstack(x)`` treats a 2-D ``x`` as its rows)."""
    return np.stack(pieces) if isinstance(xs, np.ndarray) else pieces


def concatenate_vjp(g, xs, axis=0):
    """Adjoint of ``np.concatenate``: one piece of ``g`` per input array."""
    if axis is None:
        bounds = np.cumsum([np.size(x) for x in xs])[:-1]
        return pieces_of([np.reshape(p, np.shape(x)) for p, x in
                          zip(np.split(g, bounds), xs, strict=True)], xs)
    return pieces_of(split_sizes(g, xs, axis), xs)


def stack_like_vjp(g, xs, promote, axis):
    """Adjoint of hstack/vstack/dstack/column_stack: concatenation of ``promote``-d inputs."""
    promoted = [promote(x) for x in xs]
    if axis == "h":
        axis = 0 if promoted[0].ndim == 1 else 1
    return pieces_of([np.reshape(p, np.shape(x)) for p, x in
                      zip(split_sizes(g, promoted, axis), xs, strict=True)], xs)


def as_column(x):
    """``np.column_stack``'s view of one input: 1-D (or 0-D) arrays become columns."""
    x = np.asarray(x)
    return np.array(x, ndmin=2).T if x.ndim < 2 else x  # noqa: PLR2004


def cross_vjp(g, a, b, axisa, axisb, axisc, axis, argnum):
    """Adjoint of ``np.cross``: ``b x g`` for ``a``, ``g x a`` for ``b`` (2-vectors have
    a zero third component, and a 2 x 2 product is the third component alone)."""
    if axis is not None:
        axisa = axisb = axisc = axis
    am, bm = np.moveaxis(a, axisa, -1), np.moveaxis(b, axisb, -1)
    if np.shape(am)[-1] == np.shape(bm)[-1] == 2:  # noqa: PLR2004
        gm = np.stack([np.zeros_like(g), np.zeros_like(g), g], -1)
    else:
        gm = np.moveaxis(g, axisc, -1)
    a3, b3 = pad_to_three(am), pad_to_three(bm)
    me, ax = (am, axisa) if argnum == 0 else (bm, axisb)
    res = np.cross(b3, gm) if argnum == 0 else np.cross(gm, a3)
    res = unbroadcast(res[..., :np.shape(me)[-1]], me)
    return np.moveaxis(res, -1, ax)


def pad_to_three(v):
    """Vectors along the last axis, with a zero third component added to 2-vectors."""
    if np.shape(v)[-1] == 2:  # noqa: PLR2004
        return np.concatenate([v, np.zeros_like(v[..., :1])], -1)
    return v


def diff_vjp(g, a, n=1, axis=-1, prepend=None, append=None):
    """Adjoint of ``np.diff``: ``n`` negated differences of ``g`` padded with zeros."""
    zero = np.zeros((), float_dtype(g))
    for _ in range(n):
        g = -np.diff(g, axis=axis, prepend=zero, append=zero)
    if prepend is None and append is None:
        return g
    start = 0 if prepend is None else (1 if np.ndim(prepend) == 0 else np.shape(prepend)[axis])
    return np.take(g, np.arange(start, start + np.shape(a)[axis]), axis)


def gradient_vjp(g, f, varargs, axis=None, edge_order=1):
    """Adjoint of ``np.gradient``: the transpose of its difference stencil, axis by axis."""
    nd = np.ndim(f)
    if axis is None:
        axes = tuple(range(nd))
    elif isinstance(axis, (tuple, list)):
        axes = tuple(operator.index(a) % nd for a in axis)
    else:
        axes = (operator.index(axis) % nd,)
    gs = [g] if len(axes) == 1 else list(g)
    spacing = list(varargs) * len(axes) if len(varargs) == 1 else list(varargs)
    out = np.zeros(np.shape(f), float_dtype(f))
    for k, (ax, gk) in enumerate(zip(axes, gs, strict=True)):
        if gk is not None:
            h = spacing[k] if spacing else 1.0
            moved = stencil_transpose(np.moveaxis(gk, ax, 0), h, edge_order)
            out = out + np.moveaxis(moved, 0, ax)
    return out


def stencil_transpose(g, h, edge_order):
    """``M^T g`` along axis 0, where ``np.gradient`` along axis 0 is ``f -> M f``.

    Row ``i`` of M touches three consecutive columns (one of each residue mod 3), so
    ``np.gradient`` of the comb ``[j % 3 == r]`` reads off each row's coefficient for
    residue ``r``: three gradients of length n, whatever the spacing.
    """
    n = np.shape(g)[0]
    rows = np.arange(n)
    first = np.clip(rows - 1, 0, max(n - 3, 0))  # first column each row touches
    out = np.zeros(np.shape(g), float_dtype(g))
    for r in range(3):
        coef = np.gradient((rows % 3 == r).astype(out.dtype), h, edge_order=edge_order)
        cols = first + (r - first) % 3
        ok = cols < n
        np.add.at(out, cols[ok], np.reshape(coef[ok], (-1,) + (1,) * (np.ndim(g) - 1)) * g[ok])
    return out


def rollaxis_vjp(g, a, axis, start=0):
    """Adjoint of ``np.rollaxis``: move the rolled axis back."""
    nd = np.ndim(a)
    axis = operator.index(axis) % nd
    start = operator.index(start) + (nd if start < 0 else 0)
    dest = start - 1 if axis < start else start
    return np.moveaxis(g, dest, axis)


def append_vjp(g, arr, values, axis, argnum):
    """Adjoint of ``np.append``: the piece of ``g`` that came from ``arr`` or ``values``."""
    if axis is None:
        cut = int(np.size(arr))
        piece = g[:cut] if argnum == 0 else g[cut:]
        mine = arr if argnum == 0 else values
        return array_vjp(np.reshape(piece, np.shape(mine)), mine)
    cut = np.shape(arr)[axis]
    n = np.shape(g)[axis]
    idx = np.arange(cut) if argnum == 0 else np.arange(cut, n)
    return array_vjp(np.take(g, idx, axis), arr if argnum == 0 else values)


def split_vjp(g, ans, axis=0):
    """Adjoint of split-like functions: concatenate the pieces (``None`` is zero)."""
    return np.concatenate([zeros_of(a) if gi is None else gi for gi, a in zip(g, ans,
                                                                             strict=True)],
                          axis)


def hsplit_axis(x):
    return 0 if np.ndim(x) == 1 else 1


def tile_vjp(g, x, reps):
    """Adjoint of ``np.tile``: sum the copies."""
    reps = (reps,) if isinstance(reps, (int, np.integer)) else tuple(reps)
    nd = max(np.ndim(x), len(reps))
    xs = (1,) * (nd - np.ndim(x)) + np.shape(x)
    reps = (1,) * (nd - len(reps)) + reps
    gi = np.reshape(g, tuple(n for pair in zip(reps, xs, strict=True) for n in pair))
    return np.reshape(np.sum(gi, axis=tuple(range(0, 2 * nd, 2))), np.shape(x))


def repeat_vjp(g, x, repeats, axis=None):
    """Adjoint of ``np.repeat``: add each repeated copy back into its source."""
    shape = np.shape(x)
    if axis is None:
        shape_flat, axis = (int(np.size(x)),), 0
    else:
        shape_flat, axis = shape, axis % len(shape)
    n = shape_flat[axis]
    idx = np.repeat(np.arange(n), repeats)
    acc = np.zeros((n, *shape_flat[:axis], *shape_flat[axis + 1:]), float_dtype(g))
    np.add.at(acc, idx, np.moveaxis(np.reshape(g, (*shape_flat[:axis], -1,
                                                   *shape_flat[axis + 1:])), axis, 0))
    return np.reshape(np.moveaxis(acc, 0, axis), shape)


def pad_vjp(g, x, pad_width, mode="constant", **kwargs):
    """Adjoint of ``np.pad`` for the modes that are linear in the array."""
    nd = np.ndim(x)
    widths = np.broadcast_to(np.asarray(pad_width, dtype=int), (nd, 2))
    if mode in ("constant", "empty"):
        return g[tuple(slice(int(lo), int(lo) + n) for (lo, _), n in zip(widths, np.shape(x),
                                                                       strict=True))]
    if mode not in ("edge", "reflect", "symmetric", "wrap"):
        msg = f"gradient of np.pad with mode={mode!r}"
        raise NotImplementedError(msg)
    idx = np.pad(np.reshape(np.arange(np.size(x)), np.shape(x)), widths, mode, **kwargs)
    flat = np.bincount(np.ravel(idx), weights=np.ravel(g), minlength=np.size(x))
    return np.reshape(flat.astype(float_dtype(g)), np.shape(x))


def atleast_vjp(g, arys, argnum):
    """Adjoint of ``atleast_{1,2,3}d``: one array in, one array out; else a list."""
    gi = g if len(arys) == 1 else g[argnum]
    if gi is None:
        return zeros_of(arys[argnum])
    return np.reshape(gi, np.shape(arys[argnum]))


# ----- indexing -----

def take_vjp(g, x, indices, axis=None, mode="raise"):
    """Adjoint of ``np.take``: add ``g`` back at the indices taken."""
    shape = np.shape(x)
    if axis is None:
        n, axis, flat_shape = int(np.size(x)), 0, (int(np.size(x)),)
    else:
        axis %= len(shape)
        n, flat_shape = shape[axis], shape
    idx = np.take(np.arange(n), indices, mode=mode)
    acc = np.zeros((n, *flat_shape[:axis], *flat_shape[axis + 1:]), float_dtype(g))
    gm = np.reshape(g, (*flat_shape[:axis], *np.shape(idx), *flat_shape[axis + 1:]))
    gm = np.moveaxis(gm, tuple(range(axis, axis + np.ndim(idx))), tuple(range(np.ndim(idx))))
    np.add.at(acc, idx, gm)
    return np.reshape(np.moveaxis(acc, 0, axis), shape)


def sort_vjp(g, x, axis=-1):
    """Adjoint of ``np.sort``: send ``g`` back through the sorting permutation."""
    if axis is None:
        perm = np.argsort(np.ravel(x), kind="stable")
        acc = np.zeros(np.size(x), float_dtype(g))
        acc[perm] = g
        return np.reshape(acc, np.shape(x))
    perm = np.argsort(x, axis=axis, kind="stable")
    acc = np.zeros(np.shape(x), float_dtype(g))
    np.put_along_axis(acc, perm, g, axis)
    return acc


def permutation_vjp(g, ans, x, axis=-1):
    """Adjoint of a function whose result permutes ``x`` along ``axis`` (``partition``):
    sorting both sides pairs each result entry with the entry of ``x`` it came from."""
    if axis is None:
        return np.reshape(permutation_vjp(g, ans, np.ravel(x), 0), np.shape(x))
    src = np.argsort(x, axis=axis, kind="stable")
    dst = np.argsort(ans, axis=axis, kind="stable")
    acc = np.zeros(np.shape(x), float_dtype(g))
    np.put_along_axis(acc, src, np.take_along_axis(g, dst, axis), axis)
    return acc


def select_vjp(g, condlist, choicelist, default, argnum):
    """Adjoint of ``np.select``: each choice (argnum 1) or the default (argnum 2) gets
    ``g`` where it was the one selected."""
    taken = np.zeros(np.shape(g), bool)
    pieces = []
    for cond, choice in zip(condlist, choicelist, strict=True):
        mine = np.logical_and(cond, np.logical_not(taken))
        pieces.append(unbroadcast(np.where(mine, g, 0), choice))
        taken = np.logical_or(taken, cond)
    if argnum == 1:
        return pieces_of(pieces, choicelist)
    return unbroadcast(np.where(taken, 0, g), default)


# ----- Fourier transforms -----

def fft_axes(x, s, axes):
    """The axes an n-dimensional transform runs over (NumPy's rules for ``s``/``axes``)."""
    if axes is not None:
        return [operator.index(a) % np.ndim(x) for a in axes]
    if s is not None:
        return list(range(np.ndim(x) - len(s), np.ndim(x)))
    return list(range(np.ndim(x)))


def fit_to(g, x, axes):
    """``g`` truncated or zero-padded along ``axes`` to ``x``'s length there (the adjoint
    of a transform's own truncating or padding to ``n`` / ``s``)."""
    for ax in axes:
        n, m = np.shape(x)[ax], np.shape(g)[ax]
        if m > n:
            g = np.take(g, np.arange(n), ax)
        elif m < n:
            widths = [(0, 0)] * np.ndim(g)
            widths[ax] = (0, n - m)
            g = np.pad(g, widths)
    return g


def fft_vjp(g, x, transform, s, axes, norm):
    """Adjoint of a complex transform (``fft``, ``ifftn``, ...): its matrix is symmetric,
    so the adjoint is the same transform of ``g``, fitted back to ``x``."""
    axes = fft_axes(x, s, axes)
    return match_complex(x, fit_to(transform(g, axes=axes, norm=norm), x, axes))


def rfft_vjp(g, x, s, axes, norm):
    """Adjoint of ``rfftn``: the full transform of ``g`` zero-padded back to the
    transform's sizes ``s`` (an int ``n`` for ``rfft``); the real part, as ``x`` is real."""
    s = [s] if isinstance(s, int) else s
    axes = fft_axes(x, s, axes)
    sizes = list(s) if s is not None else [np.shape(x)[a] for a in axes]
    return np.real(fit_to(np.fft.fftn(g, s=sizes, axes=axes, norm=norm), x, axes))


def irfft_vjp(g, x, s, axes, norm):
    """Adjoint of ``irfftn`` (a real-linear map): the inverse transform of ``g``, kept for
    the half-spectrum it reads, whose bins other than 0 and n/2 count twice."""
    s = [s] if isinstance(s, int) else s
    axes = fft_axes(x, s, axes)
    sizes = list(s) if s is not None else [np.shape(x)[a] for a in axes[:-1]] + [
        2 * (np.shape(x)[axes[-1]] - 1)]
    n = sizes[-1]
    half = np.take(np.fft.ifftn(np.real(g), s=sizes, axes=axes, norm=norm),
                   np.arange(n // 2 + 1), axes[-1])
    weights = np.full(n // 2 + 1, 2.0, np.real(half).dtype)
    weights[0] = 1.0
    if n % 2 == 0:
        weights[-1] = 1.0
    shape = [1] * np.ndim(half)
    shape[axes[-1]] = -1
    return match_complex(x, fit_to(half * np.reshape(weights, shape), x, axes))


# ----- constructors -----

def linspace_vjp(g, ans, start, stop, num, endpoint, retstep, axis, *, argnum):
    """Adjoint of ``np.linspace`` for ``start`` (argnum 0) or ``stop`` (1): sample ``i`` is
    ``start + t_i (stop - start)``, and the step is ``(stop - start) / div``."""
    samples = ans[0] if retstep else ans
    if not is_inexact(samples):
        return zeros_of(start if argnum == 0 else stop)
    g_samples, g_step = (g[0], g[1]) if retstep else (g, None)
    div = (num - 1) if endpoint else num
    t = np.linspace(0.0, 1.0, num, endpoint=endpoint)
    t = np.moveaxis(np.reshape(t, (num,) + (1,) * (np.ndim(samples) - 1)), 0, axis)
    acc = 0.0
    if g_samples is not None:
        acc = np.sum(g_samples * (t if argnum == 1 else 1.0 - t), axis=axis)
    if g_step is not None and div > 0:
        acc = acc + (g_step if argnum == 1 else -g_step) / div
    return cast_like(unbroadcast(acc, start if argnum == 0 else stop),
                     start if argnum == 0 else stop)


def arange_vjp(g, ans, *args, argnum, **kwargs):  # noqa: ARG001
    """Adjoint of ``np.arange(start, stop, step)``: entry ``i`` is ``start + i * step``;
    ``stop`` only sets the length (a piecewise-constant dependence)."""
    if not is_inexact(ans) or len(args) == 1 or argnum == 1:
        return 0.0 * np.sum(g)
    if argnum == 0:
        return np.sum(g)
    return np.sum(g * np.arange(np.size(ans)))


# ----- functions for array methods with no NumPy function of the same meaning -----

def flatten(x, order="C"):
    """``x.flatten(order)``."""
    return x.flatten(order)


def astype(x, dtype, order="K", casting="unsafe", subok=True, copy=True):
    """``x.astype(dtype)``."""
    return x.astype(dtype, order=order, casting=casting, subok=subok, copy=copy)


def copy(x, order="C"):
    """``x.copy(order)``."""
    return x.copy(order)


def reshape_method(x, *shape, order="C"):
    """``x.reshape(2, 3)`` as well as ``x.reshape((2, 3))``."""
    return x.reshape(*shape, order=order)


def transpose_method(x, *axes):
    """``x.transpose(1, 0, 2)`` as well as ``x.transpose((1, 0, 2))``."""
    return x.transpose(*axes)


def method_axes(axes):
    """The permutation given to ``x.transpose(*axes)``: None, or a tuple."""
    if len(axes) == 1 and (axes[0] is None or not isinstance(axes[0], (int, np.integer))):
        return axes[0]
    return axes


# ===================================================================================
# the table
# ===================================================================================

# ----- arithmetic (operators map here) -----
defvjp(np.add,
       lambda g, ans, x, y: unbroadcast(g, x),
       lambda g, ans, x, y: unbroadcast(g, y))
defvjp(np.subtract,
       lambda g, ans, x, y: unbroadcast(g, x),
       lambda g, ans, x, y: unbroadcast(-g, y))
defvjp(np.multiply,
       lambda g, ans, x, y: unbroadcast(g * y, x),
       lambda g, ans, x, y: unbroadcast(g * x, y))
defvjp(np.true_divide,  # also np.divide
       lambda g, ans, x, y: unbroadcast(g / y, x),
       lambda g, ans, x, y: unbroadcast(-g * ans / y, y))
defvjp(np.power,
       lambda g, ans, x, y: unbroadcast(g * y * x ** power_exponent_less_one(y), x),
       lambda g, ans, x, y: unbroadcast(g * safe_log(x) * ans, y))
defvjp(np.float_power,
       lambda g, ans, x, y:
       cast_like(unbroadcast(g * y * np.float_power(x, power_exponent_less_one(y)), x), x),
       lambda g, ans, x, y: cast_like(unbroadcast(g * safe_log(x) * ans, y), y))
defvjp(np.negative, lambda g, ans, x: -g)
defvjp(np.positive, lambda g, ans, x: g)
defvjp(np.reciprocal, lambda g, ans, x: -g * ans * ans)
defvjp(np.matmul,
       lambda g, ans, x, y: matmul_vjp_x(g, x, y),
       lambda g, ans, x, y: matmul_vjp_y(g, x, y))
defvjp(np.maximum,
       lambda g, ans, x, y: unbroadcast(g * (x >= y), x),
       lambda g, ans, x, y: unbroadcast(g * (x < y), y))
defvjp(np.minimum,
       lambda g, ans, x, y: unbroadcast(g * (x <= y), x),
       lambda g, ans, x, y: unbroadcast(g * (x > y), y))
defvjp(np.fmax,
       lambda g, ans, x, y: unbroadcast(g * fmax_mask(x, y), x),
       lambda g, ans, x, y: unbroadcast(g * np.logical_not(fmax_mask(x, y)), y))
defvjp(np.fmin,
       lambda g, ans, x, y: unbroadcast(g * fmin_mask(x, y), x),
       lambda g, ans, x, y: unbroadcast(g * np.logical_not(fmin_mask(x, y)), y))
defvjp(np.arctan2,
       lambda g, ans, x, y: unbroadcast(g * y / (x * x + y * y), x),
       lambda g, ans, x, y: unbroadcast(-g * x / (x * x + y * y), y))
defvjp(np.hypot,
       lambda g, ans, x, y: unbroadcast(g * x / ans, x),
       lambda g, ans, x, y: unbroadcast(g * y / ans, y))
defvjp(np.logaddexp,
       lambda g, ans, x, y: unbroadcast(g * np.exp(x - ans), x),
       lambda g, ans, x, y: unbroadcast(g * np.exp(y - ans), y))
defvjp(np.logaddexp2,
       lambda g, ans, x, y: unbroadcast(g * np.exp2(x - ans), x),
       lambda g, ans, x, y: unbroadcast(g * np.exp2(y - ans), y))
defvjp(np.remainder,  # also np.mod
       lambda g, ans, x, y: unbroadcast(g, x),
       lambda g, ans, x, y: unbroadcast(-g * np.floor(x / y), y))
defvjp(np.fmod,
       lambda g, ans, x, y: unbroadcast(g, x),
       lambda g, ans, x, y: unbroadcast(-g * np.trunc(x / y), y))
defvjp(np.copysign,
       lambda g, ans, x, y: unbroadcast(g * np.copysign(1, x) * np.copysign(1, ans), x),
       None)

# ----- elementwise functions -----
defvjp(np.sin, lambda g, ans, x: g * np.cos(x))
defvjp(np.cos, lambda g, ans, x: -g * np.sin(x))
defvjp(np.tan, lambda g, ans, x: g / np.cos(x) ** 2)
defvjp(np.arcsin, lambda g, ans, x: g / np.sqrt(1 - x * x))
defvjp(np.arccos, lambda g, ans, x: -g / np.sqrt(1 - x * x))
defvjp(np.arctan, lambda g, ans, x: g / (1 + x * x))
defvjp(np.sinh, lambda g, ans, x: g * np.cosh(x))
defvjp(np.cosh, lambda g, ans, x: g * np.sinh(x))
defvjp(np.tanh, lambda g, ans, x: g * (1 - ans * ans))
defvjp(np.arcsinh, lambda g, ans, x: g / np.sqrt(x * x + 1))
defvjp(np.arccosh, lambda g, ans, x: g / np.sqrt(x * x - 1))
defvjp(np.arctanh, lambda g, ans, x: g / (1 - x * x))
defvjp(np.exp, lambda g, ans, x: g * ans)
defvjp(np.exp2, lambda g, ans, x: g * ans * LOG2)
defvjp(np.expm1, lambda g, ans, x: g * (ans + 1))
defvjp(np.log, lambda g, ans, x: g / x)
defvjp(np.log2, lambda g, ans, x: g / (x * LOG2))
defvjp(np.log10, lambda g, ans, x: g / (x * LOG10))
defvjp(np.log1p, lambda g, ans, x: g / (x + 1))
defvjp(np.sqrt, lambda g, ans, x: g * 0.5 / ans)
defvjp(np.cbrt, lambda g, ans, x: g / (3 * ans * ans))
defvjp(np.square, lambda g, ans, x: g * 2 * x)
defvjp(np.abs, lambda g, ans, x: g * np.sign(np.conj(x)))  # also np.absolute; conj(x) / |x|
defvjp(np.fabs, lambda g, ans, x: g * np.sign(x))
defvjp(abs, lambda g, ans, x: g * np.sign(np.conj(x)))
defvjp(np.deg2rad, lambda g, ans, x: g * DEG)
defvjp(np.radians, lambda g, ans, x: g * DEG)
defvjp(np.rad2deg, lambda g, ans, x: g / DEG)
defvjp(np.degrees, lambda g, ans, x: g / DEG)
defvjp(np.real, lambda g, ans, x: match_complex(x, np.real(g)))
defvjp(np.imag, lambda g, ans, x: match_complex(x, -1j * np.real(g)))
defvjp(np.conjugate, lambda g, ans, x: np.conj(g))  # also np.conj
defvjp(np.angle, lambda g, ans, z, deg=False:  # d angle = Im(dz / z); constant on the reals
       match_complex(z, -1j * np.real(g) / np.where(z == 0, 1, z) * (1 / DEG if deg else 1)))
defvjp(np.real_if_close, lambda g, ans, a, tol=100:
       match_complex(a, g if np.iscomplexobj(ans) else np.real(g)))
defvjp(np.nan_to_num, lambda g, ans, x, copy=True, nan=0.0, posinf=None, neginf=None:
       g * np.isfinite(x))

# ----- reductions -----
defvjp(np.sum, lambda g, ans, x, axis=None, dtype=None, out=None, keepdims=False:
       repeat_to_match(g, x, axis, keepdims))
defvjp(np.mean, lambda g, ans, x, axis=None, dtype=None, out=None, keepdims=False:
       repeat_to_match(g, x, axis, keepdims) / count_reduced(x, axis))
defvjp(np.prod, prod_vjp)
defvjp(np.max, minmax_vjp)
defvjp(np.min, minmax_vjp)
defvjp(np.amax, minmax_vjp)
defvjp(np.amin, minmax_vjp)
defvjp(np.var, lambda g, ans, x, axis=None, dtype=None, out=None, ddof=0, keepdims=False:
       repeat_to_match(g, x, axis, keepdims) * 2 * (x - np.mean(x, axis=axis, keepdims=True))
       / (count_reduced(x, axis) - ddof))
defvjp(np.std, lambda g, ans, x, axis=None, dtype=None, out=None, ddof=0, keepdims=False:
       std_vjp(g, ans, x, axis, ddof, keepdims))
defvjp(np.cumsum, lambda g, ans, x, axis=None, dtype=None, out=None: cumsum_vjp(g, x, axis))
defvjp(np.cumprod, cumprod_vjp)
defvjp(np.linalg.norm, norm_vjp)

# ----- products and linear algebra -----
defvjp(np.dot,
       lambda g, ans, x, y: dot_vjp_x(g, x, y),
       lambda g, ans, x, y: dot_vjp_y(g, x, y))
defvjp(np.vdot,
       lambda g, ans, x, y: np.reshape(g * np.conj(y), np.shape(x)),
       lambda g, ans, x, y: np.reshape(g * x, np.shape(y)))
defvjp(np.outer,
       lambda g, ans, x, y: np.reshape(g @ np.ravel(y), np.shape(x)),
       lambda g, ans, x, y: np.reshape(np.ravel(x) @ g, np.shape(y)))
defvjp(np.inner,
       lambda g, ans, x, y: inner_vjp(g, x, y, 0),
       lambda g, ans, x, y: inner_vjp(g, x, y, 1))
defvjp(np.tensordot,
       lambda g, ans, x, y, axes=2: tensordot_vjp(g, x, y, axes, 0),
       lambda g, ans, x, y, axes=2: tensordot_vjp(g, x, y, axes, 1))
defvjp(np.kron,
       lambda g, ans, x, y: kron_vjp(g, x, y, 0),
       lambda g, ans, x, y: kron_vjp(g, x, y, 1))
defvjp(np.einsum,  # either form: (subscripts, *operands) or (op0, sublist0, op1, ...)
       *(functools.partial(einsum_arg_vjp, argnum=i) for i in range(16)))
defvjp(np.trace, lambda g, ans, x, offset=0, axis1=0, axis2=1, dtype=None, out=None:
       trace_vjp(g, x, offset, axis1, axis2))
defvjp(np.diag, lambda g, ans, x, k=0: diag_vjp(g, x, k))
defvjp(np.diagonal, lambda g, ans, x, offset=0, axis1=0, axis2=1:
       diagonal_vjp(g, x, offset, axis1, axis2))
defvjp(np.linalg.inv, lambda g, ans, x: -mT(ans) @ g @ mT(ans))
defvjp(np.linalg.det, lambda g, ans, x:
       np.expand_dims(g * ans, (-1, -2)) * mT(np.linalg.inv(x)))
defvjp(np.linalg.slogdet, slogdet_vjp)
defvjp(np.linalg.solve,
       lambda g, ans, a, b: solve_vjp(g, ans, a, b, 0),
       lambda g, ans, a, b: solve_vjp(g, ans, a, b, 1))
defvjp(np.linalg.cholesky, cholesky_vjp)
defvjp(np.linalg.eigh, eigh_vjp)
defvjp(np.linalg.eigvalsh, eigvalsh_vjp)
defvjp(np.linalg.eig, eig_vjp)
defvjp(np.linalg.eigvals, eigvals_vjp)
defvjp(np.linalg.svd, svd_vjp)
defvjp(np.linalg.pinv, pinv_vjp)
defvjp(np.cross,
       lambda g, ans, a, b, axisa=-1, axisb=-1, axisc=-1, axis=None:
       cross_vjp(g, a, b, axisa, axisb, axisc, axis, 0),
       lambda g, ans, a, b, axisa=-1, axisb=-1, axisc=-1, axis=None:
       cross_vjp(g, a, b, axisa, axisb, axisc, axis, 1))

# ----- shape -----
defvjp(np.reshape, lambda g, ans, x, shape=None, order="C", copy=None:
       np.reshape(g, np.shape(x), order=order))
defvjp(reshape_method, lambda g, ans, x, *shape, order="C":
       np.reshape(g, np.shape(x), order=order))
defvjp(np.ravel, lambda g, ans, x, order="C": np.reshape(g, np.shape(x), order=order))
defvjp(flatten, lambda g, ans, x, order="C": np.reshape(g, np.shape(x), order=order))
defvjp(np.squeeze, lambda g, ans, x, axis=None: np.reshape(g, np.shape(x)))
defvjp(np.expand_dims, lambda g, ans, x, axis: np.reshape(g, np.shape(x)))
defvjp(np.transpose, lambda g, ans, x, axes=None: transpose_vjp(g, x, axes))
defvjp(transpose_method, lambda g, ans, x, *axes: transpose_vjp(g, x, method_axes(axes)))
defvjp(np.swapaxes, lambda g, ans, x, axis1, axis2: np.swapaxes(g, axis1, axis2))
defvjp(np.moveaxis, lambda g, ans, x, source, destination: np.moveaxis(g, destination, source))
defvjp(mT, lambda g, ans, x: mT(g))
defvjp(np.broadcast_to, lambda g, ans, x, shape, subok=False: unbroadcast(g, x))
defvjp(np.concatenate, lambda g, ans, arrays, axis=0, out=None, dtype=None, casting=None:
       concatenate_vjp(g, arrays, axis))
defvjp(np.stack, lambda g, ans, arrays, axis=0, out=None, dtype=None, casting=None:
       pieces_of(list(np.moveaxis(g, axis, 0)), arrays))
defvjp(np.hstack, lambda g, ans, tup, dtype=None, casting=None:
       stack_like_vjp(g, tup, np.atleast_1d, "h"))
defvjp(np.vstack, lambda g, ans, tup, dtype=None, casting=None:
       stack_like_vjp(g, tup, np.atleast_2d, 0))
defvjp(np.dstack, lambda g, ans, tup: stack_like_vjp(g, tup, np.atleast_3d, 2))
defvjp(np.column_stack, lambda g, ans, tup: stack_like_vjp(g, tup, as_column, 1))
if hasattr(np, "row_stack"):  # a deprecated alias of vstack, still in NumPy 2
    defvjp(np.row_stack, lambda g, ans, tup, dtype=None, casting=None:
           stack_like_vjp(g, tup, np.atleast_2d, 0))
defvjp(np.append,
       lambda g, ans, arr, values, axis=None: append_vjp(g, arr, values, axis, 0),
       lambda g, ans, arr, values, axis=None: append_vjp(g, arr, values, axis, 1))
defvjp(np.diff, lambda g, ans, a, n=1, axis=-1, prepend=None, append=None:
       diff_vjp(g, a, n, axis, prepend, append))
defvjp(np.gradient, lambda g, ans, f, *varargs, axis=None, edge_order=1:
       gradient_vjp(g, f, varargs, axis, edge_order))
defvjp(np.rollaxis, lambda g, ans, a, axis, start=0: rollaxis_vjp(g, a, axis, start))
defvjp(np.split, lambda g, ans, x, indices_or_sections, axis=0: split_vjp(g, ans, axis))
defvjp(np.array_split, lambda g, ans, x, indices_or_sections, axis=0: split_vjp(g, ans, axis))
defvjp(np.hsplit, lambda g, ans, x, indices_or_sections: split_vjp(g, ans, hsplit_axis(x)))
defvjp(np.vsplit, lambda g, ans, x, indices_or_sections: split_vjp(g, ans, 0))
defvjp(np.dsplit, lambda g, ans, x, indices_or_sections: split_vjp(g, ans, 2))
defvjp(np.tile, lambda g, ans, x, reps: tile_vjp(g, x, reps))
defvjp(np.repeat, lambda g, ans, x, repeats, axis=None: repeat_vjp(g, x, repeats, axis))
defvjp(np.flip, lambda g, ans, x, axis=None: np.flip(g, axis))
defvjp(np.fliplr, lambda g, ans, x: np.fliplr(g))
defvjp(np.flipud, lambda g, ans, x: np.flipud(g))
defvjp(np.roll, lambda g, ans, x, shift, axis=None: np.roll(g, np.negative(shift), axis))
defvjp(np.rot90, lambda g, ans, x, k=1, axes=(0, 1): np.rot90(g, -k, axes))
defvjp(np.pad, lambda g, ans, x, pad_width, mode="constant", **kwargs:
       pad_vjp(g, x, pad_width, mode, **kwargs))
defvjp(np.triu, lambda g, ans, x, k=0: np.triu(g, k))
defvjp(np.tril, lambda g, ans, x, k=0: np.tril(g, k))
defvjp(np.atleast_1d,
       lambda g, ans, *arys: atleast_vjp(g, arys, 0),
       lambda g, ans, *arys: atleast_vjp(g, arys, 1),
       lambda g, ans, *arys: atleast_vjp(g, arys, 2),
       lambda g, ans, *arys: atleast_vjp(g, arys, 3))
defvjp(np.atleast_2d,
       lambda g, ans, *arys: atleast_vjp(g, arys, 0),
       lambda g, ans, *arys: atleast_vjp(g, arys, 1),
       lambda g, ans, *arys: atleast_vjp(g, arys, 2),
       lambda g, ans, *arys: atleast_vjp(g, arys, 3))
defvjp(np.atleast_3d,
       lambda g, ans, *arys: atleast_vjp(g, arys, 0),
       lambda g, ans, *arys: atleast_vjp(g, arys, 1),
       lambda g, ans, *arys: atleast_vjp(g, arys, 2),
       lambda g, ans, *arys: atleast_vjp(g, arys, 3))
defvjp(np.copy, lambda g, ans, x, order="K", subok=False: g)
defvjp(copy, lambda g, ans, x, order="C": g)
defvjp(astype, lambda g, ans, x, dtype, order="K", casting="unsafe", subok=True, copy=True:
       cast_like(match_complex(x, g), x) if is_inexact(ans) else zeros_of(x))

# ----- indexing and selection -----
defvjp(np.take, lambda g, ans, x, indices, axis=None, out=None, mode="raise":
       take_vjp(g, x, indices, axis, mode))
defvjp(np.where,
       None,
       lambda g, ans, condition, x, y: unbroadcast(np.where(condition, g, 0.0), x),
       lambda g, ans, condition, x, y: unbroadcast(np.where(condition, 0.0, g), y))
defvjp(np.clip,
       lambda g, ans, x, a_min=None, a_max=None, out=None, **kwargs:
       unbroadcast(g * np.equal(ans, x), x),
       lambda g, ans, x, a_min=None, a_max=None, out=None, **kwargs:
       unbroadcast(g * (np.not_equal(ans, x) & np.equal(ans, a_min)), a_min),
       lambda g, ans, x, a_min=None, a_max=None, out=None, **kwargs:
       unbroadcast(g * (np.not_equal(ans, x) & np.equal(ans, a_max)
                        & np.not_equal(ans, a_min)), a_max))
defvjp(np.sort, lambda g, ans, x, axis=-1, kind=None, order=None, stable=None:
       sort_vjp(g, x, axis))
defvjp(np.partition, lambda g, ans, a, kth, axis=-1, kind="introselect", order=None:
       permutation_vjp(g, ans, a, axis))
defvjp(np.select,
       None,
       lambda g, ans, condlist, choicelist, default=0: select_vjp(g, condlist, choicelist,
                                                                  default, 1),
       lambda g, ans, condlist, choicelist, default=0: select_vjp(g, condlist, choicelist,
                                                                  default, 2))

# ----- Fourier transforms -----
defvjp(np.fft.fft, lambda g, ans, a, n=None, axis=-1, norm=None, out=None:
       fft_vjp(g, a, np.fft.fftn, None, [axis], norm))
defvjp(np.fft.ifft, lambda g, ans, a, n=None, axis=-1, norm=None, out=None:
       fft_vjp(g, a, np.fft.ifftn, None, [axis], norm))
defvjp(np.fft.fft2, lambda g, ans, a, s=None, axes=(-2, -1), norm=None, out=None:
       fft_vjp(g, a, np.fft.fftn, s, axes, norm))
defvjp(np.fft.ifft2, lambda g, ans, a, s=None, axes=(-2, -1), norm=None, out=None:
       fft_vjp(g, a, np.fft.ifftn, s, axes, norm))
defvjp(np.fft.fftn, lambda g, ans, a, s=None, axes=None, norm=None, out=None:
       fft_vjp(g, a, np.fft.fftn, s, axes, norm))
defvjp(np.fft.ifftn, lambda g, ans, a, s=None, axes=None, norm=None, out=None:
       fft_vjp(g, a, np.fft.ifftn, s, axes, norm))
defvjp(np.fft.rfft, lambda g, ans, a, n=None, axis=-1, norm=None, out=None:
       rfft_vjp(g, a, n, [axis], norm))
defvjp(np.fft.rfft2, lambda g, ans, a, s=None, axes=(-2, -1), norm=None, out=None:
       rfft_vjp(g, a, s, axes, norm))
defvjp(np.fft.rfftn, lambda g, ans, a, s=None, axes=None, norm=None, out=None:
       rfft_vjp(g, a, s, axes, norm))
defvjp(np.fft.irfft, lambda g, ans, a, n=None, axis=-1, norm=None, out=None:
       irfft_vjp(g, a, n, [axis], norm))
defvjp(np.fft.irfft2, lambda g, ans, a, s=None, axes=(-2, -1), norm=None, out=None:
       irfft_vjp(g, a, s, axes, norm))
defvjp(np.fft.irfftn, lambda g, ans, a, s=None, axes=None, norm=None, out=None:
       irfft_vjp(g, a, s, axes, norm))
defvjp(np.fft.fftshift, lambda g, ans, x, axes=None: np.fft.ifftshift(g, axes))
defvjp(np.fft.ifftshift, lambda g, ans, x, axes=None: np.fft.fftshift(g, axes))

# ----- not differentiable: the result carries no gradient -----
defnondiff(
    # shapes, types and Python builtins
    np.shape, np.ndim, np.size, len, range, isinstance, type, int, bool,
    # index-valued and boolean results
    np.argmax, np.argmin, np.argsort, np.nonzero, np.flatnonzero, np.argwhere,
    np.count_nonzero, np.searchsorted, np.all, np.any, np.isnan, np.isfinite, np.isinf,
    np.isclose, np.allclose, np.array_equal, np.signbit,
    # piecewise constant
    np.sign, np.floor, np.ceil, np.round, np.around, np.rint, np.trunc, np.fix,
    np.floor_divide,
    # comparisons and logic
    operator.lt, operator.le, operator.gt, operator.ge, operator.eq, operator.ne,
    operator.not_, np.greater, np.greater_equal, np.less, np.less_equal, np.equal,
    np.not_equal, np.logical_and, np.logical_or, np.logical_not, np.logical_xor,
    # constructors from shapes; *_like reads only the shape and dtype of its argument
    np.zeros, np.ones, np.empty, np.eye, np.identity, np.zeros_like, np.ones_like,
    np.empty_like,
    # casts to integer types
    np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64,
    # random draws from integer or shape arguments, or with integer results
    np.random.rand, np.random.randn, np.random.random, np.random.random_sample,
    np.random.standard_normal, np.random.randint, np.random.seed, np.random.binomial,
    np.random.poisson,
)

# ----- constructors with float parameters -----
defvjp(np.full, None, lambda g, ans, shape, fill_value, dtype=None, order="C":
       unbroadcast(g, fill_value) if is_inexact(ans) else zeros_of(fill_value))
defvjp(np.full_like,
       lambda g, ans, a, fill_value, dtype=None, order="K", subok=True, shape=None: zeros_of(a),
       lambda g, ans, a, fill_value, dtype=None, order="K", subok=True, shape=None:
       unbroadcast(g, fill_value) if is_inexact(ans) else zeros_of(fill_value))
defvjp(np.linspace,
       lambda g, ans, start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0:
       linspace_vjp(g, ans, start, stop, num, endpoint, retstep, axis, argnum=0),
       lambda g, ans, start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0:
       linspace_vjp(g, ans, start, stop, num, endpoint, retstep, axis, argnum=1))
defvjp(np.arange, *(functools.partial(arange_vjp, argnum=i) for i in range(3)))

# ----- random draws: differentiable in their float parameters at a fixed random state -----
# NumPy draws normal as loc + scale * z, uniform as low + (high - low) * u, exponential
# and gamma as scale * (a draw); the draw is recovered from the result. Draws with no
# such form (beta, the shape of gamma, permutation and choice of an array being
# differentiated) have no rule, so using them on such a value is an error.
defvjp(np.random.normal,
       lambda g, ans, loc=0.0, scale=1.0, size=None: unbroadcast(g, loc),
       lambda g, ans, loc=0.0, scale=1.0, size=None: unbroadcast(g * (ans - loc) / scale, scale))
defvjp(np.random.uniform,
       lambda g, ans, low=0.0, high=1.0, size=None:
       unbroadcast(g * (high - ans) / (high - low), low),
       lambda g, ans, low=0.0, high=1.0, size=None:
       unbroadcast(g * (ans - low) / (high - low), high))
defvjp(np.random.exponential,
       lambda g, ans, scale=1.0, size=None: unbroadcast(g * ans / scale, scale))
defvjp(np.random.gamma,
       None,
       lambda g, ans, shape, scale=1.0, size=None: unbroadcast(g * ans / scale, scale))
defvjp(np.random.choice,  # which entries are drawn is piecewise constant in p
       None, None, None,
       lambda g, ans, a, size=None, replace=True, p=None: zeros_of(p))

# ----- array methods and attributes -----
for _method, _fun in (
        ("sum", np.sum), ("mean", np.mean), ("max", np.max), ("min", np.min),
        ("prod", np.prod), ("var", np.var), ("std", np.std), ("dot", np.dot),
        ("reshape", reshape_method), ("transpose", transpose_method), ("flatten", flatten),
        ("ravel", np.ravel), ("squeeze", np.squeeze), ("astype", astype), ("copy", copy),
        ("clip", np.clip), ("cumsum", np.cumsum), ("cumprod", np.cumprod),
        ("swapaxes", np.swapaxes), ("repeat", np.repeat), ("take", np.take),
        ("diagonal", np.diagonal), ("trace", np.trace), ("conj", np.conjugate),
        ("conjugate", np.conjugate)):
    R.defmethod(_method, _fun)
for _method, _fun in (
        ("argmax", np.argmax), ("argmin", np.argmin), ("argsort", np.argsort),
        ("nonzero", np.nonzero), ("all", np.all), ("any", np.any), ("round", np.round)):
    R.defmethod(_method, _fun, nondiff=True)
R.defattribute("T", np.transpose)
R.defattribute("mT", mT)
R.defattribute("real", np.real)
R.defattribute("imag", np.imag)
for _attr in ("shape", "ndim", "size", "dtype", "itemsize", "nbytes"):
    R.defattribute(_attr, None)


# ----- constructors on active values -----
def index_trick_vjp(g, which, items, i):
    """Adjoint of item ``i`` of ``np.r_[items]`` (``which == "r"``) or ``np.c_[items]``."""
    if any(isinstance(item, str) for item in items):
        raise NotImplementedError("cpsgrad has no gradient for np.r_/np.c_ with a string "
                                  "directive; use np.concatenate")
    trick, axis = (np.r_, 0) if which == "r" else (np.c_, -1)
    sizes = [np.shape(trick[item])[axis] for item in items]
    start = sum(sizes[:i])
    part = np.take(g, range(start, start + sizes[i]), axis=axis)
    return np.reshape(part, np.shape(items[i]))


def array_vjp(g, x):
    """Adjoint of ``np.array(x)`` for a (nested) list or tuple ``x`` of floats and arrays."""
    if isinstance(x, (list, tuple)):
        return type(x)(array_vjp(g[i], item) for i, item in enumerate(x))
    return unbroadcast(g, x)


def array_rule(g, ans, x, ndmin=0):
    """Adjoint of ``np.array(x, dtype, ndmin=...)``: zero if the result holds integers."""
    if not is_inexact(ans):
        g = np.zeros(np.shape(ans))
    if ndmin:
        g = np.reshape(g, np.shape(np.asarray(x)))
    return array_vjp(g, x)


defvjp(np.array, lambda g, ans, x, dtype=None, copy=True, order="K", subok=False, ndmin=0:
       array_rule(g, ans, x, ndmin))
defvjp(np.asarray, lambda g, ans, a, dtype=None, order=None: array_rule(g, ans, a))
