"""Tests of the random-program tester itself: the classifier catches a wrong gradient, a
crash, a hang and an unexpected rejection; the shrinker shrinks; the generator is
deterministic, covers every construct tag and draws programs that run."""

import time

import numpy as np
import pytest

import cpsgrad
from tests.fuzz import limitations, report
from tests.fuzz.classify import classify, load
from tests.fuzz.generator import generate
from tests.fuzz.program import Program
from tests.fuzz.shrink import shrink
from tests.fuzz.tags import ALL, PENDING, SUPPORTED, select
from tests.fuzz.values import copy_tree


# ----- functions with deliberately broken rules -----
def square(x):
    return x * x


def cube(x):
    return x ** 3


def halve(x):
    return 0.5 * x


def exploding_rule(g, ans, x):
    raise RuntimeError("this rule explodes on purpose")


def hanging_rule(g, ans, x):
    time.sleep(60)


cpsgrad.defvjp(square, lambda g, ans, x: g * x)  # wrong on purpose: d(x*x) is 2x
cpsgrad.defvjp(cube, exploding_rule)
cpsgrad.defvjp(halve, hanging_rule)

HEADER = "import numpy as np\nfrom tests.test_fuzz_tester import cube, halve, square\n\n\n"


POINT = (np.array([0.3, -0.7, 1.1]),)


def program(body, args=POINT, wrt=(0,)):
    return Program(0, HEADER + body, args, wrt, frozenset())


def test_a_wrong_rule_is_wrong():
    outcome = classify(program("def f(x):\n    return np.sum(square(x))\n"))
    assert outcome.verdict == "WRONG"
    np.testing.assert_allclose(outcome.grads["FD"], 2 * outcome.args[0], rtol=1e-6)
    np.testing.assert_allclose(outcome.grads["cpsgrad"], outcome.args[0])


def test_a_right_gradient_agrees():
    assert classify(program("def f(x):\n    return np.sum(np.sin(x) * x)\n")).verdict == "AGREE"


def test_an_exception_in_a_rule_is_a_crash():
    outcome = classify(program("def f(x):\n    return np.sum(cube(x))\n"))
    assert (outcome.verdict, outcome.detail) == \
        ("CRASH", "RuntimeError: this rule explodes on purpose")


def test_a_hang_is_a_crash():
    start = time.monotonic()
    outcome = classify(program("def f(x):\n    return np.sum(halve(x))\n"), time_limit=0.5)
    assert outcome.verdict == "CRASH"
    assert outcome.detail.startswith("Timeout")
    assert time.monotonic() - start < 10


@pytest.mark.parametrize(("body", "verdict"), [
    ("def f(x):\n    try:\n        y = x * 2.0\n    except ValueError:\n        y = x\n"
     "    return np.sum(y)\n", "REJECTED"),
    ("def f(x):\n    return np.sum(np.sinc(x))\n", "UNEXPECTED-REJECTED"),
    ("def f(x):\n    return np.sum(x[7])\n", "SKIPPED"),
    ("def f(x):\n    return np.sum(np.floor(x * 1e9) * 1e-9 + x)\n", "SKIPPED"),
], ids=["listed-limitation", "no-rule", "does-not-run", "not-smooth"])
def test_rejections_and_skips(body, verdict):
    assert classify(program(body)).verdict == verdict


def test_the_allow_list_names_documented_limitations():
    documented = limitations.documented_sections()
    assert {lim.section for lim in limitations.KNOWN} <= documented
    assert limitations.match("`try` statements are not supported; move ...").section == "Syntax"
    assert limitations.match("no gradient rule for `np.sinc`") is None


def test_the_shrinker_keeps_the_bug_and_drops_the_rest():
    body = ("def helper(u, c=0.5):\n    return np.tanh(u) * c\n\n\n"
            "def f(x, y):\n    a = np.cos(x) + y\n    b = helper(a)\n"
            "    for i in range(2):\n        b = b + 0.1 * a\n"
            "    s = np.sum(square(x) * 2.0)\n    return s + np.sum(b)\n")
    failing = program(body, (np.array([0.3, -0.7, 1.1]), 0.4), (0, 1))
    outcome = classify(failing)
    assert outcome.verdict == "WRONG"
    small = shrink(failing, outcome, seconds=60)
    assert classify(small).verdict == "WRONG"
    assert "square(x)" in small.source
    assert "helper" not in small.source and "for " not in small.source
    assert len(small.source) < len(failing.source) / 2
    assert len(small.args) == 1


def test_reproducer_files_round_trip(tmp_path):
    failing = program("def f(x):\n    return np.sum(square(x))\n")
    outcome = classify(failing)
    path = tmp_path / "wrong.py"
    path.write_text(report.reproducer(failing, outcome), encoding="utf-8")
    again = report.load(path)
    assert again.wrt == failing.wrt
    np.testing.assert_array_equal(again.args[0], outcome.args[0])
    assert classify(again).verdict == "WRONG"
    assert "# cpsgrad :" in path.read_text() and "# FD      :" in path.read_text()


# ----- the generator -----
def test_the_generator_is_deterministic():
    a, b = generate(123), generate(123)
    assert a.source == b.source and a.tags == b.tags and a.wrt == b.wrt
    np.testing.assert_array_equal(a.args[0], b.args[0])
    assert generate(124).source != a.source


def test_the_generator_draws_every_construct():
    enabled = select(include=PENDING)
    seen = set().union(*(generate(seed, enabled).tags for seed in range(800)))
    assert seen == set(ALL), sorted(set(ALL) - seen)


@pytest.mark.parametrize("tags", [(), tuple(PENDING)], ids=["supported", "pending"])
def test_generated_programs_run_to_a_float(tags):
    enabled = select(include=tags)
    failures, lines = [], []
    for seed in range(300):
        p = generate(seed, enabled)
        lines.append(p.source.count("\n"))
        try:
            value = float(load(p.source).f(*copy_tree(p.args)))
            assert np.isfinite(value)
        except Exception as exc:
            failures.append((seed, repr(exc)))
    assert len(failures) <= 6, failures
    assert 5 <= np.median(lines) <= 40


@pytest.mark.parametrize("selector", ["closure", "inplace.alias", "for", "np.linalg"])
def test_excluded_constructs_are_not_drawn(selector):
    enabled = select(exclude=[selector])
    assert not any(t == selector or t.startswith(selector + ".") for t in enabled)
    for seed in range(150):
        assert generate(seed, enabled).tags <= enabled


def test_only_draws_the_named_constructs():
    enabled = select(only=["if", "for.range"])
    assert enabled == {"arith", "if", "if.elif", "for.range"}  # a name selects its sub-tags
    for seed in range(100):
        assert generate(seed, enabled).tags <= enabled


def test_pending_constructs_are_off_by_default():
    assert not set(PENDING) & select()
    assert set(SUPPORTED) <= select()
