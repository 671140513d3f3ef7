"""In-place writes into arrays (which autograd cannot differentiate), checked against
finite differences."""

import numpy as np
import pytest

import cpsgrad
from tests.oracle import finite_differences, leaves


def write_index(x):
    y = np.zeros(4)
    y[0] = x[1] * 2.0
    y[2] = np.sin(x[0])
    return np.sum(y * y)


def write_slice(x):
    y = x * 1.0
    y[1:3] = np.exp(x[0:2])
    return np.sum(y ** 2)


def write_mask(x):
    y = x * 2.0
    y[x > 0] = 0.5 * x[x > 0]
    return np.sum(y * x)


def augmented_item(x):
    y = x * 1.0
    y[1] += x[0] * x[2]
    y[0] *= 3.0
    return np.sum(np.sin(y))


def write_in_loop(x):
    out = np.zeros(5)
    for i in range(5):
        out[i] = np.tanh(x[i] + (out[i - 1] if i > 0 else 0.0))
    return np.sum(out)


def overwrite_used_value(x):
    y = x * 1.0
    z = np.sin(y)
    y[0] = 10.0
    return np.sum(z * y)


def array_constructor(a, b):
    v = np.array([a * b, np.sin(a), 2.0])
    return np.sum(v * v)


def list_write(x):
    items = [x, x * 2.0]
    items[1] = np.cos(x)
    return np.sum(items[0] * items[1])


def shift_along(x):
    y = np.tanh(x)
    y[1:] = y[:-1]  # a view of y onto the items written, with the same step: NumPy shifts
    return np.sum(y * np.arange(5.0))


def smooth_rows(x):
    m = np.outer(x, x)
    for i in range(1, 5):
        m[i] = 0.5 * (m[i] + m[i - 1])  # a new array on the right: no overlap
    return np.sum(np.sin(m))


X = np.array([0.3, -0.7, 1.1, 0.5, -0.2])
CASES = [
    ("shift_along", shift_along, (X,)),
    ("smooth_rows", smooth_rows, (X,)),
    ("write_index", write_index, (X,)),
    ("write_slice", write_slice, (X,)),
    ("write_mask", write_mask, (X,)),
    ("augmented_item", augmented_item, (X,)),
    ("write_in_loop", write_in_loop, (X,)),
    ("overwrite_used_value", overwrite_used_value, (X,)),
    ("array_constructor", array_constructor, (0.7, -1.3)),
    ("list_write", list_write, (X,)),
]


@pytest.mark.parametrize(("fn", "args"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_inplace_matches_finite_differences(fn, args):
    wrt = tuple(range(len(args)))
    grads = cpsgrad.grad(fn, wrt=wrt)(*args)
    for i in wrt:
        for a, b in zip(leaves(grads[i]), finite_differences(fn, args, i), strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_inputs_are_not_mutated():
    x = X.copy()
    cpsgrad.grad(overwrite_used_value)(x)
    np.testing.assert_array_equal(x, X)


def row_from_column(x):
    grid = np.outer(x, x)[:3, :3]
    grid = grid * 1.0
    grid[1] = grid[:, 2]  # NumPy gives [g02, g22, g22] here, not a copy of the column
    return np.sum(grid * np.arange(9.0).reshape(3, 3))


def test_a_view_overlapping_the_items_written_with_another_step_is_refused():
    """NumPy copies such a right-hand side element by element and reads an item it has
    already overwritten; the gradient would take it as copied first: refused, at the line,
    rather than wrong. Copied first, it is differentiated."""
    with pytest.raises(cpsgrad.TransformError, match=r"v.copy\(\)") as info:
        cpsgrad.grad(row_from_column)(X)
    assert info.value.lineno == row_from_column.__code__.co_firstlineno + 3

    def copied(x):
        grid = np.outer(x, x)[:3, :3] * 1.0
        grid[1] = grid[:, 2].copy()
        return np.sum(grid * np.arange(9.0).reshape(3, 3))

    grads = cpsgrad.grad(copied)(X)
    np.testing.assert_allclose(grads, finite_differences(copied, (X,), 0)[0], rtol=1e-5,
                               atol=1e-6)
