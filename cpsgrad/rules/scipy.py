"""Gradient rules for ``scipy.special``, registered when SciPy is installed.

Same conventions as cpsgrad/rules/numpy.py: one-expression rules are inlined into
emitted code (where ``special`` is ``scipy.special``). Orders and other integer
parameters (``n`` of ``polygamma``, ``v`` of the Bessel functions, ``a`` of
``gammainc``) have no rule: differentiating with respect to them is an error.
"""

import math

import numpy as np

from cpsgrad.rules.numpy import cast_like, repeat_to_match
from cpsgrad.rules.registry import default_registry as R  # noqa: N812
from cpsgrad.runtime import unbroadcast

try:
    from scipy import special
except ImportError:  # pragma: no cover (scipy is optional)
    special = None

defvjp, defnondiff = R.defvjp, R.defnondiff

TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
HALF_SQRT_PI = math.sqrt(math.pi) / 2.0


def multigammaln_vjp(g, a, d):
    """d/da log Gamma_d(a) = sum_j digamma(a - j / 2), j = 0 .. d - 1."""
    return cast_like(g * sum(special.digamma(a - 0.5 * j) for j in range(d)), a)


def register():
    """The table; called once when SciPy is importable."""
    # ----- logistic, error function -----
    defvjp(special.expit, lambda g, ans, x: g * ans * (1 - ans))
    defvjp(special.logit, lambda g, ans, x: g / (x * (1 - x)))
    defvjp(special.erf, lambda g, ans, x: g * TWO_OVER_SQRT_PI * np.exp(-x * x))
    defvjp(special.erfc, lambda g, ans, x: -g * TWO_OVER_SQRT_PI * np.exp(-x * x))
    defvjp(special.erfinv, lambda g, ans, x: g * HALF_SQRT_PI * np.exp(ans * ans))
    defvjp(special.erfcinv, lambda g, ans, x: -g * HALF_SQRT_PI * np.exp(ans * ans))

    # ----- gamma and beta functions -----
    defvjp(special.gamma, lambda g, ans, x: g * ans * special.digamma(x))
    defvjp(special.rgamma, lambda g, ans, x: -g * ans * special.digamma(x))
    defvjp(special.gammaln, lambda g, ans, x: g * special.digamma(x))
    defvjp(special.digamma, lambda g, ans, x: cast_like(g * special.polygamma(1, x), x))
    defvjp(special.polygamma, None, lambda g, ans, n, x:
           cast_like(g * special.polygamma(n + 1, x), x))
    defvjp(special.multigammaln, lambda g, ans, a, d: multigammaln_vjp(g, a, d))
    defvjp(special.beta,
           lambda g, ans, a, b: unbroadcast(g * ans * (special.digamma(a)
                                                        - special.digamma(a + b)), a),
           lambda g, ans, a, b: unbroadcast(g * ans * (special.digamma(b)
                                                        - special.digamma(a + b)), b))
    defvjp(special.betaln,
           lambda g, ans, a, b: unbroadcast(g * (special.digamma(a)
                                                 - special.digamma(a + b)), a),
           lambda g, ans, a, b: unbroadcast(g * (special.digamma(b)
                                                 - special.digamma(a + b)), b))
    defvjp(special.betainc, None, None, lambda g, ans, a, b, x: unbroadcast(
        g * np.exp((a - 1) * np.log(x) + (b - 1) * np.log1p(-x) - special.betaln(a, b)), x))
    defvjp(special.gammainc, None, lambda g, ans, a, x: unbroadcast(
        g * np.exp((a - 1) * np.log(x) - x - special.gammaln(a)), x))
    defvjp(special.gammaincc, None, lambda g, ans, a, x: unbroadcast(
        -g * np.exp((a - 1) * np.log(x) - x - special.gammaln(a)), x))
    defnondiff(special.gammasgn)

    # ----- Bessel functions -----
    defvjp(special.j0, lambda g, ans, x: -g * special.j1(x))
    defvjp(special.j1, lambda g, ans, x: g * 0.5 * (special.j0(x) - special.jv(2, x)))
    defvjp(special.y0, lambda g, ans, x: -g * special.y1(x))
    defvjp(special.y1, lambda g, ans, x: g * 0.5 * (special.y0(x) - special.yv(2, x)))
    defvjp(special.i0, lambda g, ans, x: g * special.i1(x))
    defvjp(special.i1, lambda g, ans, x: g * 0.5 * (special.i0(x) + special.iv(2, x)))
    defvjp(special.i0e, lambda g, ans, x: g * (special.i1e(x) - np.sign(x) * ans))
    defvjp(special.i1e, lambda g, ans, x:
           g * (0.5 * (special.i0e(x) + special.ive(2, x)) - np.sign(x) * ans))
    defvjp(special.jv, None, lambda g, ans, v, x:  # also special.jn
           unbroadcast(g * 0.5 * (special.jv(v - 1, x) - special.jv(v + 1, x)), x))
    defvjp(special.yv, None, lambda g, ans, v, x:
           unbroadcast(g * 0.5 * (special.yv(v - 1, x) - special.yv(v + 1, x)), x))
    defvjp(special.yn, None, lambda g, ans, n, x:
           unbroadcast(g * 0.5 * (special.yn(n - 1, x) - special.yn(n + 1, x)), x))
    defvjp(special.iv, None, lambda g, ans, v, x:
           unbroadcast(g * 0.5 * (special.iv(v - 1, x) + special.iv(v + 1, x)), x))
    defvjp(special.ive, None, lambda g, ans, v, x: unbroadcast(
        g * (0.5 * (special.ive(v - 1, x) + special.ive(v + 1, x)) - np.sign(x) * ans), x))

    # ----- reductions -----
    defvjp(special.logsumexp,
           lambda g, ans, a, axis=None, b=None, keepdims=False, return_sign=False:
           repeat_to_match(g, a, axis, keepdims)
           * np.exp(a - repeat_to_match(ans, a, axis, keepdims))
           * (1 if b is None else b))
    defvjp(special.softmax, lambda g, ans, x, axis=None:
           ans * (g - np.sum(g * ans, axis=axis, keepdims=True)))
    defvjp(special.log_softmax, lambda g, ans, x, axis=None:
           g - np.exp(ans) * np.sum(g, axis=axis, keepdims=True))


if special is not None:
    register()
