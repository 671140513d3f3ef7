"""Calls of function values, decided when the gradient runs.

Emitted code calls ``call_function(f, args, kwargs, k, wrt)`` where the function called is
not known when the adjoint is emitted: a parameter (``apply(f, x)``), an item of a list or a
dict, a ``functools.partial``, a callable object, a class, a bound method; and
``call_method(obj, name, args, kwargs, k, wrt)`` for ``obj.name(...)`` on a value that is
not known to be an array. ``wrt`` lists what the caller wants adjoints of: position 0 is
the function value (or the object of a method), 1, 2, ... its positional arguments, and
strings name keyword arguments. ``k`` is the caller's continuation: it gets the result and
returns the result's adjoint. The adjoints of ``wrt`` come back as every emitted adjoint
returns them: nothing (``None``), one value, or a tuple.

What is called:

* a closure the emitted code made (a nested ``def`` or lambda of a differentiated
  function) carries its adjoint (``cpsgrad_adjoint``), which adds into its defining frame;
* a Python function is transformed like any callee (once per function, active arguments
  and kinds: ``cpsgrad.pipeline.build``);
* a class is constructed: ``__init__`` is transformed to return ``self``, so the adjoint of
  the new object flows back through its attribute writes; dataclasses and named tuples
  without source get their fields' adjoints;
* a function with a gradient rule (``np.sin``, ``math.exp``, ``defvjp``) applies its rule;
* ``functools.partial``, bound methods and callable objects unwrap to the above.
"""

import dataclasses
import functools
import inspect
import types
import weakref

import numpy as np

from cpsgrad import binding, runtime, trees
from cpsgrad.errors import NoRuleError
from cpsgrad.rules.python import BUILTIN_METHODS
from cpsgrad.rules.registry import default_registry
from cpsgrad.transforms.kinds import arg_kind
from cpsgrad.transforms.patterns import capped, pattern_of

MAX_CACHED = 256
_built = {}  # (function, active parameters, kinds, patterns, returns self) -> emitted adjoint
_variants = weakref.WeakKeyDictionary()  # function -> the shape patterns built for it


def call_function(f, args, kwargs, k, wrt, slots=None, double=None):
    """Call ``f(*args, **kwargs)`` in continuation-passing style (see the module docstring).
    For ``f(a, *xs, **kw)``, ``slots`` holds the value spread at each argument's place
    (``(None, xs)``) and ``double`` the dict ``kw``; ``wrt`` then counts arguments as
    written (``xs`` is place 2, ``kw`` is ``"**"``)."""
    if slots is None and double is None:  # nothing spread: places as written are as passed
        return binding.result(_call(f, args, kwargs, k, set(wrt)), wrt, f, args, kwargs)
    spread = binding.Spread(f, args, kwargs, slots, double)
    return spread.result(_call(f, args, kwargs, k, spread.expand(wrt)), wrt)


def call_method(obj, name, args, kwargs, k, wrt, slots=None, double=None):
    """Call ``obj.name(*args, **kwargs)``; position 0 of ``wrt`` is ``obj``."""
    if slots is None and double is None:
        return binding.result(_method(obj, name, args, kwargs, k, set(wrt)), wrt, obj, args, kwargs)
    spread = binding.Spread(obj, args, kwargs, slots, double)
    return spread.result(_method(obj, name, args, kwargs, k, spread.expand(wrt)), wrt)


def _method(obj, name, args, kwargs, k, wrt):
    fun = getattr(type(obj), name, None)
    methods = BUILTIN_METHODS.get(type(obj))
    if isinstance(obj, (np.ndarray, np.generic)) or methods is not None:
        fun = default_registry.methods.get(name) if methods is None else methods.get(name)
        if fun is None:
            raise NoRuleError(f"no gradient rule for the method `.{name}()` of a "
                              f"{type(obj).__name__} being differentiated; call a function "
                              f"with a rule instead, or register one with cpsgrad.defvjp")
    if inspect.isfunction(fun) or default_registry.lookup(fun) is not None:
        grads = _mapped(fun, (obj, *args), kwargs, k, _lead(wrt, 1, {0: 1}))
    else:  # a callable held by the object (an attribute), a static or class method
        grads = _mapped(getattr(obj, name), args, kwargs, k, _lead(wrt, 0, {0: 0}))
        if grads.get(0) is not None:  # the held callable's adjoint, at its attribute
            grads[0] = trees.item_bar(obj, name, grads[0])
    return grads


