"""Expression templates drawn from cpsgrad's NumPy rule table (docs/numpy.md).

``{0}``, ``{1}`` are the operands. Templates keep arguments in the domain where a function
is smooth and finite (``log`` of a positive value, ``arcsin`` of ``0.9 * tanh(.)``), so a
program on random inputs of moderate size runs. ``producers(shape, dims, rng)`` lists the
operations that produce an array of ``shape`` from operands of other shapes.
"""

import itertools
import random
import re
from dataclasses import dataclass

# ----- element-wise, one operand, shape kept -----
UNARY = [
    "np.sin({0})", "np.cos({0})", "np.tanh({0})", "np.exp(0.5 * {0})", "np.log1p({0} ** 2)",
    "np.sqrt(1.0 + {0} ** 2)", "np.arctan({0})", "np.sinh(0.5 * {0})", "np.cosh(0.5 * {0})",
    "np.abs({0})", "np.square({0})", "np.clip({0}, -0.8, 0.8)", "np.expm1(0.3 * {0})",
    "np.log(2.0 + np.cos({0}))", "np.reciprocal(2.0 + np.sin({0}))", "np.arcsinh({0})",
    "np.exp2(0.5 * {0})", "np.log2(1.5 + np.sin({0}))", "np.log10(1.5 + np.cos({0}))",
    "np.fabs({0})", "np.negative({0})", "np.tan(np.tanh({0}))", "np.arcsin(0.9 * np.tanh({0}))",
    "np.arccos(0.9 * np.tanh({0}))", "np.arctanh(0.9 * np.tanh({0}))",
    "np.arccosh(1.5 + {0} ** 2)", "np.power(1.0 + {0} ** 2, 0.7)", "np.maximum({0}, 0.1)",
    "np.minimum({0}, 0.3)", "np.logaddexp({0}, 0.5)", "np.hypot({0}, 1.0)", "np.cbrt(1.5 + {0})",
    "np.float_power(1.0 + {0} ** 2, 1.5)", "np.deg2rad({0})", "np.positive({0})",
]

# ----- element-wise, two operands (broadcast), shape of the broadcast -----
BINARY = [
    "np.maximum({0}, {1})", "np.minimum({0}, {1})", "np.where({0} > {1}, {0}, 0.5 * {1})",
    "np.arctan2({0}, 1.5 + {1} ** 2)", "np.hypot({0}, 0.5 + {1} ** 2)", "np.logaddexp({0}, {1})",
    "np.add({0}, {1})", "np.multiply({0}, {1})", "np.subtract({0}, {1})",
    "np.divide({0}, 2.0 + np.sin({1}))", "np.power(1.0 + {0} ** 2, np.tanh({1}))",
    "np.fmax({0}, {1})", "np.fmin({0}, {1})",
]

# ----- arithmetic (tag arith; broadcast when the operand shapes differ) -----
ARITH = ["({0} + {1})", "({0} - {1})", "({0} * {1})", "({0} / (1.5 + {1} ** 2))",
         "({0} * 0.5 - {1})"]
ARITH_UNARY = ["(-{0})", "({0} ** 2)", "({0} ** 3)", "(0.5 * {0})", "({0} / 2.0)"]


@dataclass(frozen=True)
class Op:
    """``template`` applied to operands of ``inputs`` shapes, tagged ``tag`` (a group) and
    ``function_tag`` (the group and the function: ``np.linalg.matmul``)."""

    template: str
    inputs: tuple
    tag: str

    @property
    def function_tag(self):
        return function_tag(self.tag, self.template)


def function_tag(group, template):
    """``group.name`` for the NumPy function, array method or operator ``template`` applies
    first (``np.unary.exp``, ``np.reduce.sum_method``, ``np.linalg.matmul_operator``), or
    ``group`` for an indexing template."""
    found = re.match(r"np\.(?:linalg\.)?(\w+)\(|\{0\}\.(\w+)(\()?|\{0\} @", template)
    if found is None:
        return group
    function, method, called = found.groups()
    name = function or (f"{method}_method" if called else method) or "matmul_operator"
    return f"{group}.{name}"


def function_tags():
    """Every function-level tag the templates can carry."""
    rng = random.Random(0)  # noqa: S311 (index positions in templates)
    ops = [Op(t, (), "np.unary") for t in UNARY] + [Op(t, (), "np.binary") for t in BINARY]
    for a, b in itertools.product(range(1, 5), repeat=2):
        for shape in ((), (a,), (a, b)):
            ops += producers(shape, (a, b), rng)
    return sorted({op.function_tag for op in ops} - {op.tag for op in ops})


