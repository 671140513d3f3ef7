"""The public API: grad forms, wrt by name, value_and_grad, vjp, trees, depth, dtypes."""

import re
import sys

import numpy as np
import pytest

import cpsgrad


def loss(W, b, x):
    return np.sum(np.tanh(W @ x + b) ** 2)


W0, b0, x0 = np.arange(6.0).reshape(2, 3) / 10, np.array([0.1, -0.2]), np.array([1.0, 2, 3])


def test_decorator_forms_agree():
    plain = cpsgrad.grad(loss)
    by_name = cpsgrad.grad(wrt="W")(loss)
    tupled = cpsgrad.grad(loss, wrt=(0, "b"))
    np.testing.assert_allclose(plain(W0, b0, x0), by_name(W0, b0, x0))
    gW, gb = tupled(W0, b0, x0)
    np.testing.assert_allclose(gW, plain(W0, b0, x0))
    assert gb.shape == b0.shape
    assert plain.__wrapped__ is loss


def test_value_and_grad_runs_once():
    calls = []

    def f(x):
        calls.append(1)
        return np.sum(x * x)

    value, g = cpsgrad.value_and_grad(f)(np.array([1.0, 2.0]))
    assert value == 5.0
    np.testing.assert_allclose(g, [2.0, 4.0])


def test_vjp_of_non_scalar_output():
    def f(x, y):
        return np.sin(x) * y

    x, y = np.array([0.1, 0.2]), np.array([3.0, 4.0])
    value, pullback = cpsgrad.vjp(f, x, y)
    np.testing.assert_allclose(value, f(x, y))
    gx, gy = pullback(np.array([1.0, -1.0]))
    np.testing.assert_allclose(gx, np.cos(x) * y * [1, -1])
    np.testing.assert_allclose(gy, np.sin(x) * [1, -1])


def test_non_float_arguments_pass_through():
    def f(x, n, name, opts):
        assert name == "model"
        return np.sum(x ** n) * opts["scale"]

    g = cpsgrad.grad(f)(np.array([1.0, 2.0]), 3, "model", {"scale": 2.0})
    np.testing.assert_allclose(g, 6.0 * np.array([1.0, 4.0]))


def test_gradient_has_argument_structure():
    params = {"W": W0, "b": b0, "unused": np.ones(4)}

    def f(p, x):
        return loss(p["W"], p["b"], x)

    g = cpsgrad.grad(f)(params, x0)
    assert set(g) == {"W", "b", "unused"}
    np.testing.assert_array_equal(g["unused"], np.zeros(4))
    np.testing.assert_allclose(g["W"], cpsgrad.grad(loss)(W0, b0, x0))


def test_float32_stays_float32():
    g = cpsgrad.grad(lambda x: np.sum(np.sin(x) * 2.0))(np.ones(3, np.float32))
    assert g.dtype == np.float32


def long_loop(x):
    for _ in range(1_000_000):
        x = x * 0.999999 + 1e-7
    return x


def chain(x, n):
    if n == 0:
        return x
    return np.sin(chain(x, n - 1)) * 0.5 + x


def test_million_iterations_without_touching_recursion_limit():
    limit = sys.getrecursionlimit()
    g = cpsgrad.grad(long_loop)(1.0)
    assert g == pytest.approx(0.999999 ** 1_000_000, rel=1e-9)
    assert sys.getrecursionlimit() == limit


def test_recursion_900_deep():
    limit = sys.getrecursionlimit()
    assert limit <= 1000
    chain(0.3, 900)  # the forward runs under the default limit ...
    g = cpsgrad.grad(chain)(0.3, 900)  # ... so the gradient runs too
    eps = 1e-6
    fd = (chain(0.3 + eps, 900) - chain(0.3 - eps, 900)) / (2 * eps)
    assert g == pytest.approx(fd, rel=1e-6)
    assert sys.getrecursionlimit() == limit


def failing(x):
    y = x * 2.0
    return np.sum(y[10])


def test_recursion_limit_restored_after_exception():
    limit = sys.getrecursionlimit()
    with pytest.raises(IndexError):
        cpsgrad.grad(failing)(np.ones(3))
    assert sys.getrecursionlimit() == limit


