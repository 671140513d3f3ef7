"""Adjoints the shape analysis lets the emitted code build densely, in place.

* Items of a parameter dict whose arrays have known shapes are arrays: their accumulators
  are ``zeros_like`` arrays, added into in place (``W_bar += ...``), not ``accumulate``.
* The adjoint of an array read through slices (``gates[:, :n]``, ``gates[:, n:2 * n]``) is
  zeros with the first slice written, the others added in place.
* Sums over broadcast axes known when the adjoint is built are ``np.add.reduce``.
* NumPy reductions of arrays (``np.sum(x, axis=1)``) run as their methods (``x.sum(axis=1)``).
* The adjoint of ``np.sum(y * logp)`` or ``np.sum(np.exp(z), axis=-1, keepdims=True)`` stays
  in the reduced shape (one multiplication broadcasts it), with no ``repeat_to_match``.

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


def reductions(x, w):
    s = np.sum(x * w, axis=1, keepdims=True)
    m = np.amax(x, axis=0)
    v = np.var(x) + np.mean(x * x) + np.sum(np.std(x, axis=1))
    return np.sum(s * s) + np.sum(m) + v + np.prod(np.min(x, 1))


def on_floats(x, w):
    total = 0.0
    for xi in [x[0, 0], x[1, 1]]:  # floats: no .sum method, NumPy's functions stay
        total = total + np.sum(xi * w[0]) + np.max(xi)
    return total


def xent(z, y):
    lse = np.log(np.sum(np.exp(z), axis=-1, keepdims=True))
    sq = np.mean(z * z)  # mean: g / count, broadcast by the product's adjoint
    return -np.sum(y * (z - lse)) + sq


def used_twice(z, y):
    e = np.exp(z)
    s = np.sum(e, axis=-1, keepdims=True)  # e is read again below: its adjoint is full
    d = np.sum(z * 2.0)  # times a number: g * 2.0 would stay a number
    return np.sum(y * e / s) + d + np.sum(np.sum(y * z, axis=0))  # a quotient; no keepdims


def make_xent():
    return rng.normal(size=(4, 5)), np.eye(5)[[0, 3, 1, 4]]


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


def make_reductions():
    return rng.normal(size=(4, 3)), rng.normal(size=3)


@pytest.mark.parametrize(("fn", "make"), [(gated, make_gated), (row_bias, make_row_bias),
                                          (reductions, make_reductions),
                                          (on_floats, make_reductions),
                                          (xent, make_xent), (used_twice, make_xent)])
def test_gradients_match_oracles(fn, make):
    params, x = make()
    got = leaves(cpsgrad.grad(fn)(params, x))
    assert_leaves_close(got, finite_differences(fn, (params, x), 0))
    assert_leaves_close(got, leaves(autograd.grad(oracle(fn))(params, x)), rtol=1e-9,
                        atol=1e-12)


def test_forms_emitted():
    params, xs = make_gated()
    source = cpsgrad.show_source(cpsgrad.grad(gated), params, xs)
    assert "gates_bar = empty_like(gates)" in source  # the three slices tile it (tiles.py)
    assert "gates_bar[:, :n] = " in source and "gates_bar[:, :n] += " not in source
    assert "item_bar(gates" not in source and "add_item(gates" not in source
    assert "W_bar += " in source and "accumulate(" not in source
    params, x = make_row_bias()
    source = cpsgrad.show_source(cpsgrad.grad(row_bias), params, x)
    assert "np.add.reduce(" in source and "unbroadcast(" not in source


def forward_code(fn, *args):
    source = cpsgrad.show_source(cpsgrad.grad(fn), *args).split("def ", 1)[1].split("k(")[0]
    return "\n".join(ln for ln in source.splitlines() if not ln.strip().startswith("#"))


def test_reductions_of_arrays_are_methods():
    code = forward_code(reductions, *make_reductions())
    for method in (".sum(axis=1, keepdims=True)", ".max(axis=0)", ".var()", ".mean()",
                   ".std(axis=1)", ".prod()", ".min(1)"):
        assert method in code, method
    assert "np.sum(" not in code and "np.amax(" not in code
    code = forward_code(on_floats, *make_reductions())
    assert "np.sum(" in code and "np.max(" in code


def test_reduced_adjoints():
    source = cpsgrad.show_source(cpsgrad.grad(xent), *make_xent())
    assert "repeat_to_match(" not in source
    source = cpsgrad.show_source(cpsgrad.grad(used_twice), *make_xent())
    assert source.count("repeat_to_match(") == 5  # each of the five sums above


def conv_layer(K, x):
    patches = np.lib.stride_tricks.sliding_window_view(x, (3, 3), axis=(1, 2))
    out = np.einsum("bijkl,fkl->bfij", patches, K)  # large: along a contraction path
    small = np.einsum("i,i->", K[0, 0], K[1, 1])  # small: NumPy's own loop
    return np.sum(np.tanh(out)) + small


def test_einsum_runs_along_a_contraction_path():
    from cpsgrad.rules.einsum import EINSUM_PATH_MIN

    K, x = rng.normal(size=(4, 3, 3)), rng.normal(size=(60, 9, 9))
    assert x.size >= EINSUM_PATH_MIN > K[0, 0].size * 2
    code = forward_code(conv_layer, K, x)
    assert "einsum('bijkl,fkl->bfij'" in code and "np.einsum(" not in code
    got = cpsgrad.grad(conv_layer)(K, x)  # (autograd has no sliding_window_view)
    assert_leaves_close([got], finite_differences(conv_layer, (K, x), 0))
    small = (K, x[:2, :5, :5])  # below the threshold: NumPy's own loop
    assert_leaves_close([cpsgrad.grad(conv_layer)(*small)],
                        finite_differences(conv_layer, small, 0))


def test_einsum_along_a_path_gives_what_numpy_gives():
    from cpsgrad.rules.einsum import einsum

    x = rng.normal(size=(64, 1, 8, 8))
    patches = np.lib.stride_tricks.sliding_window_view(x, (3, 3), axis=(2, 3))
    K = rng.normal(size=(8, 1, 3, 3))
    for _ in range(2):  # the second call takes the path found by the first
        got = einsum("bcijkl,fckl->bfij", patches, K)
        expected = np.einsum("bcijkl,fckl->bfij", patches, K)
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
        assert got.flags.c_contiguous  # as NumPy's own einsum lays it out
    total = einsum("bcijkl,bcijkl->", patches, patches)
    assert np.ndim(total) == 0 and np.isclose(total, np.sum(patches * patches))
    out = np.empty((64, 8, 6, 6))
    assert einsum("bcijkl,fckl->bfij", patches, K, out=out) is out
    a, b = rng.normal(size=(70, 80)), rng.normal(size=(80, 90))
    for subscripts, ops in [("ij,jk->ki", (a, b)), ("ij,ij->", (a, a)),  # one matrix product
                            ("ij,jk->ik", (np.ones((2000, 1)), np.ones((3, 4)))),  # broadcast
                            ("bij,bjk->bik", (a.reshape(10, 7, 80), b.reshape(10, 80, 9)))]:
        got, expected = einsum(subscripts, *ops), np.einsum(subscripts, *ops)
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
        assert type(got) is type(expected) and np.shape(got) == np.shape(expected)


def test_row_of_a_large_table_stays_row_sparse():
    def lookup(E, ids):
        return sum(np.sum(np.tanh(E[i])) for i in ids)

    E = rng.normal(size=(5000, 8))
    source = cpsgrad.show_source(cpsgrad.grad(lookup), E, [3, 7])
    assert "item_bar(" in source or "add_item(" in source
    g = cpsgrad.grad(lookup)(E, [3, 7])
    assert np.count_nonzero(np.any(g != 0, axis=1)) == 2


def tanh_sigmoid(z):
    return 0.5 * (np.tanh(0.5 * z) + 1.0)


def gate_loss(x, W):
    h = np.zeros(W.shape[1])
    for t in range(x.shape[0]):
        h = tanh_sigmoid(x[t] @ W) * h + tanh_sigmoid(x[t] @ W * 2.0)
    return np.sum(h * h)


def test_constant_scales_fold_through_products():
    x, W = rng.normal(size=(3, 4)), rng.normal(size=(4, 5))
    source = cpsgrad.show_source(cpsgrad.grad(gate_loss, wrt=1), x, W)
    assert "* 0.25" in source  # 0.5 (outer) times 0.5 (inner) through tanh's rule
    got = cpsgrad.grad(gate_loss, wrt=1)(x, W)
    assert_leaves_close([got], finite_differences(gate_loss, (x, W), 1))
    ns = {"np": anp}
    ns["tanh_sigmoid"] = type(tanh_sigmoid)(tanh_sigmoid.__code__, ns)
    oracle_fn = type(gate_loss)(gate_loss.__code__, ns)
    assert_leaves_close([got], [autograd.grad(oracle_fn, 1)(x, W)], rtol=1e-9, atol=1e-12)


def test_scale_is_not_folded_past_a_change():
    import gast

    from cpsgrad import codegen
    from cpsgrad.transforms.optimize import optimize

    def run(src):
        module = optimize(gast.parse(src))
        return codegen.to_source(module)

    folded = run("def f(b, e):\n    a = b * 0.5\n    c = a * e\n    z = c * 0.5\n    return z\n")
    assert "z = b * e * 0.25" in folded.replace("(", "").replace(")", "") or \
        ("c = b * e" in folded and "z = c * 0.25" in folded)
    kept = run("def f(b, e):\n    a = b * 0.5\n    b = g(b)\n    c = a * e\n"
               "    z = c * 0.5\n    return z\n")
    assert "a = b * 0.5" in kept and "z = c * 0.5" in kept


def dict_rnn(params, xs):
    h = np.zeros(params["W"].shape[0])
    for t in range(xs.shape[0]):  # params["W"] and params["U"] read in every iteration
        h = np.tanh(params["W"] @ h + params["U"] @ xs[t] + params["b"])
    return np.sum(h * h)


class Cell:
    def __init__(self, W, U):
        self.W, self.U = W, U


class Model:
    def __init__(self, W, U, scale):
        self.cell, self.scale = Cell(W, U), scale

    def loss(self, xs):
        h = np.zeros(self.cell.W.shape[0])
        for t in range(xs.shape[0]):  # self.cell.W read in every iteration
            h = np.tanh(self.cell.W @ h + self.cell.U @ xs[t]) * self.scale
        return np.sum(h)


def model_loss(model, xs):
    return model.loss(xs)


def maybe_missing(params, n):
    total = 0.0
    for _ in range(n):  # with n = 0 the key is never read, as in Python
        total = total + np.sum(params["absent"] * 2.0)
    return total + np.sum(params["W"] ** 2)


def test_loop_invariant_reads_are_hoisted():
    params = {"W": rng.normal(size=(3, 3)) * 0.5, "U": rng.normal(size=(3, 2)),
              "b": rng.normal(size=3)}
    xs = rng.normal(size=(4, 2))
    source = cpsgrad.show_source(cpsgrad.grad(dict_rnn), params, xs)
    forward = source.split("for t in range(")[1]  # after the comment line: the hoisted reads
    assert "params['W']" in source.split("    for t in range(")[0]
    assert "params['W']" not in forward.split("k(")[0].split("\n", 1)[1]
    assert source.count("add_item(params_bar, 'W'") + source.count("item_bar(params, 'W'") == 1
    got = leaves(cpsgrad.grad(dict_rnn)(params, xs))
    assert_leaves_close(got, finite_differences(dict_rnn, (params, xs), 0))
    assert_leaves_close(got, leaves(autograd.grad(oracle(dict_rnn))(params, xs)), rtol=1e-9,
                        atol=1e-12)


def test_hoisted_object_attributes_and_zero_trip_loops():
    W, U = rng.normal(size=(3, 3)) * 0.5, rng.normal(size=(3, 2))
    xs = rng.normal(size=(4, 2))
    model = Model(W, U, 1.5)
    g = cpsgrad.grad(model_loss)(model, xs)

    def as_arrays(W, U):
        return model_loss(Model(W, U, 1.5), xs)

    fd = finite_differences(as_arrays, (W, U), 0) + finite_differences(as_arrays, (W, U), 1)
    assert_leaves_close([g.cell.W, g.cell.U], fd)
    params = {"W": rng.normal(size=2)}
    assert_leaves_close([cpsgrad.grad(maybe_missing)(params, 0)["W"]], [2 * params["W"]])
    with pytest.raises(KeyError):
        cpsgrad.grad(maybe_missing)(params, 1)


def scaled_steps(params, xs):
    h = np.zeros(xs.shape[1])
    for t in range(xs.shape[0]):  # np.exp(...) and params["W"] * 2.0: the same every step
        h = np.tanh(h * np.exp(params["log_decay"]) + xs[t] @ (params["W"] * 2.0))
    return np.sum(h ** 2)


def test_loop_invariant_arithmetic_is_hoisted():
    params = {"log_decay": rng.normal(size=3) * 0.1, "W": rng.normal(size=(3, 3)) * 0.4}
    xs = rng.normal(size=(5, 3))
    before, loop = forward_code(scaled_steps, params, xs).split("    for t in range(", 1)
    assert "np.exp(" in before and "* 2.0" in before
    assert "np.exp(" not in loop and "* 2.0" not in loop
    assert "repeat_to_match(" not in cpsgrad.show_source(cpsgrad.grad(scaled_steps), params, xs)
    got = leaves(cpsgrad.grad(scaled_steps)(params, xs))
    assert_leaves_close(got, finite_differences(scaled_steps, (params, xs), 0))
    assert_leaves_close(got, leaves(autograd.grad(oracle(scaled_steps))(params, xs)),
                        rtol=1e-9, atol=1e-12)
    zero = cpsgrad.grad(scaled_steps)(params, xs[:0])  # no iteration: zero gradients
    assert all(np.all(v == 0) for v in zero.values())


def test_two_operand_einsum_as_one_matmul_gives_what_numpy_gives():
    """Random subscripts (batch, summed, kept, one-sided and broadcast indices in random
    orders) through the matmul plan, against np.einsum."""
    from cpsgrad.rules import einsum as rules

    r = np.random.default_rng(11)
    planned = 0
    for _ in range(400):
        letters = list("abcdefg")[:r.integers(1, 8)]
        where = {c: r.choice(["a", "b", "ab"]) for c in letters}
        kept = {c: r.random() < 0.6 for c in letters}
        size = {c: int(r.choice([1, 2, 3, 5])) for c in letters}
        specs = ["".join(r.permutation([c for c in letters if side in where[c]] or ["h"]))
                 for side in "ab"]
        out = "".join(r.permutation([c for c in letters if kept[c]]))
        shapes = [[size.get(c, 4) for c in spec] for spec in specs]
        if r.random() < 0.2:  # a length-1 axis against a longer one: einsum broadcasts it
            shapes[0][0] = 1
        ops = [r.normal(size=sh) for sh in shapes]
        ops = [np.asfortranarray(op) if r.random() < 0.4 else op for op in ops]  # other layouts
        subscripts = f"{specs[0]},{specs[1]}->{out}"
        expected = np.einsum(subscripts, *ops)
        if r.random() < 0.3:
            rules.MATMUL_BATCH_MOST, old = 1, rules.MATMUL_BATCH_MOST  # one product, transposed
        else:
            old = rules.MATMUL_BATCH_MOST
        try:
            plan = rules._matmul_plan(subscripts, ops)
            got = rules._by_matmul(plan, ops) if plan is not None else None
        finally:
            rules.MATMUL_BATCH_MOST = old
            rules._MATMUL_PLANS.clear()
        if plan is None:
            continue
        planned += 1
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12, err_msg=subscripts)
        assert np.shape(got) == np.shape(expected) and (np.ndim(got) == 0 or got.flags.c_contiguous)
    assert planned > 80
