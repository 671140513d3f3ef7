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

from cpsgrad import runtime, syntax
from cpsgrad.naming import bar
from cpsgrad.transforms.activity import activity as analyse
from cpsgrad.transforms.activity import free_names, loads, stores
from cpsgrad.transforms.adjoint import adjoint
from cpsgrad.transforms.anf import local_names

ZERO, ALIAS, OWNED = "zero", "alias", "owned"


def cps(fndef, unit, analysis, active_params, param_kinds, parent=None, env=None):
    """The adjoint function of ANF ``fndef`` (see module docstring)."""
    return _Cps(fndef, unit, analysis).function(fndef, active_params, param_kinds, parent,
                                               env or {})


class Frame:
    """One emitted function: owns the values defined in it and their adjoint states."""

    def __init__(self, parent, name):
        self.parent, self.name = parent, name
        self.state = {}        # owned value name -> ZERO / ALIAS / OWNED
        self.writes = set()    # outer values whose adjoints this frame (or a callee) adds to
        self.nonlocals = set()


class Ctx:
    """Where control goes at the end of a block: ``fall``, ``brk``, ``cont``, ``ret``."""

    def __init__(self, **jumps):
        self.__dict__.update(jumps)

    def but(self, **jumps):
        return Ctx(**{**self.__dict__, **jumps})


