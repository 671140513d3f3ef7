"""Shape facts about an object's attributes (``self.w`` of a known shape) must not outlive
a change of the object: an attribute that changes shape between two reads, through a
method, ``setattr`` or an alias, still gets a right gradient (finite differences)."""

import numpy as np
import pytest

import cpsgrad


class Box:
    def __init__(self, w):
        self.w = w

    def widen(self):  # not differentiated (nothing active): plain Python changes self.w
        self.w = np.ones((4, 1)) * self.w

    def by_method(self, x):
        a = np.sum(x * self.w)
        _ = self.widen()
        return a + np.sum(x * self.w * self.w)

    def by_setattr(self, x):
        a = np.sum(x * self.w)
        _ = setattr(self, "w", np.ones((4, 1)) * self.w)
        return a + np.sum(x * self.w * self.w)

    def by_alias(self, x):
        a = np.sum(x * self.w)
        other = self
        other.w = np.ones((4, 1)) * self.w
        return a + np.sum(x * self.w * self.w)


def through_method(x):
    return Box(np.array([1.0, -2.0, 0.5])).by_method(x)


def through_setattr(x):
    return Box(np.array([1.0, -2.0, 0.5])).by_setattr(x)


def through_alias(x):
    return Box(np.array([1.0, -2.0, 0.5])).by_alias(x)


class Weighted:
    def __init__(self, w, b):
        self.w, self.b = w, b

    def loss(self, x):
        return np.sum(np.tanh(x @ self.w + self.b) ** 2)


def wrt_object(model, x):
    return model.loss(x) + np.sum(model.b * model.b)


@pytest.mark.parametrize("f", [through_method, through_setattr, through_alias])
def test_an_attribute_that_changes_shape_is_not_taken_for_the_old_one(f):
    x = np.array([0.3, -0.7, 1.1])
    cpsgrad.check_grads(f, x)
    g = cpsgrad.grad(f)(x)
    assert g.shape == (3,)


def test_attribute_shapes_known_at_the_call_drop_the_reductions():
    rng = np.random.default_rng(0)
    model, x = Weighted(rng.normal(size=(3, 2)), np.zeros(2)), rng.normal(size=(5, 3))
    cpsgrad.check_grads(wrt_object, model, x)
    g = cpsgrad.grad(wrt_object)(model, x)
    assert g.w.shape == (3, 2) and g.b.shape == (2,)
