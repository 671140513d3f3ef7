"""Run one program through cpsgrad and the references; classify the result.

AGREE      cpsgrad's gradient matches finite differences
WRONG      it does not (autograd, where it runs, is shown beside it), or the value differs
DISPUTED   it differs from finite differences but matches autograd exactly: shown, not counted
REJECTED   a TransformError / NoRuleError for a limitation docs/limitations.md lists
UNEXPECTED-REJECTED  any other TransformError / NoRuleError
CRASH      any other exception from cpsgrad or its emitted code, or a time-out
SKIPPED    the program does not run forward to a finite float, or is not smooth at any point
"""

import importlib.util
import itertools
import re
import signal
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

import cpsgrad
from tests.fuzz import limitations, reference
from tests.fuzz.values import Arr, copy_tree, draw, flatten, same_structure

BUGS = ("WRONG", "CRASH", "UNEXPECTED-REJECTED")
VERDICTS = ("AGREE", *BUGS, "REJECTED", "DISPUTED", "SKIPPED")
POINTS = 3  # input points tried when the function is not smooth at the first
TIME_LIMIT = 2.0  # seconds for one phase of one program (all phases take < 0.4 s)


@dataclass
class Outcome:
    verdict: str
    detail: str = ""
    args: tuple = ()  # the point the gradients were taken at
    grads: dict = field(default_factory=dict)  # "cpsgrad" / "FD" / "autograd": flat vectors

    def key(self):
        """What a shrunk program must keep: the verdict, and for a bug its kind (the error,
        or a wrong value rather than a wrong gradient)."""
        return self.verdict, signature(self.detail) if self.verdict in BUGS else ""


def signature(detail):
    """The kind of an error: its first line without generated names, quoted names,
    numbers and the file and line it names."""
    text = detail.splitlines()[0] if detail else ""
    text = re.sub(r"\([^()]*, line \d+\)", "", text)
    text = re.sub(r"'[^']*'", "'_'", text)
    text = re.sub(r"\b[A-Za-z_]+\d\w*", "_", text)
    return re.sub(r"\d+(\.\d+)?", "N", text).strip()[:120]


class Deadline(BaseException):
    """Raised by the timer; a BaseException so no ``except Exception`` in a program eats it."""


@contextmanager
def deadline(seconds):
    def ring(_signum, _frame):
        raise Deadline

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


_FOLDER = None
_COUNT = itertools.count()


def load(source):
    """Import ``source`` from a new file (cpsgrad reads functions' source from files)."""
    global _FOLDER
    if _FOLDER is None:
        _FOLDER = Path(tempfile.mkdtemp(prefix="cpsgrad-fuzz-"))
    path = _FOLDER / f"program_{next(_COUNT)}.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def classify(program, time_limit=TIME_LIMIT, points=POINTS):
    """The outcome of ``program``: at its arguments, or where f is not smooth there, at up
    to ``points - 1`` other random points."""
    try:
        with deadline(time_limit):
            f = load(program.source).f
    except (Exception, Deadline) as exc:
        return Outcome("SKIPPED", f"does not load: {type(exc).__name__}: {exc}")
    for args in itertools.islice(_points(program), points):
        outcome = _at_point(program, f, args, time_limit)
        if outcome is not None:
            return outcome
    return Outcome("SKIPPED", "not smooth at any point tried", program.args)


def _points(program):
    """The program's arguments, then other random points of the same types."""
    yield program.args
    rng = np.random.default_rng(program.seed + 1)
    while True:
        yield tuple(_redraw(a, rng) for a in program.args)


def _redraw(value, rng):
    if isinstance(value, dict):
        return {k: _redraw(v, rng) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_redraw(v, rng) for v in value)
    return draw(Arr(np.shape(value)), rng)


def _at_point(program, f, args, time_limit):
    """The outcome at ``args``, or None when f is not smooth there (try another point)."""
    try:
        with deadline(time_limit):
            value = reference.evaluate(f, args)
    except (Exception, Deadline) as exc:
        return Outcome("SKIPPED", f"forward: {type(exc).__name__}: {exc}", args)
    if not np.isfinite(value) or abs(value) > 1e6:
        return Outcome("SKIPPED", f"forward value {value}", args)
    try:
        with deadline(time_limit):
            got, grads = cpsgrad.value_and_grad(f, wrt=program.wrt)(*copy_tree(args))
    except cpsgrad.TransformError as exc:
        limitation = limitations.match(str(exc))
        if limitation is None:
            return Outcome("UNEXPECTED-REJECTED", f"{type(exc).__name__}: {exc}", args)
        return Outcome("REJECTED", f"[{limitation.section}] {exc}", args)
    except Deadline:
        return Outcome("CRASH", f"Timeout: more than {time_limit} s", args)
    except Exception as exc:
        return Outcome("CRASH", f"{type(exc).__name__}: {exc}", args)
    return _compare(program, f, args, value, got, grads, time_limit)


def _compare(program, f, args, value, got, grads, time_limit):
    if not same_structure(list(grads), [args[i] for i in program.wrt]):
        return Outcome("WRONG", f"the gradient's structure or shapes differ from the "
                       f"arguments': {grads!r}", args)
    try:
        with deadline(time_limit):
            fd = reference.smooth_gradient(f, args, program.wrt)
    except Deadline:
        return Outcome("SKIPPED", "finite differences timed out", args)
    if fd is None:
        return None
    mine = flatten(list(grads))
    found = {"cpsgrad": mine, "FD": fd}
    if not np.isclose(float(got), value, rtol=1e-9, atol=1e-12):
        return Outcome("WRONG", f"value {got!r} differs from f(*args) = {value!r}", args, found)
    if reference.close(mine, fd, reference.AGREE_RTOL):
        return Outcome("AGREE", "", args, found)
    found["autograd"] = twin = reference.autograd_gradient(program.source, args, program.wrt)
    return Outcome(*_disagreement(mine, twin), args, found)


def _disagreement(mine, twin):
    """The verdict and detail when cpsgrad differs from finite differences: autograd, where
    it runs, tells a singular point (both non-finite) or a quirk of the references (both
    equal) from a wrong gradient."""
    finite = bool(np.all(np.isfinite(mine)))
    if twin is not None and finite and reference.close(mine, twin, 1e-9):
        return "DISPUTED", "cpsgrad matches autograd, not finite differences"
    if twin is not None and not finite and \
            np.array_equal(np.isfinite(mine), np.isfinite(twin)):
        return "DISPUTED", "cpsgrad and autograd are not finite, finite differences are"
    if not finite:
        return "WRONG", "the gradient is not finite; finite differences are"
    return "WRONG", "the gradient differs from finite differences"
