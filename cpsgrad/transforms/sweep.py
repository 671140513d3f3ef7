"""Loops without calls or jumps: the loop itself, and its adjoint as a reverse sweep.

A mixin of ``cps._Cps``. A ``for`` loop whose body is straight-line (assignments of
names; no ``if``, no inner loop, no break / continue / return, no call of a user function
or a function value) needs no continuation per iteration. It is emitted as the loop the
user wrote; each iteration appends to one list per value the adjoint reads (``x2_saved``);
and its adjoint is a second loop over those lists in reverse, in the same frame::

    x2 = x
    x2_saved, t1_saved = [], []
    for _ in range(n):
        t0 = x2 * w
        t1 = np.sin(x2)
        ...
        x2_saved.append(x2)
        t1_saved.append(t1)
        x2 = x3
    ...
    # adjoint of for _ in range(n):  (a reverse sweep over the saved iterations)
    for x2, t1 in zip(reversed(x2_saved), reversed(t1_saved)):
        x3_bar = x2_bar
        ...
        x2_bar = t1_bar * np.cos(x2) + t0_bar * w

Memory per iteration is the saved values (no Python frame), and the recursion depth does
not grow with the number of iterations.

What the body reads or computes the same in every iteration from before the loop (a copy
``W1 = W``, a constant, ``params["W"]``, ``self.cell``, ``x.shape`` where the shape analysis
found it; ``+ - * @`` and one-argument ufuncs of numbers and arrays) is made once before the
loop (``hoisted``). The sweep adds into its adjoint like into any
value from before the loop, and its own adjoint (``add_item(params_bar, "W", t3_bar)``)
runs once, after the reverse loop.
"""

import gast
import numpy as np

from cpsgrad import syntax
from cpsgrad.naming import bar
from cpsgrad.transforms.activity import stores
from cpsgrad.transforms.receivers import sets_attributes
from cpsgrad.transforms.statements import OWNED, ZERO

SAVED = "_saved"  # x2_saved: the list a sweep keeps x2 in (transforms/tiles.py reads it)

SHAPE_ATTRS = ("shape", "ndim", "size")
ARITHMETIC = (gast.Add, gast.Sub, gast.Mult, gast.MatMult)


