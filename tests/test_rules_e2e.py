"""Rules through the whole pipeline (inlined into emitted code), one line per rule.

Each expression becomes the body of a generated module-level function, differentiated by
cpsgrad and checked with ``cpsgrad.check_grads`` (random-direction finite differences).
"""

import importlib.util

import numpy as np
import pytest

import cpsgrad

P = "np.abs(x) + 0.5"  # a positive version of x
EXPRESSIONS = [
    "np.sin(x) * np.cos(y)", "np.tan(x * 0.3)", "np.arcsin(x * 0.3) + np.arccos(y * 0.2)",
    "np.arctan(x) + np.sinh(x) + np.cosh(y)", "np.tanh(x) + np.arcsinh(x)",
    f"np.arccosh({P} + 1.0) + np.arctanh(x * 0.3)", "np.exp(x) + np.exp2(x) + np.expm1(y)",
    f"np.log({P}) + np.log2({P}) + np.log10({P}) + np.log1p({P})",
    f"np.sqrt({P}) + np.cbrt({P}) + np.square(x) + np.reciprocal({P})",
    "np.abs(x) + np.absolute(y) + np.fabs(x) + abs(x)", "np.negative(x) + np.deg2rad(y)",
    "np.rad2deg(x) + np.radians(x) + np.degrees(y)",
    "x + y - x * y / (y * y + 1.0) + x ** 2", f"np.power({P}, y) + np.float_power({P}, 2.0)",
    "np.maximum(x, y) + np.minimum(x, y) + np.fmax(x, y) + np.fmin(x, y)",
    "np.arctan2(x, y + 3.0) + np.hypot(x, y) + np.logaddexp(x, y) + np.logaddexp2(x, y)",
    "np.mod(x, 1.7) + np.remainder(y, 1.3) + np.fmod(x, 2.1) + np.copysign(x, 1.5)",
    "np.sum(M, axis=0) + np.mean(M, axis=1, keepdims=True).T",
    "np.prod(M, axis=1) + np.max(M, axis=0) + np.min(M, axis=(0,))",
    "np.var(M, axis=0, ddof=1) + np.std(M) + np.cumsum(x) + np.cumprod(x * 0.5)",
    "np.linalg.norm(M) + np.linalg.norm(x, 1) + np.linalg.norm(M, axis=0)",
    "M @ x + np.dot(M, y) + np.vdot(x, y) + np.inner(x, y)",
    "np.tensordot(M, M, axes=1) + np.einsum('ij,jk->ik', M, M.T) + np.outer(x, y)",
    "np.kron(M[:2, :2], M[1:, 1:])[0, :3] + np.trace(M) + np.diag(x) + np.diagonal(M)",
    "np.linalg.inv(S) + np.linalg.det(S) + np.linalg.slogdet(S)[1] + np.linalg.solve(S, x)",
    "np.linalg.cholesky(S) + np.linalg.eigh(S)[0]",
    "np.reshape(M, (9,)) + np.ravel(M.T) + M.flatten() + np.squeeze(M[None])[0, 0]",
    "np.expand_dims(x, 0) + np.transpose(M) + np.swapaxes(M, 0, 1) + np.moveaxis(M, 0, 1)",
    "np.broadcast_to(x, (3, 3)) + np.concatenate([x, y])[:3] + np.stack([x, y])[0]",
    "np.hstack([x, y])[1:4] + np.vstack([x, y])[1] + np.dstack([x, y])[0, :, 1]",
    "np.split(x, 3)[1] + np.array_split(y, 3)[0] + np.tile(x, 2)[:1] + np.repeat(y, 2)[1:2]",
    "np.flip(M) + np.fliplr(M) + np.flipud(M) + np.roll(M, 1) + np.rot90(M)",
    "np.pad(x, 1)[1:4] + np.triu(M)[0] + np.tril(M)[1] + np.atleast_1d(x) + np.atleast_2d(y)[0]",
    "x[1] + x[-1] + M[0, ::2].sum() + M[:, None, 1][0] + M[..., 0] + x[np.array([0, 2, 2])].sum()",
    "x[x > 0.1].sum() + np.take(x, [2, 0]).sum() + np.where(x > 0, x, y) + np.clip(x, -0.5, 0.5)",
    "np.sort(x) + np.ones_like(x) * np.sum(x) + np.zeros_like(y) + np.full_like(x, 2.0) * x",
    "x.astype(np.float64) + x.copy() + M.sum(axis=0) + M.mean() + M.max(axis=1) + M.min()",
    "M.prod(axis=0) + M.var(axis=1) + M.std(axis=0) + M.dot(x) + M.reshape(3, 3)[0]",
    "M.transpose()[0] + M.T[1] + M.ravel()[:3] + M[None].squeeze()[2] + x.clip(-0.2, 0.3)",
    "np.array([x[0] * y[1], np.sin(x[1]), 2.0])",
]


def make_function(tmp_path, i, expr):
    path = tmp_path / f"rule_case_{i}.py"
    path.write_text(
        "import numpy as np\n"
        "def f(x, y, M, S):\n"
        f"    value = {expr}\n"
        "    return np.sum(value * np.cos(np.arange(np.size(value)).reshape(np.shape(value))))\n")
    spec = importlib.util.spec_from_file_location(f"rule_case_{i}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.f


@pytest.mark.parametrize(("i", "expr"), list(enumerate(EXPRESSIONS)), ids=EXPRESSIONS)
def test_rule_through_pipeline(tmp_path, i, expr):
    rng = np.random.default_rng(i)
    x, y, M = rng.normal(size=3), rng.normal(size=3), rng.normal(size=(3, 3))
    A = rng.normal(size=(3, 3))
    S = A @ A.T + 3.0 * np.eye(3)
    f = make_function(tmp_path, i, expr)
    cpsgrad.check_grads(f, x, y, M, S, wrt=(0, 1, 2, 3), rtol=1e-4, atol=1e-6)


def test_user_rule_with_adjoint_decorator_is_inlined():
    def scaled_softplus(x, s):
        return s * np.log1p(np.exp(x))

    @cpsgrad.adjoint(scaled_softplus)
    def scaled_softplus_vjp(g, ans, x, s):
        return g * s / (1.0 + np.exp(-x)), np.sum(g * ans / s)

    def loss(x, s):
        return np.sum(scaled_softplus(x, s) ** 2)

    cpsgrad.check_grads(loss, np.array([0.3, -1.2]), 1.7)


def softsign(x):
    return x / (1.0 + np.abs(x))


cpsgrad.defvjp(softsign, lambda g, ans, x: g / (1.0 + np.abs(x)) ** 2)


def uses_softsign(x):
    return np.sum(softsign(x))


def test_one_expression_user_rule_reads_inline():
    g = cpsgrad.grad(uses_softsign)
    g(np.ones(2))
    assert "/ (1.0 + np.abs(x)) ** 2" in cpsgrad.show_source(g) or \
        "/ (1 + np.abs(x)) ** 2" in cpsgrad.show_source(g)
    cpsgrad.check_grads(uses_softsign, np.array([0.5, -2.0]))
