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

import contextlib
import math
import operator
import string

import numpy as np

from cpsgrad.rules.registry import default_registry as R  # noqa: N812
from cpsgrad.runtime import unbroadcast

defvjp, deflinear, defnondiff = R.defvjp, R.deflinear, R.defnondiff

LOG2 = math.log(2.0)
LOG10 = math.log(10.0)
DEG = math.pi / 180.0
TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
LETTERS = string.ascii_letters
SPECTRAL = 2  # ``ord`` of the 2-norm / largest singular value


# ===================================================================================
# helpers used by the rules
# ===================================================================================

def float_dtype(x):
    """The dtype an adjoint of ``x`` has: ``x``'s own if inexact, else float64."""
    dtype = np.result_type(x) if isinstance(x, (np.ndarray, np.generic)) else np.float64
    return dtype if np.issubdtype(dtype, np.inexact) else np.dtype(np.float64)


def cast_like(g, x):
    """``g`` as an array with ``x``'s floating dtype (for rules that compute in float64)."""
    return np.asarray(g, dtype=float_dtype(x))


def zeros_of(x, like=None):
    """Zeros of ``x``'s shape, in the dtype of ``like`` (default: ``x``)."""
    return np.zeros(np.shape(x), float_dtype(x if like is None else like))


def match_complex(x, g):
    """``g`` made real when ``x`` is real (adjoints of real inputs are real)."""
    return g if np.iscomplexobj(x) else np.real(g)


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
    if axis is not None and not keepdims and x.ndim:  # put the reduced axes back, as length 1
        axes = normalize_axes(axis, x.ndim)
        ans, g = np.expand_dims(ans, axes), np.expand_dims(g, axes)
    mask = (x == ans).astype(float_dtype(x))
    return mask * (g / mask.sum(axis=axis, keepdims=True))


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
    x = np.asarray(x)
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
    if yd == 0 or xd == 0:
        return cast_like(unbroadcast(g * y, x), x)
    if yd == 1:
        return np.tensordot(g, y, 0) if xd == 1 else np.multiply.outer(g, y)
    return cast_like(np.tensordot(g, np.swapaxes(y, -1, -2), yd - 1), x)


def dot_vjp_y(g, x, y):
    """Adjoint of ``y`` in ``np.dot(x, y)``."""
    xd, yd = np.ndim(x), np.ndim(y)
    if yd == 0 or xd == 0:
        return cast_like(unbroadcast(g * x, y), y)
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


def einsum_parse(subscripts, operands):
    """Explicit subscripts with every ellipsis expanded to letters: (input specs, output)."""
    subs = subscripts.replace(" ", "")
    ins, out = subs.split("->") if "->" in subs else (subs, None)
    specs = ins.split(",")
    free = [c for c in LETTERS if c not in subs]
    n_ell = max((np.ndim(op) - len(s.replace("...", "")) for s, op in
                 zip(specs, operands, strict=True) if "..." in s), default=0)
    ell = "".join(free[:n_ell])
    full = []
    for spec, op in zip(specs, operands, strict=True):
        n = np.ndim(op) - len(spec.replace("...", ""))
        full.append(spec.replace("...", ell[n_ell - n:]) if "..." in spec else spec)
    if out is None:
        counts = {}
        for s in specs:
            for c in s.replace("...", ""):
                counts[c] = counts.get(c, 0) + 1
        out = ell + "".join(sorted(c for c, n in counts.items() if n == 1))
    else:
        out = out.replace("...", ell)
    return full, out


def einsum_vjp(g, argnum, subscripts, operands):
    """Adjoint of operand ``argnum`` of ``np.einsum(subscripts, *operands)``."""
    if not isinstance(subscripts, str):
        einsum_interleaved(g)
    specs, out = einsum_parse(subscripts, operands)
    sizes = {}
    for s, op in zip(specs, operands, strict=True):
        for c, n in zip(s, np.shape(op), strict=True):
            sizes[c] = max(sizes.get(c, 1), n)
    mine, x = specs[argnum], operands[argnum]
    unique = "".join(dict.fromkeys(mine))
    terms = [(out, g)] + [(s, op) for i, (s, op) in enumerate(zip(specs, operands,
                                                                    strict=True))
                          if i != argnum]
    seen = "".join(s for s, _ in terms)
    missing = "".join(c for c in unique if c not in seen)
    if missing:
        terms.append((missing, np.ones([sizes[c] for c in missing], float_dtype(g))))
    res = np.einsum(",".join(s for s, _ in terms) + "->" + unique, *(a for _, a in terms))
    # operand dimensions of size 1 that einsum broadcast: sum them back
    shape = dict(zip(mine, np.shape(x), strict=True))
    axes = tuple(i for i, c in enumerate(unique) if shape[c] == 1 and sizes[c] != 1)
    if axes:
        res = np.sum(res, axis=axes, keepdims=True)
    if len(unique) == len(mine):
        return res
    acc = np.zeros(np.shape(x), res.dtype)
    np.einsum(f"{mine}->{unique}", acc)[...] = res  # a writable view onto the diagonal
    return acc


def einsum_interleaved(g, *args, **kwargs):
    """The interleaved form ``einsum(op0, sublist0, op1, ...)`` has no rule yet."""
    msg = "gradient of np.einsum in the interleaved (operand, sublist) form"
    raise NotImplementedError(msg)


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


def concatenate_vjp(g, xs, axis=0):
    """Adjoint of ``np.concatenate``: one piece of ``g`` per input array."""
    if axis is None:
        bounds = np.cumsum([np.size(x) for x in xs])[:-1]
        return [np.reshape(p, np.shape(x)) for p, x in zip(np.split(g, bounds), xs,
                                                            strict=True)]
    return split_sizes(g, xs, axis)


