"""Stage 5: continuation-passing style with the adjoint of each step after its continuation.

Entry point: ``cps(fndef, unit, analysis, active_params, param_kinds, parent=None) ->
gast.FunctionDef``, the adjoint ``<name>_adjoint(*params, k)``: it runs the forward
pass, calls the return continuation ``k`` with the result (``k`` returns the result's
adjoint), runs its own adjoint statements, and returns the adjoints of its active
parameters (one bare value, or a tuple).

Each ``if``, loop and call to a user function ends a *frame*; the rest of the
computation becomes a named nested continuation (``join_12``, ``loop_14`` + ``after_14``,
``call_20``), called with the values that changed. A continuation returns the adjoints of
its parameters; adjoints of values it reads from an enclosing frame are accumulated there
through ``nonlocal`` (initialised with ``zeros_like`` just before the jump). Inside a frame
every value has its own name (SSA), so each frame keeps the values its adjoint needs.
"""

import gast

from cpsgrad import syntax, trees
from cpsgrad.naming import bar
from cpsgrad.transforms.accumulators import Accumulators
from cpsgrad.transforms.activity import escapes, free_names, loads, passed_on, stores
from cpsgrad.transforms.anf import local_names
from cpsgrad.transforms.control import ControlFlow, Frame, ValueCallee
from cpsgrad.transforms.statements import ALIAS, ZERO, Statements
from cpsgrad.transforms.sweep import Sweep


def cps(fndef, name, unit, analysis, active_params, param_kinds, facts, threaded=()):
    """The adjoint function ``name`` of ANF ``fndef`` (see module docstring); ``facts`` are
    its shape facts (``transforms.shapes``). For the ``threaded`` parameters (parameter trees
    of a called function), ``k`` returns the caller's adjoint so far after the result's, and
    this function adds into it and returns it: one accumulator for the whole recursion."""
    out = _Cps(fndef, unit, analysis, facts).function(fndef, name, active_params, param_kinds,
                                                      None, {}, threaded)
    return _bind_nonlocals(out)


def _bind_nonlocals(fn):
    """``v_bar = None`` at the top of ``fn`` for each accumulator a nested adjoint declares
    ``nonlocal`` but no enclosing frame binds: the adjoint of a nested def that is never
    called (a frame binds the accumulators of every adjoint it calls or passes on)."""
    unbound = set()

    def visit(node, bound):
        own = {a.id for a in node.args.args} | {
            n.id for n in _own_nodes(node) if isinstance(n, gast.Name)
            and isinstance(n.ctx, gast.Store)}
        declared = {v for n in _own_nodes(node) if isinstance(n, gast.Nonlocal)
                    for v in n.names}
        unbound.update(declared - bound)
        for child in _own_nodes(node):
            if isinstance(child, gast.FunctionDef):
                visit(child, bound | own)

    visit(fn, set())
    fn.body = [syntax.assign(v, syntax.const(None)) for v in sorted(unbound)] + fn.body
    return fn


def _own_nodes(fn):
    """The nodes of function ``fn`` outside its nested functions (those themselves too)."""
    stack = list(fn.body)
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, gast.FunctionDef):
            stack.extend(gast.iter_child_nodes(node))


class Ctx:
    """Where control goes at the end of a block: ``fall``, ``brk``, ``cont``, ``ret``."""

    def __init__(self, **jumps):
        self.__dict__.update(jumps)

    def but(self, **jumps):
        return Ctx(**{**self.__dict__, **jumps})


