"""Stage 4a: shifts that the result does not depend on, whose adjoint is exactly zero.

Entry point: ``invariant(fndef, resolve) -> dict``: ``{id(call): statement}`` for the
statements ``m = <reduction>``
(``np.max(z, axis=-1, keepdims=True)``, ``np.mean(z)``, ...) whose value reaches the result
only through expressions that do not change when ``m`` moves by any ``d`` constant along the
reduced axes. The stable forms of log-softmax, softmax and log-sum-exp are such:

    z - m - np.log(np.sum(np.exp(z - m), axis=-1, keepdims=True))
    np.exp(z - m) / np.sum(np.exp(z - m), axis=-1, keepdims=True)
    m + np.log(np.sum(np.exp(z - m), axis=-1, keepdims=True))

The derivative of the result with respect to ``m`` is then zero everywhere, so ``m`` needs no
adjoint: the activity analysis treats it as a constant, as ``jax.nn.log_softmax`` does with
``stop_gradient``. Its adjoint would be a sum and the max's tie-splitting rule, eight array
operations per call that add up to zero but for rounding.

The proof is a small abstract interpretation of the statements after ``m`` in its block.
A value that depends on ``m`` has a *shift*: ``("add", c)`` when it moves by ``c * d``
(``z - m``: -1), ``("mul", c)`` when it is scaled by ``exp(c * d)`` (``np.exp(z - m)``).
``+ -`` add additive shifts, ``* /`` multiplicative ones (and scale additive ones by a
constant), ``np.exp`` and ``np.log`` turn one kind into the other, and ``sum``, ``mean``,
``max`` and ``min`` keep them where ``d`` is constant along the axes they reduce. Shift 0
is *invariant*: such a value may be used anywhere. Any other use of a shifted value
(returned, stored, passed to a call, read by another block or by an earlier statement, which
would see another iteration's ``m``) and ``m`` keeps its adjoint.
"""

import math
from collections.abc import Hashable
from fractions import Fraction

import gast
import numpy as np

from cpsgrad.transforms.activity import loads, name_counts

REDUCTIONS = {np.max: "max", np.amax: "max", np.min: "min", np.amin: "min", np.sum: "sum",
              np.mean: "mean"}
METHODS = {"max", "min", "sum", "mean"}
EXP, LOG = (np.exp, math.exp), (np.log, math.log)
ZERO = ("add", Fraction(0), True)


def invariant(fndef, resolve):
    """The reductions of ``fndef`` whose adjoint is zero (module docstring)."""
    uses, binds = name_counts(fndef)
    constants, out = _constants(fndef), {}
    for stmts in _blocks(fndef):
        for i, s in enumerate(stmts):
            reduction = _reduction(s, resolve)
            if reduction is None or binds.get(s.targets[0].id) != 1:
                continue
            proof = _Proof(s, reduction, resolve, constants)
            if proof.holds(stmts[i + 1:], uses, binds):
                out[id(s.value)] = s
    return out


def _blocks(fndef):
    """Every statement list of ``fndef`` outside its nested functions."""
    stack = [fndef.body]
    while stack:
        stmts = stack.pop()
        yield stmts
        for s in stmts:
            if isinstance(s, (gast.If, gast.For, gast.While)):
                stack += [s.body, s.orelse]


def _constants(fndef):
    """Names bound once, to a number (``t26 = -1``), and their values."""
    _uses, binds = name_counts(fndef)
    out = {}
    for s in gast.walk(fndef):
        if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name) \
                and binds.get(s.targets[0].id) == 1:
            value = _literal(s.value, {})
            if value is not None:
                out[s.targets[0].id] = value
    return out


def _literal(node, constants):
    """The number (or None, or tuple of ints) ``node`` is, if it is a constant; else None."""
    if isinstance(node, gast.Constant) and (node.value is None or type(node.value) in (
            int, float, bool)):
        return node.value if node.value is not None else "none"
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
        inner = _literal(node.operand, constants)
        return -inner if type(inner) in (int, float) else None
    if isinstance(node, gast.Name):
        return constants.get(node.id)
    if isinstance(node, gast.Tuple):
        items = [_literal(e, constants) for e in node.elts]
        return tuple(items) if all(type(v) is int for v in items) else None
    return None


def _reduction(s, resolve):
    """``(kind, operand)`` for ``name = <reduction>(x, ...)`` or ``x.<reduction>(...)``."""
    if not (isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name)
            and isinstance(s.value, gast.Call)):
        return None
    return _reduction_call(s.value, resolve)


def _reduction_call(call, resolve):
    func = call.func
    fun = resolve(func)
    kind = REDUCTIONS.get(fun) if isinstance(fun, Hashable) else None
    if kind is not None and len(call.args) == 1:
        return kind, call.args[0]
    if fun is None and isinstance(func, gast.Attribute) and func.attr in METHODS \
            and isinstance(func.value, gast.Name) and not call.args:
        return func.attr, func.value
    return None


