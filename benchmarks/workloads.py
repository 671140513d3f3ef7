"""Benchmark workloads: plain-Python + NumPy loss functions, written once.

Every loss takes the parameter dict first (the argument differentiated) and data after it.
The same source is loaded a second (and third) time by ``benchmarks/run.py`` with ``np`` bound
to ``autograd.numpy`` or ``jax.numpy`` (the loader sets ``ORACLE_NUMPY`` before executing this
file), so the oracles differentiate exactly this code.

``make_<name>(rng)`` builds ``(params, data)`` with real NumPy, independent of ``np`` here.
"""

try:
    np = ORACLE_NUMPY
except NameError:
    import numpy as np

import numpy as _onp  # data construction only, never inside a loss

# ---------------------------------------------------------------- shared helpers

def sigmoid(z):
    return 0.5 * (np.tanh(0.5 * z) + 1.0)


def softmax_xent(logits, onehot):
    """Mean softmax cross-entropy over the rows of ``logits``."""
    m = np.max(logits, axis=-1, keepdims=True)
    z = logits - m
    lse = np.log(np.sum(np.exp(z), axis=-1, keepdims=True))
    return -np.sum(onehot * (z - lse)) / logits.shape[0]


def onehot_rows(rng, n, k):
    out = _onp.zeros((n, k))
    out[_onp.arange(n), rng.integers(0, k, size=n)] = 1.0
    return out


# ---------------------------------------------------------------- 1. scalar loop

SCALAR_STEPS = 1000


def scalar_loop(params, n):
    x = params["x0"]
    w = params["w"]
    b = params["b"]
    for _ in range(n):
        x = x * w + np.sin(x) * b
    return x * x


def make_scalar_loop(rng):
    return {"x0": 0.7, "w": 0.9, "b": 0.3}, (SCALAR_STEPS,)


# ---------------------------------------------------------------- 2. MLP 784-256-10

def mlp(params, x, y):
    h = np.maximum(x @ params["W1"] + params["b1"], 0.0)
    logits = h @ params["W2"] + params["b2"]
    return softmax_xent(logits, y)


def make_mlp(rng, batch=100):
    params = {"W1": rng.normal(size=(784, 256)) * 0.05, "b1": _onp.zeros(256),
              "W2": rng.normal(size=(256, 10)) * 0.05, "b2": _onp.zeros(10)}
    x = rng.random(size=(batch, 784))
    return params, (x, onehot_rows(rng, batch, 10))


# ---------------------------------------------------------------- 3. vanilla RNN (char model)

VOCAB, HIDDEN, SEQ, BATCH = 65, 50, 20, 20


def rnn(params, xs, ys):
    """xs, ys: (seq, batch, vocab) one-hot inputs and next-character targets."""
    h = np.zeros((xs.shape[1], params["Whh"].shape[0]))
    loss = 0.0
    for t in range(xs.shape[0]):
        h = np.tanh(xs[t] @ params["Wxh"] + h @ params["Whh"] + params["bh"])
        logits = h @ params["Why"] + params["by"]
        loss = loss + softmax_xent(logits, ys[t])
    return loss


def make_char_data(rng):
    ids = rng.integers(0, VOCAB, size=(SEQ + 1, BATCH))
    eye = _onp.eye(VOCAB)
    return eye[ids[:-1]], eye[ids[1:]]


def make_rnn(rng):
    params = {"Wxh": rng.normal(size=(VOCAB, HIDDEN)) * 0.1,
              "Whh": rng.normal(size=(HIDDEN, HIDDEN)) * 0.1,
              "bh": _onp.zeros(HIDDEN),
              "Why": rng.normal(size=(HIDDEN, VOCAB)) * 0.1,
              "by": _onp.zeros(VOCAB)}
    return params, make_char_data(rng)


# ---------------------------------------------------------------- 4. LSTM (char model)

def lstm(params, xs, ys):
    nh = params["Wh"].shape[0]
    h = np.zeros((xs.shape[1], nh))
    c = np.zeros((xs.shape[1], nh))
    loss = 0.0
    for t in range(xs.shape[0]):
        gates = xs[t] @ params["Wx"] + h @ params["Wh"] + params["b"]
        i = sigmoid(gates[:, :nh])
        f = sigmoid(gates[:, nh:2 * nh])
        o = sigmoid(gates[:, 2 * nh:3 * nh])
        u = np.tanh(gates[:, 3 * nh:])
        c = f * c + i * u
        h = o * np.tanh(c)
        logits = h @ params["Why"] + params["by"]
        loss = loss + softmax_xent(logits, ys[t])
    return loss


def make_lstm(rng):
    params = {"Wx": rng.normal(size=(VOCAB, 4 * HIDDEN)) * 0.1,
              "Wh": rng.normal(size=(HIDDEN, 4 * HIDDEN)) * 0.1,
              "b": _onp.zeros(4 * HIDDEN),
              "Why": rng.normal(size=(HIDDEN, VOCAB)) * 0.1,
              "by": _onp.zeros(VOCAB)}
    return params, make_char_data(rng)