def attribute_vjp(x, name, g):
    """The adjoint of ``x`` from that of ``x.name``, for a value that may be an array
    (``.T``, ``.real``: the rule of the attribute) or an object (its attribute ``name``)."""
    if isinstance(x, (np.ndarray, np.generic, float, complex)):
        fun = default_registry.attributes.get(name)
        return runtime.zeros_like(x) if fun is None else default_registry.lookup(fun).vjp(0)(
            g, getattr(x, name), x)
    return trees.item_bar(x, name, g)


def _lead(wrt, n, extra):
    """Where the entries of ``wrt`` go in a call with ``n`` more leading arguments:
    ``{inner position or keyword: outer one}``; ``extra`` maps more inner positions."""
    out = {p + n if isinstance(p, int) else p: p for p in wrt if p != 0}
    out.update({inner: outer for outer, inner in extra.items() if outer in wrt})
    return out


def _mapped(f, args, kwargs, k, mapping):
    """``_call`` with ``wrt = set(mapping)``, its adjoints keyed by ``mapping``'s values."""
    grads = _call(f, args, kwargs, k, set(mapping))
    return {mapping[p]: g for p, g in grads.items() if p in mapping}


def _call(f, args, kwargs, k, wrt):
    """``{position or keyword: adjoint}`` for the entries of ``wrt`` that have one."""
    adjoint = getattr(f, "cpsgrad_adjoint", None)
    if adjoint is not None:
        return _closure(f, adjoint, args, kwargs, k, wrt)
    if isinstance(f, functools.partial):
        return _partial(f, args, kwargs, k, wrt)
    if isinstance(f, types.MethodType):  # the method value's adjoint is its object's
        grads = _mapped(f.__func__, (f.__self__, *args), kwargs, k, _lead(wrt, 1, {0: 1}))
        if grads.get(0) is not None:
            grads[0] = runtime.BoundBar(grads[0])
        return grads
    if isinstance(f, type):
        return _construct(f, args, kwargs, k, wrt)
    rule = default_registry.lookup(f)
    if rule is not None:
        return _primitive(f, rule, args, kwargs, k, wrt)
    if inspect.isfunction(f):
        return _transformed(f, args, kwargs, k, wrt)
    call = type(f).__call__ if callable(f) else None
    if inspect.isfunction(call):  # a callable object: its __call__, with itself as self
        return _mapped(call, (f, *args), kwargs, k, _lead(wrt, 1, {0: 1}))
    raise NoRuleError(f"no gradient rule for {_describe(f)}, called on a value being "
                      f"differentiated. Register one with `cpsgrad.defvjp`, or mark it "
                      f"non-differentiable with `cpsgrad.defnondiff`")


def _closure(f, adjoint, args, kwargs, k, wrt):
    names, values, _active, origin = binding.bind(f, args, kwargs, wrt)
    grads = adjoint(*values, k)  # every parameter's adjoint
    grads = () if not values else (grads,) if len(values) == 1 else grads
    return binding.scatter(names, grads, origin, wrt)


def _transformed(f, args, kwargs, k, wrt, returns_self=False):
    params, values, active, origin = binding.bind(f, args, kwargs, wrt)
    if returns_self:
        active = (True, *active[1:])
    kinds = tuple(arg_kind(v) if a else "any" for v, a in zip(values, active, strict=True))
    patterns = tuple(map(pattern_of, values))  # shapes, as for the function called
    adjoint = _built.get((f, active, kinds, patterns, returns_self))
    if adjoint is None:
        adjoint = _build(f, active, kinds, patterns, returns_self)
    grads = adjoint(*values, k)
    n = sum(active)
    grads = () if n == 0 else (grads,) if n == 1 else grads
    names = [p for p, a in zip(params, active, strict=True) if a]
    return binding.scatter(names, grads, origin, wrt)