class _Cps:
    def __init__(self, fndef, unit, analysis):
        self.unit, self.analysis, self.fndef = unit, analysis, fndef
        self.namer = unit.namer(local_names(fndef) | _all_names(fndef))
        self.owner, self.kind, self.active = {}, {}, set()
        self.current_stmt = fndef
        self.locals = local_names(fndef)

    # ----- values and adjoints -----
    def define(self, frame, source_name, env, kind="any", active=None):
        """A fresh name for a new value of ``source_name``, owned by ``frame``."""
        name = self.namer.version(source_name)
        env[source_name] = name
        self.owner[name], self.kind[name] = frame, kind
        frame.state[name] = ZERO
        if active if active is not None else source_name in self.analysis.active:
            self.active.add(name)
        return name

    def is_active(self, name):
        return name in self.active

    def contribute(self, frame, v, expr, index=None):
        """Statements adding ``expr`` (at ``index`` if given) to the adjoint of ``v``."""
        if v not in self.active:
            return []
        owner, b, num = self.owner[v], bar(v), self.kind.get(v) == "num" and index is None
        helper = self.unit.bind
        if owner is not frame:
            frame.nonlocals.add(b)
            frame.writes.add(v)
            if index is not None:
                return [syntax.assign(b, syntax.call(helper("add_item", runtime.add_item),
                                                     [b, index, expr]))]
            if num:
                return [syntax.aug_add(b, expr)]
            return [syntax.assign(b, syntax.call(helper("add", runtime.add), [b, expr]))]
        state = frame.state[v]
        if index is not None:
            frame.state[v] = OWNED
            if state == ZERO:
                return [syntax.assign(b, syntax.call(helper("item_bar", runtime.item_bar),
                                                     [v, index, expr]))]
            acc = b if state == OWNED else syntax.call(helper("copy_bar", runtime.copy_bar), [b])
            return [syntax.assign(b, syntax.call(helper("add_item", runtime.add_item),
                                                 [acc, index, expr]))]
        if state == ZERO:
            frame.state[v] = ALIAS
            return [syntax.assign(b, expr)]
        frame.state[v] = OWNED
        if num and state == OWNED:
            return [syntax.aug_add(b, expr)]
        if num:
            return [syntax.assign(b, syntax.binop(b, gast.Add, expr))]
        return [syntax.assign(b, syntax.call(helper("add", runtime.add), [b, expr]))]

    def materialize(self, frame, v):
        if frame.state.get(v, OWNED) == ZERO:
            return syntax.call(self.unit.bind("zeros_like", runtime.zeros_like), [v])
        return syntax.name(bar(v))

    def frame_return(self, frame, params):
        values = [self.materialize(frame, p) for p in params if p in self.active]
        if not values:
            return []
        return [syntax.ret(values[0] if len(values) == 1 else syntax.tuple_(values))]

    # ----- functions and frames -----
    def function(self, fndef, active_params, param_kinds, parent, env):
        frame = Frame(parent, fndef.name)
        env = dict(env)
        params = []
        for p, kind in zip((a.id for a in fndef.args.args), param_kinds, strict=True):
            params.append(self.define(frame, p, env, kind, p in active_params))
        k = self.namer.fresh("k")
        ret = Ctx(fall=None, brk=None, cont=None,
                  ret=lambda fr, _en, atom: self.jump(fr, k, None, [atom], [True]))
        ctx = ret.but(fall=lambda fr, _en: self.jump(fr, k, None, [syntax.const(None)], [False]))
        body = self.block(fndef.body, frame, env, ctx)
        body += self.frame_return(frame, params)
        name = self.unit.adjoint_name(fndef.name) if parent is None else \
            self.namer.fresh(f"{fndef.name}_adjoint")
        out = syntax.funcdef(name, [*params, k], self.header(frame) + body)
        out.cps_frame = frame
        return out

    def header(self, frame):
        return [syntax.nonlocal_(frame.nonlocals)] if frame.nonlocals else []

    def continuation(self, kind, line, frame, env, source_params, rest, ctx):
        """``def <kind>_<line>(params)``: ``rest`` of the block, as a nested frame."""
        name = self.namer.fresh(f"{kind}_{line}")
        inner = Frame(frame, name)
        env = dict(env)
        params = [self.define(inner, p, env, self.name_kind(p)) for p in source_params]
        body = self.block(rest, inner, env, ctx) + self.frame_return(inner, params)
        return name, inner, syntax.funcdef(name, params, self.header(inner) + body)

    def name_kind(self, source_name):
        return "num" if source_name in self.unit.numeric_names(self.fndef) else "any"

    def jump(self, frame, target, target_frame, args, mask):
        """Call continuation ``target(*args)`` and add what it returns to the args' adjoints."""
        out = self.inits(frame, target_frame)
        call = syntax.call(target, args)
        got = [(a, m) for a, m in zip(args, mask, strict=True) if m]
        if not got:
            return [*out, syntax.expr_stmt(call)]
        names, contribs = [], []
        for a, _ in got:
            v = a.id if isinstance(a, gast.Name) and a.id in self.active else None
            if v is not None and self.owner[v] is frame and frame.state[v] == ZERO \
                    and bar(v) not in names:
                names.append(bar(v))
                frame.state[v] = ALIAS
            else:
                tmp = self.namer.fresh("t_bar")
                names.append(tmp)
                if v is not None:
                    contribs += self.contribute(frame, v, syntax.name(tmp))
        lhs = names[0] if len(names) == 1 else names
        return [*out, syntax.assign(lhs, call), *contribs]

    def inits(self, frame, target_frame):
        """Zero accumulators for this frame's values that ``target_frame`` adds to."""
        out = []
        for v in sorted(target_frame.writes if target_frame else ()):
            if self.owner[v] is frame and frame.state[v] == ZERO:
                out.append(syntax.assign(bar(v), syntax.call(
                    self.unit.bind("zeros_like", runtime.zeros_like), [v])))
                frame.state[v] = OWNED
            elif self.owner[v] is not frame:
                frame.writes.add(v)
        return out

    # ----- blocks -----
    def block(self, stmts, frame, env, ctx):
        out, records = [], []
        self.last_line = None
        for i, s in enumerate(stmts):
            self.current_stmt = s
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
        line = getattr(s, "lineno", None)
        if (line, prefix) == self.last_line:
            return []
        self.last_line = (line, prefix)
        text = self.unit.source_line(self.fndef, line)
        where = self.unit.where(self.fndef, line)
        return [syntax.comment(f"{prefix}{text}  ({where})")] if text else []

    def is_boundary(self, s, env):
        if isinstance(s, (gast.Return, gast.Break, gast.Continue)):
            return True
        if isinstance(s, (gast.If, gast.For, gast.While)):
            return self.needs_cps(s)
        return isinstance(s, gast.Assign) and self.user_call(s.value, env) is not None

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
        """``(target, target_frame, n_params, fn)`` when ``rhs`` calls a user function on
        active values, else None."""
        if not isinstance(rhs, gast.Call):
            return None
        args = rhs.args + [kw.value for kw in rhs.keywords]
        if not any(isinstance(a, gast.Name) and env.get(a.id) in self.active for a in args):
            return None
        func = rhs.func
        if isinstance(func, gast.Name) and func.id in self.unit.local_fns.get(self, {}):
            return self.unit.local_fns[self][func.id]
        return self.unit.user_function(self, func)

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

    def carry(self, frame, env, names):
        """Values to pass for ``names``; names not yet defined start as None."""
        out = []
        for n in names:
            if n not in env:
                v = self.define(frame, n, env, active=False)
                out.append(syntax.assign(v, syntax.const(None)))
        return out

    def jumper(self, target, tframe, names):
        mask = [n in self.analysis.active for n in names]
        return lambda fr, en, *extra: self.jump(
            fr, target, tframe, [*extra, *(syntax.name(en[n]) for n in names)],
            [False] * len(extra) + mask)

    def if_(self, s, rest, frame, env, ctx):
        line = self.unit.file_line(self.fndef, getattr(s, "lineno", None))
        joined = sorted(stores([s]) & self.analysis.live_out[id(s)])
        pre = self.carry(frame, env, joined)
        name, jframe, jdef = self.continuation("join", line, frame, env, joined, rest, ctx)
        inner = ctx.but(fall=self.jumper(name, jframe, joined))
        test = self.rename(s.test, env)
        node = self.branches(frame, test, lambda: self.block(s.body, frame, dict(env), inner),
                             lambda: self.block(s.orelse, frame, dict(env), inner))
        return [*pre, jdef, node]

    def branches(self, frame, test, make_body, make_orelse):
        """``if test: body else: orelse``, merging the adjoint states the branches leave."""
        before = dict(frame.state)
        body = make_body()
        after_body = dict(frame.state)
        frame.state.update(before)
        orelse = make_orelse()
        for v, st in after_body.items():
            other = frame.state.get(v, st)
            if v in before and st != other:
                if ZERO in (st, other):
                    fix = [syntax.assign(bar(v), syntax.call(
                        self.unit.bind("zeros_like", runtime.zeros_like), [v]))]
                    (body if st == ZERO else orelse).extend(fix)
                frame.state[v] = ALIAS
        return syntax.if_(test, body, orelse)

    def loop(self, s, rest, frame, env, ctx):
        line = self.unit.file_line(self.fndef, getattr(s, "lineno", None))
        after = sorted(stores(s.body) & self.analysis.live_out[id(s)])
        head = self.analysis.live_out[("head", id(s))]
        is_for = isinstance(s, gast.For)
        if is_for and s.target.id in self.analysis.live_out[id(s)] \
                and s.target.id not in stores(s.body):
            self.fail("a `for` loop's variable is read after the loop; copy it into another "
                      "variable inside the loop")
        carried = sorted((stores(s.body) & head) - ({s.target.id} if is_for else set()))
        carried = sorted(set(carried) | set(after))
        pre = self.carry(frame, env, carried)
        aname, aframe, adef = self.continuation("after", line, frame, env, after, rest, ctx)
        lname = self.namer.fresh(f"loop_{line}")
        lframe = Frame(frame, lname)
        lenv = dict(env)
        index = [self.define(lframe, s.target.id, lenv, active=False)] if is_for else []
        params = index + [self.define(lframe, n, lenv, self.name_kind(n)) for n in carried]
        brk = self.jumper(aname, aframe, after)
        loop_jump = self.jumper(lname, lframe, carried)
        if is_for:
            start, stop, step = (self.rename(a, env) for a in s.iter.args)
            nxt = syntax.binop(index[0], gast.Add, step)
            cont = lambda fr, en: loop_jump(fr, en, nxt)  # noqa: E731
        else:
            cont = loop_jump
        inner = ctx.but(fall=cont, cont=cont, brk=brk)
        if is_for:
            op = gast.Lt if step.value > 0 else gast.Gt
            body = [self.branches(lframe, syntax.compare(index[0], op, stop),
                                  lambda: self.block(s.body, lframe, dict(lenv), inner),
                                  lambda: brk(lframe, lenv))]
        else:
            body = self.block(s.body, lframe, dict(lenv), inner)
        ldef = syntax.funcdef(lname, params, self.header(lframe) + body
                              + self.frame_return(lframe, params))
        first = [start] if is_for else []
        entry = self.jumper(lname, lframe, carried)(frame, env, *first)
        return [*pre, adef, ldef, *entry]

    def call(self, s, rest, frame, env, ctx):
        callee = self.user_call(s.value, env)
        args = callee.bind(s.value, lambda a: self.rename(a, env))
        mask = callee.mask([isinstance(a, gast.Name) and a.id in self.active for a in args])
        kinds = ["num" if (isinstance(a, gast.Name) and self.kind.get(a.id) == "num")
                 or (isinstance(a, gast.Constant) and isinstance(a.value, float)) else "any"
                 for a in args]
        target, tframe = callee.adjoint(mask, kinds)
        line = self.unit.file_line(self.fndef, getattr(s, "lineno", None))
        result = s.targets[0].id
        name, cframe, cdef = self.continuation("call", line, frame, env, [result], rest, ctx)
        out = self.inits(frame, cframe)
        out += self.jump(frame, target, tframe, [*args, syntax.name(name)], [*mask, False])
        return [cdef, *out]

    # ----- straight-line statements -----
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
            fns = self.unit.local_fns.get(self, {})
            if isinstance(s.value, gast.Name) and s.value.id in fns:  # g = lambda_12
                fns[s.targets[0].id] = fns[s.value.id]
            return [syntax.assign(v, rhs)], ([(s, ("assign", v, rhs))] if active else [])
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
        """``x[i] = v``: written in place; the old item is kept and restored in the adjoint."""
        t = s.targets[0]
        x = env[t.value.id]
        index = self.unit.index_value(self.rename(t.slice, env))
        value = self.rename(s.value, env)
        old = self.namer.fresh(f"{x}_old")
        snapshot = self.unit.bind("snapshot", runtime.snapshot)
        fwd = [syntax.assign(old, syntax.call(snapshot, [syntax.subscript(x, index)])),
               syntax.assign(syntax.subscript(x, index, "store"), value)]
        active = x in self.active or (isinstance(value, gast.Name) and value.id in self.active)
        x1 = self.define(frame, t.value.id, env, self.kind.get(x, "any"), active)
        fwd.append(syntax.assign(x1, x))
        return fwd, [(s, ("setitem", x, x1, index, value, old))]

    def local_function(self, s, frame, env):
        """A nested ``def``: its forward copy, and its adjoint as a frame nested in ours."""
        fwd = self.rename(s, {n: env[n] for n in free_names(s) if n in env})
        fwd.name = self.define(frame, s.name, env, active=False)
        active_free = {n for n in free_names(s) if env.get(n) in self.active}
        params = [a.id for a in s.args.args]
        analysis = analyse(s, set(params) | active_free,
                           lambda rhs: self.unit.is_nondiff(self.fndef, rhs, local_names(s)))
        inner = _Cps.__new__(_Cps)
        inner.__dict__.update(self.__dict__)
        inner.analysis = analysis
        adj = inner.function(s, set(params), ["any"] * len(params), frame, env)
        adj.name = self.namer.fresh(f"{s.name}_adjoint")
        self.unit.local_fns.setdefault(self, {})[s.name] = self.unit.local_callee(
            s, adj.name, adj.cps_frame)
        return [fwd, adj]

    def backward(self, rec, frame):
        if rec[0] == "setitem":
            return self.backward_setitem(rec, frame)
        _, v, rhs = rec
        if frame.state[v] == ZERO:
            return []
        out = []
        for c in adjoint(rhs, v, bar(v), _Rules(self)):
            operand, *index, expr = c  # (operand, [index,] expression)
            index = self.unit.index_value(index[0]) if index else None
            out += self.contribute(frame, operand, expr, index)
        return out

    def backward_setitem(self, rec, frame):
        _, x, x1, index, value, old = rec
        out = [syntax.assign(syntax.subscript(x, index, "store"), old)]
        if frame.state[x1] == ZERO:
            return out
        g = syntax.subscript(bar(x1), index)
        if isinstance(value, gast.Name) and value.id in self.active:
            out += self.contribute(frame, value.id, syntax.call(
                self.unit.bind("unbroadcast", runtime.unbroadcast), [g, value]))
        out += self.contribute(frame, x, syntax.call(
            self.unit.bind("zero_item", runtime.zero_item), [bar(x1), index]))
        return out

    def fail(self, message, cls=None):
        raise self.unit.error(self.fndef, self.current_stmt, message, cls)


class _Rules:
    """What the adjoint stage may ask about the statement being differentiated."""

    def __init__(self, cps):
        self.cps, self.registry = cps, cps.unit.registry

    def active(self, name):
        return name in self.cps.active

    def is_local(self, name):
        return name in self.cps.owner

    def resolve(self, node):
        return self.cps.unit.resolve_emitted(node)

    def bind(self, name, obj):
        return self.cps.unit.bind(name, obj)

    def fail(self, message, cls=None):
        self.cps.fail(message, cls)


def _all_names(fndef):
    return {n.id for n in gast.walk(fndef) if isinstance(n, gast.Name)} | {
        n.name for n in gast.walk(fndef) if isinstance(n, gast.FunctionDef)} | loads(fndef)
