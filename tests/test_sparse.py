"""Row lookups into large arrays get row-sparse adjoints; gradients stay exact."""

import numpy as np
import pytest

import cpsgrad
from cpsgrad import runtime, trees


def lookups(p, ids):
    total = 0.0
    for i in ids:
        total = total + np.sum(np.tanh(p["E"][i]) * p["w"])
    return total


def lookups_then_dense_use(E, ids):
    s = np.sum(E[ids[0]] * E[ids[1]])
    F = E * 2.0
    return s + np.sum(F[ids[2]] ** 2) + np.sum(E[ids] ** 3) - 0.5 * np.sum(E[3])


def dense_expected(E, ids):
    g = np.zeros_like(E)
    g[ids[0]] += E[ids[1]]
    g[ids[1]] += E[ids[0]]
    g[ids[2]] += 8.0 * E[ids[2]]
    np.add.at(g, ids, 3.0 * E[ids] ** 2)
    g[3] -= 0.5
    return g


@pytest.fixture
def big():
    rng = np.random.default_rng(0)
    return rng.normal(size=(3000, 4)) * 0.3


def test_embedding_lookups_match_a_dense_computation(big):
    ids = [5, 17, 5, 2999, 0]
    p = {"E": big, "w": np.array([0.5, -1.0, 2.0, 0.1])}
    g = cpsgrad.grad(lookups)(p, ids)
    assert isinstance(g["E"], np.ndarray)
    expected = np.zeros_like(big)
    for i in ids:
        expected[i] += (1.0 - np.tanh(big[i]) ** 2) * p["w"]
    np.testing.assert_allclose(g["E"], expected)
    cpsgrad.check_grads(lookups, p, ids, wrt=0)


def test_sparse_adjoints_mixed_with_dense_ones(big):
    ids = np.array([7, 7, 100])
    g = cpsgrad.grad(lookups_then_dense_use)(big, ids)
    np.testing.assert_allclose(g, dense_expected(big, ids))


def test_row_sparse_behaves_like_its_dense_array(big):
    s = trees.item_bar(big, 3, np.ones(4))
    assert isinstance(s, runtime.RowSparse)
    t = trees.add_item(s, np.array([3, 4]), np.ones((2, 4)))
    dense = np.asarray(t)
    assert dense[3].tolist() == [2.0] * 4 and dense[4].tolist() == [1.0] * 4
    acc = np.zeros_like(big)
    acc += t
    np.testing.assert_array_equal(acc, dense)
    np.testing.assert_array_equal(t * 2.0, dense * 2.0)
    np.testing.assert_array_equal(0.0 + t, dense)
    np.testing.assert_array_equal((t + t).dense(), dense * 2)
    assert trees.item_bar(np.ones((3, 4)), 1, np.ones(4)).__class__ is np.ndarray
