"""The Python people actually write (tests/corpus_syntax.py): gradients vs central finite
differences and autograd on the same source; `with` blocks enter and exit as Python does;
imports in the body; what stays refused is refused with a located error."""

import warnings

import numpy as np
import pytest

import cpsgrad
from cpsgrad import NoRuleError, TransformError, forward, pipeline, results
from tests import corpus_syntax
from tests.corpus_syntax import LOG, Recorder
from tests.oracle import assert_leaves_close, finite_differences, leaves, load_with_autograd

CASES = corpus_syntax.cases()
ORACLE = load_with_autograd("corpus_syntax.py", "corpus_syntax_autograd")
IDS = [c[0] for c in CASES]


@pytest.mark.parametrize(("fn", "args"), [c[1:] for c in CASES], ids=IDS)
def test_matches_finite_differences(fn, args):
    got = leaves(cpsgrad.grad(fn)(*args))
    expected = finite_differences(fn, args, 0)
    assert_leaves_close(got, expected)


@pytest.mark.skipif(ORACLE is None, reason="autograd is not installed")
@pytest.mark.parametrize(("fn", "args"), [c[1:] for c in CASES], ids=IDS)
def test_matches_autograd(fn, args):
    import autograd

    expected = autograd.grad(getattr(ORACLE, fn.__name__))(*args)
    got = cpsgrad.grad(fn)(*args)
    assert_leaves_close(leaves(got), leaves(expected), rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize(("fn", "args"), [c[1:] for c in CASES], ids=IDS)
def test_value_is_the_functions(fn, args):
    value, _ = cpsgrad.value_and_grad(fn)(*args)
    np.testing.assert_allclose(value, fn(*args))


# ----- with: __enter__ and __exit__ run in the forward pass, in Python's order -----
def logged(run):
    LOG.clear()
    run()
    out = list(LOG)
    LOG.clear()
    return out


@pytest.mark.parametrize("name", ["recorded_blocks", "early_exits", "log_ignoring_zeros"])
def test_enter_exit_order_is_pythons(name):
    fn, args = next(c[1:] for c in CASES if c[0] == name)
    expected = logged(lambda: fn(*args))
    assert len(expected) >= 2
    assert logged(lambda: cpsgrad.grad(fn)(*args)) == expected


def raises_after_block(x):
    with Recorder("block"):
        y = np.sin(x)
        for _ in range(2):
            y = y * 2.0
    if np.sum(y) > 0:
        raise ValueError("raised after the block")
    return np.sum(y)


def raises_inside_block(x):
    with Recorder("block"):
        y = np.sin(x)
        for _ in range(2):
            y = y * 2.0
        if np.sum(y) > 0:
            raise ValueError("raised inside the block")
    return np.sum(y)


def test_error_after_the_block_is_not_seen_by_exit():
    x = np.ones(3)
    with pytest.raises(ValueError, match="after the block"):
        cpsgrad.grad(raises_after_block)(x)
    assert LOG == [("enter", "block"), ("exit", "block", None)]
    LOG.clear()


def run_logged(run, error):
    """``run()``, which raises ``error``; what the context managers saw."""
    LOG.clear()
    try:
        with pytest.raises(error, match=r"block|body"):
            run()
        return list(LOG)
    finally:
        LOG.clear()


def run_built(fn, x):
    built = pipeline.build(fn, (True,), ("num",))
    with forward.exits_on_error():
        built.function(x, results.seed)


def test_error_inside_the_block_reaches_exit_around_a_run():
    """``forward.exits_on_error`` gives a manager still open when the run raises its
    ``__exit__(type, exc, tb)``; one left normally is not called again."""
    x = np.ones(3)
    for fn, seen in [(raises_inside_block, "ValueError"), (raises_after_block, None)]:
        assert run_logged(lambda f=fn: run_built(f, x), ValueError) == \
            [("enter", "block"), ("exit", "block", seen)]


def test_error_inside_the_block_reaches_exit_through_grad():
    seen = run_logged(lambda: cpsgrad.grad(raises_inside_block)(np.ones(3)), ValueError)
    assert seen == [("enter", "block"), ("exit", "block", "ValueError")]


class Fails(Recorder):
    def __exit__(self, kind, value, tb):
        super().__exit__(kind, value, tb)
        raise KeyError("from __exit__ of the block")


class Suppresses(Recorder):
    def __exit__(self, kind, value, tb):
        super().__exit__(kind, value, tb)
        return True


def enter_then_raise(*managers):
    with forward.exits_on_error():
        for m in managers:
            forward.with_enter(m)
        raise ValueError("in the body")


def test_exits_on_error_exits_innermost_first_and_passes_on_a_new_error():
    seen = run_logged(lambda: enter_then_raise(Recorder("outer"), Fails("inner")), KeyError)
    assert seen == [("enter", "outer"), ("enter", "inner"), ("exit", "inner", "ValueError"),
                    ("exit", "outer", "KeyError")]


def test_suppressing_exit_is_named_on_the_error():
    with pytest.raises(ValueError, match="in the body") as info:
        enter_then_raise(Suppresses("s"))
    assert "returned True to suppress" in "".join(info.value.__notes__)
    LOG.clear()


def errstate_raise(x):
    with np.errstate(divide="raise"):
        y = np.log(x)
    return np.sum(y)


def test_errstate_applies_to_the_body_and_is_restored():
    before = np.geterr()
    g = cpsgrad.grad(errstate_raise)(np.array([0.5, 2.0]))
    np.testing.assert_allclose(g, [2.0, 0.5])
    assert np.geterr() == before
    with pytest.raises(FloatingPointError):
        errstate_raise(np.zeros(2))  # the original raises inside the block ...
    with pytest.raises(FloatingPointError):
        run_built(errstate_raise, np.zeros(2))  # ... and so does its gradient
    assert np.geterr() == before


def test_errstate_is_restored_when_grad_raises_in_the_block():
    before = np.geterr()
    try:
        with pytest.raises(FloatingPointError):
            cpsgrad.grad(errstate_raise)(np.zeros(2))
        assert np.geterr() == before
    finally:
        np.seterr(**before)


def warns_quietly(x):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        warnings.warn("an old habit", DeprecationWarning, stacklevel=1)
        y = np.sqrt(x) * 2.0
    return np.sum(y)


def test_catch_warnings_hides_the_forward_warning_and_restores_the_filters():
    filters = list(warnings.filters)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning in the forward pass would raise here
        g = cpsgrad.grad(warns_quietly)(np.array([4.0, 0.25]))
        assert warnings.filters[0][0] == "error"
    np.testing.assert_allclose(g, [0.5, 2.0])
    assert warnings.filters == filters


def not_a_context_manager(x):
    with 3.0:
        y = x * 2.0
    return np.sum(y)


def test_a_value_without_the_protocol_raises_typeerror_as_python_does():
    with pytest.raises(TypeError, match="context manager"):
        not_a_context_manager(np.ones(2))
    with pytest.raises(TypeError, match="context manager"):
        cpsgrad.grad(not_a_context_manager)(np.ones(2))


# ----- starred targets keep Python's length check -----
def unpack_ends(x):
    a, *mid, b = x
    return a * b + len(mid)


def test_starred_target_too_short_raises_valueerror_as_python_does():
    with pytest.raises(ValueError, match="not enough values to unpack"):
        unpack_ends(np.ones(1))
    with pytest.raises(ValueError, match="not enough values to unpack"):
        cpsgrad.grad(unpack_ends)(np.ones(1))
    np.testing.assert_allclose(cpsgrad.grad(unpack_ends)(np.array([2.0, 5.0])), [5.0, 2.0])


# ----- comprehensions: their variables are their own -----
def comprehension_variable(x):
    v = 10.0
    ys = [v * 2.0 for v in x]
    return ys[0] * v


def test_comprehension_variable_does_not_leak():
    x = np.array([3.0, 4.0])
    assert comprehension_variable(x) == 60.0
    value, g = cpsgrad.value_and_grad(comprehension_variable)(x)
    assert value == 60.0
    np.testing.assert_allclose(g, [20.0, 0.0])


# ----- what stays refused -----
# ----- any, all and next stop at the first item that decides, as a generator does -----
def probe(i, seen):
    seen.append(i)
    return i


def short_circuits(x, seen):
    some = any(x[probe(i, seen)] > 0.5 for i in range(10))  # x[3] would be an IndexError
    every = all(x[probe(i, seen)] < 0.5 for i in range(10))
    first = next(x[i] for i in range(10) if probe(i, seen) > 0)
    return np.sum(x) * (2.0 if some else 1.0) * (3.0 if every else 1.0) * first


def test_any_all_next_stop_early():
    x = np.array([0.2, 0.7, 0.9])
    seen = []
    expected = short_circuits(x, seen)
    assert seen == [0, 1, 0, 1, 0, 1]
    seen.clear()
    value, g = cpsgrad.value_and_grad(short_circuits)(x, seen)
    assert seen == [0, 1, 0, 1, 0, 1]
    assert value == expected
    np.testing.assert_allclose(g, [2 * 0.7, 2 * 0.7 + 2 * 1.8, 2 * 0.7])


def next_of_nothing(x):
    return next(v for v in x if v > 100.0)


def test_next_of_an_exhausted_generator_raises_stopiteration():
    with pytest.raises(StopIteration):
        next_of_nothing(np.ones(2))
    with pytest.raises(StopIteration):
        cpsgrad.grad(next_of_nothing)(np.ones(2))


def active_set(x):
    return sum({v * 2.0 for v in x})


def test_no_rule_for_a_set_of_active_values():
    with pytest.raises(NoRuleError, match="`set`"):
        cpsgrad.grad(active_set)(np.array([-1.0, 2.0]))


def stored_generator(x):
    squares = (v * v for v in x)
    return sum(squares)


def returned_generator(x):
    return (v * v for v in x)


def import_in_branch(x):
    if x[0] > 0:
        import math
        return x[0] * math.pi
    return x[0]


def import_rebound(x):
    import math
    math = math.pi
    return x[0] * math


def import_fails(x):
    from math import no_such_name
    return x[0] * no_such_name


@pytest.mark.parametrize(("fn", "message", "line"), [
    (stored_generator, "generator expression is supported only as the argument", 1),
    (returned_generator, "generator expression is supported only as the argument", 1),
    (import_in_branch, "an import inside a block", 2),
    (import_rebound, "`math` is imported here and also assigned", 1),
    (import_fails, "this import fails: cannot import name 'no_such_name'", 1),
], ids=lambda v: getattr(v, "__name__", None))
def test_refused_with_a_located_error(fn, message, line):
    with pytest.raises(TransformError) as info:
        cpsgrad.grad(fn)(np.ones(2))
    assert message in str(info.value)
    assert info.value.filename == __file__
    assert info.value.lineno == fn.__code__.co_firstlineno + line


def several_problems(x):
    d = {"a": (_y := x), (v for v in x): 1.0}
    del d
    try:
        z = x * 2.0
    finally:
        pass
    return z


def test_every_unsupported_construct_is_listed_first_in_source_order():
    with pytest.raises(TransformError) as info:
        cpsgrad.grad(several_problems)(np.ones(2))
    err, first = info.value, several_problems.__code__.co_firstlineno
    assert err.lineno == first + 1
    assert err.text == 'd = {"a": (_y := x), (v for v in x): 1.0}'
    lines = str(err).splitlines()
    assert "assignment expressions (`:=`)" in lines[0]
    assert [line.split(":")[0].strip() for line in lines[1:]] == [
        f"also line {first + 1}", f"also line {first + 2}", f"also line {first + 3}"]
    assert "generator expression" in lines[1]
    assert "`del`" in lines[2]
    assert "`try`" in lines[3]


def imports_a_module(x):
    import numpy.linalg as la
    from numpy import tanh
    return la.norm(tanh(x)) ** 2


def test_imported_names_are_resolved_like_globals():
    x = np.array([0.3, -0.7, 1.1])
    got = cpsgrad.grad(imports_a_module)(x)
    np.testing.assert_allclose(got, finite_differences(imports_a_module, (x,), 0)[0],
                               rtol=1e-6)


n = 3.0  # a global whose name the ANF stage would also give a temporary (`n = len(xs)`)


def reads_global_n(x):
    s = 0.0
    for v in x:
        s = s + v
    return s * n + sum(np * 1.0 for np in x)  # a comprehension variable named like a module


def test_temporaries_and_comprehension_variables_never_hide_a_global():
    x = np.array([1.0, 2.0])
    assert cpsgrad.value_and_grad(reads_global_n)(x)[0] == reads_global_n(x)
    np.testing.assert_allclose(cpsgrad.grad(reads_global_n)(x),
                               finite_differences(reads_global_n, (x,), 0)[0])