class _Proof:
    """Whether the result is invariant to shifts of the name ``s`` binds (see the module
    docstring): ``holds`` interprets the statements after ``s``."""

    def __init__(self, s, reduction, resolve, constants):
        self.m, self.resolve, self.constants = s.targets[0].id, resolve, constants
        self.axes = self.reduced_axes(s.value)  # along which a shift of m is constant
        _kind, source = reduction
        self.source = source.id if isinstance(source, gast.Name) else None

    def reduced_axes(self, call):
        """``"all"``, a tuple of axes with ``keepdims=True``, or None (the reduction drops
        axes, so its shift does not line up with the array it was taken over)."""
        kwargs = {kw.arg: _literal(kw.value, self.constants) for kw in call.keywords}
        if set(kwargs) - {"axis", "keepdims"} or len(call.args) > 1:
            return None
        axis = kwargs.get("axis", "none")
        if axis == "none":
            return "all"
        if kwargs.get("keepdims") is not True:
            return None
        return (axis,) if type(axis) is int else axis if isinstance(axis, tuple) else None

    def holds(self, stmts, uses, binds):
        if self.axes is None:
            return False
        shifts = {self.m: ("add", Fraction(1), True)}
        seen = {}  # shifted name -> its reads in the statements interpreted
        for s in stmts:
            read = loads(s) & shifts.keys()
            if not read:
                continue
            if not (isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name)
                    and binds.get(s.targets[0].id) == 1):
                return False
            shift = self.shift(s.value, shifts)
            if shift is None:
                return False
            for n in gast.walk(s.value):
                if isinstance(n, gast.Name) and n.id in shifts:
                    seen[n.id] = seen.get(n.id, 0) + 1
            if shift[1] != 0:
                shifts[s.targets[0].id] = shift
        return all(uses.get(name, 0) == seen.get(name, 0) for name in shifts)

    def shift(self, node, shifts):
        """The shift of the value of ``node``, ZERO if invariant, None if not proved."""
        if isinstance(node, gast.Name):
            return shifts.get(node.id, (*ZERO[:2], node.id == self.source
                                        or type(self.constants.get(node.id)) in (int, float)))
        if isinstance(node, gast.Constant):
            return ZERO
        if isinstance(node, gast.UnaryOp) and isinstance(node.op, (gast.USub, gast.UAdd)):
            a = self.shift(node.operand, shifts)
            if a is None or a[0] != "add":
                return None
            return ("add", -a[1] if isinstance(node.op, gast.USub) else a[1], a[2])
        if isinstance(node, gast.BinOp):
            return self.binop(node, shifts)
        if isinstance(node, gast.Call):
            return self.call(node, shifts)
        return None

    def binop(self, node, shifts):
        a, b = self.shift(node.left, shifts), self.shift(node.right, shifts)
        if a is None or b is None:
            return None
        aligned = a[2] and b[2]
        if isinstance(node.op, (gast.Add, gast.Sub)):
            if "mul" in (a[0], b[0]):
                return None
            c = a[1] + b[1] if isinstance(node.op, gast.Add) else a[1] - b[1]
            return _normal(("add", c, aligned))
        if not isinstance(node.op, (gast.Mult, gast.Div)):
            return None
        divide = isinstance(node.op, gast.Div)
        if a[0] == "add" and a[1] != 0:  # (z - m) * k, (z - m) / k: scaled by a constant
            k = self.number(node.right)
            if b[1] != 0 or not k:
                return None
            return _normal(("add", a[1] / k if divide else a[1] * k, aligned))
        if b[0] == "add" and b[1] != 0:
            k = self.number(node.left)
            return None if divide or a[1] != 0 or k is None else _normal(
                ("add", b[1] * k, aligned))
        ca, cb = (a[1] if a[0] == "mul" else 0), (b[1] if b[0] == "mul" else 0)
        return _normal(("mul", ca - cb if divide else ca + cb, aligned))

    def number(self, node):
        value = _literal(node, self.constants)
        return Fraction(value) if type(value) in (int, float) and math.isfinite(value) \
            else None

    def call(self, node, shifts):
        fun = self.resolve(node.func)
        if any(fun is f for f in EXP + LOG) and len(node.args) == 1 and not node.keywords:
            a = self.shift(node.args[0], shifts)
            if a is None or a[1] == 0:
                return a
            want, give = ("add", "mul") if any(fun is f for f in EXP) else ("mul", "add")
            return (give, a[1], a[2]) if a[0] == want else None
        reduction = _reduction_call(node, self.resolve)
        if reduction is None:
            return None
        kind, operand = reduction
        a = self.shift(operand, shifts)
        if a is None or a[1] == 0:
            return a
        if kind == "sum" and a[0] == "add":
            return None  # adds the shift once per element summed
        axes = self.reduced_axes(node)
        if self.axes == "all" or (axes not in (None, "all") and self.along(axes, a[2])):
            return a
        return None

    def along(self, axes, aligned):
        """Whether a shift of ``m`` is constant along ``axes`` of a value (``aligned``: with
        as many axes as the array ``m`` was reduced from)."""
        def same(x, y):
            return x == y and (x < 0 or aligned)
        return all(any(same(a, b) for b in self.axes) for a in axes)


def _normal(shift):
    return shift if shift[1] != 0 else (*ZERO[:2], shift[2])