def _build(f, active, kinds, patterns, returns_self):
    """The emitted adjoint of ``f`` for these arguments, built once (one for any shape once
    ``f`` has had ``MAX_SPECIALISED`` shape patterns)."""
    from cpsgrad import pipeline  # noqa: PLC0415 (the pipeline binds this module's names)

    patterns = capped(_variants.setdefault(f, set()), patterns, pipeline.MAX_SPECIALISED)
    key = (f, active, kinds, patterns, returns_self)
    if key not in _built:
        if len(_built) >= MAX_CACHED:
            _built.pop(next(iter(_built)))
        _built[key] = pipeline.build(f, active, kinds, patterns=patterns, callee=True,
                                    returns_self=returns_self).function
    return _built[key]


def _partial(f, args, kwargs, k, wrt):
    n = len(f.args)
    mapping = _lead(wrt, n, {})
    if 0 in wrt:  # the adjoint of the partial object: those of the values it holds
        mapping.update({i + 1: ("held", i) for i in range(n)})
        mapping.update({name: ("held", name) for name in f.keywords if name not in kwargs})
    grads = _mapped(f.func, (*f.args, *args), {**f.keywords, **kwargs}, k, mapping)
    if 0 in wrt:
        grads[0] = runtime.PartialBar([grads.pop(("held", i), None) for i in range(n)],
                              {name: grads.pop(("held", name), None) for name in f.keywords})
    return grads


def _primitive(f, rule, args, kwargs, k, wrt):
    ans = f(*args, **kwargs)
    g = k(ans)
    out = {}
    for p in wrt:
        if rule.nondiff or p == 0:
            continue
        vjp = rule.vjp(p - 1) if isinstance(p, int) else rule.keyword_vjp(p)
        if vjp is None:
            raise NoRuleError(f"{_describe(f)} is not differentiable with respect to its "
                              f"argument {p}")
        out[p] = None if g is None else vjp(g, ans, *args, **kwargs)
    return out


def _construct(cls, args, kwargs, k, wrt):
    """``cls(*args, **kwargs)``: the adjoint of each argument from the new object's."""
    if issubclass(cls, tuple) and hasattr(cls, "_fields"):  # a named tuple
        g = k(cls(*args, **kwargs))
        fields = list(cls._fields)
        return {p: None if g is None else trees.item_adjoint(
            g, p - 1 if isinstance(p, int) else fields.index(p),
            args[p - 1] if isinstance(p, int) else kwargs[p]) for p in wrt if p != 0}
    init = cls.__init__
    if dataclasses.is_dataclass(cls) and _generated(init):
        g = k(cls(*args, **kwargs)) or {}
        names = [f.name for f in dataclasses.fields(cls) if f.init]
        return {p: g.get(names[p - 1] if isinstance(p, int) else p) for p in wrt if p != 0}
    if not inspect.isfunction(init):  # built in C: no source to differentiate through
        if wrt - {0}:
            raise NoRuleError(f"no gradient rule for constructing {_describe(cls)} from a "
                              f"value being differentiated; register one with "
                              f"`cpsgrad.defvjp({cls.__name__}, ...)`")
        k(cls(*args, **kwargs))
        return {}
    obj = cls.__new__(cls)
    grads = _transformed(init, (obj, *args), kwargs, k,
                         {p + 1 if isinstance(p, int) else p for p in wrt if p != 0},
                         returns_self=True)
    return {p - 1 if isinstance(p, int) else p: g for p, g in grads.items() if p != 1}


def _generated(fun):
    try:
        inspect.getsource(fun)
    except (OSError, TypeError):
        return True
    return False


def _describe(f):
    name = getattr(f, "__qualname__", None) or getattr(f, "__name__", None)
    if name:
        return f"`{name}`"
    return f"a {type(f).__name__} object"
