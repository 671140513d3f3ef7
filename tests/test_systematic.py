"""autograd's systematic gradient checks, run through cpsgrad (see tests/systematic.py).

Every combination of shapes and options in autograd's tests is one test here: a user
function is generated for it, differentiated by cpsgrad and compared with central finite
differences along a random direction (``cpsgrad.check_grads``). The same user function is
differentiated by autograd too, as a control of the harness itself.

Checks cpsgrad does not pass yet are listed in ``KNOWN_FAILURES`` (strict xfail, so the
list cannot go stale), and the count in docs/numpy.md (``AUTOGRAD_CHECKS`` in
cpsgrad/rules/table.py) must equal what this file measures.
"""

import warnings

import numpy as np
import pytest

import cpsgrad
from cpsgrad.rules import table
from tests import systematic
from tests.systematic_checks import CHECKS

KNOWN_FAILURES = {}  # check id -> why cpsgrad fails it (strict xfail)


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    path = tmp_path_factory.mktemp("systematic") / "autograd_checks.py"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        calls = systematic.generate(CHECKS, path)
    return path, calls, systematic.load(path, "autograd_checks")


def params():
    out = []
    for check in CHECKS:
        marks = ()
        reason = KNOWN_FAILURES.get(check.ident)
        if reason:
            marks = pytest.mark.xfail(reason=reason, strict=True)
        out.append(pytest.param(check, id=f"{check.source[5:-3]}-{check.ident}", marks=marks))
    return out


def function_of(check, calls, module):
    call = calls[check.ident]
    if isinstance(call, Exception):
        raise call
    name, args = call
    return getattr(module, name), args


@pytest.mark.parametrize("check", params())
def test_cpsgrad_passes_autograds_check(check, generated):
    _, calls, module = generated
    f, args = function_of(check, calls, module)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cpsgrad.check_grads(f, *args, wrt=check.wrt, rtol=check.rtol, atol=check.atol)


def test_recorded_count_is_measured():
    """docs/numpy.md states how many of autograd's checks pass; it must be this count."""
    measured = {}
    for check in CHECKS:
        passed, total = measured.get(check.source, (0, 0))
        measured[check.source] = (passed + (check.ident not in KNOWN_FAILURES), total + 1)
    assert measured == table.AUTOGRAD_CHECKS


def test_known_failures_name_real_checks():
    idents = {check.ident for check in CHECKS}
    assert set(KNOWN_FAILURES) <= idents


# ----- the harness, checked with autograd on the same source -----

@pytest.fixture(scope="module")
def with_autograd(generated):
    anp = pytest.importorskip("autograd.numpy")
    special = pytest.importorskip("autograd.scipy.special")
    path, calls, _ = generated
    return calls, systematic.load(path, "autograd_checks_ag", anp, special)


@pytest.mark.parametrize("check", [pytest.param(c, id=f"{c.source[5:-3]}-{c.ident}")
                                   for c in CHECKS])
def test_autograd_passes_the_same_check(check, with_autograd):
    import autograd

    calls, module = with_autograd
    f, args = function_of(check, calls, module)
    rng = np.random.default_rng(1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        grads = [autograd.grad(f, i)(*args) for i in check.wrt]
        dirs = [tree_map(lambda x: rng.standard_normal(np.shape(x)), args[i]) for i in check.wrt]
        numeric = directional(f, args, check.wrt, dirs)
    analytic = sum(tree_dot(g, d) for g, d in zip(grads, dirs, strict=True))
    assert np.allclose(analytic, numeric, rtol=check.rtol, atol=check.atol), (analytic, numeric)


def directional(f, args, wrt, dirs, eps=1e-6):
    def shifted(sign):
        moved = list(args)
        for i, d in zip(wrt, dirs, strict=True):
            moved[i] = tree_map(lambda x, v: x + sign * eps * v, args[i], d)
        return f(*moved)
    return (shifted(1.0) - shifted(-1.0)) / (2 * eps)


def tree_map(fn, x, *ys):
    if isinstance(x, (list, tuple)):
        return type(x)(tree_map(fn, *items) for items in zip(x, *ys, strict=True))
    return fn(x, *ys)


def tree_dot(g, d):
    if isinstance(d, (list, tuple)):
        return sum(tree_dot(a, b) for a, b in zip(g, d, strict=True))
    return float(np.sum(np.real(np.asarray(g)) * d))