class Sweep:
    def sweepable(self, s):
        """Whether loop ``s`` is emitted as a loop with a reverse sweep (module docstring)."""
        if not isinstance(s, gast.For) or s.orelse or not self.needs_cps(s):
            return False
        if not (isinstance(s.iter, gast.Call) and len(s.iter.args) == 3):  # noqa: PLR2004
            return False
        if s.target.id in self.analysis.live_out[id(s)]:
            return False  # refused with its reason by the loop with continuations
        return all(self._straight(stmt) for stmt in s.body)

    def _straight(self, stmt):
        if isinstance(stmt, gast.Pass) or (isinstance(stmt, gast.Expr)
                                           and isinstance(stmt.value, gast.Constant)):
            return True
        if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], gast.Name)):
            return False
        return all(self._plain_call(n) for n in gast.walk(stmt.value)
                   if isinstance(n, gast.Call))

    def _plain_call(self, call):
        """A call of a library function or a rule: no frame of its own in the adjoint."""
        if any(isinstance(a, gast.Starred) for a in call.args) or any(
                kw.arg is None for kw in call.keywords):
            return False
        head = call.func
        while isinstance(head, gast.Attribute):
            head = head.value
        if not isinstance(head, gast.Name) or head.id in self.locals:
            return False  # a function value, a nested def or a method of a local value
        obj = self.unit.resolve_source(self.fndef, call.func)
        return obj is not None and not self.unit.transformed(obj) \
            and not self.unit.dispatched(obj)

    def sweep(self, s, frame, env):
        """The forward loop and its record (module docstring)."""
        carried = sorted((stores(s.body) & self.analysis.live_out[("head", id(s))])
                         | (stores(s.body) & self.analysis.live_out[id(s)]))
        out = self.carry(frame, env, carried)
        heads = []
        for n in carried:
            entry = env[n]
            head = self.define(frame, n, env, self.name_kind(n))
            out.append(syntax.assign(head, syntax.name(entry)))
            heads.append((head, entry))
        benv = dict(env)
        index = self.define(frame, s.target.id, benv, active=False)
        chunks = []  # (statement, its forward code, its records, the names it defines)
        for stmt in s.body:
            self.current_stmt = stmt
            fwd, rec = self.simple(stmt, frame, benv)
            chunks.append((stmt, fwd, rec, {benv[n] for n in stores([stmt])}))
        local = {index, *(h for h, _ in heads)}
        early = self.hoisted(chunks, local)
        before, early_records, body, records = [], [], [], []
        for moved in (True, False):
            self.last_line = None
            for stmt, fwd, rec, defined in chunks:
                if (id(stmt) in early) != moved:
                    continue
                if moved:
                    before += self.comment(stmt) + fwd
                    early_records += rec
                else:
                    body += self.comment(stmt) + fwd
                    records += rec
                    local |= defined
        out += before
        ends = [benv[n] for n in carried]
        rebind = [syntax.assign(h, syntax.name(e)) for (h, _), e in zip(heads, ends, strict=True)]
        bounds = _range_args(*(self.rename(a, env) for a in s.iter.args))
        loop = _Loop(syntax.assign("saved", syntax.list_([])),  # filled in by the adjoint
                     syntax.for_(index, syntax.call(self.unit.bind("range", range), bounds),
                                 [*body, *rebind]),
                     len(body), heads, ends, records, local, bounds)
        return [*out, loop.saves, loop.node], [*early_records, (s, ("sweep", loop))]

    def hoisted(self, chunks, local):
        """The loop's statements that read the same value in every iteration from what exists
        before the loop, and certainly can (a copy, a constant, a dict item, object attribute
        or array shape that the shape analysis found): made once, before the loop. Their
        adjoints are then made once too, after the reverse sweep, from accumulators the
        sweep adds into (``params_bar['W']`` once, not an ``add_item`` per iteration)."""
        emitted = [node for _stmt, fwd, _rec, _defined in chunks for node in fwd]
        kept = not sets_attributes(syntax.module(emitted), self.unit.resolve_emitted,
                                   _vouched)
        defined = set(local) | {n.id for node in emitted for n in gast.walk(node)
                                if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store)}
        out, moved = set(), set()
        for stmt, fwd, _rec, _defined in chunks:
            if len(fwd) != 1 or not isinstance(fwd[0], gast.Assign) \
                    or not isinstance(fwd[0].targets[0], gast.Name):
                continue
            value = fwd[0].value
            if _loads(value) & defined <= moved and self.early(stmt, value, kept):
                out.add(id(stmt))
                moved.add(fwd[0].targets[0].id)
        return out

    def early(self, stmt, value, objects_kept):
        """Whether ``value`` (of ``stmt``) can be computed before the loop (``hoisted``):
        also arithmetic (``+ - * @``) and one-argument ufuncs of numbers and arrays
        (``2 * nh``, ``np.exp(log_scale)``), which raise nothing the first iteration would
        not have raised."""
        if isinstance(value, gast.UnaryOp):
            value = value.operand  # -1
        if isinstance(value, (gast.Name, gast.Constant)):
            return True
        if isinstance(value, gast.BinOp):
            return isinstance(value.op, ARITHMETIC) and all(
                self.number(o) for o in (value.left, value.right))
        if isinstance(value, gast.Call):
            fun = self.unit.resolve_emitted(value.func)
            return isinstance(fun, np.ufunc) and fun.nin == 1 and len(value.args) == 1 \
                and not value.keywords and self.number(value.args[0])
        if not self.facts.found.get(id(stmt)) or not isinstance(value.value, gast.Name):
            return False
        if isinstance(value, gast.Attribute):
            return value.attr in SHAPE_ATTRS or objects_kept
        return isinstance(value, gast.Subscript) \
            and isinstance(value.slice, (gast.Name, gast.Constant))

    def number(self, node):
        """A numeric constant, or a name bound only to numbers and arrays."""
        if isinstance(node, gast.Constant):
            return type(node.value) in (int, float)
        return isinstance(node, gast.Name) and self.kind.get(node.id) == "num"

    def backward_sweep(self, rec, frame):
        loop = rec[1]
        # what the loop adds into from before it: accumulators, made where something adds
        outside = {name for _s, r in loop.records if r[0] == "assign" for name in _loads(r[2])
                   if name in self.active and name not in loop.local
                   and self.owner[name] is frame and frame.state[name] == ZERO}
        was_dense = outside & self.dense
        for name in outside:
            frame.state[name] = OWNED
            self.dense.add(name)
        active = [(h, e) for h, e in loop.heads if h in self.active]
        out = [syntax.assign(bar(h), self.zero(h)) for h, _ in active if frame.state[h] == ZERO]
        body = self.reverse_iteration(loop, frame, active)
        used = {n.id for n in gast.walk(syntax.module(body)) if isinstance(n, gast.Name)}
        for name in sorted(outside):
            if bar(name) in used:
                out.insert(0, syntax.assign(bar(name), self.zero(name)))
            else:
                frame.state[name] = ZERO
                if name not in was_dense:
                    self.dense.discard(name)
        out.append(syntax.for_(*self.saved_values(loop, body), body))
        for h, entry in active:
            out += self.contribute(frame, entry, syntax.name(bar(h)))
        return out

    def reverse_iteration(self, loop, frame, active):
        """One iteration's adjoint: the adjoints of its last values are the heads' (those of
        the next iteration's first values), and it leaves the heads' adjoints for the one
        before."""
        body = []
        for (h, _), end in zip(loop.heads, loop.ends, strict=True):
            if h in self.active:
                body += self.contribute(frame, end, syntax.name(bar(h)))
        for h, _ in active:
            frame.state[h] = ZERO
        self.last_line = None
        for stmt, r in reversed(loop.records):
            self.current_stmt = stmt
            back = self.backward(r, frame)
            if back:
                body += self.comment(stmt, "adjoint of ") + back
        for h, _ in active:
            if frame.state[h] == ZERO:
                body.append(syntax.assign(bar(h), self.zero(h)))
            frame.state[h] = OWNED
        return body

    def objects_kept(self, loop):
        """Whether no statement of the loop can set an attribute (``setattr``, ``__dict__``):
        then ``obj.w`` of an ``obj`` from before the loop is the same in every iteration."""
        return not sets_attributes(syntax.module(loop.node.body[:loop.n_body]),
                                   self.unit.resolve_emitted, _vouched)

    def saved_values(self, loop, body):
        """Keep, per iteration, the values of the loop that ``body`` reads: one list each,
        appended to in the forward loop; ``(target, iterable)`` of the reverse loop."""
        saved = _loads(body) & (loop.local - _invariant(loop, self.objects_kept(loop)))
        copies = [(n, src) for n, src in _copies(loop) if n in saved and src in saved]
        saved = sorted(saved - {n for n, _ in copies})  # a copy of a kept value: re-bound
        body[:0] = [syntax.assign(n, syntax.name(src)) for n, src in copies]
        lists = [self.namer.fresh(f"{v}{SAVED}") for v in saved]
        if not lists:  # nothing to keep: the placeholder is dropped as dead code
            loop.saves.targets = [syntax.target(self.namer.fresh("unused"))]
            return self.namer.fresh("i"), syntax.call(self.unit.bind("range", range),
                                                      loop.bounds)
        one = len(lists) == 1
        loop.saves.targets = [syntax.target(lists[0] if one else lists)]
        loop.saves.value = syntax.list_([]) if one else syntax.tuple_(
            [syntax.list_([]) for _ in lists])
        loop.node.body[loop.n_body:loop.n_body] = [
            syntax.expr_stmt(syntax.call(syntax.attr(x, "append"), [v]))
            for x, v in zip(lists, saved, strict=True)]
        rev = [syntax.call(self.unit.bind("reversed", reversed), [x]) for x in lists]
        return (saved[0], rev[0]) if one else (saved, syntax.call(self.unit.bind("zip", zip),
                                                                  rev))


