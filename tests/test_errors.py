"""Bad input gets a clear, located error — never a wrong or silently zero gradient."""

import subprocess
import sys

import numpy as np
import pytest

import cpsgrad
from cpsgrad import NoRuleError, TransformError


def uses_try(x):
    try:
        return x * 2.0
    except ValueError:
        return x


def uses_generator_variable(x):
    squares = (v * v for v in x)
    return sum(squares)


def uses_yield(x):
    yield x


def uses_global(x):
    global GLOBAL_Y
    GLOBAL_Y = x
    return x


def uses_class(x):
    class A:
        pass

    return x


def uses_del(x):
    y = x
    del y
    return x


def nested_star(x):
    def inner(*xs):
        return xs[0]
    return inner(x)


def uses_walrus(x):
    return (y := x * 2.0) + y


async def uses_async(x):
    return x


def opaque(x):
    return float(np.sum(x))


def no_rule(x):
    return np.sum(np.sinc(x))


def unknown_method(x):
    return x.ptp()


def wrong_keyword(x, y):
    return np.sum(np.add(x, y=y))


@pytest.mark.parametrize(("fn", "message"), [
    (uses_try, "`try` statements are not supported"),
    (uses_generator_variable, "generator expression is supported only as the argument"),
    (uses_yield, "generators (`yield`) are not supported"),
    (uses_global, "`global` is not supported"),
    (uses_class, "class definitions inside a differentiated function"),
    (uses_del, "`del` is not supported"),
    (nested_star, "nested functions with *args or **kwargs are not supported"),
    (uses_walrus, "assignment expressions"),
    (uses_async, "async functions are not supported"),
], ids=lambda v: getattr(v, "__name__", "msg"))
def test_unsupported_syntax_is_located(fn, message):
    with pytest.raises(TransformError) as info:
        cpsgrad.grad(fn)(np.ones(3))
    err = info.value
    assert message in str(err)
    assert err.filename == __file__
    assert err.lineno is not None
    assert err.text and err.text in open(__file__).read()  # noqa: SIM115


def test_unknown_function_names_it_and_how_to_register():
    with pytest.raises(NoRuleError) as info:
        cpsgrad.grad(no_rule)(np.ones(3))
    msg = str(info.value)
    assert "sinc" in msg
    assert "cpsgrad.defvjp" in msg
    assert info.value.lineno == no_rule.__code__.co_firstlineno + 1


def test_unknown_method_is_an_error():
    with pytest.raises(TransformError, match=r"\.ptp\(\)"):
        cpsgrad.grad(unknown_method)(np.ones(3))


def test_active_keyword_argument_is_an_error():
    with pytest.raises(TransformError, match="keyword `y=`"):
        cpsgrad.grad(wrong_keyword, wrt=(0, 1))(np.ones(3), np.ones(3))


@pytest.mark.parametrize("wrt", [2, -3, "z", (0, 5)])
def test_bad_wrt_fails_at_grad_time(wrt):
    with pytest.raises(ValueError, match="wrt"):
        cpsgrad.grad(wrong_keyword, wrt=wrt)


def test_int_argument_cannot_be_differentiated():
    with pytest.raises(TypeError, match="integers"):
        cpsgrad.grad(lambda x: x * 2)(3)


def test_builtin_has_no_source():
    with pytest.raises(TransformError, match="builtin or C function"):
        cpsgrad.grad(np.sin)(1.0)


def test_source_from_python_c_is_explained():
    code = ("import cpsgrad\n"
            "def f(x):\n    return x * x\n"
            "try:\n    cpsgrad.grad(f)(1.0)\n"
            "except cpsgrad.TransformError as e:\n    print('ERR', e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert "cannot find the source of f()" in out
    assert "python -c" in out


def test_non_scalar_output_needs_vjp():
    with pytest.raises(TypeError, match="scalar output"):
        cpsgrad.grad(lambda x: x * 2.0)(np.ones(3))


def _write_first(x):
    x[0] = x[1] * 3.0
    return 0.0


def _write_bias(d):
    d["b"] = d["b"] * np.ones((4, 1))
    return 0.0


def _copy_then_write(x):
    x = x * 1.0
    x[0] = x[1] * 3.0
    return np.sum(x)


def writes_into_callee_argument(x):
    y = x * 1.0
    z = _write_first(y)
    return np.sum(y * y) + z


def callee_writes_into_dict(params, x):
    p = {"b": params["b"] * 1.0}
    z = _write_bias(p)
    return np.sum(x * p["b"]) + z


def callee_copies_then_writes(x):
    return _copy_then_write(x) * 2.0


@pytest.mark.parametrize(("fn", "args"), [
    (writes_into_callee_argument, (np.arange(3.0),)),
    (callee_writes_into_dict, ({"b": np.ones(3)}, np.arange(3.0))),
])
def test_callee_writing_into_its_argument_is_an_error(fn, args):
    """The caller's adjoint would miss the write: that was a silent wrong gradient."""
    with pytest.raises(TransformError, match="writes into the argument"):
        cpsgrad.grad(fn)(*args)


def test_callee_may_write_into_its_own_copy():
    x = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(cpsgrad.grad(callee_copies_then_writes)(x), [0.0, 8.0, 2.0])


def _update_argument(d, x):
    d.update(b=x)
    return np.sum(d["b"])


def callee_updates_its_argument(x):
    return _update_argument({"b": x * 2.0}, x)


def test_callee_changing_its_argument_by_method_is_an_error():
    with pytest.raises(TransformError, match=r"`d.update\(...\)` changes the argument"):
        cpsgrad.grad(callee_updates_its_argument)(np.ones(3))
