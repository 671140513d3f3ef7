"""A corpus of plain Python + NumPy functions covering the language cpsgrad differentiates.

Each entry of CASES is ``(id, function, args, wrt)``. The test suite loads this file a
second time with ``np`` bound to ``autograd.numpy`` (through ORACLE_NUMPY) to get an
independent oracle from the same source.
"""

try:
    np = ORACLE_NUMPY
except NameError:
    import numpy as np

try:
    helpers = ORACLE_HELPERS
except NameError:
    from tests import corpus_helpers as helpers
softplus = helpers.softplus

rng = np.random.RandomState(0) if hasattr(np, "random") else None


# ----- straight-line code -----
def arith(x, y):
    a = x * y + x / (y + 3.0) - y ** 2
    b = -a @ x
    unused = np.sin(b)
    return b * 2.0 + 1.0


def swap_and_unpack(x, y):
    x, y = y, x
    a, (b, c) = x, (y, x * y)
    return np.sum(a * b + c)


def augmented(x):
    s = 0.0
    s += np.sum(x)
    s *= 2.0
    s -= np.mean(x * x)
    s /= 3.0
    return s


def ifexp(x):
    y = x * x if np.sum(x) > 0 else -x
    return np.sum(y)


def broadcast(x, b):
    return np.sum(np.tanh(x + b) * np.exp(-b))


# ----- branches -----
def branches(x):
    s = np.sum(x)
    if s > 1.0:
        y = x * 2.0
    elif s > 0.0:
        y = np.sin(x)
        if np.max(x) > 0.5:
            y = y * x
    else:
        y = -x
    return np.sum(y * y)


def early_return(x):
    if np.sum(x) > 0:
        return np.sum(np.exp(x))
    z = x * 3.0
    return np.sum(z)


def branch_only_one_side(x, w):
    y = x * w
    if np.sum(x) < 100.0:
        y = np.maximum(y, 0.1)
    return np.sum(y)


# ----- loops -----
def range_loop(x, W):
    h = x
    for t in range(3):
        h = np.tanh(W @ h)
    return np.sum(h * h)


def range_step(x):
    s = 0.0
    for i in range(1, 7, 2):
        s = s + x[i] * i
    for j in range(5, 0, -2):
        s = s * np.cos(x[j])
    return s


def loop_rows(X, w):
    total = 0.0
    for row in X:
        total = total + np.dot(row, w) ** 2
    return total


def loop_list(xs):
    acc = 1.0
    for x in xs:
        acc = acc * np.sin(x)
    return np.sum(acc)


def loop_zip_enumerate(xs, ys):
    s = 0.0
    for i, (a, b) in enumerate(zip(xs, ys, strict=True)):
        s = s + (i + 1.0) * np.sum(a * b)
    for k, a in enumerate(xs, 2):
        s = s + k * np.sum(a)
    return s


def nested_loops(W):
    s = 0.0
    for i in range(3):
        for j in range(2):
            s = s + W[i, j] * (i - j)
    return s


def append_stack(x, W):
    hs = []
    h = x
    for _ in range(4):
        h = np.tanh(W @ h)
        hs.append(h)
    H = np.stack(hs)
    return np.sum(H * H)


def list_comprehension(xs):
    ys = [np.sin(x) * 2.0 for x in xs]
    return np.sum(np.stack(ys))


def while_data(x):
    y = x
    n = 0
    while np.sum(y * y) > 0.1 and n < 50:
        y = y * 0.5 + 0.01 * np.sin(y)
        n += 1
    return np.sum(y)


def break_continue(xs):
    s = 0.0
    for i in range(len(xs)):
        if i == 1:
            continue
        if i == 4:
            break
        s = s + np.sum(xs[i] ** 2)
    return s


def while_true_break(x):
    y = x
    i = 0
    while True:
        y = np.sin(y) + y
        i = i + 1
        if i >= 3:
            break
    return np.sum(y)


def newton_sqrt(a):
    x = a
    for _ in range(100):
        x_new = 0.5 * (x + a / x)
        if abs(x_new - x) < 1e-12:
            return x_new
        x = x_new
    return x