# ----- stable log-softmax, softmax, log-sum-exp: a max that cancels (transforms/invariant.py);
# "{m}" is the max, written once per use, as users do; the last of each group depends on it
LSE_ROWS = "np.max({0}, axis=1, keepdims=True)"
STABLE_MATRIX = [
    "({0} - {m} - np.log(np.sum(np.exp({0} - {m}), axis=1, keepdims=True)))",
    "(np.exp({0} - {m}) / np.sum(np.exp({0} - {m}), axis=1, keepdims=True))",
    "np.exp({0} - {m})",
]
STABLE_SCALAR = ["({m} + np.log(np.sum(np.exp({0} - {m}))))", "np.sum(np.exp({0} - {m}))"]
STABLE_COLUMN = ["({m} + np.log(np.sum(np.exp({0} - {m}), axis=1, keepdims=True)))",
                 "np.sum(({0} - {m}) ** 2, axis=1, keepdims=True)"]


def _tiles(a, b):
    """An array read as slices along one axis, as LSTM gates are: slices that tile the axis
    (constant bounds, or multiples of another array's length), overlap, or leave a gap
    (``transforms/tiles.py`` writes the adjoint slice by slice where they do not overlap)."""
    n = "{1}.shape[1]"
    return [
        Op(f"(np.tanh({{0}}[:, :{b}]) * {{0}}[:, {b}:])", ((a, 2 * b),), "index.tiles"),
        Op(f"({{0}}[:, :{b}] - 0.5 * {{0}}[:, {b}:{2 * b}]) * np.tanh({{0}}[:, {2 * b}:])",
           ((a, 3 * b),), "index.tiles"),
        Op(f"({{0}}[:{a}] * np.cos({{0}}[{a}:]))", ((2 * a, b),), "index.tiles"),
        Op(f"({{0}}[:, :{n}] * np.tanh({{0}}[:, {n}:2 * {n}]) + {{1}})", ((a, 2 * b), (a, b)),
           "index.tiles"),
        Op(f"({{0}}[:, {n}:] * np.sin({{0}}[:, :{n}]) - {{1}})", ((a, 2 * b), (a, b)),
           "index.tiles"),
        Op(f"({{0}}[:, :{b}] * {{0}}[:, 1:{b + 1}])", ((a, b + 1),), "index.tiles"),  # overlap
        Op(f"({{0}}[:, :{b}] - np.tanh({{0}}[:, {b + 1}:]))", ((a, 2 * b + 1),),
           "index.tiles"),  # a gap
        Op(f"({{0}}[:, :{b}] * {{0}}[:, :{b}] + {{0}}[:, {b}:])", ((a, 2 * b),),
           "index.tiles"),  # one slice read twice
    ]


def _stable(templates, m):
    return [t.replace("{m}", m) for t in templates]


def producers(shape, dims, rng):
    """Operations producing an array of ``shape`` (other than the element-wise ones)."""
    sizes = sorted(set(dims))
    if len(shape) == 0:
        return _scalars(sizes, rng)
    if len(shape) == 1:
        return _vectors(shape[0], sizes, rng)
    return _matrices(shape[0], shape[1], sizes)


def _scalars(sizes, rng):
    ops = []
    for k in sizes:
        for source in ((k,), (1, k), (k, 1), *((k, j) for j in sizes)):
            ops += [Op(t, (source,), "np.reduce") for t in (
                "np.sum({0})", "np.mean({0})", "np.max({0})", "np.min({0})", "{0}.sum()",
                "np.std({0})", "np.var({0})", "np.linalg.norm(0.5 + {0} ** 2)", "{0}.mean()",
                "np.prod(1.2 + np.tanh({0}))")]
        ops += [Op(t, (source,), "np.stable") for source in ((k,), (k, k))
                for t in _stable(STABLE_SCALAR, "np.max({0})")]
        ops += [Op(f"{{0}}[{rng.randrange(k)}]", ((k,),), "index"),
                Op(f"{{0}}[{rng.randrange(k)}, {rng.randrange(k)}]", ((k, k),), "index"),
                Op("{0}[-1]", ((k,),), "index")]
        ops += [Op(t, ((k,), (k,)), "np.linalg") for t in (
            "{0} @ {1}", "np.dot({0}, {1})", "np.inner({0}, {1})", "np.vdot({0}, {1})",
            "np.einsum('i,i->', {0}, {1})")]
        ops += [Op(t, ((k, k),), "np.linalg") for t in (
            "np.trace({0})", f"np.linalg.det(np.eye({k}) + 0.3 * {{0}})")]
    return ops