def test_show_source_reads_like_the_design():
    def rnn(x, W):
        h = x
        for t in range(3):
            if np.sum(h) > 100.0:  # a branch in the loop: a continuation per iteration
                break
            h = np.tanh(W @ h)
        return np.sum(h * h)

    g = cpsgrad.grad(rnn, wrt=(0, 1))
    g(np.ones(3), np.eye(3))
    src = cpsgrad.show_source(g)
    assert "def loop_" in src and "def after_" in src
    assert "# h = np.tanh(W @ h)" in src
    assert "nonlocal W_bar" in src
    assert "W_bar = zeros_like(W)" in src


def test_a_loop_without_calls_or_jumps_is_a_reverse_sweep():
    def rnn(x, W):
        h = x
        for t in range(3):
            h = np.tanh(W @ h)
        return np.sum(h * h)

    g = cpsgrad.grad(rnn, wrt=(0, 1))
    x, W = np.full(3, 0.5), np.eye(3) * 0.9
    g(x, W)
    src = cpsgrad.show_source(g, x, W)
    assert "def loop_" not in src and "for t in range(3):" in src
    assert "in zip(reversed(h1_saved), reversed(h2_saved)):" in src
    assert re.search(r"t\d+_bar = k\(t\d+\)", src)  # the return continuation is still there
    cpsgrad.check_grads(rnn, x, W)


def test_a_sweep_keeps_only_what_changes_per_iteration():
    def step(h, W, scale):  # inlined: its parameters become copies inside the loop
        return np.tanh(W @ h) * scale

    def f(x, W):
        h, total = x, 0.0
        for _ in range(4):
            n = x.shape[0]
            h = step(h, W, -1.5)
            y = h
            total = total + np.sum(y * h) / n
        return total

    g = cpsgrad.grad(f, wrt=(0, 1))
    x, W = np.linspace(-0.5, 0.7, 3), np.eye(3) * 0.9 + 0.05
    g(x, W)
    src = cpsgrad.show_source(g, x, W)
    saved = {line.split(".append")[0].strip() for line in src.splitlines() if ".append(" in line}
    assert saved, src
    # W, the constant -1.5, x.shape[0] and the copy y = h are not kept per iteration
    assert not {"W1_saved", "scale_saved", "n_saved", "y_saved"} & saved, saved
    cpsgrad.check_grads(f, x, W)


def test_a_helpers_tuple_result_is_unpacked_without_a_tuple_adjoint():
    def cell(x, h):
        h = np.tanh(x + h)
        return h, h * 2.0

    def f(x):
        h, g = cell(x, x * 0.5)
        pair = h, g
        h = h * 3.0  # re-bound after the tuple: pair[0] is still the old h
        return np.sum(pair[0] * h + g)

    g = cpsgrad.grad(f)
    x = np.array([0.3, -0.2])
    g(x)
    src = cpsgrad.show_source(g, x)
    assert src.count("item_bar(") == 1, src  # pair's only: cell's result is not a tuple
    assert "h = h2\n" in src and "g = t7\n" in src, src
    cpsgrad.check_grads(f, x)


def test_check_grads_catches_a_wrong_rule():
    def mysq(x):
        return x * x

    def wrong(g, ans, x):
        return g * 3.0 * x

    def f(x):
        return np.sum(mysq(x))

    cpsgrad.check_grads(f, np.array([0.5, 1.5]))
    cpsgrad.defvjp(mysq, wrong)
    try:
        with pytest.raises(AssertionError, match="gradient check failed"):
            cpsgrad.check_grads(f, np.array([0.5, 1.5]))
    finally:
        from cpsgrad.rules.registry import default_registry
        del default_registry.rules[mysq]


def test_exception_in_emitted_code_names_the_user_line():
    with pytest.raises(IndexError) as info:
        cpsgrad.grad(failing)(np.ones(3))
    notes = "\n".join(getattr(info.value, "__notes__", []))
    assert "emitted gradient" in notes
    assert f"test_api.py:{failing.__code__.co_firstlineno + 2}" in notes
    assert "np.sum(y[10])" in notes


def test_keyword_and_default_arguments_bind_like_a_call():
    def f(x, scale=2.0, power=3):
        return np.sum(scale * x ** power)

    x = np.array([1.0, 2.0])
    g = cpsgrad.grad(f)
    np.testing.assert_allclose(g(x), 6.0 * x ** 2)
    np.testing.assert_allclose(g(x, power=2), 4.0 * x)
    np.testing.assert_allclose(g(x=x, scale=1.0), 3.0 * x ** 2)
    _, pullback = cpsgrad.vjp(f, x)
    np.testing.assert_allclose(pullback(1.0)[0], 6.0 * x ** 2)
