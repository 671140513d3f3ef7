"""The public functions: grad, value_and_grad, vjp, show_source, emitted_file, stages."""

import functools
import inspect
import os

import numpy as np

from cpsgrad import debug, forward, pipeline, results
from cpsgrad.codegen import to_source
from cpsgrad.syntax import module


def _wrt_indices(fn, wrt):
    params = list(inspect.signature(fn).parameters)
    items = wrt if isinstance(wrt, tuple) else (wrt,)
    out = []
    for w in items:
        if isinstance(w, str):
            if w not in params:
                raise ValueError(f"wrt={w!r} names no parameter of {fn.__name__}{tuple(params)}")
            out.append(params.index(w))
        elif isinstance(w, int) and not isinstance(w, bool):
            if not -len(params) <= w < len(params):
                raise ValueError(f"wrt={w} is out of range: {fn.__name__}() has "
                                 f"{len(params)} parameter(s) {tuple(params)}")
            out.append(w % len(params))
        else:
            raise TypeError(f"wrt must be an int, a parameter name, or a tuple of them; "
                            f"got {w!r}")
    return out, params


def _unwrap(fn):
    """``(function to transform, leading arguments, keywords)`` of a callable: a bound method
    holds its object, a ``functools.partial`` its arguments, a callable object is its own
    ``__call__``'s first argument."""
    if isinstance(fn, functools.partial):
        target, lead, keywords = _unwrap(fn.func)
        return target, (*lead, *fn.args), {**keywords, **fn.keywords}
    if inspect.ismethod(fn):
        target, lead, keywords = _unwrap(fn.__func__)
        return target, (*lead, fn.__self__), keywords
    if not inspect.isfunction(fn) and callable(fn) and inspect.isfunction(type(fn).__call__):
        return type(fn).__call__, (fn,), {}
    return fn, (), {}


class Gradient:
    """A differentiated function: call it like the original; it returns gradients."""

    def __init__(self, fn, wrt=0, with_value=False, check_nans=None):
        self.fn = fn
        if check_nans is None:
            check_nans = os.environ.get("CPSGRAD_CHECK_NANS", "") not in ("", "0")
        self.check_nans = check_nans
        self.wrt = wrt
        self.target, self.lead, self.lead_keywords = _unwrap(fn)
        indices, visible = _wrt_indices(fn, wrt)
        self.signature = inspect.signature(self.target)
        self.params = list(self.signature.parameters)
        self.variadic = any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
                            for p in self.signature.parameters.values())
        self.indices = [self.params.index(visible[i]) for i in indices]
        self.with_value = with_value
        self.built = {}
        functools.update_wrapper(self, fn, assigned=("__module__", "__name__", "__qualname__",
                                                     "__doc__"), updated=())
        self.__wrapped__ = fn

    def arguments(self, args, kwargs):
        """Every parameter's value of the function transformed, in order, as a call with
        ``args, kwargs`` binds them."""
        if not kwargs and not self.lead and not self.lead_keywords \
                and len(args) == len(self.params) and not self.variadic:
            return list(args)
        bound = self.signature.bind(*self.lead, *args, **{**self.lead_keywords, **kwargs})
        bound.apply_defaults()
        return [bound.arguments[p] for p in self.params]  # *args a tuple, **kwargs a dict

    def built_for(self, args, key=None):
        """The emitted adjoint for arguments like ``args`` (built once per kind and shape
        pattern of the arguments), or for the ``(kinds, patterns)`` in ``key``."""
        key = key or (tuple(map(pipeline.arg_kind, args)), tuple(map(pipeline.pattern_of, args)))
        kinds = key[0]
        if key not in self.built and len(self.built) >= MAX_BUILT:
            key = (kinds, (None,) * len(kinds))  # many shapes seen: one adjoint for any shape
        if key not in self.built:
            active = tuple(i in self.indices for i in range(len(kinds)))
            self.built[key] = pipeline.build(self.target, active, kinds, patterns=key[1],
                                             check_nans=self.check_nans)
        return self.built[key]

    def example(self, args=()):
        """The emitted adjoint that a call with ``args`` runs; without any, the first one
        built, or one for arrays of any shape."""
        if args:
            return self.built_for(self.arguments(args, {}))
        if self.built:
            return next(iter(self.built.values()))
        n = len(self.params)
        return self.built_for(None, (("num",) * n, (None,) * n))  # arrays of any shape

    def run(self, args, seed):
        """Run the adjoint on bound ``args``: ``(value, gradient)``."""
        for i in self.indices:
            if holds_integers(args[i]):
                raise TypeError(f"cannot differentiate {self.target.__name__}() with respect "
                                f"to argument {self.params[i]!r}: it holds integers; pass "
                                f"floats")
        built = self.built_for(args)
        out = []

        def k(y):
            out.append(y)
            return seed(y)

        try:
            with results.deep_recursion(), forward.exits_on_error(), forward.differentiating(
                    dict(zip(self.params, args, strict=True))):
                grads = built.function(*args, k)
        except Exception as exc:
            debug.annotate(exc)
            raise
        n = len(set(self.indices))
        grads = (grads,) if n == 1 else tuple(grads)
        order = sorted(set(self.indices))
        by_index = {i: results.gradient(g, args[i]) for i, g in zip(order, grads, strict=True)}
        result = by_index[self.indices[0]] if not isinstance(self.wrt, tuple) else \
            tuple(by_index[i] for i in self.indices)
        return out[0], result

    def __call__(self, *args, **kwargs):
        value, g = self.run(self.arguments(args, kwargs), results.seed)
        return (value, g) if self.with_value else g


