"""Stage 3b: aliases — names bound to one mutable object, and writes through them.

Entry point: ``aliases(fndef, resolve, fail, where, callee=False) -> fndef`` (the ANF tree,
rewritten in place: it is the ANF stage's fresh copy). The emitted code is SSA: an in-place
write ``x[i] = v`` makes a new value of ``x``, and the adjoint follows names. Python follows
objects, so after the write every other name bound to the same object must see the new
value too. This pass makes that explicit:

* After a write through ``x`` (``x[i] = v``, or the lowered ``x = append(x, v)``), each
  other live name that certainly holds the same object is re-bound to it (``y = x``). Such
  names form a *must class*: joined by plain copies (``y = x``), each assigned once.
* A write through a name that other live names *may* share memory with — a dict entry or
  list element it came from, a slice or view (``x.T``, ``x.reshape``), a call's result, a
  container holding it — raises ``TransformError`` naming both lines.
* ``x += v`` on a name with live aliases: NumPy adds into an array in place, the emitted
  code rebinds; a runtime guard (``runtime.no_inplace``) refuses arrays and lists there.
* ``out=`` arguments and in-place array methods (``x.sort()``, ``x.fill(0)``) are refused.

Parameters of a callee (and of nested functions) belong to the caller, so they are live
throughout. Names a nested function reads are live throughout too (it may run later).
"""

import gast
import numpy as np

from cpsgrad import syntax
from cpsgrad.transforms.activity import free_names, loads
from cpsgrad.transforms.anf import local_names

ARRAY_MUTATORS = {"fill", "sort", "put", "resize", "itemset", "partition", "setfield",
                  "byteswap", "setflags"}
NO_ALIAS_ATTRIBUTES = {"shape", "ndim", "size", "dtype", "itemsize", "nbytes"}
FRESH = {  # functions whose result shares no memory with their arguments
    np.array, np.copy, np.zeros, np.ones, np.empty, np.full, np.zeros_like, np.ones_like,
    np.empty_like, np.full_like, np.eye, np.identity, np.arange, np.linspace, np.dot,
    np.matmul, np.vdot, np.inner, np.outer, np.tensordot, np.kron, np.sum, np.mean, np.prod,
    np.std, np.var, np.max, np.min, np.amax, np.amin, np.cumsum, np.cumprod, np.concatenate,
    np.stack, np.vstack, np.hstack, np.column_stack, np.where, np.clip, np.tile, np.repeat,
    np.sort, np.trace, np.round, np.around, np.diff, np.cross, np.argmax, np.argmin,
    np.argsort, np.linalg.norm, np.linalg.inv, np.linalg.det, np.linalg.solve, np.allclose,
    np.all, np.any, np.shape, np.ndim, np.size, len, range, float, int, bool, abs, round,
    isinstance, print, str, sum, pow, hasattr, id, hash, repr,
}


def aliases(fndef, resolve, fail, where, callee=False):
    """``fndef`` with aliases of written objects re-bound (see the module docstring).
    ``resolve(func)`` is the object a call refers to; ``fail(stmt, message)`` raises;
    ``where(stmt)`` is ``(file name, line)`` in the user's file."""
    return _Aliases(fndef, resolve, fail, where, callee).function(fndef)


