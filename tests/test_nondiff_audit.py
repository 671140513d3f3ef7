"""Non-differentiable means piecewise constant: an audit of every ``defnondiff`` entry.

A function may be registered non-differentiable only if its output is locally constant
in every float input (comparisons, argmax, floor, shapes, random draws at a fixed seed).
For each such entry of the registry (library functions, array methods and attributes),
this calls it on example float inputs and moves each float input, and all of them
together, by +-1e-6 along a random direction: central finite differences of every output
must be exactly zero, i.e. the outputs do not change.

Every entry needs an example: the default ``(X,)`` for the unary functions in ``UNARY``,
an entry in ``EXAMPLES``, or one in ``REJECTS_FLOATS`` for functions that raise
TypeError on a float where a float could be active (``range(2.5)``), which is then
checked. A new registration without an example fails ``test_every_entry_has_an_example``.
"""

import math
import operator

import numpy as np
import pytest

import cpsgrad  # noqa: F401  (registers every rule table)
from cpsgrad.rules.registry import default_registry as registry
from cpsgrad.rules.table import library_rules

special = pytest.importorskip("scipy.special")

EPS = 1e-6
rng = np.random.default_rng(0)
X = rng.uniform(-3, 3, (3, 4)) + 0.0123  # generic: no integers, ties or zeros
Y = rng.uniform(-3, 3, (3, 4)) + 0.0456
POS = np.abs(X) + 0.5

UNARY = {
    np.shape, np.ndim, np.size, len, type, np.argmax, np.argmin, np.argsort, np.nonzero,
    np.flatnonzero, np.argwhere, np.count_nonzero, np.all, np.any, np.isnan, np.isfinite,
    np.isinf, np.signbit, np.sign, np.floor, np.ceil, np.round, np.around, np.rint, np.trunc,
    np.fix, np.logical_not, np.zeros_like, np.ones_like, np.empty_like,
    np.int8, np.int16, np.int32, np.int64, callable, print, special.gammasgn,
}
EXAMPLES = {
    int: [(1.5,), (-2.7,)], bool: [(1.5,), (-0.3,)], operator.not_: [(1.5,)],
    isinstance: [(1.5, float), (X, np.ndarray)],
    np.round: [(X,), (X, 2)],
    np.searchsorted: [(np.sort(X.ravel()), Y.ravel())],
    np.isclose: [(X, Y), (X, X + 1e-3)],
    np.allclose: [(X, Y), (X, X + 1e-3, 0, 1e-2)],
    np.array_equal: [(X, Y)],
    np.floor_divide: [(X, POS)],
    np.uint8: [(POS,)], np.uint16: [(POS,)], np.uint32: [(POS,)], np.uint64: [(POS,)],
    hasattr: [(1.5, "real")],
    list.index: [([0.5, "b", 1.5], "b")],
    np.random.randint: [(1.5, 5.5, 4)],
    np.random.binomial: [(10, 0.3, 5)],
    np.random.poisson: [(3.5, 5), (30.5, 5)],
    round: [(1.5123,), (1.5123, 2)], list.count: [([0.5, "b", 1.5], "b")],
    math.isclose: [(1.5, 2.5), (1.5, 1.5 + 1e-3)],
    **{f: [(1.5123,), (-2.7,)] for f in (math.floor, math.ceil, math.trunc, math.isnan,
                                         math.isinf, math.isfinite)},
}
for _op in (operator.lt, operator.le, operator.gt, operator.ge, operator.eq, operator.ne,
            np.greater, np.greater_equal, np.less, np.less_equal, np.equal, np.not_equal,
            np.logical_and, np.logical_or, np.logical_xor):
    EXAMPLES[_op] = [(X, Y), (1.5, 2.5)]
REJECTS_FLOATS = {
    range: (2.5,), np.zeros: (2.5,), np.ones: (2.5,), np.empty: (2.5,), np.eye: (2.5,),
    np.identity: (2.5,), np.random.rand: (2.5,), np.random.randn: (2.5,),
    np.random.random: (2.5,), np.random.random_sample: (2.5,),
    np.random.standard_normal: (2.5,), np.random.seed: (2.5,),
}
SHAPE_ONLY = {np.empty_like}  # its values are whatever memory held



def nondiff_functions():
    return [(name, fun) for name, fun, rule in library_rules(registry) if rule.nondiff]


def entries():
    out = []
    for name, fun in nondiff_functions():
        out.append(pytest.param(fun, id=name or repr(fun)))
    return out