# ----- calls -----
def square(v):
    return v * v


def two_outputs(v, w):
    return v + w, v * w


def calls(x, W):
    y = square(x)
    a, b = two_outputs(y, x)
    z = helpers.affine(W, a, b=1.0) + softplus(b)
    return np.sum(z)


def closures(x, w):
    scale = w * 2.0

    def f(v, p=2.0):
        return np.sum(v * scale) ** p

    g = lambda u: u * w
    return f(g(x)) + f(x, p=1.0)


def defaults_keywords(x):
    return np.sum(helpers.affine(np.eye(3), x)) + np.sum(helpers.affine(W=np.eye(3), x=x, b=x))


# ----- recursion -----
def power(x, n):
    if n == 0:
        return 1.0
    return x * power(x, n - 1)


def recursive_power(x):
    return np.sum(power(x, 5))


def is_even_sum(x, n):
    if n == 0:
        return x
    return is_odd_sum(np.sin(x), n - 1)


def is_odd_sum(x, n):
    if n == 0:
        return x * 2.0
    return is_even_sum(x * 1.5, n - 1)


def mutual(x):
    return np.sum(is_even_sum(x, 5))


def tree_sum(t):
    if isinstance(t, tuple):
        return tree_sum(t[0]) * tree_sum(t[1])
    return np.sum(t)


def nested_tuples(t):
    return tree_sum(t)


class Node:
    def __init__(self, word=None, left=None, right=None):
        self.word, self.left, self.right = word, left, right


TREE = Node(left=Node(word=0), right=Node(left=Node(word=1), right=Node(word=2)))


def encode(node, E, W):
    if node.word is not None:
        return np.tanh(E[node.word])
    hl = encode(node.left, E, W)
    hr = encode(node.right, E, W)
    return np.tanh(W @ np.concatenate([hl, hr]))


def tree_encoder(E, W):
    return np.sum(encode(TREE, E, W))


def dict_walk(d):
    if "leaf" in d:
        return np.sum(d["leaf"] ** 2)
    return dict_walk(d["a"]) + 2.0 * dict_walk(d["b"])


# ----- parameter trees -----
def mlp(params, x):
    h = np.tanh(params["W1"] @ x + params["b1"])
    return np.sum((params["W2"] @ h) ** 2)


def layers_list(layers, x):
    h = x
    for i in range(len(layers)):
        W, b = layers[i]
        h = np.tanh(W @ h + b)
    return np.sum(h)


def param_layer(p, h):
    return np.tanh(p["W"] @ h + p["b"])


def param_depth(p, h, n):
    if n == 0:
        return np.sum(p["b"] * h)
    return param_depth(p, np.tanh(p["W"] @ h), n - 1) + np.sum(p["W"]) * 0.01


def shared_params(params, x):
    """One parameter dict read directly, through an alias, a helper and recursion: its
    adjoint's leaves are accumulated in place, and must not be shared by mistake."""
    q = params
    nested = {"enc": params, "dec": q}
    h = x
    for _ in range(3):
        h = param_layer(q, h) + params["W"] @ h * 0.1
        h = h + param_layer(nested["dec"], h) * nested["enc"]["b"]
    return np.sum(h * params["b"]) + param_depth(params, x, 3)


def pair_layer(p, q, h):
    return np.tanh(p["W"] @ h) * q["b"]


def scaled_layer(p, h, n):
    if n > 1:
        return np.sin(p["W"] @ h) * p["b"]
    acc = h
    for _ in range(2):
        acc = param_layer(p, acc) + p["b"] * acc
    return acc


def threaded_params(params, x):
    """Parameter trees handed to callees (which add into the caller's adjoint): the same
    dict twice (not threaded), early returns, a loop around a call, and use after the call."""
    h = pair_layer(params, params, x)
    h = scaled_layer(params, h, 2) + scaled_layer(params, h, 0)
    other = {"W": params["W"] * 0.5, "b": params["b"]}
    h = pair_layer(params, other, h)
    return np.sum(h * params["b"]) + np.sum(other["W"])