class _Aliases:
    def __init__(self, fndef, resolve, fail, where, callee):
        self.resolve, self.fail, self.where, self.callee = resolve, fail, where, callee
        self.top = fndef

    def function(self, fndef):
        self.locals = local_names(fndef)
        self.find_classes(fndef)
        params = self.params = {a.id for a in fndef.args.args}
        closed = {n for s in gast.walk(fndef) if isinstance(s, gast.FunctionDef)
                  and s is not fndef for n in free_names(s)}
        self.always = closed | (params if self.callee or fndef is not self.top else set())
        self.live = {}
        _liveness(fndef.body, set(), self.live)
        self.reach = {}
        self.reaching(fndef.body, frozenset())
        out = syntax.funcdef(fndef.name, [a.id for a in fndef.args.args],
                             self.block(fndef.body), list(fndef.args.defaults))
        out.lineno, out.col_offset = fndef.lineno, fndef.col_offset
        return out

    # ----- which names can see a write through which -----
    def find_classes(self, fndef):
        """``self.sees``: name -> names that can observe a write through it (directed:
        a container sees writes into its items, an item does not see writes into the
        container's slots); ``self.must``: the must classes."""
        self.sees, self.must, self.origin, self.created = {}, _UnionFind(), {}, {}
        counts = {a.id: 1 for a in fndef.args.args}
        for s, in_loop in _assignments(fndef.body, False):
            t = s.targets[0]
            if not isinstance(t, gast.Name):
                self.hold(t.value.id, _names(s.value) & self.locals, s)  # x[i] = v, x.a = v
                continue
            if _is_append(s):
                self.hold(t.id, _names(s.value.args[1]) & self.locals, s)
                continue
            counts[t.id] = counts.get(t.id, 0) + (2 if in_loop else 1)
            if isinstance(s.value, gast.Name):
                self.must.union(t.id, s.value.id)
            if isinstance(s.value, (gast.Tuple, gast.List, gast.Dict)):
                self.hold(t.id, _names(s.value) & self.locals, s)
            for other in self.shared(s.value) - {t.id}:
                self.link(t.id, other, s)
                self.link(other, t.id, s)
        for group in self.must.groups():
            if any(counts.get(n, 2) != 1 for n in group):
                for n in group:
                    self.must.forget(n)

    def hold(self, container, items, stmt):
        for item in items - {container}:
            self.link(item, container, stmt)

    def link(self, source, observer, stmt):
        self.sees.setdefault(source, set()).add(observer)
        self.origin.setdefault((source, observer), stmt)
        self.created.setdefault(id(stmt), set()).add((source, observer))

    def observers(self, x, at):
        """Every name that can see a write through ``x`` at statement ``at``, with the
        statement that linked it: only links that reach ``at`` with both names still bound
        to the objects they linked count (``row = []`` in a loop makes a new object)."""
        alive = self.reach.get(id(at), set())
        found, todo = {}, [x]
        while todo:
            a = todo.pop()
            for b in self.sees.get(a, ()):
                if b != x and b not in found and (a, b) in alive:
                    found[b] = self.origin[(a, b)]
                    todo.append(b)
        return found

    def reaching(self, stmts, alive):
        """Record in ``self.reach`` the links alive before each statement; the links after."""
        for s in stmts:
            self.reach[id(s)] = alive
            if isinstance(s, gast.If):
                alive = self.reaching(s.body, alive) | self.reaching(s.orelse, alive)
            elif isinstance(s, (gast.For, gast.While)):
                head = alive
                while True:
                    new = head | self.reaching(s.body, head)
                    if new == head:
                        break
                    head = new
                alive = head
            else:
                if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name) \
                        and not _is_append(s):  # a new object: its old links are gone
                    alive = {e for e in alive if s.targets[0].id not in e}
                alive = alive | self.created.get(id(s), set())
        return alive

    def shared(self, rhs):
        """Local names whose memory the value of ``rhs`` may share (itself, not its items)."""
        if isinstance(rhs, gast.Name):
            names = {rhs.id}
        elif isinstance(rhs, gast.Attribute):
            names = set() if rhs.attr in NO_ALIAS_ATTRIBUTES else _names(rhs.value)
        elif isinstance(rhs, gast.Subscript):
            names = _names(rhs.value)  # an item, a slice, a view
        elif isinstance(rhs, gast.Call):
            fun = None if self.is_method(rhs) else self.resolve(rhs.func)
            if isinstance(fun, np.ufunc) or _fresh(fun):
                return set()
            parts = [*rhs.args, *(kw.value for kw in rhs.keywords)]
            if self.is_method(rhs):
                parts.append(rhs.func.value)  # x.reshape(...) may be a view of x
            names = set().union(*map(_names, parts))
        else:  # arithmetic makes new arrays; literals hold their items (see ``hold``)
            names = set()
        return names & self.locals

    # ----- the rewrite -----
    def block(self, stmts):
        out = []
        for s in stmts:
            out += self.stmt(s)
        return out

    def stmt(self, s):
        if isinstance(s, gast.If):
            s.body, s.orelse = self.block(s.body), self.block(s.orelse)
            return [s]
        if isinstance(s, (gast.For, gast.While)):
            s.body = self.block(s.body)
            return [s]
        if isinstance(s, gast.FunctionDef):
            inner = _Aliases(self.top, self.resolve, self.fail, self.where, self.callee)
            return [inner.function(s)]
        self.refuse_in_place(s)
        if isinstance(s, gast.Assign):
            t = s.targets[0]
            if isinstance(t, (gast.Subscript, gast.Attribute)):
                return [s, *self.rebind(t.value.id, s)]
            if _is_append(s):
                return [s, *self.rebind(t.id, s)]
            if getattr(s, "inplace", False):
                return [*self.guard(t.id, s), s]
        return [s]

    def live_after(self, s):
        return self.live.get(id(s), set()) | self.always

    def rebind(self, x, s):
        """``y = x`` for every live name ``y`` certainly bound to ``x``'s object; refuse a
        write that other live names may see."""
        live = self.live_after(s)
        same = self.must.group(x) - {x}
        seen = self.observers(x, s)
        for other in sorted((set(seen) - same) & live):
            origin = seen[other]
            self.fail(s, f"this writes into `{x}` in place, and `{other}` (line "
                         f"{self.where(origin)[1]}: shares memory with it) is used afterwards; the "
                         f"gradient would follow only one of them. Make a copy first "
                         f"(`{x} = {x}.copy()`, `np.array(...)`) or build a new value")
        return [_located(syntax.assign(y, syntax.name(x)), s) for y in sorted(same & live)]

    def guard(self, x, s):
        others = sorted((set(self.observers(x, s)) | self.must.group(x) - {x})
                        & self.live_after(s))
        if not others and x not in self.always:
            return []
        holder = (f"`{others[0]}` holds the same object" if others else
                  "the object belongs to the caller" if x in self.params else
                  "a nested function reads it")
        message = (f"`{x} += ...` changes an array or list in place, and {holder}; cpsgrad "
                   f"differentiates `{x} = {x} + ...`: write that, or copy first")
        filename, line = self.where(s)
        check = syntax.call("no_inplace", [syntax.name(x), syntax.const(message),
                                           syntax.const(filename), syntax.const(line)])
        return [_located(syntax.expr_stmt(check), s)]

    def is_method(self, call):
        """``x.f(...)`` on a local ``x`` (not ``np.f(...)``)."""
        return isinstance(call.func, gast.Attribute) and isinstance(call.func.value, gast.Name) \
            and call.func.value.id in self.locals

    def refuse_in_place(self, s):
        value = s.value if isinstance(s, (gast.Assign, gast.Expr)) else None
        if not isinstance(value, gast.Call):
            return
        if any(kw.arg == "out" for kw in value.keywords):
            self.fail(s, "`out=` writes into an array in place, which the gradient cannot "
                         "follow; assign the result instead")
        if self.is_method(value) and value.func.attr in ARRAY_MUTATORS:
            self.fail(s, f"`.{value.func.attr}()` changes an array in place, which the "
                         f"gradient cannot follow; use the NumPy function that returns a new "
                         f"array (`np.{value.func.attr}(...)`)")


