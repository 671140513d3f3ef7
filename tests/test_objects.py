"""Models as objects and functions as values (tests/corpus_objects.py): cpsgrad's gradient
against central finite differences and, where autograd can take the same argument,
autograd on the same source."""

import copy

import numpy as np
import pytest

import cpsgrad
from tests import corpus_objects
from tests.oracle import assert_leaves_close, load_with_autograd

CASES = corpus_objects.cases()
ORACLE = load_with_autograd("corpus_objects.py", "corpus_objects_autograd")
AUTOGRAD_CANNOT = {  # autograd differentiates arrays, lists, tuples and dicts only
    "model_loss": "autograd cannot differentiate with respect to an object",
    "dataclass_loss": "autograd cannot differentiate with respect to a dataclass",
    "namedtuple_loss": "autograd cannot differentiate with respect to a named tuple",
}


def leaves(x):
    """The float leaves of a tree of dicts, lists, tuples and objects, in a fixed order."""
    if isinstance(x, dict):
        return [v for k in sorted(x) for v in leaves(x[k])]
    if isinstance(x, (list, tuple)):
        return [v for item in x for v in leaves(item)]
    if hasattr(x, "__dict__"):
        return [v for k in sorted(vars(x)) for v in leaves(vars(x)[k])]
    return [x] if isinstance(x, (float, np.ndarray)) else []


def shifted(x, index, delta):
    """A copy of ``x`` whose ``index``-th float leaf (flat position ``index[1]``) moved."""
    x = copy.deepcopy(x)
    counter = [0]

    def walk(t):
        if isinstance(t, dict):
            return {k: walk(t[k]) for k in sorted(t)}
        if isinstance(t, tuple) and hasattr(t, "_fields"):
            return type(t)(*map(walk, t))
        if isinstance(t, (list, tuple)):
            return type(t)(map(walk, t))
        if hasattr(t, "__dict__"):
            for k in sorted(vars(t)):
                setattr(t, k, walk(vars(t)[k]))
            return t
        if not isinstance(t, (float, np.ndarray)):
            return t
        i = counter[0]
        counter[0] += 1
        if i != index[0]:
            return t
        flat = np.array(t, dtype=float).ravel()
        flat[index[1]] += delta
        return flat.reshape(np.shape(t)) if np.ndim(t) else float(flat[0])

    return walk(x)


def finite_differences(fn, args, i, eps=1e-6):
    out = []
    for j, leaf in enumerate(leaves(args[i])):
        g = np.zeros(np.size(leaf))
        for n in range(g.size):
            plus, minus = list(args), list(args)
            plus[i], minus[i] = shifted(args[i], (j, n), eps), shifted(args[i], (j, n), -eps)
            g[n] = (fn(*plus) - fn(*minus)) / (2 * eps)
        out.append(g.reshape(np.shape(leaf)))
    return out


@pytest.mark.parametrize(("fn", "args", "wrt"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_matches_finite_differences(fn, args, wrt):
    g = cpsgrad.grad(fn, wrt=wrt)(*args)
    assert isinstance(g, type(args[wrt]))
    got, expected = leaves(g), finite_differences(fn, args, wrt)
    assert_leaves_close(got, expected)


@pytest.mark.skipif(ORACLE is None, reason="autograd is not installed")
@pytest.mark.parametrize(("fn", "args", "wrt"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_matches_autograd(fn, args, wrt):
    import autograd

    if fn.__name__ in AUTOGRAD_CANNOT:
        pytest.skip(AUTOGRAD_CANNOT[fn.__name__])
    twin = getattr(ORACLE, fn.__name__)
    expected = autograd.grad(twin, wrt)(*args)
    assert_leaves_close(leaves(cpsgrad.grad(fn, wrt=wrt)(*args)), leaves(expected),
                        rtol=1e-7, atol=1e-9)


def test_model_gradient_is_a_copy_with_gradients():
    model = CASES[1][2][0]
    g = cpsgrad.grad(corpus_objects.model_loss)(model, np.ones(3))
    assert isinstance(g, corpus_objects.MLP) and g is not model
    assert isinstance(g.hidden, corpus_objects.Linear) and g.hidden.W.shape == (3, 3)
    assert model.hidden.W is not g.hidden.W  # the model itself is untouched


def test_bound_method_callable_object_and_partial():
    """grad of a bound method, of a callable object and of a partial differentiate their
    visible arguments; the object or the held arguments are constants."""
    model, x, y = CASES[1][2][0], np.array([0.2, -0.4, 0.9]), np.array([1.0, -1.0])
    expected = cpsgrad.grad(corpus_objects.model_loss, wrt=1)(model, x)
    np.testing.assert_allclose(cpsgrad.grad(model.loss)(x, y), expected)
    layer = corpus_objects.Linear(np.eye(3), np.zeros(3))
    np.testing.assert_allclose(cpsgrad.grad(lambda v: np.sum(layer(v) ** 2))(x), 2 * x)
    half = cpsgrad.grad(lambda v: np.sum(corpus_objects.scaled(0.5, v) ** 2))(x)
    import functools
    partial = functools.partial(corpus_objects.scaled, 0.5)
    np.testing.assert_allclose(cpsgrad.grad(lambda v: np.sum(partial(v) ** 2))(x), half)
    np.testing.assert_allclose(cpsgrad.grad(model.loss, wrt="x")(x, y), expected)


def test_gradient_with_respect_to_star_args_is_a_tuple():
    """``wrt`` names parameters: for ``def total(*xs, scale)``, 0 is the tuple ``xs``."""
    a, b = np.array([0.3, -0.5]), np.array([1.0, 2.0])
    ga, gb = cpsgrad.grad(corpus_objects.total)(a, b, scale=2.0)
    np.testing.assert_allclose(ga, 4.0 * a)
    np.testing.assert_allclose(gb, 4.0 * b)
    np.testing.assert_allclose(cpsgrad.grad(corpus_objects.total, wrt="scale")(a, b, scale=2.0),
                               np.sum(a * a) + np.sum(b * b))
