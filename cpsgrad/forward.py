"""The helpers that the emitted *forward* code calls (``runtime.py`` has the adjoint's).

Snapshots of what an in-place write overwrites (``take_item``/``put_item``), iterators that
remember their items (``Recorded``), the guard against ``x += ...`` on a shared array
(``no_inplace``), the items a ``for`` goes over (``items_of``), a lowered ``append``,
``check_nans``'s test, and the entry and exit of ``with`` blocks.
"""

import contextlib
import functools
import sys
import threading
import types

import numpy as np

from cpsgrad.errors import TransformError


def snapshot(value, new=None):
    """The items about to be overwritten by ``x[i] = new``, kept for the adjoint.

    Where ``new`` overlaps them in memory NumPy copies it first, except into one axis
    whose step has the direction of ``new``'s: there it copies element by element, in the
    direction that is right for a shift (``x[1:] = x[:-1]``, steps equal) and not always
    where the steps differ (``a[1] = a[:, 2]`` on ``np.arange(9.).reshape(3, 3)`` gives
    ``[2, 8, 8]``, not ``[2, 5, 8]``). The adjoint takes ``new`` as read before the write;
    that case is refused rather than differentiated wrongly."""
    if isinstance(new, np.ndarray) and isinstance(value, np.ndarray) and value.ndim == 1 \
            and new.ndim >= 1 and new.strides[-1] != value.strides[0] \
            and new.strides[-1] * value.strides[0] > 0 and _shares_memory(value, new):
        raise _at_caller(
            "`x[i] = v` where `v` is a view of `x` that overlaps the items written, with a "
            "different step: NumPy copies it element by element and may read items it has "
            "already overwritten, which the gradient cannot follow; copy the right-hand "
            "side first: `x[i] = v.copy()`")
    return value.copy() if isinstance(value, np.ndarray) else value


def _at_caller(message):
    """A TransformError at the user's line of the emitted statement that called us."""
    from cpsgrad import debug  # noqa: PLC0415 (only on this error path)

    frame = sys._getframe(2)  # the emitted statement that called snapshot
    origin = debug.user_line(frame.f_code.co_filename, frame.f_lineno)
    if origin is None:
        return TransformError(message)
    filename, _, line = origin[1].rpartition(":")
    return TransformError(message, filename, int(line), None, origin[0])


def _shares_memory(a, b):
    try:
        return np.shares_memory(a, b, max_work=10**5)
    except np.exceptions.TooHardError:
        return True


class _Missing:
    """What ``take_item``/``take_attr`` keep for a key or attribute that did not exist."""

    def __repr__(self):
        return "MISSING"


MISSING = _Missing()


def take_item(x, idx):
    """``snapshot(x[idx])`` for a container, or MISSING for a new dict key."""
    if isinstance(x, dict) and idx not in x:
        return MISSING
    return snapshot(x[idx])


def put_item(x, idx, old):
    """Undo ``x[idx] = ...``: put the kept item back (or remove a new dict key)."""
    if old is MISSING:
        del x[idx]
    else:
        x[idx] = old


def take_attr(x, name):
    """``snapshot(x.name)``, or MISSING for an attribute that did not exist."""
    value = getattr(x, name, MISSING)
    return value if value is MISSING else snapshot(value)


def put_attr(x, name, old):
    """Undo ``x.name = ...``."""
    if old is MISSING:
        object.__delattr__(x, name)
    else:
        object.__setattr__(x, name, old)


class Recorded:
    """An iterator that remembers what it yielded, so that the adjoint of what consumed it
    (``dict(zip(keys, values))``) can see the items again. Emitted code calls ``zip``,
    ``enumerate``, ``reversed`` and ``iter`` through it; it is still a one-pass iterator."""

    __slots__ = ("items", "source")

    def __init__(self, iterable):
        self.source, self.items = iter(iterable), []

    def __iter__(self):
        return self

    def __next__(self):
        item = next(self.source)
        self.items.append(item)
        return item


def recording(fun):
    """``fun`` (an iterator-returning builtin) whose result is ``Recorded``."""
    def call(*args, **kwargs):
        return Recorded(fun(*args, **kwargs))
    call.__name__ = call.__qualname__ = fun.__name__
    call.__module__ = "builtins"  # it stands for the builtin (docs/numpy.md lists it so)
    call.__doc__ = f"``{fun.__name__}(...)``, recorded (see ``Recorded``)."
    return call


RECORDED = {fun: recording(fun) for fun in (zip, enumerate, reversed, iter)}


def no_inplace(x, message, filename, line):
    """Refuse ``x += ...`` on an array or list that another live name also holds: Python
    changes the object in place there, the emitted code rebinds ``x``."""
    if isinstance(x, (np.ndarray, list, dict)):
        raise TransformError(message, filename, line)


_DIFFERENTIATED = threading.local()


@contextlib.contextmanager
def differentiating(values):
    """While a gradient runs: ``{parameter name: value}`` of the arguments of the function
    differentiated, for ``unshared``."""
    stack = _DIFFERENTIATED.__dict__.setdefault("stack", [])
    stack.append([values, None])  # the objects they hold, found at the first check
    try:
        yield
    finally:
        stack.pop()