class _Loop:
    """What the adjoint of a swept loop needs from its forward emission."""

    def __init__(self, saves, node, n_body, heads, ends, records, local, bounds):
        self.saves, self.node, self.n_body = saves, node, n_body
        self.heads, self.ends, self.records = heads, ends, records
        self.local, self.bounds = local, bounds


def _invariant(loop, objects_kept):
    """The loop's names that hold the same value in every iteration: constants, copies of
    names from before the loop, their shapes and, where ``objects_kept``, their attributes.
    They still hold it after the forward loop, in the frame the reverse sweep runs in, so
    they are not kept per iteration."""
    same, shapes = set(), set()
    for stmt in loop.node.body[:loop.n_body]:
        if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)):
            continue
        v, name = stmt.value, stmt.targets[0].id
        if isinstance(v, gast.UnaryOp):
            v = v.operand  # -1
        if isinstance(v, gast.Constant) or _fixed(v, same, loop.local):
            same.add(name)
        elif isinstance(v, gast.Attribute) and (v.attr in SHAPE_ATTRS or objects_kept) \
                and _fixed(v.value, same, loop.local):
            same.add(name)
            if v.attr in SHAPE_ATTRS:
                shapes.add(name)
        elif isinstance(v, gast.Subscript) and isinstance(v.value, gast.Name) \
                and v.value.id in shapes and isinstance(v.slice, gast.Constant):
            same.add(name)
    return same


def _copies(loop):
    """``(name, source)`` for the loop's ``name = source`` between two of its own values."""
    defined, out = set(), []
    for stmt in loop.node.body[:loop.n_body]:
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
            name, v = stmt.targets[0].id, stmt.value
            if isinstance(v, gast.Name) and v.id in defined:
                out.append((name, v.id))
            defined.add(name)
    return out


def _fixed(e, same, local):
    return isinstance(e, gast.Name) and (e.id in same or e.id not in local)


def _vouched(call, fun):
    """A call that sets no attribute: of a library function, or a reduction made a method
    (``x.sum()``, ``statements.method_form``)."""
    return fun is not None or getattr(call, "reduction", None) is not None


def _range_args(start, stop, step):
    if isinstance(step, gast.Constant) and step.value == 1:
        if isinstance(start, gast.Constant) and start.value == 0:
            return [stop]
        return [start, stop]
    return [start, stop, step]


def _loads(node_or_nodes):
    nodes = node_or_nodes if isinstance(node_or_nodes, list) else [node_or_nodes]
    return {n.id for node in nodes for n in gast.walk(node)
            if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load)}
