"""Methods of the objects a function is given run inline when their class is known from the
arguments (``self.layer(x)``, ``self.energy(x)``), and only while no object can change:
gradients against central finite differences, and the emitted code checked for the call."""

import numpy as np
import pytest

import cpsgrad


class Dense:
    def __init__(self, W, b):
        self.W, self.b = W, b

    def __call__(self, x):
        return np.tanh(x @ self.W + self.b)


class Model:  # PyTorch style: layers as attributes, a forward method, a loss method
    def __init__(self, rng):
        self.l1 = Dense(rng.normal(size=(3, 4)) * 0.5, np.zeros(4))
        self.l2 = Dense(rng.normal(size=(4, 2)) * 0.5, np.ones(2) * 0.1)
        self.scale = 0.5

    def forward(self, x):
        return self.l2(self.l1(x)) * self.scale

    def energy(self, x):
        y = self.forward(x)
        return np.sum(y * y)

    def loss(self, xs):
        total = 0.0
        for i in range(xs.shape[0]):
            total = total + self.energy(xs[i])
        return total


class Square:
    def __call__(self, x):
        return x * x


def loss_of(model, xs):
    return model.loss(xs)


def swapped_layer(model, x):  # model.l1 is replaced by another kind of object midway
    y = model.l1(x) + 0.0  # a new array: not one the model may hold
    model.l1 = Square()
    return np.sum(model.l1(y))


def swapped_by_setattr(model, x):
    y = model.l1(x)
    setattr(model, "l1", Square())  # noqa: B010
    return np.sum(model.l1(y))


def central_differences(f, x, eps=1e-6):
    """d f(a fresh model, x) / dx: each call changes the model it is given."""
    out = np.zeros_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = eps
        out[i] = (f(Model(np.random.default_rng(3)), x + e)
                  - f(Model(np.random.default_rng(3)), x - e)) / (2 * eps)
    return out


@pytest.fixture
def model():
    return Model(np.random.default_rng(3))


def test_a_model_class_is_inlined_and_swept(model):
    """model.loss -> self.energy -> self.forward -> self.l1(x): one loop, no dispatch."""
    xs = np.random.default_rng(4).normal(size=(5, 3))
    cpsgrad.check_grads(loss_of, model, xs)
    g = cpsgrad.value_and_grad(loss_of)
    g(model, xs)
    source = cpsgrad.show_source(g, model, xs)
    assert "call_method" in source  # model.loss(xs): the object is built for it at run time
    loss = cpsgrad.grad(Model.loss)
    loss(model, xs)
    inner = cpsgrad.show_source(loss, model, xs)
    assert "call_method" not in inner and "_saved.append(" in inner, inner
    assert "self.l1" in inner and "self.energy" not in inner.split("#")[0]
    grads = cpsgrad.grad(loss_of)(model, xs)
    assert grads.l1.W.shape == (3, 4) and grads.l2.b.shape == (2,)


@pytest.mark.parametrize("f", [swapped_layer, swapped_by_setattr])
def test_an_object_replaced_midway_is_not_inlined_as_the_old_one(f):
    x = np.array([0.2, -0.4, 0.9])
    g = cpsgrad.grad(f, wrt=1)
    got = g(Model(np.random.default_rng(3)), x)
    np.testing.assert_allclose(got, central_differences(f, x), rtol=1e-6, atol=1e-8)
    assert "call_method" in cpsgrad.show_source(g, Model(np.random.default_rng(3)), x)
