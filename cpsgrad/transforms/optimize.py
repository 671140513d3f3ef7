"""Stage 6 (optional): remove dead code from the emitted module.

Entry point: ``optimize(module) -> module``. A statement ``x = rhs`` whose ``x`` is never
read anywhere in the module is dropped when ``rhs`` is pure (names, constants, operators,
subscripts, attributes, tuples); when ``rhs`` is a call (a continuation, a rule) only the
binding is dropped and the call stays. Iterates to a fixpoint. The tests pass with this
stage turned off (``CPSGRAD_OPTIMIZE=0``).
"""

import gast

from cpsgrad import syntax

PURE = (gast.Name, gast.Constant, gast.BinOp, gast.UnaryOp, gast.Compare, gast.Subscript, gast.Dict,
        gast.Attribute, gast.Tuple, gast.List)


def optimize(module):
    """Drop assignments to names that nothing reads, until nothing changes."""
    while True:
        used = {n.id for n in gast.walk(module)
                if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load)}
        used |= {name for n in gast.walk(module) if isinstance(n, gast.Nonlocal)
                 for name in n.names}
        changed = [False]
        _sweep(module, used, changed)
        if not changed[0]:
            return module


def _sweep(node, used, changed):
    for field in ("body", "orelse"):
        stmts = getattr(node, field, None)
        if not isinstance(stmts, list) or isinstance(node, gast.Expr):
            continue
        kept = []
        for stmt in stmts:
            live = _dead(stmt, used, changed)
            if live is not None:
                _sweep(live, used, changed)
                kept.append(live)
        if not kept and field == "body":
            kept = [syntax.pass_()]
        setattr(node, field, kept)


def _dead(s, used, changed):
    if not (isinstance(s, gast.Assign) and len(s.targets) == 1):
        return s
    target = s.targets[0]
    names = [n.id for n in gast.walk(target) if isinstance(n, gast.Name)]
    if not isinstance(target, (gast.Name, gast.Tuple)) or any(n in used for n in names):
        return s
    if isinstance(target, gast.Tuple) and not isinstance(s.value, gast.Call):
        return s
    if all(isinstance(n, PURE) for n in gast.walk(s.value) if isinstance(n, gast.expr)):
        changed[0] = True
        return None
    if isinstance(s.value, gast.Call):
        changed[0] = True
        return syntax.expr_stmt(s.value)
    return s  # kept as it is: nothing changed
