"""The whole pipeline in one place: parse → fence → anf → cse → activity → cps → codegen → load.

``build(fn, wrt, kinds)`` returns a ``Built``: the emitted module's source, the loaded
adjoint function, and every stage's output for ``cpsgrad.stages``. A ``Unit`` is one
emitted module: it holds the namespace of global names, the callee cache (one adjoint
per user function and set of active arguments; recursion finds its own entry), and
answers the questions the cps stage asks about functions; what names mean is its base
class's (``resolve.Resolver``).
"""

import functools
import inspect
import os
from pathlib import Path

import gast

from cpsgrad import codegen, debug, forward, loader, runtime, syntax
from cpsgrad.errors import TransformError
from cpsgrad.naming import Namespace, Versions
from cpsgrad.parse import parse
from cpsgrad.resolve import LIBRARY_MODULES, Resolver
from cpsgrad.rules.registry import default_registry
from cpsgrad.transforms.activity import activity, stores
from cpsgrad.transforms.aliases import aliases
from cpsgrad.transforms.anf import anf, local_names
from cpsgrad.transforms.cps import cps
from cpsgrad.transforms.cse import cse
from cpsgrad.transforms.fence import fence
from cpsgrad.transforms.inline import inline, straight_line
from cpsgrad.transforms.invariant import invariant
from cpsgrad.transforms.kinds import arg_kind, numeric_names
from cpsgrad.transforms.optimize import optimize
from cpsgrad.transforms.patterns import capped, pattern_of
from cpsgrad.transforms.receivers import method_call, unchanged
from cpsgrad.transforms.reduced import reduced
from cpsgrad.transforms.shapes import shapes

MAX_SPECIALISED = 4  # shape specialisations per function, then one unspecialised adjoint


class Built:
    def __init__(self, source, function, stages, entry):
        self.source, self.function, self.stages, self.entry = source, function, stages, entry


def build(fn, active, kinds, registry=None, check_nans=False, patterns=None, callee=False,
          returns_self=False):
    """Emit and load the adjoint of ``fn`` with parameters ``active`` (a tuple of bools).

    ``patterns`` are the shape patterns of the arguments (``transforms.shapes``). With
    ``check_nans``, every emitted assignment is followed by a finiteness check. A ``callee``
    (called from emitted code, by ``dispatch``) may not change its arguments; with
    ``returns_self`` (an ``__init__``), it returns its first argument, which it may change.
    """
    unit = Unit(registry or default_registry, callee)
    entry = unit.request(fn, tuple(active), tuple(kinds), patterns, returns_self=returns_self)
    tree = syntax.module(unit.body)
    if os.environ.get("CPSGRAD_OPTIMIZE", "1") != "0":
        tree = optimize(tree, unit.ns.objects, unit.bind)
    if check_nans:
        tree = debug.insert_checks(tree, unit.bind("check_finite", forward.check_finite))
    used = sorted({n.id for n in gast.walk(tree) if isinstance(n, gast.Name)}
                  & set(unit.ns.objects))
    doc = (f"Adjoint of {unit.sources[fn].name}() from "
           f"{Path(unit.sources[fn].filename).name}:{unit.sources[fn].line_offset + 1}, "
           f"emitted by cpsgrad.\n\n"
           f"Differentiated with respect to: "
           f"{', '.join(p for p, a in zip(unit.params(fn), active, strict=True) if a)}.\n"
           f'Free names are bound by the loader: {", ".join(used)}.\n')
    if unit.shifts:
        doc += (f"No adjoint for shifts the result does not depend on: "
                f"{', '.join(unit.shifts)}.\n")
    body = codegen.to_source(tree)
    stem = f"{fn.__name__}_adjoint" + ("_checked" if check_nans else "")
    module, source = loader.load(doc, body, stem, unit.ns.objects)
    return Built(source, getattr(module, entry), unit.stages, entry)


