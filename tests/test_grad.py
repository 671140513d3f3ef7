"""Every corpus function: cpsgrad's gradient vs finite differences and vs autograd."""

import numpy as np
import pytest

import cpsgrad
from tests import corpus
from tests.oracle import assert_leaves_close, finite_differences, leaves, load_with_autograd

CASES = corpus.cases()
AUTOGRAD_CANNOT = {
    "nested_tuples": "autograd boxes a tuple argument, so isinstance(t, tuple) is False",
}
ORACLE = load_with_autograd("corpus.py", "corpus_autograd")


def wrt_tuple(wrt):
    return wrt if isinstance(wrt, tuple) else (wrt,)


@pytest.mark.parametrize(("fn", "args", "wrt"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_matches_finite_differences(fn, args, wrt):
    grads = cpsgrad.grad(fn, wrt=wrt_tuple(wrt))(*args)
    for i, g in zip(wrt_tuple(wrt), grads, strict=True):
        expected = finite_differences(fn, args, i)
        got = leaves(g)
        assert_leaves_close(got, expected)


@pytest.mark.skipif(ORACLE is None, reason="autograd is not installed")
@pytest.mark.parametrize(("fn", "args", "wrt"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_matches_autograd(fn, args, wrt):
    import autograd

    if fn.__name__ in {c[1].__name__ for c in CASES if c[0] in AUTOGRAD_CANNOT}:
        pytest.skip(AUTOGRAD_CANNOT["nested_tuples"])
    twin = getattr(ORACLE, fn.__name__)
    grads = cpsgrad.grad(fn, wrt=wrt_tuple(wrt))(*args)
    for i, g in zip(wrt_tuple(wrt), grads, strict=True):
        expected = autograd.grad(twin, i)(*args)
        assert_leaves_close(leaves(g), leaves(expected), rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize(("fn", "args", "wrt"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_value_and_grad_matches_function(fn, args, wrt):
    value, _ = cpsgrad.value_and_grad(fn, wrt=wrt)(*args)
    np.testing.assert_allclose(value, fn(*args))
