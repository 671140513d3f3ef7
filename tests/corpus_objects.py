"""Models as objects and functions as values, written the way PyTorch and autograd users
write them. Each entry of CASES is ``(id, function, args, wrt)``. Loaded a second time with
``np`` bound to ``autograd.numpy`` for an independent oracle (autograd traces through
classes, closures and partials, so it differentiates all of these).
"""

import dataclasses
import functools
from collections import namedtuple

try:
    np = ORACLE_NUMPY
except NameError:
    import numpy as np


# ----- a PyTorch-style model -----
class Linear:
    def __init__(self, W, b):
        self.W = W
        self.b = b

    def __call__(self, x):
        return self.W @ x + self.b


class MLP:
    def __init__(self, W1, b1, W2, b2):
        self.hidden = Linear(W1, b1)
        self.out = Linear(W2, b2)

    def forward(self, x):
        h = np.tanh(self.hidden(x))
        return self.out(h)

    def loss(self, x, y):
        err = self.forward(x) - y
        return np.sum(err * err)


def mlp_built_inside(W1, x):
    """The model is built inside the differentiated function from its arguments."""
    model = MLP(W1, np.ones(3) * 0.1, np.ones((2, 3)) * 0.5, np.zeros(2))
    return model.loss(x, np.array([1.0, -1.0]))


def model_loss(model, x):
    """Differentiated with respect to the model object itself."""
    return model.loss(x, np.array([1.0, -1.0]))


def layers_in_a_list(W, x):
    layers = [Linear(W, np.zeros(3)), Linear(W * 0.5, np.ones(3))]
    h = x
    for layer in layers:
        h = np.tanh(layer(h))
    return np.sum(h)


class Residual:
    def __init__(self, scale):
        self.scale = scale

    def block(self, h):
        return h + self.scale * np.sin(h)

    def apply(self, h, depth):
        if depth == 0:
            return h
        return self.apply(self.block(h), depth - 1)


def recursive_method(scale, x):
    return np.sum(Residual(scale).apply(x, 3))


# ----- dataclasses and named tuples -----
@dataclasses.dataclass
class Particle:
    pos: object
    vel: object


State = namedtuple("State", ["pos", "vel"])


def dataclass_step(x):
    p = Particle(x, x * 0.5)
    q = Particle(p.pos + 0.1 * p.vel, p.vel * 0.9)
    return np.sum(q.pos * q.vel)


def namedtuple_step(x):
    s = State(x, np.sin(x))
    t = State(s.pos + s.vel, s[1] * 2.0)
    return np.sum(t.pos * t.vel)


def dataclass_loss(p, x):
    return np.sum((p.pos * x - p.vel) ** 2)


def namedtuple_loss(s, x):
    return np.sum((s.pos * x + s.vel) ** 2)


# ----- functions as values -----
def make_loss(target):
    def loss(w):
        return np.sum((w - target) ** 2)
    return loss


def closure_from_factory(w):
    loss = make_loss(np.array([1.0, 2.0, 3.0]))
    return loss(w)


def make_scaler(a):
    return lambda v: a * v


def factory_over_active_value(x):
    scale = make_scaler(x[0])
    return np.sum(scale(x)) + scale(2.0)


def apply(f, v):
    return f(v)


def functions_passed_as_arguments(x):
    def square(v):
        return v * v
    return np.sum(apply(square, x) + apply(np.sin, x) + apply(lambda v: v * x[0], 2.0))


def closures_in_a_dict(x):
    ops = {"double": lambda v: 2.0 * v, "shift": lambda v: v + x[1]}
    total = 0.0
    for name in ["double", "shift"]:
        total = total + np.sum(ops[name](x))
    return total


def closures_made_in_a_loop(x):
    scales = []
    for i in range(3):
        scales.append(lambda v, i=i: v * x[i])
    return sum([f(2.0) for f in scales])


def scaled(a, v):
    return a * v


def partial_application(x):
    times = functools.partial(scaled, x[0])
    return np.sum(times(x)) + apply(times, 3.0)


# ----- *args, **kwargs, keyword-only parameters, starred calls -----
def total(*xs, scale=1.0):
    s = 0.0
    for v in xs:
        s = s + np.sum(v * v)
    return s * scale


def weighted(a, *, w):
    return np.sum(a * w)


def summed(**parts):
    return sum([np.sum(v) * 2.0 for v in parts.values()])


def variadic_callees(x):
    return total(x, x * 2.0, scale=x[0]) + weighted(x, w=x[1]) + summed(a=x, b=x * x)


def pair_loss(a, b):
    return np.sum(a * b)


def starred_calls(x):
    parts = [x, x * 2.0]
    options = {"scale": x[1]}
    pairs = [(x[0], 1.0), (x[1], 2.0)]
    firsts, seconds = zip(*pairs)
    return (pair_loss(*parts) + total(x, *[x * 3.0], **options) + firsts[0] * seconds[1]
            + max(*[x[0], x[1] * 2.0]))


def square(v):
    return v * v


def mapped(x):
    total = 0.0
    for v in map(np.sin, x):
        total = total + v
    m = map(lambda v: v * x[0], x)
    return sum(map(square, x)) + sum(list(map(lambda a, b: a * b, x, [2.0, 3.0, 4.0]))) \
        + total + sum(m)


def _v3(seed):
    return np.linspace(-0.5, 0.7, 3) + seed


def cases():
    x3 = _v3(0.0)
    W = np.array([[0.5, -0.2, 0.1], [0.3, 0.8, -0.4], [-0.6, 0.2, 0.9]])
    mlp = MLP(W, np.ones(3) * 0.1, np.ones((2, 3)) * 0.5, np.zeros(2))
    return [
        ("mlp_built_inside", mlp_built_inside, (W, x3), 0),
        ("model_loss", model_loss, (mlp, x3), 0),
        ("layers_in_a_list", layers_in_a_list, (W, x3), 0),
        ("recursive_method", recursive_method, (0.7, x3), 0),
        ("dataclass_step", dataclass_step, (x3,), 0),
        ("namedtuple_step", namedtuple_step, (x3,), 0),
        ("dataclass_loss", dataclass_loss, (Particle(x3, x3 * 0.2), x3), 0),
        ("namedtuple_loss", namedtuple_loss, (State(x3, x3 * 0.2), x3), 0),
        ("closure_from_factory", closure_from_factory, (x3,), 0),
        ("factory_over_active_value", factory_over_active_value, (x3,), 0),
        ("functions_passed_as_arguments", functions_passed_as_arguments, (x3,), 0),
        ("closures_in_a_dict", closures_in_a_dict, (x3,), 0),
        ("closures_made_in_a_loop", closures_made_in_a_loop, (x3,), 0),
        ("partial_application", partial_application, (x3,), 0),
        ("variadic_callees", variadic_callees, (x3,), 0),
        ("starred_calls", starred_calls, (x3,), 0),
        ("mapped", mapped, (x3,), 0),
    ]
