"""Adjoints the shape analysis lets the emitted code build densely, in place.

* Items of a parameter dict whose arrays have known shapes are arrays: their accumulators
  are ``zeros_like`` arrays, added into in place (``W_bar += ...``), not ``accumulate``.
* The adjoint of an array read through slices (``gates[:, :n]``, ``gates[:, n:2 * n]``) is
  zeros with the first slice written, the others added in place.
* Sums over broadcast axes known when the adjoint is built are ``np.add.reduce``.

Each function is written the way users write them; gradients are checked against finite
differences and autograd on the same source.
"""

import numpy as np
import pytest

import cpsgrad
from tests.oracle import assert_leaves_close, finite_differences, leaves

autograd = pytest.importorskip("autograd")
anp = autograd.numpy
rng = np.random.default_rng(11)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def gated(params, xs):
    W, b = params["W"], params["b"]
    n = W.shape[1] // 3
    h = np.zeros((xs.shape[1], n))
    total = 0.0
    for t in range(xs.shape[0]):
        gates = np.dot(np.concatenate([xs[t], h], axis=1), W) + b
        i = sigmoid(gates[:, :n])
        f = sigmoid(gates[:, n:2 * n])
        u = np.tanh(gates[:, 2 * n:])
        h = f * h + i * u
        total = total + np.sum(h * h)
    return total


def row_bias(params, x):
    out = x @ params["W"] + params["b"]  # b: (k,), summed over the batch
    col = params["c"]  # c: (n, 1), summed over the columns
    return np.sum(np.tanh(out) * 2.0 - col)


def make_gated():
    k, n, b = 4, 3, 2
    params = {"W": rng.normal(size=(k + n, 3 * n)) * 0.5, "b": rng.normal(size=3 * n) * 0.1}
    return params, rng.normal(size=(5, b, k))


def make_row_bias():
    return {"W": rng.normal(size=(3, 4)), "b": rng.normal(size=4),
            "c": rng.normal(size=(6, 1))}, rng.normal(size=(6, 3))


def oracle(fn):
    return type(fn)(fn.__code__, {**fn.__globals__, "np": anp,
                                  "sigmoid": type(sigmoid)(sigmoid.__code__,
                                                           {"np": anp})})


@pytest.mark.parametrize(("fn", "make"), [(gated, make_gated), (row_bias, make_row_bias)])
def test_gradients_match_oracles(fn, make):
    params, x = make()
    got = leaves(cpsgrad.grad(fn)(params, x))
    assert_leaves_close(got, finite_differences(fn, (params, x), 0))
    assert_leaves_close(got, leaves(autograd.grad(oracle(fn))(params, x)), rtol=1e-9,
                        atol=1e-12)


def test_forms_emitted():
    params, xs = make_gated()
    source = cpsgrad.show_source(cpsgrad.grad(gated), params, xs)
    assert "gates_bar = zeros_like(gates)" in source
    assert "gates_bar[:, :n] += " in source or "gates_bar[:, :n] = " in source
    assert "item_bar(gates" not in source and "add_item(gates" not in source
    assert "W_bar += " in source and "accumulate(" not in source
    params, x = make_row_bias()
    source = cpsgrad.show_source(cpsgrad.grad(row_bias), params, x)
    assert "np.add.reduce(" in source and "unbroadcast(" not in source


def test_row_of_a_large_table_stays_row_sparse():
    def lookup(E, ids):
        return sum(np.sum(np.tanh(E[i])) for i in ids)

    E = rng.normal(size=(5000, 8))
    source = cpsgrad.show_source(cpsgrad.grad(lookup), E, [3, 7])
    assert "item_bar(" in source or "add_item(" in source
    g = cpsgrad.grad(lookup)(E, [3, 7])
    assert np.count_nonzero(np.any(g != 0, axis=1)) == 2