# ---------------------------------------------------------------- 5. small CNN on 8x8 digits

CNN_BATCH, CNN_FILTERS = 64, 8


def cnn(params, x, y):
    """x: (batch, 1, 8, 8). conv 3x3 (8 filters) -> relu -> 2x2 maxpool -> dense 72 -> 10."""
    patches = np.lib.stride_tricks.sliding_window_view(x, (3, 3), axis=(2, 3))  # (B,1,6,6,3,3)
    conv = np.einsum("bcijkl,fckl->bfij", patches, params["K"]) + params["kb"][:, None, None]
    a = np.maximum(conv, 0.0)                                    # (B, F, 6, 6)
    pooled = np.max(np.reshape(a, (a.shape[0], a.shape[1], 3, 2, 3, 2)), axis=(3, 5))
    flat = np.reshape(pooled, (a.shape[0], -1))                  # (B, 72)
    logits = flat @ params["W"] + params["b"]
    return softmax_xent(logits, y)


def make_cnn(rng):
    params = {"K": rng.normal(size=(CNN_FILTERS, 1, 3, 3)) * 0.3,
              "kb": _onp.zeros(CNN_FILTERS) + 0.01,
              "W": rng.normal(size=(CNN_FILTERS * 9, 10)) * 0.1,
              "b": _onp.zeros(10)}
    x = rng.random(size=(CNN_BATCH, 1, 8, 8))
    return params, (x, onehot_rows(rng, CNN_BATCH, 10))


# ---------------------------------------------------------------- 6. binary Tree-LSTM

TREE_HIDDEN, TREE_EMBED, TREE_CLASSES, TREE_LEAVES = 150, 300, 5, 20


def tree_node(params, node):
    """node = (label_onehot, word_vector, left, right); leaves have left = right = None.

    Returns (h, c, summed cross-entropy over the subtree's nodes).
    """
    label, word, left, right = node
    nh = params["bl"].shape[0] // 3
    if left is None:
        g = params["Wl"] @ word + params["bl"]           # leaf: i, o, u
        i = sigmoid(g[:nh])
        o = sigmoid(g[nh:2 * nh])
        u = np.tanh(g[2 * nh:])
        c = i * u
        loss = 0.0
    else:
        hl, cl, loss_l = tree_node(params, left)
        hr, cr, loss_r = tree_node(params, right)
        g = params["Ul"] @ hl + params["Ur"] @ hr + params["bn"]   # i, fl, fr, o, u
        i = sigmoid(g[:nh])
        fl = sigmoid(g[nh:2 * nh])
        fr = sigmoid(g[2 * nh:3 * nh])
        o = sigmoid(g[3 * nh:4 * nh])
        u = np.tanh(g[4 * nh:])
        c = i * u + fl * cl + fr * cr
        loss = loss_l + loss_r
    h = o * np.tanh(c)
    logits = params["Wo"] @ h + params["bo"]
    m = np.max(logits)
    lse = np.log(np.sum(np.exp(logits - m))) + m
    return h, c, loss + lse - np.sum(logits * label)


def tree_lstm(params, tree):
    _h, _c, loss = tree_node(params, tree)
    return loss


def random_tree(rng, n_leaves):
    """A random binary tree over ``n_leaves`` leaves (uniform random split points)."""
    def label():
        v = _onp.zeros(TREE_CLASSES)
        v[rng.integers(0, TREE_CLASSES)] = 1.0
        return v

    def build(n):
        if n == 1:
            return (label(), rng.normal(size=TREE_EMBED) * 0.5, None, None)
        k = int(rng.integers(1, n))
        return (label(), None, build(k), build(n - k))
    return build(n_leaves)


def make_tree_lstm(rng):
    H, E, C = TREE_HIDDEN, TREE_EMBED, TREE_CLASSES
    params = {"Wl": rng.normal(size=(3 * H, E)) * 0.05, "bl": _onp.zeros(3 * H),
              "Ul": rng.normal(size=(5 * H, H)) * 0.05, "Ur": rng.normal(size=(5 * H, H)) * 0.05,
              "bn": _onp.zeros(5 * H),
              "Wo": rng.normal(size=(C, H)) * 0.1, "bo": _onp.zeros(C)}
    return params, (random_tree(rng, TREE_LEAVES),)


# ---------------------------------------------------------------- the same models, written
# the way people write them: weights unpacked into separate arrays and passed through helper
# functions and the recursion, np.dot, small helpers, a model class. Same math (and data) as
# the workloads above, so the hand-written gradients and the torch models are shared.

def log_softmax(z):
    m = np.max(z, axis=-1, keepdims=True)
    return z - m - np.log(np.sum(np.exp(z - m), axis=-1, keepdims=True))


def rnn_step(x, h, Wxh, Whh, bh):
    return np.tanh(np.dot(x, Wxh) + np.dot(h, Whh) + bh)


