"""What the alias analysis (``alias_links.Links``) knows about calls, and its small tools.

Tables: the attributes that are never views (``x.shape``), the calls and array methods whose
result shares no memory with their arguments, and the constructors of new containers of
the same items (``list(a)``). Tools: a union-find of names, the assignments of a block, and
the names live after each statement.
"""

import gast
import numpy as np

from cpsgrad.transforms.activity import loads

NO_ALIAS_ATTRIBUTES = {"shape", "ndim", "size", "dtype", "itemsize", "nbytes"}
COPIES = (list, tuple, dict, sorted, set)  # a new container holding the same items
FRESH_METHODS = {  # array methods whose result shares no memory with the array
    "astype", "flatten", "sum", "mean", "max", "min", "prod", "std", "var", "dot",
    "cumsum", "cumprod", "round", "clip", "repeat", "tolist", "item", "argmax", "argmin",
    "argsort", "all", "any", "trace", "nonzero",
}
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


def from_globals(fndef, is_global):
    """Local names that may hold an object reached from a module-level value: bound to
    one (``t = G``), an item or attribute of one (``t = G["p"]``, ``t = G.cache``), or a
    loop variable over one; ``is_global(name)`` says a name means such a value."""
    sources = {}
    for n in gast.walk(fndef):
        if isinstance(n, gast.Assign) and isinstance(n.targets[0], gast.Name):
            sources.setdefault(n.targets[0].id, []).append(n.value)
        elif isinstance(n, gast.For) and isinstance(n.target, gast.Name):
            sources.setdefault(n.target.id, []).append(n.iter)
    out, changed = set(), True
    while changed:
        changed = False
        for name, values in sources.items():
            if name not in out and any(_reached(v, out, is_global) for v in values):
                out.add(name)
                changed = True
    return out


def _reached(value, found, is_global):
    while isinstance(value, (gast.Subscript, gast.Attribute)):
        value = value.value
    if isinstance(value, gast.Call) and isinstance(value.func, gast.Name) \
            and value.func.id == "items_of" and value.args:  # what a for loop goes over
        return _reached(value.args[0], found, is_global)
    return isinstance(value, gast.Name) and (value.id in found or is_global(value.id))


def fresh(fun):
    """Whether a call of ``fun`` returns an object that shares nothing with its arguments."""
    if getattr(fun, "__module__", None) == "math":  # floats in, a float out
        return True
    return member(fun, FRESH)


def member(fun, group):
    """``fun in group``, False for an unhashable ``fun``."""
    try:
        return fun in group
    except TypeError:  # unhashable
        return False


class UnionFind:
    """Names in groups that hold the same object (``Links.must``)."""

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


def assignments(stmts, in_loop):
    for s in stmts:
        if isinstance(s, (gast.Assign, gast.FunctionDef)):
            yield s, in_loop
        elif isinstance(s, gast.If):
            yield from assignments(s.body + s.orelse, in_loop)
        elif isinstance(s, (gast.For, gast.While)):
            yield from assignments(s.body, True)


def liveness(stmts, out, live):
    """Fill ``live[id(stmt)]`` with the names live just after each statement."""
    current = set(out)
    for s in reversed(stmts):
        live[id(s)] = set(current)
        current = live_in(s, current, live)
    return current


def live_in(s, out, live):
    if isinstance(s, gast.If):
        return (liveness(s.body, out, live) | liveness(s.orelse, out, live)
                | loads(s.test))
    if isinstance(s, (gast.For, gast.While)):
        head = set(out)
        while True:  # a loop's body runs again: what is live at its head is live at its end
            test = s.iter if isinstance(s, gast.For) else s.test
            new = head | liveness(s.body, head, live) | loads(test)
            if new == head:
                return head
            head = new
    if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name):
        return (out - {s.targets[0].id}) | loads(s.value)
    return out | loads(s)