class _UnionFind:
    def __init__(self):
        self.parent = {}

    def find(self, a):
        self.parent.setdefault(a, a)
        while self.parent[a] != a:
            self.parent[a] = self.parent[self.parent[a]]
            a = self.parent[a]
        return a

    def union(self, a, b):
        self.parent[self.find(a)] = self.find(b)

    def group(self, a):
        if a not in self.parent:
            return {a}
        root = self.find(a)
        return {n for n in self.parent if self.find(n) == root}

    def groups(self):
        roots = {}
        for n in list(self.parent):
            roots.setdefault(self.find(n), set()).add(n)
        return list(roots.values())

    def forget(self, a):
        """Take ``a`` out of every group (it stands alone from now on)."""
        members = self.group(a) - {a}
        for n in list(self.parent):
            if n in members or n == a:
                del self.parent[n]
        for n in sorted(members):
            self.parent[n] = min(members)


def _assignments(stmts, in_loop):
    for s in stmts:
        if isinstance(s, gast.Assign):
            yield s, in_loop
        elif isinstance(s, gast.If):
            yield from _assignments(s.body + s.orelse, in_loop)
        elif isinstance(s, (gast.For, gast.While)):
            yield from _assignments(s.body, True)


def _liveness(stmts, out, live):
    """Fill ``live[id(stmt)]`` with the names live just after each statement."""
    current = set(out)
    for s in reversed(stmts):
        live[id(s)] = set(current)
        current = _live_in(s, current, live)
    return current


def _live_in(s, out, live):
    if isinstance(s, gast.If):
        return (_liveness(s.body, out, live) | _liveness(s.orelse, out, live)
                | loads(s.test))
    if isinstance(s, (gast.For, gast.While)):
        head = set(out)
        while True:  # a loop's body runs again: what is live at its head is live at its end
            test = s.iter if isinstance(s, gast.For) else s.test
            new = head | _liveness(s.body, head, live) | loads(test)
            if new == head:
                return head
            head = new
    if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name):
        return (out - {s.targets[0].id}) | loads(s.value)
    return out | loads(s)


def _is_append(s):
    v = s.value
    return (isinstance(s.targets[0], gast.Name) and isinstance(v, gast.Call)
            and isinstance(v.func, gast.Name) and v.func.id == "append" and v.args
            and isinstance(v.args[0], gast.Name) and v.args[0].id == s.targets[0].id)


def _fresh(fun):
    if getattr(fun, "__module__", None) == "math":  # floats in, a float out
        return True
    try:
        return fun in FRESH
    except TypeError:  # unhashable
        return False


def _names(node):
    return {n.id for n in gast.walk(node) if isinstance(n, gast.Name)
            and isinstance(n.ctx, gast.Load)}


def _located(node, like):
    for n in gast.walk(node):
        n.lineno, n.col_offset = getattr(like, "lineno", None), getattr(like, "col_offset", 0)
    return node
