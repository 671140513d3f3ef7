"""Stage 4c: reductions whose adjoint can stay in its reduced shape.

Entry point: ``reduced(fndef, facts, resolve, registry) -> set``: the ids of the statements
``r = np.sum(x)`` (or ``np.mean``; over all axes, or with ``keepdims=True``) whose adjoint
may be ``g`` itself instead of ``repeat_to_match(g, x, ...)``, ``g`` broadcast back over
``x``'s shape into a new array.

That is so when the only thing that reads ``x``'s adjoint broadcasts it anyway:

* ``x`` is read once in the whole function (by the reduction), and bound once;
* ``x = a * b`` with both operands of ``x``'s shape (the shape facts say so): the adjoints
  ``g * b`` and ``g * a`` have the full shape whatever ``g``'s; ``x = a ** c`` for a number
  ``c`` (``g * c * a ** (c - 1)``); or ``x = f(a)`` for a
  one-argument ufunc whose rule is ``g * E`` or ``g / E``, ``E`` elementwise in ``a`` and
  ``ans`` (``np.exp``: ``g * ans``).

Cross-entropy (``np.sum(y * logp)``) and log-sum-exp (``np.sum(np.exp(z), axis=-1,
keepdims=True)``) are both so: their adjoint is one multiplication, not two operations.
"""

import gast
import numpy as np

from cpsgrad import syntax
from cpsgrad.rules.registry import inline_form
from cpsgrad.transforms.activity import name_counts

REDUCTIONS = (np.sum, np.mean)
SHAPED = (gast.BinOp, gast.UnaryOp, gast.Name, gast.Constant, gast.Call, gast.Attribute,
          gast.Load, gast.operator, gast.unaryop)


def reduced(fndef, facts, resolve, registry):
    """The reductions of ``fndef`` whose adjoint stays reduced (module docstring)."""
    uses, binds = name_counts(fndef)
    defs = {s.targets[0].id: s for s in gast.walk(fndef)
            if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name)}
    out = set()
    for s in gast.walk(fndef):
        if not (isinstance(s, gast.Assign) and isinstance(s.value, gast.Call)
                and resolve(s.value.func) in REDUCTIONS and _broadcastable(s.value)):
            continue
        x = s.value.args[0]
        if isinstance(x, gast.Name) and uses.get(x.id) == 1 and binds.get(x.id) == 1 \
                and x.id in defs and _full_adjoint(defs[x.id], facts, resolve, registry):
            out.add(id(s))
    return out


def _broadcastable(call):
    """A reduction over every axis (to a number) or with ``keepdims=True``, of one array."""
    kwargs = {kw.arg: kw.value for kw in call.keywords}
    if len(call.args) != 1 or set(kwargs) - {"axis", "keepdims"}:
        return False
    keep = kwargs.get("keepdims")
    axis = kwargs.get("axis")
    return (isinstance(keep, gast.Constant) and keep.value is True) or (
        keep is None and (axis is None or (isinstance(axis, gast.Constant)
                                           and axis.value is None)))


def _full_adjoint(d, facts, resolve, registry):
    """Whether every adjoint ``x = ...`` gives its operands has ``x``'s shape for any ``g``
    that broadcasts against ``x``."""
    v = d.value
    if isinstance(v, gast.BinOp) and isinstance(v.op, gast.Mult):
        return facts.sums.get(id(d), {}) == {0: (), 1: ()}
    if isinstance(v, gast.BinOp) and isinstance(v.op, gast.Pow):  # x ** 2: g * 2.0 * x
        return isinstance(v.right, gast.Constant) and type(v.right.value) in (int, float)
    if not (isinstance(v, gast.Call) and len(v.args) == 1 and not v.keywords):
        return False
    fun = resolve(v.func)
    rule = registry.lookup(fun) if isinstance(fun, np.ufunc) and fun.nin == 1 else None
    vjp = rule.vjp(0) if rule is not None and not rule.nondiff else None
    form = inline_form(vjp) if vjp is not None else None
    if not form or len(form[0]) != 3:  # noqa: PLR2004 (g, ans, x)
        return False
    (g, _, _, _), (ans, _, _, _), (x, _, _, _) = form[0]
    body = syntax.parse_expr(form[1])
    if not isinstance(body, gast.BinOp) or not isinstance(body.op, (gast.Mult, gast.Div)):
        return False
    factor = _other(body, g)
    if factor is None:
        return False
    names = {n.id for n in gast.walk(factor) if isinstance(n, gast.Name)}
    calls_ok = all(isinstance(n.func, gast.Attribute)
                   and isinstance(getattr(np, n.func.attr, None), np.ufunc)
                   for n in gast.walk(factor) if isinstance(n, gast.Call))
    return bool(names & {ans, x}) and names <= {ans, x, "np"} and calls_ok and all(
        isinstance(n, SHAPED) for n in gast.walk(factor))


def _other(body, g):
    """``E`` of ``g * E``, ``E * g`` or ``g / E``; None if ``body`` is not one of those."""
    is_g = [isinstance(side, gast.Name) and side.id == g for side in (body.left, body.right)]
    if is_g[0]:
        return body.right
    if is_g[1] and isinstance(body.op, gast.Mult):
        return body.left
    return None