MAX_BUILT = 8  # specialised adjoints per gradient function, then an unspecialised one


def holds_integers(x):
    """Whether ``x`` is, or a dict, list or tuple in it holds, an integer or a non-float
    array (a gradient with respect to it is refused)."""
    kind = type(x)
    if kind is np.ndarray:
        return x.dtype.kind not in "fc"
    if kind is float:
        return False
    if isinstance(x, dict):
        return any(map(holds_integers, x.values()))
    if isinstance(x, (list, tuple)):
        return any(map(holds_integers, x))
    return isinstance(x, (int, np.integer)) or (isinstance(x, np.ndarray)
                                                 and x.dtype.kind not in "fc")


def grad(fn=None, wrt=0, check_nans=None):
    """The gradient of scalar-valued ``fn`` with respect to argument(s) ``wrt``.

    ``check_nans=True`` (or ``CPSGRAD_CHECK_NANS=1``) stops at the first emitted
    statement that produces a NaN or inf and names it and the user's line.
    """
    if fn is None:
        return lambda f: Gradient(f, wrt, check_nans=check_nans)
    return Gradient(fn, wrt, check_nans=check_nans)


def value_and_grad(fn=None, wrt=0):
    """Like ``grad``, returning ``(fn(*args), gradient)`` from one run."""
    if fn is None:
        return lambda f: Gradient(f, wrt, with_value=True)
    return Gradient(fn, wrt, with_value=True)


def vjp(fn, *args):
    """``(value, pullback)``; ``pullback(cotangent)`` gives the gradients of every argument.

    The pullback runs the emitted adjoint (forward and backward) with the cotangent as
    the output's adjoint.
    """
    g = Gradient(fn, tuple(range(len(args))))
    value = fn(*args)

    def pullback(cotangent):
        return g.run(g.arguments(args, {}), lambda _y: cotangent)[1]

    return value, pullback


def show_source(g, *args, wrt=0):
    """The emitted adjoint module of gradient ``g`` (or of plain ``fn`` with ``wrt``).

    With ``args``, the module that ``g(*args)`` runs; its header names its file.
    """
    if not isinstance(g, Gradient):
        g = Gradient(g, wrt)
    return g.example(args).source


def emitted_file(g, *args, wrt=0):
    """The path of the emitted module that ``g(*args)`` runs, for ``break path:line`` in pdb.

    ``g`` is a gradient function, or a plain function with ``wrt``; without ``args``, the
    file ``show_source(g)`` shows.
    """
    if not isinstance(g, Gradient):
        g = Gradient(g, wrt)
    return g.example(args).function.__code__.co_filename


def stages(fn, *args, wrt=0):
    """The function after each pipeline stage (parsed, anf, cps+adjoint), as text."""
    g = fn if isinstance(fn, Gradient) else Gradient(fn, wrt)
    built = g.example(args)
    parts = []
    for name, per in built.stages.items():
        for stage, tree in per.items():
            parts.append(f"# ---- {name}: {stage} ----\n{to_source(module([tree]))}")
    parts.append(f"# ---- emitted module ----\n{built.source}")
    return "\n".join(parts)
