"""Common subexpressions (transforms/cse.py): an operation written twice is computed once.

Each function is written the way users write them; each gradient is checked against
finite differences and autograd. The refusals check that a merge never makes two names
share an object that one of them is later written through, returned, or stored.
"""

import numpy as np
import pytest

import cpsgrad
from tests.oracle import assert_leaves_close, finite_differences

autograd = pytest.importorskip("autograd")
anp = autograd.numpy

rng = np.random.default_rng(3)


def log_softmax_loss(z, y):
    m = np.max(z, axis=-1, keepdims=True)
    logp = z - m - np.log(np.sum(np.exp(z - m), axis=-1, keepdims=True))
    return -np.sum(y * logp)


def shifted_twice(z):
    m = np.max(z, axis=-1, keepdims=True)
    return np.sum((z - m) ** 2 + np.exp(z - m))


def twice_inline(x, y):
    return np.sum(x * y + np.sin(x * y))


def rebound_between(x, y):
    a = x * y
    x = x + 1.0
    b = x * y  # a different x: not the same value
    return np.sum(a * b)


def written_after(x, y):
    a = x * y
    b = x * y
    b[0] = 5.0  # would also write into a if they were merged
    return np.sum(a) + np.sum(b * b)


def returned_both(x):
    a = np.sin(x) * 2.0
    b = np.sin(x) * 2.0
    return a, b


def stored_in_list(x):
    a = x * 3.0
    b = x * 3.0
    items = [a, b]
    items[1] *= 2.0
    return np.sum(items[0]) + np.sum(items[1] ** 2)


CASES = [(log_softmax_loss, lambda: (rng.normal(size=(4, 5)), np.eye(5)[[0, 2, 1, 4]])),
         (shifted_twice, lambda: (rng.normal(size=(4, 5)),)),
         (twice_inline, lambda: (rng.normal(size=3), rng.normal(size=3))),
         (rebound_between, lambda: (rng.normal(size=3), rng.normal(size=3)))]


@pytest.mark.parametrize(("fn", "make"), CASES, ids=[c[0].__name__ for c in CASES])
def test_gradient_matches_oracles(fn, make):
    args = make()
    got = cpsgrad.grad(fn)(*args)
    assert_leaves_close([got], finite_differences(fn, args, 0))
    oracle_fn = type(fn)(fn.__code__, {**fn.__globals__, "np": anp})  # the same source
    np.testing.assert_allclose(got, autograd.grad(oracle_fn)(*args), rtol=1e-9, atol=1e-12)


def code(fn, *args):
    """The emitted statements of ``fn``'s gradient (no comments, no docstring):
    ``(forward, adjoint)``."""
    source = cpsgrad.show_source(cpsgrad.grad(fn), *args).split("def ", 1)[1]
    lines = [ln.strip() for ln in source.splitlines() if not ln.strip().startswith("#")]
    text = "\n".join(lines)
    return tuple(text.split("k(", 1))


def test_repeated_operation_is_computed_once():
    forward, _ = code(log_softmax_loss, *CASES[0][1]())
    assert forward.count("z - m") == 1
    forward, adjoint = code(shifted_twice, rng.normal(size=(4, 5)))
    assert forward.count("z - m") == 1
    # one adjoint for z - m, so m's adjoint is one sum over the known axis, not two
    assert adjoint.count("np.add.reduce(") == 1
    assert "unbroadcast(" not in adjoint


def test_rebound_operand_is_not_merged():
    forward, _ = code(rebound_between, np.ones(3), np.ones(3))
    assert forward.count(" * y") == 2


@pytest.mark.parametrize("fn", [written_after, stored_in_list])
def test_values_written_later_stay_apart(fn):
    x, y = rng.normal(size=3), rng.normal(size=3)
    args = (x, y) if fn is written_after else (x,)
    got = cpsgrad.grad(fn)(*args)
    assert_leaves_close([got], finite_differences(fn, args, 0))


def test_returned_values_stay_apart():
    a, b = cpsgrad.vjp(returned_both, rng.normal(size=3))[0]
    assert a is not b
