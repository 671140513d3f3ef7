"""Shifts the result does not depend on (transforms/invariant.py) get no adjoint.

The stable log-softmax, softmax and log-sum-exp subtract a max (or any per-row reduction)
that cancels out: the result's derivative with respect to it is zero everywhere, so its
adjoint (a sum and the max's tie-splitting rule) is dropped. Each function is written the
way users write them; every gradient, dropped shift or not, is checked against finite
differences and autograd on the same source. The cases that look alike but do depend on
the shift keep its adjoint.
"""

import math

import numpy as np
import pytest

import cpsgrad
from tests.oracle import assert_leaves_close, finite_differences

autograd = pytest.importorskip("autograd")
anp = autograd.numpy

rng = np.random.default_rng(11)


def log_softmax(z):
    m = np.max(z, axis=-1, keepdims=True)
    return z - m - np.log(np.sum(np.exp(z - m), axis=-1, keepdims=True))


def cross_entropy(W, x, labels):
    logp = log_softmax(x @ W)
    return -np.mean(np.sum(labels * logp, axis=1))


def softmax_weighted(z, w):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    return np.sum(p * w)


def logsumexp(x):
    m = np.max(x)
    return m + np.log(np.sum(np.exp(x - m)))


def tempered(z, y):
    T = 2.5
    m = np.max(z, axis=1, keepdims=True)
    s = (z - m) / T
    return -np.sum(y * (s - np.log(np.sum(np.exp(s), axis=1, keepdims=True))))


def mean_centred(z):  # any reduction cancels, not only a max
    c = np.mean(z, axis=-1, keepdims=True)
    e = np.exp(z - c)
    return np.sum(np.log(e / np.sum(e, axis=-1, keepdims=True)) ** 2)


def in_a_loop(W, xs, ys):
    loss = 0.0
    h = np.zeros(W.shape[1])
    for t in range(xs.shape[0]):
        h = np.tanh(xs[t] @ W + h)
        m = np.max(h)
        loss = loss - np.sum(ys[t] * (h - m - np.log(np.sum(np.exp(h - m)))))
    return loss


def scalar_math(a, b):
    m = max(a, b)
    return m + math.log(math.exp(a - m) + math.exp(b - m))


# --- the same shapes that do depend on the shift: the max keeps its adjoint ---

def squared_shift(z):
    m = np.max(z, axis=-1, keepdims=True)
    return np.sum((z - m) ** 2)


def shifted_sum(z):
    m = np.max(z, axis=-1, keepdims=True)
    return np.sum(np.exp(z - m))


def whole_sum_of_row_shift(z):
    m = np.max(z, axis=1, keepdims=True)
    return np.log(np.sum(np.exp(z - m)))  # a sum over rows that were shifted differently


def other_axis(z):
    m = np.max(z, axis=0, keepdims=True)
    e = np.exp(z - m)
    return np.sum(np.log(e / np.sum(e, axis=1, keepdims=True)))


def broadcast_to_more_axes(z3, z2):
    m = np.max(z2, axis=1, keepdims=True)  # (3, 1): constant along axis 1 of z2 ...
    e = np.exp(z3 - m)  # ... which is axis 2 of (2, 3, 4)
    return np.sum(np.log(e / np.sum(e, axis=1, keepdims=True)))


def shift_read_by_next_iteration(z):
    total = 0.0
    prev = 0.0
    for i in range(z.shape[0]):
        total = total + prev
        m = np.max(z[i])
        u = z[i] - m
        prev = np.log(np.sum(np.exp(u)))  # carried into the next iteration
        total = total + np.sum(u) * 0.0 + prev
    return total


def shift_read_after_the_loop(z):
    for i in range(z.shape[0]):
        m = np.max(z[i])
        lse = m + np.log(np.sum(np.exp(z[i] - m)))
        u = z[i] - m
    return lse + np.sum(u ** 2)


def shift_read_by_a_later_iteration(z):
    total = 0.0
    for i in range(z.shape[0]):
        if i > 0:
            total = total + np.sum(u ** 2)  # noqa: F821 (the previous iteration's u)
        m = np.max(z[i])
        u = z[i] - m
        lse = m + np.log(np.sum(np.exp(u)))
        total = total + lse
    return total


def summed_shift(z):
    m = np.max(z, axis=-1, keepdims=True)
    s = np.sum(z - m, axis=-1, keepdims=True) + m  # moves by (1 - n) * d, not 0
    return np.sum(s ** 2)


