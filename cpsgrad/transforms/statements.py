"""Straight-line statements of the CPS stage: forward code and adjoint records.

A mixin of ``cps._Cps`` (split out to keep each module readable): ``simple`` emits the
forward statement and returns a record; ``backward`` turns a record into adjoint code.
"""


import gast
import numpy as np

from cpsgrad import forward, runtime, syntax, trees
from cpsgrad.naming import bar
from cpsgrad.rules import einsum as rules_einsum
from cpsgrad.rules import numpy as rules_numpy
from cpsgrad.transforms.activity import activity as analyse
from cpsgrad.transforms.activity import free_names, stores
from cpsgrad.transforms.adjoint import adjoint
from cpsgrad.transforms.alias_facts import from_globals
from cpsgrad.transforms.anf import local_names
from cpsgrad.transforms.control import Frame, LocalCallee

METHODS = {np.amax: "max", np.amin: "min"}  # the ndarray method of a reduction, by name else

ZERO, ALIAS, OWNED = "zero", "alias", "owned"  # the state of an adjoint in a frame


class Statements:
    def rename(self, node, env):
        mapping = {}
        for n in gast.walk(node):
            if isinstance(n, gast.Name) and n.id not in mapping:
                if n.id in env:
                    mapping[n.id] = env[n.id]
                elif n.id not in self.locals:
                    mapping[n.id] = self.unit.global_name(self.fndef, n.id)
        return syntax.rename(node, mapping)

    def simple(self, s, frame, env):
        """``(forward statements, [(stmt, record)])`` for a statement without continuation."""
        if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name):
            rhs = self.rename(s.value, env)
            reads = {n.id for n in gast.walk(rhs) if isinstance(n, gast.Name)}
            nondiff = isinstance(rhs, (gast.Compare, gast.BoolOp)) or self.unit.is_nondiff(
                self.fndef, s.value, self.locals)
            active = bool(reads & self.active) and not nondiff \
                and s.targets[0].id in self.analysis.active
            v = self.define(frame, s.targets[0].id, env, self.rhs_kind(rhs), active)
            if isinstance(rhs, gast.Name) and rhs.id in self.local_fns:  # g = lambda_12
                self.local_fns[v] = self.local_fns[rhs.id]
            hints = (self.facts.sums.get(id(s), {}),  # how operands' adjoints are summed
                     id(s) in self.facts.reduced,  # a reduction whose adjoint stays reduced
                     self.facts.ranks.get(id(s)))  # the ranks of the operands of @
            fwd = self.forward_form(rhs, s)
            return [syntax.assign(v, fwd)], ([(s, ("assign", v, rhs, hints))] if active else [])
        if isinstance(s, gast.Assign):
            return self.setitem(s, frame, env)
        if isinstance(s, gast.FunctionDef):
            return self.local_function(s, frame, env), []
        if isinstance(s, (gast.If, gast.For, gast.While)):
            pre = []
            for n in sorted(stores([s])):
                old = env.get(n)
                new = self.define(frame, n, env, active=False)
                if old is not None:
                    pre.append(syntax.assign(new, old))
            return [*pre, self.rename(s, env)], []
        return [self.rename(s, env)], []

    def rhs_kind(self, rhs):
        if isinstance(rhs, (gast.BinOp, gast.UnaryOp)):
            return "num"
        if isinstance(rhs, gast.Name):
            return self.kind.get(rhs.id, "any")
        if isinstance(rhs, gast.Subscript) and isinstance(rhs.value, gast.Name):
            return self.kind.get(rhs.value.id, "any")
        if isinstance(rhs, gast.Call):
            return self.unit.call_kind(rhs, self.owner)
        return "any"

    def setitem(self, s, frame, env):
        """``x[i] = v`` or ``x.a = v``: written in place; the old item is kept and restored in
        the adjoint (a dict key or attribute that did not exist is removed again)."""
        t = s.targets[0]
        if t.value.id not in env:
            self.fail(f"this writes into `{t.value.id}`, a module-level value: cpsgrad "
                      f"differentiates writes into local values and arguments; write into a "
                      f"local copy, or return the value")
        x = env[t.value.id]
        value = self.rename(s.value, env)
        if getattr(s, "relink", False):  # d[k] = item, already there: only the adjoint moves
            return self.relink(s, frame, env, x, value)
        old = self.namer.fresh(f"{x}_old")
        if isinstance(t, gast.Attribute):
            index = syntax.const(t.attr)
            fwd = [syntax.assign(old, syntax.call(self.unit.bind("take_attr", forward.take_attr),
                                                  [x, index])),
                   syntax.assign(syntax.attr(x, t.attr, "store"), value)]
        else:
            index = self.unit.index_value(self.rename(t.slice, env))
            checked = [value] if isinstance(value, gast.Name) else []  # forward.snapshot
            take = (syntax.call(self.unit.bind("snapshot", forward.snapshot),
                                [syntax.subscript(x, index), *checked])
                    if self.kind.get(x) == "num"
                    else syntax.call(self.unit.bind("take_item", forward.take_item), [x, index]))
            fwd = [syntax.assign(old, take),
                   syntax.assign(syntax.subscript(x, index, "store"), value)]
        active = x in self.active or (isinstance(value, gast.Name) and value.id in self.active)
        if x not in self.active and t.value.id in self.from_globals():
            fwd.insert(0, self.unshared(x, s))
        x1 = self.define(frame, t.value.id, env, self.kind.get(x, "any"), active)
        fwd.append(syntax.assign(x1, x))
        kind = "attr" if isinstance(t, gast.Attribute) else "item"
        return fwd, [(s, ("setitem", x, x1, index, value, old, kind))]

    def from_globals(self):
        """Names that may hold an object reached from a module-level value
        (``alias_facts.from_globals``)."""
        if getattr(self, "globals_", None) is None:
            def is_global(name):
                if name in self.locals:
                    return False
                obj = self.unit.resolve_source(self.fndef, syntax.name(name))
                return isinstance(obj, (dict, list, np.ndarray)) or runtime.is_object(obj)
            self.globals_ = from_globals(self.fndef, is_global)
        return self.globals_

    def unshared(self, x, s):
        """The check that a write into inactive ``x`` (from a global, say) is not into an
        argument being differentiated (``forward.unshared``)."""
        source = getattr(s, "origin", None) or self.unit.source_of(self.fndef)
        filename, line = source.filename, source.file_line(getattr(s, "lineno", None) or 1)
        return syntax.expr_stmt(syntax.call(self.unit.bind("unshared", forward.unshared),
                                            [x, syntax.const(filename), syntax.const(line)]))

    def relink(self, s, frame, env, x, value):
        """``d[k] = item`` after a write into ``item``, which ``d[k]`` holds (the aliases
        stage): no write, a new value of ``d`` whose adjoint at ``k`` is ``item``'s."""
        t = s.targets[0]
        index = syntax.const(t.attr) if isinstance(t, gast.Attribute) else \
            self.unit.index_value(self.rename(t.slice, env))
        active = x in self.active or (isinstance(value, gast.Name) and value.id in self.active)
        x1 = self.define(frame, t.value.id, env, self.kind.get(x, "any"), active)
        return [syntax.assign(x1, x)], [(s, ("setitem", x, x1, index, value, None, "relink"))]

    def local_function(self, s, frame, env, defaults=None):
        """A nested ``def``: its forward copy, and its adjoint as a frame nested in ours.

        Both see the values its free names have here (the emitted code is SSA); ``captured``
        records them, so that a use after one of them changes is refused (``check_uses``).
        """
        free = free_names(s)
        own = self.namer.version(s.name)
        fwd = self.rename(s, {**{n: env[n] for n in free if n in env}, s.name: own})
        fwd.name = own
        body_free = free_names(s, defaults=False)
        captured = {n: env[n] for n in body_free if n in env and n != s.name}
        for n in body_free - set(env) - {s.name}:
            if n in self.locals:
                self.fail(f"`{s.name}` reads `{n}`, which is only assigned after the `def`; "
                          f"define `{s.name}` after `{n}` or pass `{n}` as an argument")
        for version in list(captured.values()):  # what the functions it calls capture
            captured.update(getattr(self.local_fns.get(version), "captured", {}))
        closure_active = any(v in self.active for v in captured.values())
        self.define_as(frame, s.name, own, env, active=closure_active)
        params = [a.id for a in s.args.args]
        names = local_names(s)
        analysis = analyse(s, set(params) | {n for n in free if env.get(n) in self.active},
                           lambda rhs: self.unit.is_nondiff(self.fndef, rhs, names),
                           lambda call: self.unit.library_call(self.fndef, call))
        inner = type(self).__new__(type(self))
        inner.__dict__.update(self.__dict__)
        inner.analysis, inner.locals = analysis, self.locals | names
        name = self.namer.fresh(f"{s.name}_adjoint")
        aframe = Frame(frame, name)
        if defaults is None:  # evaluated when the def runs (a refreshed copy keeps them)
            defaults = [syntax.name(env[d.id]) if isinstance(d, gast.Name) and d.id in env
                        else d for d in s.args.defaults]
        fwd.args.defaults = [syntax.copy_node(d) for d in defaults]
        self.local_fns[own] = LocalCallee(s, name, aframe, captured, defaults)
        adj = inner.function(s, name, set(params), ["any"] * len(params), frame, env,
                             frame=aframe)
        if id(s) not in self.passed_on:
            return [fwd, adj]
        # passed on as a value: called through cpsgrad.dispatch, which finds the adjoint on
        # the function; what it adds into is made ready here, as for a call
        attach = syntax.assign(syntax.attr(own, "cpsgrad_adjoint", "store"), syntax.name(name))
        return [fwd, adj, *self.inits(frame, aframe), attach]

    def backward(self, rec, frame):
        if rec[0] == "sweep":
            return self.backward_sweep(rec, frame)
        if rec[0] == "setitem":
            return self.backward_setitem(rec, frame)
        _, v, rhs, hints = rec
        if frame.state[v] == ZERO:
            return []
        out = []
        for c in adjoint(rhs, v, bar(v), _Rules(self, *hints)):
            operand, *index, expr = c  # (operand, [index,] expression)
            source = index[0] if index else None
            index = self.unit.index_value(source) if index else None
            out += self.contribute(frame, operand, expr, index, source)
        return out

    def backward_setitem(self, rec, frame):
        _, x, x1, index, value, old, kind = rec
        if kind == "relink":
            out = []
        elif kind == "attr":
            out = [syntax.expr_stmt(syntax.call(self.unit.bind("put_attr", forward.put_attr),
                                                [x, index, old]))]
        elif self.kind.get(x) == "num":
            out = [syntax.assign(syntax.subscript(x, index, "store"), old)]
        else:
            out = [syntax.expr_stmt(syntax.call(self.unit.bind("put_item", forward.put_item),
                                                [x, index, old]))]
        if frame.state[x1] == ZERO:
            return out
        if isinstance(value, gast.Name) and value.id in self.active:
            if self.kind.get(x1) == "num":
                g = syntax.call(self.unit.bind("unbroadcast", runtime.unbroadcast),
                                [syntax.subscript(bar(x1), index), value])
            else:  # a dict, list or object adjoint: the item may be absent (zero)
                g = syntax.call(self.unit.bind("item_adjoint", trees.item_adjoint),
                                [bar(x1), index, value])
            out += self.contribute(frame, value.id, g)
        out += self.contribute(frame, x, syntax.call(
            self.unit.bind("zero_item", trees.zero_item), [bar(x1), index]))
        return out

    def forward_form(self, rhs, s):
        """How ``rhs`` of ``s`` runs in the forward code: as written, but ``np.sum(x, axis=0)``
        as ``x.sum(axis=0)`` for an array ``x`` (the same reduction, without NumPy's function
        wrapper: a microsecond a call), ``np.max(x, axis=(3, 5))`` as ``reduce_axes(np.max, x,
        axis=(3, 5))`` (by slices where the axes are short: ``rules.numpy.reduce_axes``), and
        ``np.einsum(...)`` as ``einsum(...)``, along a contraction path
        (``rules.einsum.einsum``). The adjoint is of ``rhs`` as written."""
        if not isinstance(rhs, gast.Call):
            return rhs
        if self.facts.several.get(id(s)):
            return syntax.call(self.unit.bind("reduce_axes", rules_numpy.reduce_axes),
                               [rhs.func, *rhs.args], {kw.arg: kw.value for kw in rhs.keywords})
        if self.facts.methods.get(id(s)):
            return self.method_form(rhs)
        if self.unit.resolve_emitted(rhs.func) is np.einsum \
                and not any(kw.arg in ("optimize", None) for kw in rhs.keywords):
            return syntax.call(self.unit.bind("einsum", rules_einsum.einsum), rhs.args,
                               {kw.arg: kw.value for kw in rhs.keywords})
        return rhs

    def method_form(self, call):
        """``np.sum(x, axis=0)`` as ``x.sum(axis=0)``, marked ``reduction`` so the sweep knows
        that it sets no attribute."""
        fun = self.unit.resolve_emitted(call.func)
        method = syntax.call(syntax.attr(call.args[0], METHODS.get(fun, fun.__name__)),
                             call.args[1:], {kw.arg: kw.value for kw in call.keywords})
        method.reduction = fun
        return method

    def fail(self, message, cls=None):
        raise self.unit.error(self.fndef, self.current_stmt, message, cls)


class _Rules:
    """What the adjoint stage may ask about the statement being differentiated."""

    def __init__(self, cps, sums, reduced, ranks):
        self.cps, self.registry, self.sums, self.ranks = cps, cps.unit.registry, sums, ranks
        self.reduced = reduced

    def active(self, name):
        return name in self.cps.active

    def is_local(self, name):
        return name in self.cps.owner

    def kind(self, name):
        return self.cps.kind.get(name, "any")

    def resolve(self, node):
        return self.cps.unit.resolve_emitted(node)

    def bind(self, name, obj):
        return self.cps.unit.bind(name, obj)

    def fail(self, message, cls=None):
        self.cps.fail(message, cls)