def _vectors(a, sizes, rng):
    ops = []
    for k in sizes:
        ops += [Op(t, ((k, a),), "np.reduce") for t in (
            "np.sum({0}, axis=0)", "np.mean({0}, axis=0)", "np.max({0}, axis=0)",
            "{0}.sum(axis=0)")]
        ops += [Op(t, ((a, k),), "np.reduce") for t in (
            "np.sum({0}, axis=1)", "np.min({0}, axis=1)", "np.mean({0}, axis=-1)")]
        ops += [Op(f"{{0}}[{rng.randrange(k)}]", ((k, a),), "index"),
                Op(f"{{0}}[:, {rng.randrange(k)}]", ((a, k),), "index")]
        ops += [Op("{0} @ {1}", ((a, k), (k,)), "np.linalg"),
                Op("{0} @ {1}", ((k,), (k, a)), "np.linalg"),
                Op("np.dot({0}, {1})", ((a, k), (k,)), "np.linalg")]
        if k > a:
            start = rng.randrange(k - a + 1)
            ops.append(Op(f"{{0}}[{start}:{start + a}]", ((k,),), "index"))
    ops += [Op(t, ((1, a),), "np.shape") for t in (
        "{0}[0]", "{0}.ravel()", "{0}.reshape(-1)", f"np.reshape({{0}}, ({a},))")]
    if a > 1:
        ops.append(Op("np.squeeze({0})", ((1, a),), "np.shape"))
    ops += [Op(t, ((a, 1),), "np.shape") for t in ("{0}[:, 0]", "np.ravel({0})", "{0}.flatten()")]
    ops += [Op(t, ((a,),), "np.shape") for t in ("np.flip({0})", "np.roll({0}, 1)")]
    ops += [Op("{0}[::-1]", ((a,),), "index")]
    ops += [Op(t, ((a,),), "np.cum") for t in (
        "np.cumsum({0})", "np.sort({0})", "np.cumprod(0.5 + 0.5 * np.tanh({0}))")]
    ops += [Op(t, ((a, a),), "np.linalg") for t in ("np.diag({0})", "np.diagonal({0})")]
    if a >= 2:
        ops.append(Op("np.concatenate([{0}, {1}])", ((1,), (a - 1,)), "np.shape"))
    return ops


def _matrices(a, b, sizes):
    ops = [Op("{0}.T", ((b, a),), "np.shape"), Op("np.transpose({0})", ((b, a),), "np.shape"),
           Op("np.outer({0}, {1})", ((a,), (b,)), "np.linalg"),
           Op("np.flip({0}, axis=0)", ((a, b),), "np.shape"),
           Op("np.roll({0}, 1, axis=1)", ((a, b),), "np.shape"),
           Op("np.cumsum({0}, axis=0)", ((a, b),), "np.cum"),
           *(Op(t, ((a, b),), "np.stable") for t in _stable(STABLE_MATRIX, LSE_ROWS))]
    for k in sizes:
        ops += [Op("{0} @ {1}", ((a, k), (k, b)), "np.linalg"),
                Op("np.matmul({0}, {1})", ((a, k), (k, b)), "np.linalg"),
                Op("np.einsum('ik,kj->ij', {0}, {1})", ((a, k), (k, b)), "np.linalg")]
    if a == 1:
        ops += [Op(t, ((b,),), "np.shape") for t in (
            "{0}[None, :]", "{0}.reshape(1, -1)", "np.expand_dims({0}, 0)", "np.atleast_2d({0})")]
        ops += [Op("np.sum({0}, axis=0, keepdims=True)", ((k, b),), "np.reduce") for k in sizes]
        ops += [Op("{0}[:1]", ((k, b),), "index") for k in sizes]
    if b == 1:
        ops += [Op(t, ((a,),), "np.shape") for t in (
            "{0}[:, None]", "{0}.reshape(-1, 1)", "np.expand_dims({0}, 1)")]
        ops += [Op("np.max({0}, axis=1, keepdims=True)", ((a, k),), "np.reduce") for k in sizes]
        ops += [Op(t, ((a, k),), "np.stable") for k in sizes
                for t in _stable(STABLE_COLUMN, LSE_ROWS)]
        ops += [Op("{0}[:, :1]", ((a, k),), "index") for k in sizes]
    if a == 2:
        ops += [Op("np.stack([{0}, {1}])", ((b,), (b,)), "np.shape"),
                Op("np.vstack([{0}, {1}])", ((1, b), (1, b)), "np.shape")]
    if b == 2:
        ops += [Op("np.stack([{0}, {1}], axis=1)", ((a,), (a,)), "np.shape"),
                Op("np.hstack([{0}, {1}])", ((a, 1), (a, 1)), "np.shape")]
    if a == b:
        ops += [Op(f"np.linalg.inv(np.eye({a}) * 2.0 + 0.3 * np.tanh({{0}}))", ((a, a),),
                   "np.linalg"),
                Op("np.tril({0})", ((a, a),), "np.linalg"),
                Op("np.triu({0})", ((a, a),), "np.linalg")]
    ops += _tiles(a, b)
    ops += [Op(f"np.linalg.solve(np.eye({a}) * 2.0 + 0.3 * np.tanh({{0}}), {{1}})",
               ((a, a), (a, b)), "np.linalg"),
            Op(f"np.tile({{0}}, ({a}, 1))", ((1, b),), "np.shape"),
            Op(f"np.repeat({{0}}, {a}, axis=0)", ((1, b),), "np.shape")]
    return ops