def shift_returned_with_loss(z):
    m = np.max(z, axis=-1, keepdims=True)
    logp = z - m - np.log(np.sum(np.exp(z - m), axis=-1, keepdims=True))
    return np.sum(logp) + np.sum(m)


labels = np.eye(5)[[0, 3, 1, 4]]
DROPPED = [
    (cross_entropy, lambda: (rng.normal(size=(3, 5)), rng.normal(size=(4, 3)), labels)),
    (softmax_weighted, lambda: (rng.normal(size=(4, 5)), rng.normal(size=(4, 5)))),
    (logsumexp, lambda: (rng.normal(size=6),)),
    (tempered, lambda: (rng.normal(size=(4, 5)), labels)),
    (mean_centred, lambda: (rng.normal(size=(3, 4)),)),
    (in_a_loop, lambda: (rng.normal(size=(3, 4)), rng.normal(size=(5, 3)),
                         rng.normal(size=(5, 4)))),
]
KEPT = [
    (squared_shift, lambda: (rng.normal(size=(3, 4)),)),
    (shifted_sum, lambda: (rng.normal(size=(3, 4)),)),
    (whole_sum_of_row_shift, lambda: (rng.normal(size=(3, 4)),)),
    (other_axis, lambda: (rng.normal(size=(3, 4)),)),
    (broadcast_to_more_axes, lambda: (rng.normal(size=(2, 3, 4)), rng.normal(size=(3, 4)))),
    (shift_read_by_next_iteration, lambda: (rng.normal(size=(3, 4)),)),
    (shift_returned_with_loss, lambda: (rng.normal(size=(3, 4)),)),
    (summed_shift, lambda: (rng.normal(size=(3, 4)),)),
    (shift_read_after_the_loop, lambda: (rng.normal(size=(3, 4)),)),
    (shift_read_by_a_later_iteration, lambda: (rng.normal(size=(3, 4)),)),
]


def check(fn, args, wrt=0):
    got = cpsgrad.grad(fn, wrt=wrt)(*args)
    assert_leaves_close([got], finite_differences(fn, args, wrt))
    oracle_fn = type(fn)(fn.__code__, {**fn.__globals__, "np": anp})  # the same source
    np.testing.assert_allclose(got, autograd.grad(oracle_fn, wrt)(*args), rtol=1e-8,
                               atol=1e-10)


def adjoint_of(fn, *args, wrt=0):
    source = cpsgrad.show_source(cpsgrad.grad(fn, wrt=wrt), *args)
    return source.split("k(", 1)[1], source


@pytest.mark.parametrize(("fn", "make"), DROPPED, ids=[c[0].__name__ for c in DROPPED])
def test_dropped_shift_gradient_matches_oracles(fn, make):
    args = make()
    check(fn, args)
    adjoint, source = adjoint_of(fn, *args)
    assert "No adjoint for shifts the result does not depend on" in source
    assert "max_vjp" not in adjoint and "mean_vjp" not in adjoint


@pytest.mark.parametrize(("fn", "make"), KEPT, ids=[c[0].__name__ for c in KEPT])
def test_shift_that_matters_keeps_its_adjoint(fn, make):
    args = make()
    check(fn, args)
    assert "No adjoint for shifts" not in adjoint_of(fn, *args)[1]


def test_dropped_shift_names_the_line():
    source = adjoint_of(cross_entropy, *DROPPED[0][1]())[1]
    line = log_softmax.__code__.co_firstlineno + 1
    assert f"m (test_invariant.py:{line})" in source


def test_scalar_math_shift():
    a, b = 0.3, -1.2
    got = cpsgrad.grad(scalar_math, wrt=(0, 1))(a, b)
    expected = np.exp([a, b]) / np.sum(np.exp([a, b]))
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_ties_still_give_the_softmax_gradient():
    z = np.array([[1.0, 3.0, 3.0, 0.5], [2.0, 2.0, 2.0, 2.0]])  # ties at the max
    check(softmax_weighted, (z, rng.normal(size=(2, 4))))


def test_shifts_with_inf_rows_agree_with_autograd():
    z = np.array([[0.0, -np.inf, 1.0]])
    w = np.array([[1.0, 2.0, 3.0]])
    got = cpsgrad.grad(softmax_weighted)(z, w)
    oracle = type(softmax_weighted)(softmax_weighted.__code__,
                                    {**softmax_weighted.__globals__, "np": anp})
    np.testing.assert_allclose(got, autograd.grad(oracle)(z, w))