class Unit(Resolver):
    def __init__(self, registry, callee=False):
        self.registry, self.callee = registry, callee
        self.ns = Namespace()
        self.body, self.stages, self.sources = [], {}, {}
        self.cache = {}
        self.by_tree, self.numeric, self.param_kinds = {}, {}, {}
        self.locals_cache, self.specialised, self.returned, self.running = {}, {}, {}, set()
        self.module_names = Versions()
        self.inline_cache, self.inlining = {}, set()
        self.shifts = []  # "m (file:line)" for each shift given no adjoint (invariant.py)

    # ----- callees -----
    def request(self, fn, active, kinds, patterns=None, threaded=None, returns_self=False):
        kinds = tuple(k if a else "any" for k, a in zip(kinds, active, strict=True))
        patterns = self.specialise(fn, tuple(patterns or (None,) * len(kinds)))
        threaded = tuple(threaded or (False,) * len(kinds))
        key = (fn, active, kinds, patterns, threaded, returns_self)
        if key in self.cache:
            return self.cache[key]
        source, tree = self.lowered(fn, self.callee or bool(self.cache), returns_self, kinds,
                                    patterns)
        name = self.module_names.version(f"{source.name}_adjoint")
        self.cache[key] = name
        self.param_kinds[id(tree)] = kinds
        params = [a.id for a in tree.args.args]
        act = {p for p, a in zip(params, active, strict=True) if a}
        names = local_names(tree)
        shifts = invariant(tree, lambda func: self.resolve_source(tree, func))
        self.shifts += [f"{s.targets[0].id} "
                        f"({self.where(tree, s.lineno, getattr(s, 'origin', None))})"
                        for s in shifts.values()]
        analysis = activity(tree, act,
                            lambda rhs: id(rhs) in shifts or self.is_nondiff(tree, rhs, names),
                            lambda call: self.library_call(tree, call))
        facts = shapes(tree, dict(zip(params, patterns, strict=True)),
                       lambda func: self.resolve_source(tree, func), self.returns,
                       analysis.active)
        facts.reduced = reduced(tree, facts, lambda func: self.resolve_source(tree, func),
                                self.registry)
        self.numeric[id(tree)] = numeric_names(self, tree, kinds, facts.arrays())
        self.stages.setdefault(source.name, {"parsed": source.tree, "anf": tree})
        adj = cps(tree, name, self, analysis, act, kinds, facts,
                  {p for p, t in zip(params, threaded, strict=True) if t})
        self.body.append(adj)
        self.stages[source.name]["cps"] = adj
        return name

    def lowered(self, fn, callee, returns_self=False, kinds=(), patterns=()):
        """``fn``'s parsed source (parsed once) and a fresh ANF tree of it, past the fence;
        ``returns_self``: every ``return`` returns the first parameter (an ``__init__``);
        ``kinds``: which parameters are numbers or arrays; ``patterns``: their shape
        patterns, through which methods of the objects passed in are inlined."""
        source = self.parsed(fn)
        owned = [a.id for a in source.tree.args.args[:1]] if returns_self else []
        fence(source, callee, owned)
        tree = anf(_returning(source.tree, owned[0]) if owned else source.tree, Versions())
        self.by_tree[id(tree)] = source
        params, rebound = [a.id for a in tree.args.args], stores(tree.body)
        receivers = {p: q for p, q in zip(params, patterns, strict=False)
                     if p not in rebound and not _variadic(fn)}
        by_pattern = []
        tree = inline(tree, lambda call: self.inlinable(tree, call, receivers, by_pattern),
                      source)
        self.locals_cache.pop(id(tree), None)  # inlining made new locals
        if by_pattern and not unchanged(tree, self.library_call, self.resolve_source):
            return self.lowered(fn, callee, returns_self, kinds)  # an object may change
        self.param_kinds[id(tree)] = kinds
        tree = aliases(tree, lambda func: self.resolve_source(tree, func),
                       lambda stmt, message: _raise(self.error(tree, stmt, message)),
                       lambda stmt: (source.filename,
                                     self.file_line(tree, getattr(stmt, "lineno", None))),
                       callee, self.numeric_names(tree))
        self.by_tree[id(tree)] = source
        return source, cse(tree, lambda func: self.resolve_source(tree, func))

    def parsed(self, fn):
        """``fn``'s ``Source``, parsed once per unit."""
        if fn not in self.sources:
            self.sources[fn] = parse(fn)
        return self.sources[fn]

    def inlinable(self, tree, call, receivers=None, by_pattern=None):
        """``(ANF tree, signature, Source, receiver)`` of the callee of ``call`` when its body
        is straight-line and calls only functions with rules (``transforms.inline``); the
        receiver is the node of ``self`` for a method found through ``receivers``."""
        fun, receiver, pattern = self.resolve_source(tree, call.func), None, None
        if fun is None and receivers:
            fun, receiver, pattern = method_call(call, receivers) or (None, None, None)
        if not self.transformed(fun) or fun in self.inlining:
            return None
        key = (fun, pattern)  # a method's own method calls are inlined through its self
        if key not in self.inline_cache:
            self.inline_cache[key] = self.straight_callee(fun, () if pattern is None
                                                          else (pattern,))
        if self.inline_cache[key] is None:
            return None
        if receiver is not None:
            by_pattern.append(call)
        return (*self.inline_cache[key], receiver)

    def straight_callee(self, fun, patterns=()):
        """``(ANF tree, signature, Source)`` of ``fun`` if it is straight-line, else None."""
        try:
            source = self.parsed(fun)
        except (TransformError, TypeError, OSError):
            return None  # the call reports it, when it is differentiated
        if any(isinstance(s, COMPOUND) for s in source.tree.body):
            return None  # seen without lowering it
        self.inlining.add(fun)
        try:
            source, callee = self.lowered(fun, callee=True, patterns=patterns)
            ok = straight_line(callee) and not any(
                isinstance(n, gast.Call) and not self.library_call(callee, n)
                for n in gast.walk(callee))
        except (TransformError, TypeError, OSError):
            ok = False
        finally:
            self.inlining.discard(fun)
        return (callee, inspect.signature(fun), source) if ok else None

    def library_call(self, fndef, call):
        """Whether ``call`` (in ``fndef``) calls a function with a gradient rule, a builtin
        or an array method: nothing that needs a continuation of its own."""
        func = call.func
        if isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name) \
                and func.value.id in self.locals_of(fndef):
            return func.attr in self.registry.methods
        fun = self.resolve_source(fndef, func)
        return fun is not None and not self.transformed(fun) and not self.dispatched(fun) \
            and not isinstance(fun, type)

    def specialise(self, fn, patterns):
        """``patterns``, or all unknown once ``fn`` has had ``MAX_SPECIALISED`` variants."""
        return capped(self.specialised.setdefault(fn, set()), patterns, MAX_SPECIALISED)

    def returns(self, fun, args, kwargs):
        """``(whether calling fun runs user code, the shape pattern it returns)``."""
        module = (getattr(fun, "__module__", None) or "").split(".")[0]
        if module in LIBRARY_MODULES or inspect.isbuiltin(fun) or isinstance(fun, type):
            return False, None
        if not self.transformed(fun) or fun in self.running:
            return True, None
        try:
            bound = inspect.signature(fun).bind(*args, **kwargs)
        except TypeError:
            return True, None
        key = (fun, tuple(bound.arguments.get(n, pattern_of(p.default))
                          for n, p in bound.signature.parameters.items()))
        if key not in self.returned:
            self.running.add(fun)
            try:
                _source, tree = self.lowered(fun, callee=True)
                params = dict(zip(bound.signature.parameters, key[1], strict=True))
                self.returned[key] = shapes(tree, params,
                                            lambda func: self.resolve_source(tree, func),
                                            self.returns).returned()
            except (TransformError, TypeError, OSError):
                self.returned[key] = None  # the adjoint's own build reports the problem
            finally:
                self.running.discard(fun)
        return True, self.returned[key]

    def params(self, fn):
        return [a.id for a in self.sources[fn].tree.args.args]

    def user_function(self, cps_, func):
        obj = self.resolve_source(cps_.fndef, func)
        return _ModuleCallee(self, obj) if self.transformed(obj) else None

    def dispatched(self, obj):
        """Whether a call of global ``obj`` is decided when the gradient runs: a user class,
        a bound method, a ``functools.partial``, a callable object without a rule."""
        if obj is None or self.registry.lookup(obj) is not None:
            return False
        if inspect.isfunction(obj):
            return _variadic(obj) and (obj.__module__ or "").split(".")[0] not in LIBRARY_MODULES
        module = (getattr(obj, "__module__", None) or "").split(".")[0]
        if isinstance(obj, type):
            return module not in LIBRARY_MODULES
        return isinstance(obj, functools.partial) or inspect.ismethod(obj) or (
            callable(obj) and inspect.isfunction(type(obj).__call__))

    def transformed(self, obj):
        """Whether calls to ``obj`` are differentiated by transforming its source: a Python
        function outside the libraries, with no gradient rule of its own."""
        return (inspect.isfunction(obj) and self.registry.lookup(obj) is None
                and (obj.__module__ or "").split(".")[0] not in LIBRARY_MODULES
                and not _variadic(obj))  # calls of f(*args, **kw) are bound at run time

    def numeric_names(self, fndef):
        """Names whose every value is a number or an array (their adjoints add with ``+``)."""
        key = id(fndef)
        if key not in self.numeric:
            self.numeric[key] = numeric_names(self, fndef, self.param_kinds.get(key, ()))
        return self.numeric[key]


