"""The adjoint variables of the cps stage: who owns each, and how a contribution is added.

A value's adjoint ``v_bar`` lives in the frame that defined ``v``. Its *state* there is
``ZERO`` (nothing added yet: the first contribution is assigned, ``v_bar = g``), ``ALIAS``
(``v_bar`` may be shared with another value: the next contribution makes a new one,
``v_bar = v_bar + g``) or ``OWNED`` (a private accumulator: added into in place). A
continuation adds into the adjoints of values of an enclosing frame through ``nonlocal``;
those are dense zeros made just before the jump (``inits``). Numbers and arrays (kind
``num``) add with ``+=``; trees and objects through ``trees.add_item`` / ``accumulate``.
"""

import gast
import numpy as np

from cpsgrad import runtime, syntax, trees
from cpsgrad.naming import bar
from cpsgrad.rules import numpy as rules_numpy
from cpsgrad.transforms.statements import ALIAS, OWNED, ZERO


class Accumulators:
    """Mixed into the cps stage (``cps._Cps``): its ``owner``, ``kind``, ``active``,
    ``dense`` and ``handed_back`` tables, and the adjoint statements that add into them."""

    def define(self, frame, source_name, env, kind="any", active=None):
        """A fresh name for a new value of ``source_name``, owned by ``frame``."""
        return self.define_as(frame, source_name, self.namer.version(source_name), env, kind,
                              active)

    def define_as(self, frame, source_name, name, env, kind="any", active=None):
        """``define`` with the new value's name ``name`` chosen by the caller."""
        env[source_name] = name
        if source_name in self.unit.numeric_names(self.fndef):
            kind = "num"
        self.owner[name], self.kind[name] = frame, kind
        frame.state[name] = ZERO
        if active if active is not None else source_name in self.analysis.active:
            self.active.add(name)
        return name

    def is_active(self, name):
        return name in self.active

    def contribute(self, frame, v, expr, index=None, source_index=None):
        """Statements adding ``expr`` (at ``index`` if given) to the adjoint of ``v``."""
        if v not in self.active:
            return []
        owner, b, num = self.owner[v], bar(v), self.kind.get(v) == "num" and index is None
        helper = self.unit.bind
        if owner is not frame:
            frame.writes.add(v)
        dense = owner is not frame or (v in self.dense and frame.state[v] == OWNED)
        if dense and self.kind.get(v) == "num" and _basic_index(source_index):
            # a dense accumulator (zeros_like, before a jump): add into it in place
            return [syntax.aug_add(syntax.subscript(b, source_index, "store"), expr)]
        if owner is not frame:
            frame.nonlocals.add(b)
            if index is not None:
                return [syntax.assign(b, syntax.call(helper("add_item", trees.add_item),
                                                     [b, index, expr]))]
            if num:
                return [self.add_into(b, expr)]
            return [syntax.assign(b, syntax.call(helper("accumulate", trees.accumulate),
                                                 [b, expr]))]
        state = frame.state[v]
        if index is not None:
            return self.contribute_item(frame, v, expr, index, source_index)
        if state == ZERO:
            frame.state[v] = ALIAS
            return [syntax.assign(b, expr)]
        frame.state[v] = OWNED
        if num and state == OWNED:
            return [self.add_into(b, expr)]
        if num:
            return [syntax.assign(b, syntax.plus(b, expr))]
        if state == OWNED:
            return [syntax.assign(b, syntax.call(helper("accumulate", trees.accumulate),
                                                 [b, expr]))]
        return [syntax.assign(b, syntax.call(helper("add", runtime.add), [b, expr]))]

    def contribute_item(self, frame, v, expr, index, source_index):
        """``contribute`` at ``v[index]``, in ``v``'s own frame."""
        state, b, helper = frame.state[v], bar(v), self.unit.bind
        frame.state[v] = OWNED
        if state == ZERO and self.kind.get(v) == "num" and _sliced(source_index):
            self.dense.add(v)  # zeros, the slice written; later slices added in place
            return [syntax.assign(b, self.zero(v)),
                    syntax.assign(syntax.subscript(b, source_index, "store"), expr)]
        if state == ZERO:
            return [syntax.assign(b, syntax.call(helper("item_bar", trees.item_bar),
                                                 [v, index, expr]))]
        acc = b if state == OWNED else syntax.call(helper("copy_bar", trees.copy_bar), [b])
        return [syntax.assign(b, syntax.call(helper("add_item", trees.add_item),
                                             [acc, index, expr]))]

    def add_into(self, b, expr):
        """``b += expr``, but ``b = add_outer(b, g, y)`` for a rank-one update of a matrix
        (``np.outer(g, y)``, ``dot_vjp_x(g, W, y)``): kept as factors, one GEMM when read."""
        fun = self.unit.resolve_emitted(expr.func) if isinstance(expr, gast.Call) else None
        for rule, helper in ((np.outer, rules_numpy.add_outer),
                             (rules_numpy.dot_vjp_x, rules_numpy.add_dot_vjp_x),
                             (rules_numpy.matmul_vjp_x, rules_numpy.add_matmul_vjp_x)):
            if fun is rule and not expr.keywords:
                return syntax.assign(b, syntax.call(self.unit.bind(helper.__name__, helper),
                                                    [b, *expr.args]))
        return syntax.aug_add(b, expr)

    def zero(self, v):
        """A zero adjoint for ``v``: dense for numbers and arrays, sparse for trees."""
        if self.kind.get(v) == "num":
            return syntax.call(self.unit.bind("zeros_like", runtime.zeros_like), [v])
        return syntax.call(self.unit.bind("sparse_zeros", runtime.sparse_zeros), [v])

    def materialize(self, frame, v):
        if frame.state.get(v, OWNED) == ZERO:
            return self.zero(v)
        return syntax.name(bar(v))

    def frame_return(self, frame, params):
        values = [self.materialize(frame, p) for p in params if p in self.active]
        if not values:
            return []
        return [syntax.ret(values[0] if len(values) == 1 else syntax.tuple_(values))]

    # ----- functions and frames -----
    def replace(self, frame, v):
        """The adjoint name of ``v``, to be assigned a whole accumulator (owned from now)."""
        if self.owner[v] is frame:
            frame.state[v] = OWNED
        else:
            frame.nonlocals.add(bar(v))
            frame.writes.add(v)
        return bar(v)

    def inits(self, frame, target_frame):
        """Zero accumulators for this frame's values that ``target_frame`` adds to."""
        out = []
        for v in sorted(target_frame.writes if target_frame else ()):
            if self.owner[v] is frame and frame.state[v] == ZERO:
                if v not in self.handed_back:
                    out.append(syntax.assign(bar(v), self.zero(v)))
                frame.state[v] = OWNED
                self.dense.add(v)
            elif self.owner[v] is not frame:
                frame.writes.add(v)
        return out


def _basic_index(node):
    """Slices and integer constants: ``x[i] += g`` adds each element once."""
    if isinstance(node, gast.Tuple):
        return bool(node.elts) and all(map(_basic_index, node.elts))
    return isinstance(node, gast.Slice) or (
        isinstance(node, gast.Constant) and type(node.value) is int)


def _sliced(node):
    """A basic index with a slice in it (``x[:, a:b]``): its adjoint is dense anyway (a
    row ``E[i]`` of a large array keeps a row-sparse adjoint, ``sparse.RowSparse``)."""
    return _basic_index(node) and any(isinstance(n, gast.Slice) for n in gast.walk(node))
