"""Stage 3a: inline — calls of small straight-line functions become their bodies.

Entry point: ``inline(fndef, callee_of, source) -> fndef`` (the ANF tree, rewritten in
place). A call ``t = f(a, b)`` of a user function whose ANF body is straight-line (plain
assignments and one final ``return``, calling only functions with gradient rules) becomes
``x = a; y = b; <f's body, renamed>; t = <what f returns>``. The adjoint of the caller then
runs the helper's adjoint as a plain reverse sweep: no continuation, no frame, no zero
accumulators per call. Control flow and calls of other user functions keep their
continuations, so the CPS shape stays where it does work.

``callee_of(call)`` gives ``(the callee's ANF tree, its signature, its Source, receiver)`` for
a call that may be inlined, else None; ``receiver`` is the node of a method's ``self``
(``self.cell`` in ``self.cell(x)``, found by ``transforms.receivers``) or None. Inlined
statements carry ``origin`` (the callee's Source), so comments and errors name the helper's
own lines; the callee's global names are bound in ``source.bound`` where the caller's module
means something else by them.
"""

import gast

from cpsgrad import syntax
from cpsgrad.naming import Namer
from cpsgrad.transforms.activity import loads

MAX_STATEMENTS = 40


def inline(fndef, callee_of, source):
    """``fndef`` with its inlinable calls replaced (see the module docstring)."""
    taken = {n.id for n in gast.walk(fndef) if isinstance(n, gast.Name)}
    _Inline(callee_of, source, Namer(taken)).block_of(fndef)
    return fndef


def straight_line(fndef):
    """Whether an ANF body is assignments and one final ``return``."""
    body = fndef.body
    return (bool(body) and len(body) <= MAX_STATEMENTS and isinstance(body[-1], gast.Return)
            and all(isinstance(s, gast.Assign) for s in body[:-1]))


class _Inline:
    def __init__(self, callee_of, source, namer):
        self.callee_of, self.source, self.namer = callee_of, source, namer

    def block_of(self, node):
        for field in ("body", "orelse"):
            stmts = getattr(node, field, None)
            if isinstance(stmts, list):
                setattr(node, field, _forward_tuples([new for s in stmts for new in self.stmt(s)]))

    def stmt(self, s):
        if isinstance(s, (gast.If, gast.For, gast.While, gast.FunctionDef)):
            self.block_of(s)
            return [s]
        if not (isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name)
                and isinstance(s.value, gast.Call)):
            return [s]
        call = s.value
        if any(isinstance(a, gast.Starred) for a in call.args) or any(
                kw.arg is None for kw in call.keywords):
            return [s]  # f(*xs, **kw): bound when the gradient runs
        found = self.callee_of(call)
        if found is None:
            return [s]
        tree, signature, origin, receiver = found
        args = s.value.args if receiver is None else [receiver, *s.value.args]
        try:
            bound = signature.bind(*args, **{kw.arg: kw.value for kw in s.value.keywords})
        except TypeError:
            return [s]  # the call itself raises: leave it to raise
        return self.expand(s, tree, signature, bound, origin)

    def expand(self, s, tree, signature, bound, origin):
        params = [a.id for a in tree.args.args]
        mapping = {p: self.namer.fresh(p) for p in sorted(_locals(tree))}
        out = []
        defaults = {p: signature.parameters[p].default for p in params
                    if p not in bound.arguments}
        if not all(d is None or isinstance(d, (bool, int, float, str))
                   for d in defaults.values()):
            return [s]  # an object as a default: keep the call
        for p in params:
            value = bound.arguments[p] if p in bound.arguments else syntax.const(defaults[p])
            out.append(_at(syntax.assign(mapping[p], value), s))
        rename = {**mapping, **self.globals_of(tree, origin, set(mapping))}
        for stmt in tree.body[:-1]:
            new = syntax.rename(stmt, rename)
            for n in gast.walk(new):
                if isinstance(n, gast.stmt) and not hasattr(n, "origin"):
                    n.origin = origin  # (a helper's helper keeps its own)
            out.append(new)
        result = syntax.rename(tree.body[-1].value, rename)
        out.append(_at(syntax.assign(s.targets[0].id, result), s))
        return out

    def globals_of(self, tree, origin, local):
        """The callee's global names, as names that mean the same objects in the caller."""
        out = {}
        for name in sorted({n for s in tree.body for n in loads(s)} - local):
            found, obj = origin.resolve(name)
            if not found:
                continue
            mine, same = self.source.resolve(name)
            if mine and same is obj:
                continue
            fresh = self.namer.fresh(name)
            self.source.bound[fresh] = obj
            out[name] = fresh
        return out


def _forward_tuples(stmts):
    """``t = a, b; ...; x = t[0]`` -> ``x = a`` while neither ``t`` nor ``a`` is re-bound in
    between (a helper's ``return h, c`` unpacked by its caller): the same object, and no
    tuple for the adjoint to build and take apart."""
    tuples = {}  # name -> its elements (Names and Constants)
    for s in stmts:
        if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name):
            v = s.value
            if isinstance(v, gast.Subscript) and isinstance(v.value, gast.Name) \
                    and v.value.id in tuples and isinstance(v.slice, gast.Constant) \
                    and type(v.slice.value) is int \
                    and -len(tuples[v.value.id]) <= v.slice.value < len(tuples[v.value.id]):
                s.value = syntax.copy_node(tuples[v.value.id][v.slice.value])
        if isinstance(s, (gast.If, gast.For, gast.While)):
            tuples = {}  # (a nested block: start afresh after it)
        stored = {s.name} if isinstance(s, gast.FunctionDef) else {  # (fence refuses nonlocal)
            n.id for n in gast.walk(s) if isinstance(n, gast.Name)
            and isinstance(n.ctx, gast.Store)}
        tuples = {t: elts for t, elts in tuples.items() if t not in stored and not any(
            isinstance(e, gast.Name) and e.id in stored for e in elts)}
        if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name):
            v, name = s.value, s.targets[0].id
            if isinstance(v, gast.Tuple) and all(isinstance(e, (gast.Name, gast.Constant))
                                                 and name != getattr(e, "id", None)
                                                 for e in v.elts):
                tuples[name] = v.elts
            elif isinstance(v, gast.Name) and v.id in tuples:
                tuples[name] = tuples[v.id]
    return stmts


def _locals(fndef):
    return {a.id for a in fndef.args.args} | {
        n.id for n in gast.walk(fndef) if isinstance(n, gast.Name)
        and isinstance(n.ctx, gast.Store)}


def _at(stmt, like):
    for n in gast.walk(stmt):
        n.lineno, n.col_offset = getattr(like, "lineno", None), getattr(like, "col_offset", 0)
    return stmt
