"""Writes through a name the transform cannot follow back to the arguments (a global).

cpsgrad follows writes through the arguments and local names (the aliases stage), but a
module-level name may hold the very dict, array or object being differentiated. A write
through it would change the argument behind the adjoint's back, and the gradient would be
wrong; the emitted code checks such writes when they run and raises ``TransformError``
naming the line (for any argument: one not differentiated could make a shape fact stale).
Writes into anything else run as written, writes into objects made in the function need no
check, and a write through a module-level name itself is refused when the gradient is built.
"""

import numpy as np
import pytest

import cpsgrad
from tests.oracle import assert_leaves_close, finite_differences

REGISTRY = {}
CACHE = {}


class Model:
    def __init__(self, w):
        self.w = w


def rebinds_an_entry_through_a_global(params, x):
    b = params["b"]
    y = x + b
    REGISTRY["params"]["b"] = np.ones((4, 3))  # the same dict as params
    return np.sum(y * y) + np.sum(x * params["b"])


def writes_into_an_array_through_a_global(w, x):
    y = np.sum(w * x)
    REGISTRY["w"][0] = 0.0  # the same array as w
    return y + np.sum(w)


def sets_an_attribute_through_a_global(model, x):
    REGISTRY["model"].w = model.w * 2.0  # the same object as model
    return np.sum(model.w * x)


def caches_a_value(w, x):
    loss = np.sum(np.tanh(w * x))
    CACHE["last"] = float(loss)  # a global dict: refused at the transform, with its line
    return loss


def logs_through_a_lookup(w, x):
    loss = np.sum(np.tanh(w * x))
    log = CACHE["log"]  # a global list, written through a local name: checked when it runs
    log[0] = float(loss)
    return loss


def fills_a_local_buffer(w, x):
    out = np.zeros(3)
    for i in range(3):
        out[i] = w[i] * x[i]
    return np.sum(out * out)


@pytest.mark.parametrize(("fn", "args", "line"), [
    (rebinds_an_entry_through_a_global, lambda: ({"b": np.array([0.1, 0.2, 0.3])},
                                                 np.arange(12.0).reshape(4, 3)), "params"),
    (writes_into_an_array_through_a_global, lambda: (np.ones(3), np.arange(3.0)), "w"),
    (sets_an_attribute_through_a_global, lambda: (Model(np.ones(3)), np.arange(3.0)),
     "model"),
])
def test_write_into_a_differentiated_argument_through_a_global_is_refused(fn, args, line):
    a = args()
    REGISTRY.update(params=a[0], w=a[0], model=a[0])
    with pytest.raises(cpsgrad.TransformError) as info:
        cpsgrad.grad(fn)(*a)
    message = str(info.value)
    assert f"into `{line}`" in message and "test_global_writes.py" in message
    REGISTRY.clear()


def test_the_same_write_into_something_else_runs():
    params, x = {"b": np.array([0.1, 0.2, 0.3])}, np.arange(12.0).reshape(4, 3)
    REGISTRY["params"] = {"b": None}  # not the argument
    got = cpsgrad.grad(rebinds_an_entry_through_a_global)(params, x)
    expected = finite_differences(rebinds_an_entry_through_a_global, (params, x), 0)
    assert_leaves_close([got["b"]], expected)
    assert REGISTRY["params"]["b"].shape == (4, 3)
    REGISTRY.clear()


def test_a_write_into_an_argument_not_differentiated_is_refused_too():
    w, x = np.ones(3), np.arange(3.0)
    REGISTRY["w"] = x  # the argument not differentiated: its shape facts could go stale
    with pytest.raises(cpsgrad.TransformError, match="into `x`"):
        cpsgrad.grad(writes_into_an_array_through_a_global, wrt=0)(w, x)
    REGISTRY.clear()


def test_write_into_a_global_name_is_refused_with_its_line():
    w, x = np.array([0.3, -0.2, 0.5]), np.array([1.0, 2.0, -1.0])
    with pytest.raises(cpsgrad.TransformError, match="`CACHE`, a module-level value") as info:
        cpsgrad.grad(caches_a_value)(w, x)
    assert f"line {caches_a_value.__code__.co_firstlineno + 2}" in str(info.value)


def test_write_into_a_global_list_through_a_local_name_runs():
    w, x = np.array([0.3, -0.2, 0.5]), np.array([1.0, 2.0, -1.0])
    CACHE["log"] = [None]
    got = cpsgrad.grad(logs_through_a_lookup)(w, x)
    assert_leaves_close([got], finite_differences(logs_through_a_lookup, (w, x), 0))


def test_writes_into_objects_made_here_are_not_checked():
    w, x = np.array([0.3, -0.2, 0.5]), np.array([1.0, 2.0, -1.0])
    g = cpsgrad.grad(fills_a_local_buffer)
    assert_leaves_close([g(w, x)], finite_differences(fills_a_local_buffer, (w, x), 0))
    assert "unshared(" not in cpsgrad.show_source(g, w, x)
    CACHE["log"] = [None]
    assert "unshared(" in cpsgrad.show_source(cpsgrad.grad(logs_through_a_lookup), w, x)