def stack_like_vjp(g, xs, promote, axis):
    """Adjoint of hstack/vstack/dstack: concatenation of ``promote``-d inputs."""
    promoted = [promote(x) for x in xs]
    if axis == "h":
        axis = 0 if promoted[0].ndim == 1 else 1
    return [np.reshape(p, np.shape(x)) for p, x in zip(split_sizes(g, promoted, axis), xs,
                                                        strict=True)]


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


def scipy_special():
    """``scipy.special``, imported on first use."""
    import scipy.special  # noqa: PLC0415

    return scipy.special


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
defvjp(np.abs, lambda g, ans, x: g * np.sign(x))  # also np.absolute
defvjp(np.fabs, lambda g, ans, x: g * np.sign(x))
defvjp(abs, lambda g, ans, x: g * np.sign(x))
defvjp(np.deg2rad, lambda g, ans, x: g * DEG)
defvjp(np.radians, lambda g, ans, x: g * DEG)
defvjp(np.rad2deg, lambda g, ans, x: g / DEG)
defvjp(np.degrees, lambda g, ans, x: g / DEG)
defvjp(np.real, lambda g, ans, x: match_complex(x, g))
defvjp(np.imag, lambda g, ans, x: match_complex(x, -1j * g))
defvjp(np.conjugate, lambda g, ans, x: np.conj(g))  # also np.conj

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
       repeat_to_match(g / ans, x, axis, keepdims) * (x - np.mean(x, axis=axis, keepdims=True))
       / (count_reduced(x, axis) - ddof))
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
defvjp(np.einsum,
       einsum_interleaved,  # the subscripts string itself is never differentiated
       lambda g, ans, subscripts, *operands, **kwargs: einsum_vjp(g, 0, subscripts, operands),
       lambda g, ans, subscripts, *operands, **kwargs: einsum_vjp(g, 1, subscripts, operands),
       lambda g, ans, subscripts, *operands, **kwargs: einsum_vjp(g, 2, subscripts, operands),
       lambda g, ans, subscripts, *operands, **kwargs: einsum_vjp(g, 3, subscripts, operands),
       lambda g, ans, subscripts, *operands, **kwargs: einsum_vjp(g, 4, subscripts, operands),
       lambda g, ans, subscripts, *operands, **kwargs: einsum_vjp(g, 5, subscripts, operands),
       lambda g, ans, subscripts, *operands, **kwargs: einsum_vjp(g, 6, subscripts, operands),
       lambda g, ans, subscripts, *operands, **kwargs: einsum_vjp(g, 7, subscripts, operands))
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
       list(np.moveaxis(g, axis, 0)))
defvjp(np.hstack, lambda g, ans, tup, dtype=None, casting=None:
       stack_like_vjp(g, tup, np.atleast_1d, "h"))
defvjp(np.vstack, lambda g, ans, tup, dtype=None, casting=None:
       stack_like_vjp(g, tup, np.atleast_2d, 0))
defvjp(np.dstack, lambda g, ans, tup: stack_like_vjp(g, tup, np.atleast_3d, 2))
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
       cast_like(np.real(g) if not np.iscomplexobj(x) else g, x))

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
    # constructors
    np.zeros, np.ones, np.empty, np.full, np.eye, np.identity, np.arange, np.linspace,
    np.zeros_like, np.ones_like, np.empty_like, np.full_like,
    # random numbers
    np.random.rand, np.random.randn, np.random.normal, np.random.uniform, np.random.random,
    np.random.random_sample, np.random.standard_normal, np.random.randint, np.random.choice,
    np.random.permutation, np.random.shuffle, np.random.seed, np.random.binomial,
    np.random.poisson, np.random.exponential, np.random.gamma, np.random.beta,
)

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


# ----- scipy.special, when scipy is installed -----

def register_scipy():
    """Rules for ``scipy.special``; does nothing without scipy."""
    try:
        special = scipy_special()
    except ImportError:
        return
    defvjp(special.expit, lambda g, ans, x: g * ans * (1 - ans))
    defvjp(special.logit, lambda g, ans, x: g / (x * (1 - x)))
    defvjp(special.erf, lambda g, ans, x: g * TWO_OVER_SQRT_PI * np.exp(-x * x))
    defvjp(special.erfc, lambda g, ans, x: -g * TWO_OVER_SQRT_PI * np.exp(-x * x))
    defvjp(special.gammaln, lambda g, ans, x: g * scipy_special().digamma(x))
    defvjp(special.digamma, lambda g, ans, x: cast_like(g * scipy_special().polygamma(1, x), x))
    defvjp(special.logsumexp,
           lambda g, ans, a, axis=None, b=None, keepdims=False, return_sign=False:
           repeat_to_match(g, a, axis, keepdims)
           * np.exp(a - repeat_to_match(ans, a, axis, keepdims))
           * (1 if b is None else b))
    defvjp(special.softmax, lambda g, ans, x, axis=None:
           ans * (g - np.sum(g * ans, axis=axis, keepdims=True)))
    defvjp(special.log_softmax, lambda g, ans, x, axis=None:
           g - np.exp(ans) * np.sum(g, axis=axis, keepdims=True))


with contextlib.suppress(ImportError):
    register_scipy()


# ----- constructors on active values -----
def array_vjp(g, x):
    """Adjoint of ``np.array(x)`` for a (nested) list or tuple ``x`` of floats and arrays."""
    if isinstance(x, (list, tuple)):
        return type(x)(array_vjp(g[i], item) for i, item in enumerate(x))
    return unbroadcast(g, x)


defvjp(np.array, lambda g, ans, x: array_vjp(g, x))
defvjp(np.asarray, lambda g, ans, x: array_vjp(g, x))
