"""The rules added for autograd's checks and the non-differentiable audit, one line each.

``test_through_a_user_function``: each expression is the body of a user function that
cpsgrad differentiates, checked against finite differences (``cpsgrad.check_grads``).
``test_complex_directions``: rules whose input may be complex, checked directly along
random complex directions: with ``dL = Re sum(g * dy)``, the adjoint ``x_bar`` must give
``dL = Re sum(x_bar * dx)`` (autograd's convention). ``test_refused``: what has no rule
is an error, never a zero.
"""

import numpy as np
import pytest

import cpsgrad
from cpsgrad.rules.registry import default_registry as registry

special = pytest.importorskip("scipy.special")

rng = np.random.default_rng(7)


def R(*shape):
    return rng.standard_normal(shape)


def C(*shape):
    return R(*shape) + 1j * R(*shape)


def w(*shape):
    """A fixed weight, so that an array output reduces to a scalar every entry matters to."""
    return np.cos(np.arange(1.0, np.prod(shape) + 1.0)).reshape(shape)


M33, M34, V3, V4, V5 = R(3, 3), R(3, 4), R(3), R(4), R(5)
SPD = M33 @ M33.T + 3.0 * np.eye(3)
P34 = np.abs(R(3, 4)) + 0.5
BOOLS = [R(3, 4) > 0, R(3, 4) > 0]

