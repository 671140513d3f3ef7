"""Control flow of the CPS stage: ``if`` → join continuation, loops → recursive
continuation + after continuation, user calls → call continuation.

A mixin of ``cps._Cps`` (split out to keep each module readable).
"""

import gast

from cpsgrad import dispatch, syntax
from cpsgrad.naming import bar
from cpsgrad.transforms.activity import stores
from cpsgrad.transforms.patterns import dims
from cpsgrad.transforms.shapes import node_pattern

ZERO, ALIAS = "zero", "alias"


class Frame:
    """One emitted function: owns the values defined in it and their adjoint states."""

    def __init__(self, parent, name):
        self.parent, self.name = parent, name
        self.state = {}        # owned value name -> ZERO / ALIAS / OWNED
        self.writes = set()    # outer values whose adjoints this frame (or a callee) adds to
        self.nonlocals = set()


class LocalCallee:
    """A nested ``def`` or lambda: its adjoint is a frame nested in the caller's, which sees
    the values ``captured`` (free name -> the value name it had at the ``def``)."""

    threads = False

    def __init__(self, fndef, name, frame, captured, defaults):
        self.fndef, self.name, self.frame = fndef, name, frame
        self.captured, self.defaults = captured, defaults
        self.line = getattr(fndef, "lineno", None)

    def bind(self, call, rename):
        params = [a.id for a in self.fndef.args.args]
        values = dict(zip(params, call.args, strict=False))
        values.update({kw.arg: kw.value for kw in call.keywords})
        defaults = dict(zip(params[len(params) - len(self.defaults):], self.defaults,
                            strict=True))
        return [rename(values[p]) if p in values else defaults[p] for p in params]

    def mask(self, active):
        return [True] * len(active)

    def adjoint(self, _mask, _kinds, _patterns, _threaded):
        return self.name, self.frame


class ValueCallee:
    """A call of a function value, known only when the gradient runs (a parameter, an item
    of a list, a closure returned by a call, a method of an object, a callable object or a
    class), or a call with ``*xs`` / ``**kw``: emitted as ``call_function(f, (args),
    {kwargs}, k, wrt)``, or ``call_method(obj, "name", ...)``; ``cpsgrad.dispatch`` does the
    rest."""

    threads = False

    def __init__(self, unit, method=None):
        self.unit, self.method = unit, method

    def bind(self, call, rename):
        head = call.func.value if self.method else call.func
        return [rename(head), *(rename(_unstar(a)) for a in call.args),
                *(rename(kw.value) for kw in call.keywords)]

    def mask(self, active):
        return active

    def adjoint(self, mask, _kinds, _patterns, _threaded, call=None):
        keywords = [kw.arg or "**" for kw in call.keywords]
        places = [0, *range(1, len(call.args) + 1), *keywords]
        wrt = syntax.tuple_([syntax.const(p) for p, m in zip(places, mask, strict=True) if m])
        n = len(call.args)
        starred = [isinstance(a, gast.Starred) for a in call.args]
        runtime_fn = getattr(dispatch, "call_method" if self.method else "call_function")
        name = self.unit.bind(runtime_fn.__name__, runtime_fn)

        def emit(values):
            head, args, kws, k = values[0], values[1:n + 1], values[n + 1:-1], values[-1]
            lead = [head, syntax.const(self.method)] if self.method else [head]
            listed = [syntax.starred(a) if s else a
                      for a, s in zip(args, starred, strict=True)]
            extra = {}
            if any(starred):  # which arguments were spread, to gather their adjoints
                extra["slots"] = syntax.tuple_([a if s else syntax.const(None)
                                                for a, s in zip(args, starred, strict=True)])
            if "**" in keywords:
                extra["double"] = kws[keywords.index("**")]
            return syntax.call(name, [*lead, syntax.tuple_(listed),
                                      syntax.dict_([None if w == "**" else syntax.const(w)
                                                    for w in keywords], kws),
                                      k, wrt], extra)
        return emit, None


def _unstar(node):
    return node.value if isinstance(node, gast.Starred) else node


class ControlFlow:
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
                    fix = [syntax.assign(bar(v), self.zero(v))]
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
        env_shapes = self.facts.calls.get(id(s), {})
        patterns = [node_pattern(a, env_shapes) for a in callee.bind(s.value, lambda a: a)]
        kinds = ["num" if (isinstance(a, gast.Name) and self.kind.get(a.id) == "num")
                 or (isinstance(a, gast.Constant) and isinstance(a.value, float))
                 or dims(p) is not None  # the shape facts know it is an array or a float
                 else "any" for a, p in zip(args, patterns, strict=True)]
        result = s.targets[0].id
        threaded = self.threaded(callee, args, mask, kinds, result, env)
        flags = [i in threaded for i in range(len(args))]
        target, tframe = (callee.adjoint(mask, kinds, patterns, flags, call=s.value)
                          if isinstance(callee, ValueCallee)
                          else callee.adjoint(mask, kinds, patterns, flags))
        line = self.unit.file_line(self.fndef, getattr(s, "lineno", None))
        hands = [args[i].id for i in sorted(threaded)]
        name, cframe, cdef = self.continuation("call", line, frame, env, [result], rest, ctx,
                                               hands)
        out = self.inits(frame, cframe)
        out += self.jump(frame, target, tframe, [*args, syntax.name(name)], [*mask, False],
                         threaded=threaded)
        return [cdef, *out]

    def threaded(self, callee, args, mask, kinds, result, env):
        """Positions of the parameter trees a module-level callee adds into in place: the
        continuation hands it our adjoint, and it returns the sum (see ``cps``). Not for a
        value a closure passed on reads: its adjoint may add into ours after the hand-off."""
        if not callee.threads or result not in self.analysis.active:
            return set()
        names = [a.id if isinstance(a, gast.Name) else None for a in args]
        closed = {env[n] for n in self.closed_over if n in env}
        params = {env.get(a.id) for a in self.fndef.args.args}  # weights passed on and on
        return {i for i, (n, m, k) in enumerate(zip(names, mask, kinds, strict=True))
                if m and (k == "any" or (k == "num" and n in params)) and n in self.active
                and names.count(n) == 1 and n not in closed}
