"""Rank-one updates kept as factors (cpsgrad/outer.py): an OuterSum reads as the array it
stands for, and gradients that use it are right (finite differences, autograd's oracle where
it runs) and reach the user as plain arrays."""

import numpy as np
import pytest

import cpsgrad
from cpsgrad import outer
from cpsgrad.rules.numpy import add_dot_vjp_x, add_outer


def _sum(rng, n=5):
    dense = rng.normal(size=(3, 2))
    acc, want = dense.copy(), dense.copy()
    for _ in range(n):
        g, h = rng.normal(size=3), rng.normal(size=2)
        acc = add_outer(acc, g, h)
        want += np.outer(g, h)
    return acc, want


def test_an_outer_sum_reads_as_its_array():
    acc, want = _sum(np.random.default_rng(0))
    assert type(acc) is outer.OuterSum
    np.testing.assert_allclose(np.asarray(acc), want)
    np.testing.assert_allclose(acc + 1.0, want + 1.0)
    np.testing.assert_allclose(2.0 * acc, 2.0 * want)
    np.testing.assert_allclose(np.ones(2) - acc, np.ones(2) - want)
    assert acc.shape == (3, 2) and acc.T.shape == (2, 3)
    assert repr(acc) == repr(want)


def test_factors_are_copies_and_sums_merge():
    rng = np.random.default_rng(1)
    acc = add_outer(np.zeros((2, 2)), np.ones(2), np.ones(2))
    g = np.ones(2)
    acc = add_dot_vjp_x(acc, g, np.zeros((2, 2)), np.array([1.0, 2.0]))
    g *= 100.0  # a later in-place write does not reach the kept factor
    other, want = _sum(rng)
    acc2 = add_outer(np.zeros((3, 2)), np.ones(3), np.ones(2))
    acc2 += other
    np.testing.assert_allclose(np.asarray(acc), [[2.0, 3.0], [2.0, 3.0]])
    np.testing.assert_allclose(np.asarray(acc2), want + 1.0)


def test_integer_or_batched_operands_add_at_once():
    acc = add_outer(np.zeros((2, 2)), np.array([1, 2]), np.array([1, 1]))
    assert type(acc) is np.ndarray
    np.testing.assert_allclose(acc, [[1.0, 1.0], [2.0, 2.0]])
    acc = add_dot_vjp_x(np.zeros((2, 3)), np.ones((2, 4)), np.zeros((2, 3)), np.ones((3, 4)))
    assert type(acc) is np.ndarray


def test_many_factors_are_added_in_as_they_come(monkeypatch):
    monkeypatch.setattr(outer, "MAX_FACTORS", 3)
    acc, want = _sum(np.random.default_rng(2), n=7)
    assert len(acc.lefts) == 1
    np.testing.assert_allclose(np.asarray(acc), want)


def node(tree, W, U, b):
    """A tree model written plainly: weights passed down the recursion, matrix-vector
    products per node (the weight gradients are rank-one updates)."""
    if isinstance(tree, np.ndarray):
        return np.tanh(np.dot(W, tree) + b)
    left, right = tree
    return np.tanh(np.dot(U, node(left, W, U, b) + node(right, W, U, b)) + b)


def tree_loss(W, U, b, tree):
    return np.sum(node(tree, W, U, b) ** 2)


@pytest.fixture
def tree_args():
    rng = np.random.default_rng(3)
    leaves = [rng.normal(size=4) for _ in range(5)]
    tree = ((leaves[0], leaves[1]), ((leaves[2], leaves[3]), leaves[4]))
    return rng.normal(size=(3, 4)) * 0.5, rng.normal(size=(3, 3)) * 0.5, np.zeros(3), tree


def test_a_recursion_of_matrix_vector_products(tree_args):
    cpsgrad.check_grads(tree_loss, *tree_args, wrt=(0, 1, 2))
    g = cpsgrad.grad(tree_loss, wrt=(0, 1, 2))
    grads = g(*tree_args)
    assert all(type(x) is np.ndarray for x in grads)
    assert "add_dot_vjp_x(" in cpsgrad.show_source(g, *tree_args)


def dict_node(tree, p):
    if isinstance(tree, np.ndarray):
        return np.tanh(p["W"] @ tree + p["b"])
    left, right = tree
    return np.tanh(p["U"] @ (dict_node(left, p) + dict_node(right, p)) + p["b"])


def dict_tree_loss(p, tree):
    return np.sum(dict_node(tree, p) ** 2)


def rows_and_products(W, hs):
    total = 0.0
    for h in hs:
        total = total + np.sum(np.tanh(np.dot(W, h)))
    return total + np.sum(W[0] * 2.0) + np.sum(W @ hs[0])


def test_a_parameter_dict_through_a_recursion(tree_args):
    W, U, b, tree = tree_args
    params = {"W": W, "U": U, "b": b}
    cpsgrad.check_grads(dict_tree_loss, params, tree, wrt=0)
    grads = cpsgrad.grad(dict_tree_loss)(params, tree)
    assert all(type(v) is np.ndarray for v in grads.values())


def test_factors_and_indexed_writes_into_one_accumulator():
    rng = np.random.default_rng(5)
    W, hs = rng.normal(size=(3, 4)), [rng.normal(size=4) for _ in range(4)]
    cpsgrad.check_grads(rows_and_products, W, hs, wrt=0)