# (id, f(x, y), x, y): y is an array of shape (3, 4) unless given
CASES = [
    ("cross", lambda x, y: np.sum(np.cross(x, y[:, :3]) * w(3, 3)), M33, M34),
    ("cross-axes", lambda x, y: np.sum(np.cross(x, y[:, :3], axisa=0, axisc=0) * w(3, 3)),
     M33, M34),
    ("diff", lambda x, y: np.sum(np.diff(x * y, n=2, axis=1) * w(3, 2)), M34, P34),
    ("gradient", lambda x, y: np.sum(np.gradient(x * y)[1] * w(3, 4)), M34, P34),
    ("gradient-spacing", lambda x, y: np.sum(np.gradient(x, 0.5, edge_order=2) * w(4)), V4, P34),
    ("column_stack", lambda x, y: np.sum(np.column_stack([x, y[:, 0]]) * w(3, 4)), M33, M34),
    ("row_stack", lambda x, y: np.sum(np.row_stack([x, y[0, :3]]) * w(4, 3)), M33, M34),
    ("hstack-2d", lambda x, y: np.sum(np.hstack(x * y[:, :3]) * w(9)), M33, M34),
    ("vstack-3d", lambda x, y: np.sum(np.vstack(x[None] * y[:, None, :3]) * w(9, 3)), M33, M34),
    ("partition", lambda x, y: np.sum(np.partition(x + y, 2, axis=1) * w(3, 4)), M34, M34),
    ("rollaxis", lambda x, y: np.sum(np.rollaxis(x[None] * y[:, None], 2) * w(4, 3, 3)),
     M34, M34),
    ("angle", lambda x, y: np.sum(np.angle(np.fft.fft(x * y)) * w(3, 4)), M34, P34),
    ("real_if_close", lambda x, y: np.sum(np.real_if_close(np.fft.ifft(np.fft.fft(x))) * y),
     M34, P34),
    ("select", lambda x, y: np.sum(np.select(BOOLS, [x, x * y], 1.5) * w(3, 4)), M34, P34),
    ("append", lambda x, y: np.sum(np.append(x, y, axis=0) * w(6, 4)), M34, R(3, 4)),
    ("nan_to_num", lambda x, y: np.sum(np.nan_to_num(np.where(y > 0.8, x, np.nan)) * w(3, 4)),
     M34, P34),
    ("einsum-interleaved", lambda x, y: np.einsum(x, [0, 1], y, [0, 1], []), M34, P34),
    ("std-length-1", lambda x, y: np.sum(np.std(x[:1] * y[:1], axis=0) * w(4)), M34, P34),
    ("pinv", lambda x, y: np.sum(np.linalg.pinv(x * y) * w(4, 3)), M34, P34),
    ("svd", lambda x, y: np.sum(np.linalg.svd(x * y, full_matrices=False)[0] * w(3, 3))
     + np.sum(np.linalg.svd(x * y, compute_uv=False)), M34, P34),
    ("eig", lambda x, y: np.sum(np.abs(np.linalg.eig(x + y[:, :3])[1]) * w(3, 3)), M33, M34),
    ("eigvals", lambda x, y: np.sum(np.abs(np.linalg.eigvals(x + y[:, :3]))), M33, M34),
    ("eigvalsh", lambda x, y: np.sum(np.linalg.eigvalsh(SPD + x @ x.T) * w(3)), M33, M34),
    ("fft", lambda x, y: np.sum(np.abs(np.fft.fft(x * y, 6, axis=0)) * w(6, 4)), M34, P34),
    ("fft2", lambda x, y: np.sum(np.abs(np.fft.fft2(x * y, norm="ortho")) * w(3, 4)), M34, P34),
    ("ifftn", lambda x, y: np.sum(np.real(np.fft.ifftn(x * y, s=(2, 5), axes=(0, 1))) * w(2, 5)),
     M34, P34),
    ("rfft", lambda x, y: np.sum(np.abs(np.fft.rfft(x * y)) * w(3, 3)), M34, P34),
    ("rfftn", lambda x, y: np.sum(np.abs(np.fft.rfftn(x * y, s=(3, 5), axes=(0, 1))) * w(3, 3)),
     M34, P34),
    ("irfft", lambda x, y: np.sum(np.fft.irfft(np.fft.rfft(x) * y[:, :3], 5) * w(3, 5)),
     M34, P34),
    ("irfft2", lambda x, y: np.sum(np.fft.irfft2(np.fft.rfft2(x) * y[:, :3]) * w(3, 4)),
     M34, P34),
    ("fftshift", lambda x, y: np.sum(np.fft.fftshift(x * y) * w(3, 4)), M34, P34),
    ("ifftshift", lambda x, y: np.sum(np.fft.ifftshift(x * y, axes=1) * w(3, 4)), M34, P34),
    ("linspace", lambda x, y: np.sum(np.linspace(x[0], y[0], 5, axis=1) * w(4, 5)), M34, P34),
    ("full", lambda x, y: np.sum(np.full((2, 4), x[0] * y[0]) * w(2, 4)), M34, P34),
    ("full_like", lambda x, y: np.sum(np.full_like(y, x[0, 0]) * x), M34, P34),
    ("arange", lambda x, y: np.sum(np.arange(x[0, 0], 4.0, y[0, 0]) ** 2), M34, P34),
    ("random.normal", lambda x, y: np.sum(reseed() + np.random.normal(x, y) * w(3, 4)),
     M34, P34),
    ("random.uniform", lambda x, y: np.sum(reseed() + np.random.uniform(x, x + y) * w(3, 4)),
     M34, P34),
    ("random.exponential", lambda x, y: np.sum(reseed() + np.random.exponential(y) * x),
     M34, P34),
    ("random.gamma", lambda x, y: np.sum(reseed() + np.random.gamma(2.5, y) * x), M34, P34),
    ("abs-complex", lambda x, y: np.sum(np.abs(x + 1j * y) * w(3, 4)), M34, P34),
    ("norm-complex", lambda x, y: np.linalg.norm(np.fft.fft(x * y)), M34, P34),
    ("astype-int", lambda x, y: np.sum(x.astype(int) * y + x), M34, P34),
    ("gamma", lambda x, y: np.sum(special.gamma(y) * x), M34, P34),
    ("polygamma", lambda x, y: np.sum(special.polygamma(1, y) * x), M34, P34),
    ("beta", lambda x, y: np.sum(special.beta(y, y + x * x) * w(3, 4)), M34, P34),
    ("betainc", lambda x, y: np.sum(special.betainc(2.0, 3.0, y / 3.0) * x), M34, P34),
    ("gammainc", lambda x, y: np.sum(special.gammainc(2.0, y) * x), M34, P34),
    ("erfinv", lambda x, y: np.sum(special.erfinv(np.tanh(x)) * y), M34, P34),
    ("erfcinv", lambda x, y: np.sum(special.erfcinv(y / 2.0) * x), M34, P34),
    ("bessel", lambda x, y: np.sum((special.j0(x) + special.j1(x) + special.y0(y) + special.y1(y)
                                    + special.i0(x) + special.i1(x) + special.i0e(x)
                                    + special.i1e(x)) * w(3, 4)), M34, P34),
    ("bessel-order", lambda x, y: np.sum((special.jv(1.5, y) + special.yn(2, y)
                                          + special.iv(0.5, y) + special.ive(2.0, x)) * w(3, 4)),
     M34, P34),
    ("multigammaln", lambda x, y: np.sum(special.multigammaln(y + 2.0, 3) * x), M34, P34),
]


def reseed():
    """Seed NumPy's global random state; returns 0.0 so that it can sit in an expression."""
    np.random.seed(0)
    return 0.0


@pytest.mark.parametrize(("f", "x", "y"), [pytest.param(f, x, y, id=name)
                                           for name, f, x, y in CASES])
def test_through_a_user_function(f, x, y):
    cpsgrad.check_grads(f, x, y, rtol=1e-5, atol=1e-6)


