"""Programs cpsgrad cannot differentiate correctly are refused with a located
TransformError that says why — these once gave silently wrong gradients."""

import numpy as np
import pytest

import cpsgrad
from cpsgrad import TransformError


def shallow_copy_item_write(x):
    d = {"W": x * 1.0}
    d2 = d.copy()
    w = d2["W"]
    w[0] = 5.0
    return np.sum(d["W"] * x)


def row_read_before_write(x):
    M = np.ones((2, 2))
    row = M[0]
    M[0, 1] = x[1]
    return np.sum(row) + x[0]


def write_after_transpose(x):
    y = x * 2.0
    t = y.T
    y[0] = 0.0
    return np.sum(t * x)


def sort_in_place(x):
    y = x * 1.0
    y.sort()
    return np.sum(y * x)


def out_argument(x):
    y = np.zeros(2)
    np.add(x, x, out=y)
    return np.sum(y)


def late_binding_lambdas(x):
    fs = []
    for i in range(2):
        fs.append(lambda v: v * x[i])  # noqa: B023 (the late binding under test)
    return fs[0](1.0) + fs[1](2.0)


def closure_reads_before_assignment(x):
    def g():
        return s * x[1]
    s = x[0]
    return g()


def nested_function_writes_out(x):
    buf = np.zeros(2)

    def put(i, v):
        buf[i] = v
    put(0, x[0])
    return np.sum(buf * x)


@pytest.mark.parametrize(("fn", "message", "other_line"), [
    (shallow_copy_item_write, "writes into `w` in place, and `d`", "d2 = d.copy()"),
    (row_read_before_write, "writes into `M` in place, and `row`", "row = M[0]"),
    (write_after_transpose, "writes into `y` in place, and `t`", "t = y.T"),
    (sort_in_place, "`.sort()` changes an array in place", None),
    (out_argument, "`out=` writes into an array in place", None),
    (late_binding_lambdas, "may change afterwards", None),
    (closure_reads_before_assignment, "reads `s`, which is only assigned after", None),
    (nested_function_writes_out, "changes `buf` of the enclosing function", None),
], ids=lambda v: getattr(v, "__name__", ""))
def test_refused_with_both_lines(fn, message, other_line):
    with pytest.raises(TransformError) as info:
        cpsgrad.grad(fn)(np.array([0.4, 0.7]))
    err = info.value
    assert message in str(err)
    assert err.filename == __file__
    lines = open(__file__).read().splitlines()  # noqa: SIM115
    assert err.text == lines[err.lineno - 1].strip()
    if other_line is not None:  # the message names the other line too
        number = next(i for i, text in enumerate(lines, 1)
                      if text.strip() == other_line and i > fn.__code__.co_firstlineno)
        assert f"line {number}" in str(err)


def _add_in_place(h):
    h += 1.0
    return h


def augmented_alias(x):
    h = x * 1.0
    prev = h
    h += x
    return np.sum(prev * h)


def augmented_argument(x):
    h = x * 1.0
    g = _add_in_place(h)
    return np.sum(g * h)


@pytest.mark.parametrize(("fn", "holder"), [
    (augmented_alias, "`prev` holds the same object"),
    (augmented_argument, "the object belongs to the caller"),
])
def test_augmented_assignment_on_shared_array_is_refused(fn, holder):
    """``h += x`` adds into the array in place, which the other name sees."""
    with pytest.raises(TransformError, match=holder) as info:
        cpsgrad.grad(fn)(np.array([0.4, 0.7]))
    assert info.value.filename == __file__