def test_every_entry_has_an_example():
    missing = [name for name, fun in nondiff_functions()
               if fun not in UNARY and fun not in EXAMPLES and fun not in REJECTS_FLOATS]
    assert not missing, f"add an example to tests/test_nondiff_audit.py for {missing}"


@pytest.mark.parametrize("fun", entries())
def test_nondiff_entry_is_locally_constant(fun, capsys):
    if fun in REJECTS_FLOATS:
        with pytest.raises(TypeError):
            fun(*REJECTS_FLOATS[fun])
        return
    for args in EXAMPLES.get(fun, [(X,)]):
        assert_locally_constant(fun, args)
    capsys.readouterr()  # what print printed


@pytest.mark.parametrize("method", sorted(m for m, f in registry.methods.items()
                                          if registry.rules[f].nondiff))
def test_nondiff_method_is_locally_constant(method):
    assert_locally_constant(lambda x: getattr(x, method)(), (X,))


@pytest.mark.parametrize("attribute", sorted(a for a, f in registry.attributes.items()
                                             if f is None))
def test_attribute_without_gradient_is_locally_constant(attribute):
    assert_locally_constant(lambda x: getattr(x, attribute), (X,))


@pytest.mark.parametrize(("fun", "args"), [
    pytest.param(np.full, ((3,), 1.5), id="np.full"),
    pytest.param(np.full_like, (X, 1.5), id="np.full_like"),
    pytest.param(np.linspace, (1.5, 2.5, 4), id="np.linspace"),
    pytest.param(np.arange, (0.5, 3.0, 0.7), id="np.arange"),
    pytest.param(np.random.normal, (0.5, 2.0, 3), id="np.random.normal"),
    pytest.param(np.random.uniform, (0.5, 2.0, 3), id="np.random.uniform"),
    pytest.param(np.random.exponential, (2.0, 3), id="np.random.exponential"),
    pytest.param(np.random.choice, (X.ravel(), 3), id="np.random.choice"),
    pytest.param(np.random.permutation, (X.ravel(),), id="np.random.permutation"),
])
def test_the_audit_rejects_what_was_registered_wrongly(fun, args):
    """The entries this audit removed: each is differentiable in a float input."""
    with pytest.raises(AssertionError, match="changes when"):
        assert_locally_constant(fun, args)
    rule = registry.lookup(fun)
    assert rule is None or not rule.nondiff


# ----- the check -----

def assert_locally_constant(fun, args):
    base = call(fun, args)
    n = len(float_leaves(args))
    assert n, f"example {args!r} has no float input"
    for moved in [*range(n), None]:  # each float input alone, then all together
        direction = np.random.default_rng(n if moved is None else moved)
        plus = call(fun, shift(args, moved, EPS, direction))
        direction = np.random.default_rng(n if moved is None else moved)
        minus = call(fun, shift(args, moved, -EPS, direction))
        which = "every float input" if moved is None else f"float input {moved}"
        assert same(plus, base) and same(minus, base), (
            f"{getattr(fun, '__name__', fun)}{args!r} changes when {which} moves by "
            f"{EPS}: {base!r} -> {plus!r} / {minus!r}")


def call(fun, args):
    np.random.seed(0)  # random draws are compared at the same state
    out = fun(*args)
    if fun in SHAPE_ONLY:
        return np.shape(out), np.result_type(out)
    if isinstance(out, (enumerate, zip, map)):
        return list(out)
    return out


def is_float(x):
    return isinstance(x, float) or (isinstance(x, (np.ndarray, np.generic))
                                    and np.issubdtype(np.result_type(x), np.floating))


def float_leaves(x):
    if isinstance(x, (list, tuple)):
        return [leaf for item in x for leaf in float_leaves(item)]
    return [x] if is_float(x) else []


def shift(x, moved, step, direction, counter=None):
    """``x`` with float leaf number ``moved`` (every one if None) moved by ``step``."""
    counter = [0] if counter is None else counter
    if isinstance(x, (list, tuple)):
        return type(x)(shift(item, moved, step, direction, counter) for item in x)
    if not is_float(x):
        return x
    i, counter[0] = counter[0], counter[0] + 1
    if moved is not None and i != moved:
        return x
    v = direction.standard_normal(np.shape(x))
    return float(x + step * v) if isinstance(x, float) else x + step * v


def same(a, b):
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, (np.ndarray, np.generic)) or isinstance(b, (np.ndarray, np.generic)):
        return np.shape(a) == np.shape(b) and bool(np.array_equal(a, b, equal_nan=True))
    return a == b
