"""How the arguments of a call bind to the parameters of what it calls (``dispatch``).

A call's arguments have places as written (``f(a, *xs, **kw)``: ``a`` is 1, ``xs`` 2,
``kw`` ``"**"``) and as passed (``a, xs[0], xs[1], ...``): ``Spread`` maps between them.
``bind`` gives the parameters' values and where each came from, planned once per function
and argument count for the common positional call; ``scatter`` puts the parameters'
adjoints back at those places, and ``result`` hands them to the emitted code.
"""

import inspect

from cpsgrad import runtime
from cpsgrad.rules.python import as_adjoint_of

MAX_PLANS = 256


def result(grads, wrt, head, args, kwargs):
    """The adjoints of ``wrt`` as emitted code takes them (``Spread.result`` for a call
    that spreads nothing)."""
    out = []
    for p in wrt:
        g = grads.get(p)
        if g is None:
            g = runtime.sparse_zeros(head if p == 0 else args[p - 1] if isinstance(p, int)
                                     else kwargs[p])
        out.append(g)
    if not out:
        return None
    return out[0] if len(out) == 1 else tuple(out)


class Spread:
    """The places of a call's arguments as written (``f(a, *xs, **kw)``: ``a`` is place 1,
    ``xs`` place 2, ``kw`` is ``"**"``) and as passed (``a, xs[0], xs[1], ...``)."""

    def __init__(self, head, args, kwargs, slots, double):
        self.head, self.args, self.kwargs, self.double = head, args, kwargs, double or {}
        self.slots = slots if slots is not None else (None,) * len(args)
        self.spans, position = {}, 1
        for i, value in enumerate(self.slots, 1):
            n = 1 if value is None else len(value)
            self.spans[i] = range(position, position + n)
            position += n

    def expand(self, wrt):
        out = set()
        for p in wrt:
            out |= (set(self.double) if p == "**" else set(self.spans[p]) if isinstance(p, int)
                    and p > 0 else {p})
        return out

    def result(self, grads, wrt):
        out = []
        for p in wrt:
            if p == "**":
                out.append({key: grads.get(key) for key in self.double})
            elif isinstance(p, int) and p > 0 and self.slots[p - 1] is not None:
                value = self.slots[p - 1]
                out.append(as_adjoint_of([grads.get(i) for i in self.spans[p]], value))
            else:
                like = self.head if p == 0 else self.args[self.spans[p][0] - 1] \
                    if isinstance(p, int) else self.kwargs[p]
                g = grads.get(self.spans[p][0] if isinstance(p, int) and p > 0 else p)
                out.append(runtime.sparse_zeros(like) if g is None else g)
        if not out:
            return None
        return out[0] if len(out) == 1 else tuple(out)


def bind(f, args, kwargs, wrt):
    """``(parameter names, values in their order, which are active, parameter -> where it
    came from)``: a position or keyword, or for ``*args`` the positions and for ``**kwargs``
    the keywords it collected (the parameter is then a tuple or a dict)."""
    fast = _bind_positional(f, args, kwargs)
    if fast is not None:
        names, values, origin = fast
        return names, values, tuple(i in wrt for i in range(1, len(names) + 1)), origin
    signature = inspect.signature(f)
    bound = signature.bind(*args, **kwargs)
    bound.apply_defaults()
    origin, position = {}, 1
    for name, p in signature.parameters.items():
        if p.kind == p.VAR_POSITIONAL:
            origin[name] = tuple(range(position, len(args) + 1))
            position = len(args) + 1
        elif p.kind == p.VAR_KEYWORD:
            origin[name] = tuple(k for k in kwargs if k not in signature.parameters)
        elif name in kwargs:
            origin[name] = name
        elif position <= len(args) and p.kind != p.KEYWORD_ONLY:
            origin[name] = position
            position += 1
    names = list(signature.parameters)
    active = tuple(bool(set(_places(origin.get(p))) & wrt) for p in names)
    return names, [bound.arguments[p] for p in names], active, origin


def _bind_positional(f, args, kwargs):
    """``(names, values, origin)`` for the common call: a plain function with positional
    parameters only, called with positional arguments (defaults fill the rest); ``None``
    otherwise."""
    if kwargs:
        return None
    plan = _plans.get((f, len(args)))
    if plan is None:
        plan = _positional_plan(f, len(args))
        if len(_plans) >= MAX_PLANS:
            _plans.pop(next(iter(_plans)))
        _plans[f, len(args)] = plan
    attributes = getattr(f, "__dict__", None) or ()
    if plan is False or "__wrapped__" in attributes or "__signature__" in attributes:
        return None
    names, origin, missing = plan
    if not missing:
        return names, list(args), origin
    defaults = f.__defaults__ or ()
    if missing > len(defaults):
        return None  # its defaults were replaced since: inspect binds it
    return names, [*args, *defaults[len(defaults) - missing:]], origin


_plans = {}  # (function, number of arguments) -> (names, origin, defaults used) or False


def _positional_plan(f, n_args):
    code = getattr(f, "__code__", None)
    if code is None or code.co_kwonlyargcount or code.co_flags & (inspect.CO_VARARGS
                                                                   | inspect.CO_VARKEYWORDS):
        return False
    n, defaults = code.co_argcount, f.__defaults__ or ()
    if not n - len(defaults) <= n_args <= n:
        return False  # inspect's binding raises the error Python would
    names = list(code.co_varnames[:n])
    return names, {name: i + 1 for i, name in enumerate(names[:n_args])}, n - n_args


def _places(origin):
    return origin if isinstance(origin, tuple) else () if origin is None else (origin,)


def scatter(params, grads, origin, wrt):
    """The adjoints of parameters, back at the places (positions, keywords) they came from."""
    out = {}
    for p, g in zip(params, grads, strict=True):
        where = origin.get(p)
        if isinstance(where, tuple):  # *args (a tuple) or **kwargs (a dict)
            parts = g if g is not None else ()
            items = parts.items() if isinstance(parts, dict) else zip(where, parts, strict=False)
            out.update({w: item for w, item in items if w in wrt})
        elif where in wrt:
            out[where] = g
    return out