def unshared(x, filename, line):
    """Refuse ``x[i] = v`` / ``x.a = v`` where the transform cannot tell that ``x`` is not
    (part of) an argument of the function differentiated (``x`` came from a global): the
    write would change that argument behind the analyses' back (its gradient, or the shape
    facts about it, would be wrong)."""
    stack = getattr(_DIFFERENTIATED, "stack", None)
    if not stack:
        return
    if stack[-1][1] is None:
        stack[-1][1] = _held(stack[-1][0])
    name = stack[-1][1].get(id(x))
    if name is not None:
        raise TransformError(
            f"this writes in place into `{name}` (or a value it holds), an argument of the "
            f"function being differentiated, through a name that cpsgrad cannot follow back "
            f"to it (a global, or a value read from one): the gradient would miss the write. "
            f"Write through `{name}` itself, or into a copy", filename, line)


def _held(values):
    """``{id(obj): parameter name}`` for every container, object and array in ``values``."""
    out, stack = {}, [(name, v) for name, v in values.items()]
    while stack:
        name, v = stack.pop()
        if id(v) in out or (not isinstance(v, (dict, list, tuple, np.ndarray)) and (
                not hasattr(v, "__dict__") or isinstance(v, _CODE))):
            continue
        out[id(v)] = name
        items = v.values() if isinstance(v, dict) else v if isinstance(v, (list, tuple)) \
            else () if isinstance(v, np.ndarray) else vars(v).values()
        stack += [(name, item) for item in items]
    return out


_CODE = (type, types.ModuleType, types.FunctionType, types.MethodType,
         types.BuiltinFunctionType, functools.partial)


def items_of(x):
    """What ``for v in x`` goes over, as a sequence: ``x`` itself if it is one, else its
    items in a list (a dict's keys, a view's or an iterator's items)."""
    if isinstance(x, (list, tuple, np.ndarray, range, str)):
        return x
    return list(x)


def append(items, item):
    """``items.append(item)`` as a new list (the forward of a lowered ``append``)."""
    return [*items, item]


def check_finite(value, name, where):
    """Stop at the first emitted value that holds a NaN or inf (``check_nans=True``)."""
    if isinstance(value, (float, np.floating, np.ndarray)) and not np.all(np.isfinite(value)):
        raise FloatingPointError(
            f"cpsgrad check_nans: `{name}` is not finite ({value!r}) in the emitted gradient; "
            f"it comes from the user's line: {where}")


# ----- `with` blocks (transforms/anf_sugar.py lowers them to these calls) ---------------
# The emitted forward code enters and leaves a context manager with two calls; the rest of
# the program runs inside the continuation called from the `with` body, so no `try` there
# could tell an error of the body from one raised later. Instead each thread keeps the
# managers entered and not yet left: around a run, ``exits_on_error`` gives those still
# open `__exit__(type, exc, tb)` (innermost first) when the run raises. A manager left
# normally is no longer listed, so an error raised after its block never reaches it.

_OPEN = threading.local()


def _entered():
    if not hasattr(_OPEN, "managers"):
        _OPEN.managers = []  # (manager, its type's __exit__), innermost last
    return _OPEN.managers


def with_enter(manager):
    """``with manager:`` — ``type(manager).__enter__(manager)``, as Python calls it."""
    kind = type(manager)
    if not (hasattr(kind, "__enter__") and hasattr(kind, "__exit__")):
        raise TypeError(f"{kind.__name__!r} object does not support the context manager "
                        f"protocol")
    value = kind.__enter__(manager)
    _entered().append((manager, kind.__exit__))
    return value


def with_exit(manager):
    """The end of ``manager``'s block, left normally: ``__exit__(None, None, None)``."""
    entered = _entered()
    i = max((i for i, (m, _exit) in enumerate(entered) if m is manager), default=None)
    exit_ = type(manager).__exit__ if i is None else entered.pop(i)[1]
    exit_(manager, None, None, None)


@contextlib.contextmanager
def exits_on_error():
    """Around a run of emitted code: when it raises, each context manager it entered and
    did not leave gets ``__exit__(type, exc, tb)``, innermost first, as Python would (an
    error raised by one ``__exit__`` is what the next one sees, and what propagates)."""
    entered = _entered()
    depth, error = len(entered), None
    try:
        yield
    except BaseException as exc:
        error = _exit_all(entered, depth, exc)
        if error is exc:
            raise
    if error is not None:
        raise error


def _exit_all(entered, depth, error):
    while len(entered) > depth:
        manager, exit_ = entered.pop()
        try:
            suppressed = exit_(manager, type(error), error, error.__traceback__)
        except BaseException as raised:  # it replaces the error, as in Python
            error = raised
            continue
        if suppressed and hasattr(error, "add_note"):
            error.add_note(f"cpsgrad: {type(manager).__name__}.__exit__ returned True to "
                           f"suppress this exception, which a gradient cannot do (its forward "
                           f"pass cannot go on after the `with` block)")
    return error
