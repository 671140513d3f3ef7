"""Reductions over a few short axes (pooling windows) run as ufunc calls on slices.

``np.max(x.reshape(b, c, 3, 2, 3, 2), axis=(3, 5))`` combines four elements into each
result; NumPy's reduction runs its inner loop once per result there, many times slower than
``np.maximum`` of the four slices (``rules.numpy.reduce_axes``), and the max's adjoint counts
ties with the same kind of reduction. The functions are written as users write pooling;
each gradient is checked against finite differences and autograd on the same source, with
ties (all-zero windows after a relu) and without.
"""

import numpy as np
import pytest

import cpsgrad
from cpsgrad.rules import numpy as rules_numpy
from tests.oracle import assert_leaves_close, finite_differences

autograd = pytest.importorskip("autograd")
anp = autograd.numpy

rng = np.random.default_rng(21)


def max_pool_net(w, x):
    a = np.maximum(x * w, 0.0)  # (n, c, 6, 6), many all-zero windows: ties
    b, c = a.shape[0], a.shape[1]
    pooled = np.max(np.reshape(a, (b, c, 3, 2, 3, 2)), axis=(3, 5))
    return np.sum(pooled ** 2)


def avg_pool(x):
    n = x.shape[0]
    pooled = np.mean(x.reshape(n, 4, 2, 4, 2), axis=(2, 4))
    return np.sum(np.sin(pooled))


def min_pool_keepdims(x):
    m = np.min(x.reshape(x.shape[0], 2, 2, -1), axis=(1, 2), keepdims=True)
    return np.sum(m * np.cos(x.reshape(x.shape[0], 2, 2, -1)))


def pool_in_a_loop(w, xs):
    total = 0.0
    for i in range(xs.shape[0]):
        a = np.tanh(xs[i] * w)
        total = total + np.sum(np.max(a.reshape(16, 2, 32, 2), axis=(1, 3)))
    return total


CASES = [
    (max_pool_net, lambda: (rng.normal(size=(8, 6, 6)), rng.normal(size=(64, 8, 6, 6)))),
    (avg_pool, lambda: (rng.normal(size=(40, 8, 8)),)),
    (min_pool_keepdims, lambda: (rng.normal(size=(64, 4, 8)),)),
    (pool_in_a_loop, lambda: (rng.normal(size=(32, 64)), rng.normal(size=(3, 32, 64)))),
]


@pytest.mark.parametrize(("fn", "make"), CASES, ids=[c[0].__name__ for c in CASES])
def test_pooling_gradient_matches_oracles(fn, make):
    args = make()
    got = cpsgrad.grad(fn)(*args)
    assert_leaves_close([got], finite_differences(fn, args, 0))
    oracle_fn = type(fn)(fn.__code__, {**fn.__globals__, "np": anp})  # the same source
    np.testing.assert_allclose(got, autograd.grad(oracle_fn)(*args), rtol=1e-9, atol=1e-12)
    assert "reduce_axes(np." in cpsgrad.show_source(cpsgrad.grad(fn), *args)


@pytest.mark.parametrize("fun", [np.max, np.min, np.sum, np.mean])
@pytest.mark.parametrize(("shape", "axis"), [
    ((64, 8, 3, 2, 3, 2), (3, 5)), ((4000, 2), 1), ((2, 3000), 0), ((600, 2, 2), (-1, -2)),
    ((20, 65), 1), ((64, 8, 6, 6), (2, 3)), ((1000, 3), None), ((3, 2), 1)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_reduce_axes_is_the_reduction(fun, shape, axis, keepdims):
    x = rng.normal(size=shape)
    x[0] = 0.25  # ties
    expected = fun(x, axis=axis, keepdims=keepdims)
    got = rules_numpy.reduce_axes(fun, x, axis=axis, keepdims=keepdims)
    assert got.shape == expected.shape and got.dtype == expected.dtype
    if fun in (np.max, np.min):
        np.testing.assert_array_equal(got, expected)
    else:
        np.testing.assert_allclose(got, expected, rtol=1e-13, atol=1e-15)
    assert not np.shares_memory(got, x)


def test_reduce_axes_leaves_other_dtypes_and_arguments_to_numpy():
    ints = np.arange(4000, dtype=np.int32).reshape(2000, 2)
    assert rules_numpy.reduce_axes(np.sum, ints, axis=1).dtype == np.sum(ints, axis=1).dtype
    x = rng.normal(size=(2000, 2))
    np.testing.assert_array_equal(rules_numpy.reduce_axes(np.max, x, axis=1, initial=0.5),
                                  np.max(x, axis=1, initial=0.5))
    with_nan = x.copy()
    with_nan[3, 1] = np.nan
    assert np.isnan(rules_numpy.reduce_axes(np.max, with_nan, axis=1)[3])


@pytest.mark.parametrize(("shape", "axis"), [((64, 8, 3, 2, 3, 2), (3, 5)), ((4000, 2), 1),
                                             ((600, 2, 2), (-1, -2))])
@pytest.mark.parametrize("keepdims", [False, True])
def test_minmax_adjoint_by_slices_splits_ties_evenly(shape, axis, keepdims):
    x = np.round(rng.normal(size=shape), 1)  # many ties
    ans = np.max(x, axis=axis, keepdims=keepdims)
    g = rng.normal(size=ans.shape)
    got = rules_numpy.minmax_vjp(g, ans, x, axis=axis, keepdims=keepdims)
    axes = rules_numpy.normalize_axes(axis, x.ndim)
    gk, ak = (g, ans) if keepdims else (np.expand_dims(g, axes), np.expand_dims(ans, axes))
    mask = x == ak
    expected = mask * gk / mask.sum(axis=axes, keepdims=True)
    np.testing.assert_allclose(got, expected, rtol=1e-14)


def test_axes_given_as_numpy_integers_and_lists():
    x = rng.normal(size=(64, 8, 6, 2))
    for axis in (np.int64(3), [3], (np.int64(2), 3)):
        expected = np.max(x, axis=tuple(np.atleast_1d(axis)))
        np.testing.assert_array_equal(rules_numpy.reduce_axes(np.max, x, axis=axis), expected)