class _ModuleCallee:
    """A module-level (or imported) user function called on active values."""

    def __init__(self, unit, fn):
        self.unit, self.fn = unit, fn
        self.signature = inspect.signature(fn)

    def bind(self, call, rename):
        kwargs = {kw.arg: kw.value for kw in call.keywords}
        bound = self.signature.bind(*call.args, **kwargs)
        out = []
        for name, p in self.signature.parameters.items():
            if name in bound.arguments:
                out.append(rename(bound.arguments[name]))
            elif isinstance(p.default, (int, float, str, bool, type(None))):
                out.append(syntax.const(p.default))
            else:
                out.append(syntax.name(self.unit.bind(f"{self.fn.__name__}_{name}", p.default)))
        return out

    def mask(self, active):
        return active

    threads = True  # its parameter trees can share the caller's accumulator

    def adjoint(self, mask, kinds, patterns, threaded):
        return self.unit.request(self.fn, tuple(mask), tuple(kinds), patterns, threaded), None


COMPOUND = (gast.If, gast.For, gast.While, gast.With, gast.Try, gast.FunctionDef)


def _variadic(fn):
    """Whether ``fn`` has ``*args`` or ``**kwargs``."""
    return bool(fn.__code__.co_flags & (inspect.CO_VARARGS | inspect.CO_VARKEYWORDS))


def _returning(fndef, name):
    """A copy of ``fndef`` whose every ``return`` (and its end) returns ``name``."""
    fndef = syntax.copy_node(fndef)
    stack = list(fndef.body)
    while stack:
        node = stack.pop()
        if isinstance(node, gast.Return):
            node.value = syntax.name(name)
        elif not isinstance(node, (gast.FunctionDef, gast.Lambda)):
            stack.extend(gast.iter_child_nodes(node))
    end = syntax.ret(syntax.name(name))
    end.lineno, end.col_offset = fndef.body[-1].lineno, fndef.body[-1].col_offset
    fndef.body.append(end)
    return fndef


def _raise(error):
    raise error


__all__ = ["arg_kind", "build", "capped", "pattern_of", "runtime"]