def leaf_alias(params, x):
    """``t``'s adjoint is stored in params' adjoint by reference and is also ``other``'s: a
    later contribution to params["b"] must not add into it in place."""
    h = x
    for _ in range(2):
        other = np.sin(h)
        s = params["b"] * 2.0
        t = params["b"]
        y = t + other
        h = y * s
    return np.sum(h)


def tuple_arg(pair):
    a, b = pair
    return np.sum(a * b)


def _vec(*shape, positive=False):
    v = rng.randn(*shape)
    return np.abs(v) + 0.5 if positive else v


def cases():
    """``[(id, fn, args, wrt)]`` built with plain NumPy arrays."""
    x3, y3, W = _vec(3), _vec(3, positive=True), _vec(3, 3) * 0.5
    xs = [_vec(3) for _ in range(5)]
    return [
        ("arith", arith, (x3, y3), (0, 1)),
        ("swap_and_unpack", swap_and_unpack, (x3, y3), (0, 1)),
        ("augmented", augmented, (x3,), 0),
        ("ifexp_pos", ifexp, (np.abs(x3),), 0),
        ("ifexp_neg", ifexp, (-np.abs(x3),), 0),
        ("broadcast", broadcast, (_vec(2, 3), _vec(3)), (0, 1)),
        ("branches_big", branches, (np.abs(x3) + 1.0,), 0),
        ("branches_mid", branches, (np.array([0.3, 0.6, -0.2]),), 0),
        ("branches_mid_small", branches, (np.array([0.3, 0.2, -0.2]),), 0),
        ("branches_neg", branches, (-np.abs(x3),), 0),
        ("early_return_taken", early_return, (np.abs(x3),), 0),
        ("early_return_not_taken", early_return, (-np.abs(x3),), 0),
        ("branch_one_side", branch_only_one_side, (x3, y3), (0, 1)),
        ("range_loop_rnn", range_loop, (x3, W), (0, 1)),
        ("range_step", range_step, (_vec(8),), 0),
        ("loop_rows", loop_rows, (_vec(4, 3), x3), (0, 1)),
        ("loop_list", loop_list, (xs,), 0),
        ("loop_zip_enumerate", loop_zip_enumerate, (xs, xs[::-1]), (0, 1)),
        ("nested_loops", nested_loops, (W,), 0),
        ("append_stack", append_stack, (x3, W), (0, 1)),
        ("list_comprehension", list_comprehension, (xs,), 0),
        ("while_data", while_data, (x3 + 2.0,), 0),
        ("break_continue", break_continue, (xs,), 0),
        ("while_true_break", while_true_break, (x3,), 0),
        ("newton_sqrt", newton_sqrt, (2.0,), 0),
        ("calls", calls, (x3, W), (0, 1)),
        ("closures", closures, (x3, y3), (0, 1)),
        ("defaults_keywords", defaults_keywords, (x3,), 0),
        ("recursive_power", recursive_power, (x3,), 0),
        ("mutual_recursion", mutual, (x3,), 0),
        ("nested_tuples", nested_tuples, (((x3, y3), (x3 * 2.0, (y3, x3))),), 0),
        ("tree_encoder", tree_encoder, (_vec(3, 2), _vec(2, 4) * 0.5), (0, 1)),
        ("dict_walk", dict_walk, ({"a": {"leaf": x3}, "b": {"a": {"leaf": y3},
                                                              "b": {"leaf": x3}}},), 0),
        ("mlp_dict", mlp, ({"W1": _vec(4, 3), "b1": _vec(4), "W2": _vec(2, 4)}, x3), (0, 1)),
        ("layers_list", layers_list, ([(_vec(3, 3), _vec(3)), (_vec(2, 3), _vec(2))], x3), 0),
        ("tuple_arg", tuple_arg, ((x3, y3),), 0),
        ("threaded_params", threaded_params, ({"W": W, "b": y3}, x3), (0, 1)),
        ("leaf_alias", leaf_alias, ({"b": y3}, x3), (0, 1)),
        ("shared_params", shared_params, ({"W": W, "b": y3}, x3), (0, 1)),
    ]
