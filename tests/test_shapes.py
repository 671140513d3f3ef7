"""Shape facts (transforms/shapes.py): ``unbroadcast`` is dropped only where it does nothing.

Each function here broadcasts in a way the analysis must see (or must admit it cannot see);
every gradient is checked against finite differences, for several argument shapes through
one ``grad`` object, so a specialisation built for one shape is never reused for another.
"""

import numpy as np
import pytest

import cpsgrad
from cpsgrad.transforms.patterns import INT, broadcast, join, pattern_of, summed
from tests.oracle import finite_differences, leaves

rng = np.random.default_rng(7)


def outer(x, y):
    return np.sum(np.tanh(x * y + x))


def carried_changes_rank(x):
    h = 0.0
    for _ in range(3):
        h = h * 0.5 + np.sin(x)
    return np.sum(h * h)


def keepdims_axis(x):
    m = np.max(x, axis=-1, keepdims=True)
    s = np.sum(x, axis=0)
    return np.sum((x - m) ** 2) + np.sum(s * x)


def bias_row(params, x):
    return np.sum(np.tanh(x @ params["W"] + params["b"]) * params["b"])


def column_total(x):
    return np.sum(x, axis=1, keepdims=True)


def helper_result(x):
    return np.sum(np.exp(x - column_total(x)))


def sliced(x, y):
    return np.sum(x[:1] * y + x[1:] * 2.0)


def widen(d):
    d["b"] = np.ones((4, 1)) * d["b"]
    return 0.0


def changed_by_inactive_call(params, x):
    """``widen`` gets no active argument, so it runs as it is and may change ``cfg``."""
    cfg = {"b": np.ones(3)}
    z = widen(cfg)
    return np.sum(params["w"] * cfg["b"] * x) + z


def matmul_forms(A, v, w):
    return np.sum(np.tanh(A @ v)) + np.sum(np.sin(w @ A)) + (v @ (v * 2.0)) * 0.1 + np.sum(A @ A.T)


def batched_matmul(B, C):
    return np.sum(np.tanh(B @ C))


def grows(x, n):
    if n == 0:
        return np.sum(np.sin(x))
    return grows(x[None] * 1.1, n - 1)


def scalar_params(params, n):
    x = params["x0"]
    for _ in range(n):
        x = x * params["w"] + np.sin(x) * params["b"]
    return np.sum(x * x)


CASES = [
    ("outer", outer, [(rng.normal(size=(3, 1)), rng.normal(size=(1, 4))),
                      (rng.normal(size=(3, 4)), rng.normal(size=(3, 4))),
                      (rng.normal(size=(1, 1)), rng.normal(size=(2, 3))),
                      (0.7, rng.normal(size=(3,)))], (0, 1)),
    ("carried_changes_rank", carried_changes_rank, [(rng.normal(size=3),), (0.4,)], 0),
    ("keepdims_axis", keepdims_axis, [(rng.normal(size=(3, 4)),), (rng.normal(size=(1, 4)),),
                                      (rng.normal(size=(3, 1)),)], 0),
    ("bias_row", bias_row, [({"W": rng.normal(size=(3, 2)), "b": rng.normal(size=(1, 2))},
                             rng.normal(size=(4, 3))),
                            ({"W": rng.normal(size=(3, 2)), "b": rng.normal(size=2)},
                             rng.normal(size=(1, 3))),
                            ({"W": rng.normal(size=(3, 1)), "b": rng.normal(size=(5, 1))},
                             rng.normal(size=(5, 3)))], (0, 1)),
    ("helper_result", helper_result, [(rng.normal(size=(3, 4)),), (rng.normal(size=(3, 1)),)], 0),
    ("sliced", sliced, [(rng.normal(size=2), rng.normal(size=5)),
                        (rng.normal(size=(2, 3)), rng.normal(size=3)),
                        (rng.normal(size=6), rng.normal(size=5))], (0, 1)),
    ("changed_by_inactive_call", changed_by_inactive_call,
     [({"w": rng.normal(size=3)}, rng.normal(size=3))], (0, 1)),
    ("matmul_forms", matmul_forms, [(rng.normal(size=(3, 4)), rng.normal(size=4),
                                      rng.normal(size=3)),
                                     (rng.normal(size=(1, 1)), rng.normal(size=1),
                                      rng.normal(size=1))], (0, 1, 2)),
    ("batched_matmul", batched_matmul, [(rng.normal(size=(2, 3, 4)), rng.normal(size=(4, 2))),
                                        (rng.normal(size=(3, 4)), rng.normal(size=(2, 4, 2)))],
     (0, 1)),
    ("grows", grows, [(rng.normal(size=3), 6), (rng.normal(size=(1, 2)), 3)], 0),
    ("scalar_params", scalar_params, [({"x0": 0.7, "w": 0.9, "b": 0.3}, 20),
                                      ({"x0": np.array([0.7, 0.1]), "w": 0.9, "b": 0.3}, 20),
                                      ({"x0": 0.7, "w": np.array([0.9, 0.8]), "b": 0.3}, 20)], 0),
]


