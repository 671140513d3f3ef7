"""An array read as slices along one axis: its adjoint is written slice by slice.

Written the way people write gated cells: one matrix product for all gates, then slices
``z[:, :n]``, ``z[:, n:2 * n]``, ... with ``n`` taken from a shape. Where the slices tile the
axis, the adjoint is ``empty_like`` with each slice written once; where they do not overlap,
each is written (not added); where they overlap or leave a gap, it stays zeros and sums.
Every gradient is checked against finite differences and autograd on the same source.
"""

import numpy as np
import pytest

import cpsgrad
from tests.oracle import assert_leaves_close, finite_differences, leaves

autograd = pytest.importorskip("autograd")
anp = autograd.numpy

rng = np.random.default_rng(5)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def gru_like(W, x, h):
    n = h.shape[1]
    z = x @ W
    r = sigmoid(z[:, :n])
    u = sigmoid(z[:, n:2 * n])
    c = np.tanh(z[:, 2 * n:])
    h = u * h + (1 - u) * c * r
    return np.sum(h ** 2)


def halves_with_constants(x):
    return np.sum(np.tanh(x[:, :3]) * x[:, 3:])


def rows_then_rest(x):
    k = x.shape[0] // 2  # a length floor-divided by a constant: not negative
    return np.sum(np.sin(x[:k]) * np.cos(x[k:]))


def split_at(x, k):
    return np.sum(np.sin(x[:k]) * np.cos(x[k:]))  # k may be negative: not understood


def tree_cell(node, W, b):
    """A recursive cell whose gates are thirds of one product (``nh`` from a shape)."""
    left, right = node
    nh = b.shape[0] // 3
    if left is None:
        g = W @ right + b
    else:
        hl = tree_cell(left, W, b)
        g = W @ hl + b
    i = sigmoid(g[:nh])
    o = sigmoid(g[nh:2 * nh])
    u = np.tanh(g[2 * nh:])
    return o * np.tanh(i * u)


def tree_loss(W, b, x):
    return np.sum(tree_cell(((None, x), x), W, b) ** 2)


def overlapping(x):
    return np.sum(x[:, :5] * x[:, 1:])


def with_a_gap(x):
    return np.sum(x[:, :2] ** 2) + np.sum(np.sin(x[:, 3:]))


def from_the_end(x):
    n = 2
    return np.sum(x[:, -n:] ** 2) + np.sum(np.tanh(x[:, :n]))


def same_slice_twice(x):
    n = x.shape[1] // 2
    a = x[:, :n]
    b = x[:, :n]
    return np.sum(a * np.exp(b)) + np.sum(x[:, n:])


def in_a_loop(W, xs, h):
    n = h.shape[1]
    total = 0.0
    for x in xs:
        z = x @ W
        h = np.tanh(z[:, :n]) * sigmoid(z[:, n:])
        total = total + np.sum(h * h)
    return total


def _check(f, *args, wrt=0):
    got = cpsgrad.grad(f, wrt=wrt)(*args)
    expected = autograd.grad(_with_autograd_numpy(f), wrt)(*args)
    assert_leaves_close(leaves(got), leaves(expected), rtol=1e-7, atol=1e-9)
    differences = [d for i in (wrt if isinstance(wrt, tuple) else (wrt,))
                   for d in finite_differences(f, args, i)]
    assert_leaves_close(leaves(got), differences, rtol=1e-5, atol=1e-6)
    return cpsgrad.show_source(cpsgrad.grad(f, wrt=wrt), *args)


def _with_autograd_numpy(f):
    namespace = {**f.__globals__, "np": anp}
    return type(f)(f.__code__, namespace, f.__name__, f.__defaults__, f.__closure__)


def test_gates_that_tile_the_axis_are_written_once_each():
    W, x, h = rng.normal(size=(4, 9)), rng.normal(size=(5, 4)), rng.normal(size=(5, 3))
    source = _check(gru_like, W, x, h)
    assert "z_bar = empty_like(z)" in source
    assert "z_bar[:, " in source and "z_bar[:, n:" in source
    assert not any(line.strip().startswith("z_bar[") and "+=" in line
                   for line in source.splitlines())


def test_constant_bounds_tile_too():
    source = _check(halves_with_constants, rng.normal(size=(4, 6)))
    assert "empty_like(" in source


def test_a_length_floor_divided_by_a_constant_tiles():
    assert "empty_like(" in _check(rows_then_rest, rng.normal(size=(6, 3)))


def test_gates_of_a_recursive_cell_tile_in_each_frame():
    W, b, x = rng.normal(size=(6, 2)) * 0.5, rng.normal(size=6), rng.normal(size=2)
    source = _check(tree_loss, W, b, x, wrt=(0, 1))
    assert source.count("empty_like(g") >= 1


def test_slices_in_a_loop_body_swept_backwards():
    W, h = rng.normal(size=(3, 8)), rng.normal(size=(2, 4))
    xs = [rng.normal(size=(2, 3)) for _ in range(4)]
    source = _check(in_a_loop, W, xs, h)
    assert "z_bar = empty_like(z" in source


@pytest.mark.parametrize("f", [overlapping, with_a_gap, from_the_end, same_slice_twice])
def test_slices_not_known_to_tile_keep_the_zeros(f):
    source = _check(f, rng.normal(size=(4, 6)))
    assert "empty_like(" not in source


def test_a_bound_of_unknown_sign_keeps_the_zeros():
    x = rng.normal(size=(4, 3))
    for k in (2, -2):
        source = _check(split_at, x, k)
        assert "empty_like(" not in source


def test_overlapping_slices_still_add():
    source = _check(overlapping, rng.normal(size=(3, 6)))
    assert any(line.strip().startswith("x_bar[") and "+=" in line
               for line in source.splitlines())


def test_a_gap_is_left_zero():
    x = rng.normal(size=(3, 6))
    g = cpsgrad.grad(with_a_gap)(x)
    assert np.all(g[:, 2] == 0.0)
    _check(with_a_gap, x)