# ----- complex inputs, directly -----

COMPLEX = [
    ("abs", np.abs, C(3, 4), {}),
    ("angle", np.angle, C(3, 4), {}),
    ("angle-deg", np.angle, C(3, 4), {"deg": True}),
    ("real_if_close-complex", np.real_if_close, C(3, 4), {}),
    ("real_if_close-real", np.real_if_close, R(3, 4) + 1e-16j, {}),
    ("fft", np.fft.fft, C(3, 4), {"n": 6}),
    ("ifft2", np.fft.ifft2, C(3, 4), {"norm": "forward"}),
    ("fftn", np.fft.fftn, C(3, 4, 5), {"s": (2, 6), "axes": (0, 2)}),
    ("irfft", np.fft.irfft, C(3, 4), {}),
    ("irfft-n-odd", np.fft.irfft, C(3, 4), {"n": 5}),
    ("irfft-n-short", np.fft.irfft, C(3, 4), {"n": 3, "norm": "ortho"}),
    ("irfft2", np.fft.irfft2, C(3, 4), {}),
    ("irfftn-s", np.fft.irfftn, C(3, 4, 5), {"s": (4, 6), "axes": (0, 2)}),
    ("norm", np.linalg.norm, C(3, 4), {}),
    ("norm-axis", np.linalg.norm, C(3, 4), {"axis": 1}),
    ("eigvals", np.linalg.eigvals, C(4, 4), {}),
    ("fftshift", np.fft.fftshift, C(3, 4), {}),
]


@pytest.mark.parametrize(("fun", "x", "kwargs"), [pytest.param(f, x, k, id=name)
                                                  for name, f, x, k in COMPLEX])
def test_complex_directions(fun, x, kwargs):
    eps = 1e-6
    gen = np.random.default_rng(1)
    y = fun(x, **kwargs)
    g = gen.standard_normal(np.shape(y)) + (1j * gen.standard_normal(np.shape(y))
                                           if np.iscomplexobj(y) else 0.0)
    v = gen.standard_normal(np.shape(x)) + 1j * gen.standard_normal(np.shape(x))
    numeric = np.real(np.sum(g * (fun(x + eps * v, **kwargs) - fun(x - eps * v, **kwargs))))
    x_bar = registry.lookup(fun).vjp(0)(g, y, x, **kwargs)
    analytic = np.real(np.sum(x_bar * v))
    assert abs(numeric / (2 * eps) - analytic) <= 1e-5 * max(1.0, abs(analytic))


def test_eig_of_a_complex_matrix():
    x = C(4, 4)
    v = R(4, 4) + 1j * R(4, 4)
    gw, gv = C(4), R(4, 4)  # the eigenvectors' phase is free: weigh their moduli only

    def loss(a):
        w, vec = np.linalg.eig(a)
        return np.real(np.sum(gw * w)) + np.sum(gv * np.abs(vec))

    eps = 1e-6
    numeric = (loss(x + eps * v) - loss(x - eps * v)) / (2 * eps)
    w, vec = np.linalg.eig(x)
    g_vec = gv * np.conj(np.sign(vec))  # abs's adjoint
    x_bar = registry.lookup(np.linalg.eig).vjp(0)([gw, g_vec], (w, vec), x)
    assert np.isclose(np.real(np.sum(x_bar * v)), numeric, rtol=1e-5)


# ----- what has no rule is an error -----

def permutation_of(x):
    return np.sum(np.random.permutation(x) * w(3, 4))


def beta_draw(x):
    return np.sum(np.random.beta(x, 2.0))


def gamma_shape(x):
    return np.sum(np.random.gamma(x, 2.0))


def choice_of(x):
    return np.sum(np.random.choice(x, 3))


def svd_full(x):
    return np.sum(np.linalg.svd(x)[2] * w(4, 4))


def pinv_complex(x):
    return np.sum(np.abs(np.linalg.pinv(x + 1j * x)))


@pytest.mark.parametrize(("f", "error"), [
    pytest.param(permutation_of, cpsgrad.NoRuleError, id="random.permutation"),
    pytest.param(beta_draw, cpsgrad.NoRuleError, id="random.beta"),
    pytest.param(gamma_shape, cpsgrad.TransformError, id="random.gamma-shape"),
    pytest.param(choice_of, cpsgrad.TransformError, id="random.choice"),
    pytest.param(svd_full, NotImplementedError, id="svd-full_matrices"),
    pytest.param(pinv_complex, NotImplementedError, id="pinv-complex"),
])
def test_refused(f, error):
    with pytest.raises(error):
        cpsgrad.grad(f)(np.abs(M34) + 0.5)