@pytest.mark.parametrize(("fn", "arglists", "wrt"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_specialised_gradients_match_finite_differences(fn, arglists, wrt):
    g = cpsgrad.grad(fn, wrt=wrt)
    for args in arglists:
        grads = g(*args)
        for i in (wrt if isinstance(wrt, tuple) else (wrt,)):
            got = grads[i] if isinstance(wrt, tuple) else grads
            for a, b in zip(leaves(got), finite_differences(fn, args, i), strict=True):
                np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_scalar_loop_has_no_unbroadcast():
    """The point of the analysis: a loop over floats emits plain arithmetic."""
    source = cpsgrad.show_source(cpsgrad.grad(scalar_params), {"x0": 0.7, "w": 0.9, "b": 0.3}, 5)
    assert "unbroadcast(" not in source
    source = cpsgrad.show_source(cpsgrad.grad(scalar_params),
                                 {"x0": np.zeros(2), "w": 0.9, "b": 0.3}, 5)
    assert "np.add.reduce(" in source  # x is an array and w a float: some contributions sum
    assert "unbroadcast(" not in source  # ... over axes known when the adjoint is built


def test_matmul_adjoints_are_inlined_when_ranks_are_known():
    source = cpsgrad.show_source(cpsgrad.grad(matmul_forms, wrt=(0, 1, 2)), np.zeros((3, 4)),
                                 np.zeros(4), np.zeros(3))
    assert "matmul_vjp" not in source
    assert ".T @ " in source and ("np.outer(" in source or "add_outer(" in source)
    source = cpsgrad.show_source(cpsgrad.grad(batched_matmul, wrt=(0, 1)), np.zeros((2, 3, 4)),
                                 np.zeros((4, 2)))
    assert "matmul_vjp" in source  # a batch of matrices: the general rule


def test_needed_sums_are_kept():
    source = cpsgrad.show_source(cpsgrad.grad(bias_row), {"W": np.zeros((3, 2)),
                                                          "b": np.zeros(2)}, np.zeros((4, 3)))
    # both uses of the bias row, summed over the batch axis, which is known
    assert source.count("np.add.reduce(") == 2 and "axis=0)" in source
    assert "unbroadcast(" not in source
    source = cpsgrad.show_source(cpsgrad.grad(bias_row), {"W": np.zeros((3, 2)),
                                                          "b": np.zeros(2)}, [[0.0] * 3] * 4)
    assert "np.add.reduce(" not in source  # a list of rows: no shape known, sums found at run time


def test_patterns():
    assert pattern_of(np.zeros((3, 1))) == ("n", 1)
    assert pattern_of(2.0) == ()
    assert pattern_of(3) == INT
    assert pattern_of(True) is None
    assert pattern_of({"a": np.zeros(2)}).get("a") == ("n",)
    assert broadcast(("n", 1), (1, "n")) == ("n", "n")
    assert broadcast((), ("?",)) == ("?",)
    assert summed(("n", "n"), ("n",)) == ()  # no sum: the operand has the result's shape
    assert summed(("?",), ("?",)) is None  # 1 against 5 would broadcast
    assert summed(("?",), (1,)) == ()
    assert summed((1,), ("n",)) == ((0,), True)
    assert summed(("n", 1), ("n", "n")) == ((1,), True)
    assert summed(("n",), ("n", "n")) == ((0,), False)
    assert summed((), ("n", "n")) == ((0, 1), False)
    assert summed((1,), ("n", "n")) is None  # two reductions: left to unbroadcast
    assert summed((1,), ("?",)) is None
    assert join(("n",), (1,)) == ("?",)
    assert join((), ("n",)) is None


def test_many_shapes_share_one_unspecialised_adjoint():
    g = cpsgrad.grad(outer, wrt=(0, 1))
    shapes = [(1,) * r + (2,) * (4 - r) for r in range(5)] + [(2,) * r for r in range(1, 8)]
    for shape in shapes:
        x, y = rng.normal(size=shape), rng.normal(size=shape[-1:])
        gx, gy = g(x, y)
        for a, b in zip((gx, gy), finite_differences(outer, (x, y), 0)
                        + finite_differences(outer, (x, y), 1), strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert len(g.built) <= 9