def rnn_natural(params, xs, ys):
    Wxh, Whh, bh = params["Wxh"], params["Whh"], params["bh"]
    Why, by = params["Why"], params["by"]
    h = np.zeros((xs.shape[1], Whh.shape[0]))
    loss = 0.0
    for t in range(xs.shape[0]):
        h = rnn_step(xs[t], h, Wxh, Whh, bh)
        logp = log_softmax(np.dot(h, Why) + by)
        loss = loss - np.sum(ys[t] * logp) / xs.shape[1]
    return loss


def lstm_cell(x, h, c, Wx, Wh, b):
    nh = h.shape[1]
    gates = np.dot(x, Wx) + np.dot(h, Wh) + b
    i = sigmoid(gates[:, :nh])
    f = sigmoid(gates[:, nh:2 * nh])
    o = sigmoid(gates[:, 2 * nh:3 * nh])
    u = np.tanh(gates[:, 3 * nh:])
    c = f * c + i * u
    h = o * np.tanh(c)
    return h, c


def lstm_natural(params, xs, ys):
    Wx, Wh, b, Why, by = params["Wx"], params["Wh"], params["b"], params["Why"], params["by"]
    h = np.zeros((xs.shape[1], Wh.shape[0]))
    c = np.zeros((xs.shape[1], Wh.shape[0]))
    loss = 0.0
    for t in range(xs.shape[0]):
        h, c = lstm_cell(xs[t], h, c, Wx, Wh, b)
        loss = loss - np.sum(ys[t] * log_softmax(np.dot(h, Why) + by)) / xs.shape[1]
    return loss


def tree_cell(node, Wl, bl, Ul, Ur, bn, Wo, bo):
    """tree_node with the seven weights passed as separate arrays through the recursion."""
    label, word, left, right = node
    nh = bl.shape[0] // 3
    if left is None:
        g = np.dot(Wl, word) + bl
        i = sigmoid(g[:nh])
        o = sigmoid(g[nh:2 * nh])
        u = np.tanh(g[2 * nh:])
        c = i * u
        loss = 0.0
    else:
        hl, cl, loss_l = tree_cell(left, Wl, bl, Ul, Ur, bn, Wo, bo)
        hr, cr, loss_r = tree_cell(right, Wl, bl, Ul, Ur, bn, Wo, bo)
        g = np.dot(Ul, hl) + np.dot(Ur, hr) + bn
        i = sigmoid(g[:nh])
        fl = sigmoid(g[nh:2 * nh])
        fr = sigmoid(g[2 * nh:3 * nh])
        o = sigmoid(g[3 * nh:4 * nh])
        u = np.tanh(g[4 * nh:])
        c = i * u + fl * cl + fr * cr
        loss = loss_l + loss_r
    h = o * np.tanh(c)
    logp = log_softmax(np.dot(Wo, h) + bo)
    return h, c, loss - np.sum(logp * label)


def tree_lstm_natural(params, tree):
    _h, _c, loss = tree_cell(tree, params["Wl"], params["bl"], params["Ul"], params["Ur"],
                             params["bn"], params["Wo"], params["bo"])
    return loss


class RNNCell:
    def __init__(self, Wxh, Whh, bh):
        self.Wxh, self.Whh, self.bh = Wxh, Whh, bh

    def __call__(self, x, h):
        return np.tanh(np.dot(x, self.Wxh) + np.dot(h, self.Whh) + self.bh)


class CharRNN:
    def __init__(self, params):
        self.cell = RNNCell(params["Wxh"], params["Whh"], params["bh"])
        self.Why, self.by = params["Why"], params["by"]

    def loss(self, xs, ys):
        h = np.zeros((xs.shape[1], self.Why.shape[0]))
        loss = 0.0
        for t in range(xs.shape[0]):
            h = self.cell(xs[t], h)
            loss = loss - np.sum(ys[t] * log_softmax(np.dot(h, self.Why) + self.by)) \
                / xs.shape[1]
        return loss


def rnn_class(params, xs, ys):
    return CharRNN(params).loss(xs, ys)


WORKLOADS = {
    "scalar_loop": (scalar_loop, make_scalar_loop),
    "mlp": (mlp, make_mlp),
    "rnn": (rnn, make_rnn),
    "lstm": (lstm, make_lstm),
    "cnn": (cnn, make_cnn),
    "tree_lstm": (tree_lstm, make_tree_lstm),
    "rnn_natural": (rnn_natural, make_rnn),
    "lstm_natural": (lstm_natural, make_lstm),
    "tree_lstm_natural": (tree_lstm_natural, make_tree_lstm),
    "rnn_class": (rnn_class, make_rnn),
}
SAME_MODEL = {"rnn_natural": "rnn", "lstm_natural": "lstm", "tree_lstm_natural": "tree_lstm",
              "rnn_class": "rnn"}  # natural-style workload -> the one with the same math


def model_of(name):
    """The workload whose math ``name`` computes (itself for the original ones)."""
    return SAME_MODEL.get(name, name)