class _Cps(Accumulators, Statements, ControlFlow, Sweep):
    def __init__(self, fndef, unit, analysis, facts):
        self.unit, self.analysis, self.fndef, self.facts = unit, analysis, fndef, facts
        self.locals = local_names(fndef)
        self.namer = unit.namer(self.locals | _all_names(fndef))
        self.owner, self.kind, self.active = {}, {}, set()
        self.dense = set()  # values whose adjoint is a zeros_like array, added into in place
        self.handed_back = set()  # accumulators k hands back before anything adds into them
        self.local_fns = {}  # the value name of a nested def -> its LocalCallee
        uses = passed_on(fndef)
        self.passed_on = {id(d) for _s, d, _c in uses}  # defs used as values
        self.closed_over = set().union(*(free_names(d) for _s, d, _c in uses))
        for stmt, fname, var in escapes(fndef)[:1]:
            what = "the lambda" if fname.startswith("lambda_") else f"`{fname}`"
            raise unit.error(fndef, stmt, f"{what} is passed on here, but `{var}`, which it "
                                          f"reads, may change afterwards; pass `{var}` as an "
                                          f"argument or bind it as a default (`{var}={var}`)")
        self.current_stmt = fndef

    def function(self, fndef, name, active_params, param_kinds, parent, env, threaded=(),
                 frame=None):
        frame = frame or Frame(parent, fndef.name)
        env = dict(env)
        params = []
        for p, kind in zip((a.id for a in fndef.args.args), param_kinds, strict=True):
            params.append(self.define(frame, p, env, kind, p in active_params))
        accs = [v for v, p in zip(params, (a.id for a in fndef.args.args), strict=True)
                if p in threaded and v in self.active]
        # every path of the continuations reaches k, which hands these back, before any
        # adjoint statement adds into them; unless a closure passed on adds while k runs
        self.handed_back |= {v for v, p in zip(params, (a.id for a in fndef.args.args),
                                               strict=True)
                             if v in accs and p not in self.closed_over}
        k = self.namer.fresh("k")
        ret = Ctx(fall=None, brk=None, cont=None,
                  ret=lambda fr, _en, atom: self.jump(fr, k, None, [atom], [True], accs=accs))
        ctx = ret.but(fall=lambda fr, _en: self.jump(fr, k, None, [syntax.const(None)], [False],
                                                     accs=accs))
        body = self.block(fndef.body, frame, env, ctx)
        body += self.frame_return(frame, params)
        out = syntax.funcdef(name, [*params, k], self.header(frame) + body)
        out.cps_frame = frame
        return out

    def header(self, frame):
        return [syntax.nonlocal_(frame.nonlocals)] if frame.nonlocals else []

    def continuation(self, kind, line, frame, env, source_params, rest, ctx, hands=()):
        """``def <kind>_<line>(params)``: ``rest`` of the block, as a nested frame. It also
        returns the adjoints of the outer values ``hands`` (to a callee that threads them)."""
        name = self.namer.fresh(f"{kind}_{line}")
        inner = Frame(frame, name)
        env = dict(env)
        params = [self.define(inner, p, env, self.name_kind(p)) for p in source_params]
        body = self.block(rest, inner, env, ctx)
        if hands:
            inner.nonlocals |= {bar(v) for v in hands}
            inner.writes |= set(hands)
            values = [self.materialize(inner, p) for p in params if p in self.active]
            body.append(syntax.ret(syntax.tuple_([*values, *map(syntax.name, map(bar, hands))])))
        else:
            body += self.frame_return(inner, params)
        return name, inner, syntax.funcdef(name, params, self.header(inner) + body)

    def name_kind(self, source_name):
        return "num" if source_name in self.unit.numeric_names(self.fndef) else "any"

    def jump(self, frame, target, target_frame, args, mask, accs=(), threaded=()):
        """Call continuation ``target(*args)`` and add what it returns to the args' adjoints.

        ``accs``: values whose adjoints ``target`` also returns, after the args', to replace
        ours (``k`` handing back the caller's accumulators); ``threaded``: positions of args
        whose returned adjoint replaces ours (a callee that added into what we handed it).
        """
        out = self.inits(frame, target_frame)
        call = target(args) if callable(target) else syntax.call(target, args)
        got = [(i, a) for i, (a, m) in enumerate(zip(args, mask, strict=True)) if m]
        if not got and not accs:
            return [*out, syntax.expr_stmt(call)]
        names, contribs = [], []
        if not got:
            names.append(self.namer.fresh("t_bar"))
        acc_names, merges = [], []  # before the args' contributions
        for v in accs:
            if self.owner[v].state.get(v) == ZERO:
                acc_names.append(self.replace(frame, v))
            else:  # a closure passed on added into it while k ran: add ours into theirs
                handed = self.namer.fresh(f"{bar(v)}_handed")
                acc_names.append(handed)
                merges.append(syntax.assign(self.replace(frame, v), syntax.call(
                    self.unit.bind("accumulate", trees.accumulate), [handed, bar(v)])))
        for i, a in got:
            v = a.id if isinstance(a, gast.Name) and a.id in self.active else None
            if v is not None and i in threaded:
                names.append(self.replace(frame, v))
            elif v is not None and self.owner[v] is frame and frame.state[v] == ZERO \
                    and bar(v) not in names:
                names.append(bar(v))
                frame.state[v] = ALIAS
            else:
                tmp = self.namer.fresh(f"{bar(v)}_part" if v else "t_bar")
                names.append(tmp)
                if v is not None:
                    contribs += self.contribute(frame, v, syntax.name(tmp))
        names += acc_names
        lhs = names[0] if len(names) == 1 else names
        return [*out, syntax.assign(lhs, call), *merges, *contribs]

    # ----- blocks -----
    def block(self, stmts, frame, env, ctx):
        out, records = [], []
        self.last_line = None
        for i, s in enumerate(stmts):
            self.current_stmt = s
            out += self.refresh_closures(s, frame, env)
            if self.sweepable(s):  # a loop without calls or jumps: no frame per iteration
                fwd, rec = self.sweep(s, frame, env)
                out += self.comment(s) + fwd
                records += rec
                continue
            if self.is_boundary(s, env):
                out += self.comment(s) + self.terminator(s, stmts[i + 1:], frame, env, ctx)
                break
            fwd, rec = self.simple(s, frame, env)
            out += self.comment(s) + fwd
            records += rec
        else:
            out += ctx.fall(frame, env)
        for s, rec in reversed(records):
            self.current_stmt = s
            back = self.backward(rec, frame)
            if back:
                out += self.comment(s, "adjoint of ") + back
        return out

    def comment(self, s, prefix=""):
        line, origin = getattr(s, "lineno", None), getattr(s, "origin", None)
        if (line, id(origin), prefix) == self.last_line:
            return []
        self.last_line = (line, id(origin), prefix)
        text = self.unit.source_line(self.fndef, line, origin)
        where = self.unit.where(self.fndef, line, origin)
        return [syntax.comment(f"{prefix}{text}  ({where})")] if text else []

    def is_boundary(self, s, env):
        if isinstance(s, (gast.Return, gast.Break, gast.Continue)):
            return True
        if isinstance(s, (gast.If, gast.For, gast.While)):
            return self.needs_cps(s)
        return (isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name)
                and s.targets[0].id in self.analysis.active  # else: no gradient through it
                and self.user_call(s.value, env) is not None)

    def needs_cps(self, s):
        """Compound statements that assign active values or jump out need continuations."""
        body = list(gast.walk(s))
        if any(isinstance(n, gast.Return) for n in body):
            return True
        if isinstance(s, gast.If) and any(isinstance(n, (gast.Break, gast.Continue))
                                          for n in body):
            return True
        return bool(stores([s]) & self.analysis.active)

    def user_call(self, rhs, env):
        """How a call continues: a ``LocalCallee`` (a nested def whose arguments or closure
        are active), a ``pipeline._ModuleCallee`` (a user function called on active values),
        a ``ValueCallee`` (a function value, a method of a value that is not an array, a
        callable object or class); None for a rule's call or an inactive one."""
        if not isinstance(rhs, gast.Call):
            return None
        args = [a.value if isinstance(a, gast.Starred) else a for a in rhs.args]
        args += [kw.value for kw in rhs.keywords]
        active = any(isinstance(a, gast.Name) and env.get(a.id) in self.active for a in args)
        func = rhs.func
        if any(isinstance(a, gast.Starred) for a in rhs.args) or any(
                kw.arg is None for kw in rhs.keywords):  # f(*xs, **kw): bound at run time
            method = func.attr if isinstance(func, gast.Attribute) and isinstance(
                func.value, gast.Name) and func.value.id in self.locals else None
            head = func.value if method else func
            head_active = isinstance(head, gast.Name) and env.get(head.id) in self.active
            return ValueCallee(self.unit, method) if active or head_active else None
        if isinstance(func, gast.Name) and env.get(func.id) in self.local_fns:
            return self.local_fns[env[func.id]] if active or env[func.id] in self.active \
                else None
        if isinstance(func, gast.Name) and func.id in self.locals:  # a function value
            return ValueCallee(self.unit) if active or env.get(func.id) in self.active \
                else None
        if isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name) \
                and func.value.id in self.locals:  # a method
            receiver = env.get(func.value.id)
            if self.kind.get(receiver) == "num" and func.attr in self.unit.registry.methods:
                return None  # an array method, with a rule
            return ValueCallee(self.unit, func.attr) if active or receiver in self.active \
                else None
        if not active:
            return None
        callee = self.unit.user_function(self, func)
        if callee is None and self.unit.dispatched(self.unit.resolve_source(self.fndef, func)):
            return ValueCallee(self.unit)
        return callee

    def refresh_closures(self, s, frame, env):
        """A nested def called after a name it reads changed would see the new value in
        Python, but its emitted copy captured the old one: define it again here, from the
        same ``def`` (its defaults keep the values they had), so the call sees the values
        of now. (Passing it on while a name may still change is refused: ``escapes``.)"""
        calls = {id(n.func) for n in gast.walk(s) if isinstance(n, gast.Call)}
        out = []
        for n in gast.walk(s):
            callee = isinstance(n, gast.Name) and id(n) in calls and \
                self.local_fns.get(env.get(n.id))
            if callee and any(env.get(v) != ver for v, ver in callee.captured.items()):
                out += self.local_function(callee.fndef, frame, env, callee.defaults)
                if n.id != callee.fndef.name:  # g = lambda_4; g(x): g is the new one too
                    self.define_as(frame, n.id, env[callee.fndef.name], env,
                                   active=env[callee.fndef.name] in self.active)
        return out

    def terminator(self, s, rest, frame, env, ctx):
        if isinstance(s, gast.Return):
            return ctx.ret(frame, env, self.rename(s.value, env))
        if isinstance(s, gast.Break):
            return ctx.brk(frame, env)
        if isinstance(s, gast.Continue):
            return ctx.cont(frame, env)
        if isinstance(s, gast.If):
            return self.if_(s, rest, frame, env, ctx)
        if isinstance(s, (gast.For, gast.While)):
            return self.loop(s, rest, frame, env, ctx)
        return self.call(s, rest, frame, env, ctx)

def _all_names(fndef):
    return {n.id for n in gast.walk(fndef) if isinstance(n, gast.Name)} | {
        n.name for n in gast.walk(fndef) if isinstance(n, gast.FunctionDef)} | loads(fndef)
