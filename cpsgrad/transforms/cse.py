"""Stage 3c: common subexpressions — one value for an operation written twice.

Entry point: ``cse(fndef, resolve) -> fndef`` (the ANF tree, rewritten in place).
``resolve(func)`` is the object a call refers to.

``log_softmax`` written as ``z - m - np.log(np.sum(np.exp(z - m), ...))`` computes ``z - m``
twice; so does ``a = x * y + np.sin(x * y)``. Each copy is a value of its own, and each gets
an adjoint of its own: twice the forward work and, worse, two reductions where one sum of
the adjoints would do. Here the second ``t1 = z - m`` becomes a use of the first::

    t0 = z - m                      t0 = z - m
    t1 = z - m           ->         t2 = np.exp(t0)
    t2 = np.exp(t1)

An operation (``+ - * / ** @ ...``, a comparison, unary minus) of names and constants is
merged with an earlier one in the same straight-line block when no operand and not the
earlier result has been re-bound in between. Any other statement between them (a call
that is not a NumPy ufunc or reduction, a write through a subscript or attribute, a loop,
a branch) ends the block: it might change an operand in place.

After the merge the two names are one object, so a write through one would be seen
through the other. A value is merged only if both its names are used nowhere but as
operands of operations and arguments of ufuncs and reductions, whose results are new
arrays: never returned, stored, passed to other code, indexed (a view) or written.
An ANF temporary assigned once is renamed to the value it repeats; a user's variable keeps
its name and becomes a copy (``b = a``).
"""

import re

import gast
import numpy as np

from cpsgrad import syntax
from cpsgrad.transforms import shapes

OPERATIONS = (gast.BinOp, gast.UnaryOp, gast.Compare)
REDUCTIONS = shapes.REDUCTIONS | {np.dot, np.matmul, np.outer}  # results are new arrays
TEMPORARY = re.compile(r"t\d+$")


def cse(fndef, resolve):
    """Merge repeated operations of ``fndef`` (module docstring)."""
    plain = _plain_names(fndef, resolve)
    once = _assigned_once(fndef)
    renames = {}
    _block(fndef.body, plain, once, renames, resolve)
    if renames:
        _rename_loads(fndef, renames)
    return fndef


def _block(stmts, plain, once, renames, resolve):
    seen = {}  # operation (``_key``) -> the name holding its value
    kept = []
    for s in stmts:
        for field in ("body", "orelse"):
            inner = getattr(s, field, None)
            if isinstance(inner, list) and not isinstance(s, gast.FunctionDef):
                _block(inner, plain, once, renames, resolve)
        if not (isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name)):
            seen.clear()
            kept.append(s)
            continue
        target, value = s.targets[0].id, s.value
        if isinstance(value, gast.Call) and not _pure_call(value, resolve):
            seen.clear()
        key = _key(value, renames)
        earlier = seen.get(key) if key is not None else None
        if earlier is not None and target in plain and earlier in plain:
            if target in once and earlier in once and TEMPORARY.match(target):
                renames[target] = earlier
                continue  # the statement goes; its uses read ``earlier``
            s.value = syntax.name(earlier)
        for k in [k for k, v in seen.items() if v == target or target in _operands(k)]:
            del seen[k]
        if key is not None and earlier is None and target not in _operands(key):
            seen[key] = target
        kept.append(s)
    stmts[:] = kept


def _key(value, renames):
    """The operation ``value`` as a tuple (operands renamed), or None if it is not one."""
    if isinstance(value, gast.BinOp):
        head, leaves = (type(value.op),), [value.left, value.right]
    elif isinstance(value, gast.UnaryOp):
        head, leaves = (type(value.op),), [value.operand]
    elif isinstance(value, gast.Compare):
        head, leaves = tuple(map(type, value.ops)), [value.left, *value.comparators]
    else:
        return None
    keys = []
    for leaf in leaves:
        if isinstance(leaf, gast.Name):
            keys.append(("name", renames.get(leaf.id, leaf.id)))
        elif isinstance(leaf, gast.Constant):
            keys.append(("const", type(leaf.value), leaf.value))
        else:
            return None
    return (type(value), head, tuple(keys))


def _operands(key):
    return {k[1] for k in key[2] if k[0] == "name"}


def _pure_call(call, resolve):
    """A call of a NumPy ufunc or reduction without ``out=``: it changes no argument."""
    fun = resolve(call.func)
    return (isinstance(fun, np.ufunc) or fun in REDUCTIONS) and not any(
        kw.arg in (None, "out", "where") for kw in call.keywords)


def _plain_names(fndef, resolve):
    """Names used only as operands of operations and arguments of ufuncs and reductions
    (module docstring), in the function and the functions nested in it."""
    bad = set()
    for node in gast.walk(fndef):
        if isinstance(node, gast.Assign) and isinstance(node.targets[0], gast.Name):
            allowed = _allowed_operands(node.value, resolve)
            bad |= {n.id for n in gast.walk(node.value)
                    if isinstance(n, gast.Name) and not any(n is a for a in allowed)}
        elif isinstance(node, gast.stmt) and not isinstance(node, gast.Assign):
            for field in ("value", "test", "iter", "target", "targets", "args", "decorator_list",
                          "returns", "items", "exc", "cause", "msg", "names"):
                for sub in _nodes(getattr(node, field, None)):
                    bad |= {n.id for n in gast.walk(sub) if isinstance(n, gast.Name)}
        elif isinstance(node, gast.Assign):  # x[i] = v, x.a = v, a, b = ...
            bad |= {n.id for t in node.targets for n in gast.walk(t) if isinstance(n, gast.Name)}
            bad |= {n.id for n in gast.walk(node.value) if isinstance(n, gast.Name)}
        elif isinstance(node, gast.Lambda):
            bad |= {n.id for n in gast.walk(node.body) if isinstance(n, gast.Name)}
    return {n.id for n in gast.walk(fndef) if isinstance(n, gast.Name)} - bad


def _allowed_operands(value, resolve):
    if isinstance(value, OPERATIONS):
        return [n for n in gast.walk(value) if isinstance(n, gast.Name)]
    if isinstance(value, gast.Call) and _pure_call(value, resolve):
        return [a for a in value.args if isinstance(a, gast.Name)]
    return []


def _nodes(x):
    if isinstance(x, gast.AST):
        return [x]
    return [n for n in x if isinstance(n, gast.AST)] if isinstance(x, list) else []


def _assigned_once(fndef):
    counts = {}
    for node in gast.walk(fndef):
        if isinstance(node, gast.Name) and isinstance(node.ctx, (gast.Store, gast.Param)):
            counts[node.id] = counts.get(node.id, 0) + 1
        elif isinstance(node, (gast.FunctionDef, gast.Nonlocal, gast.Global)):
            for n in getattr(node, "names", [getattr(node, "name", None)]):
                counts[n] = counts.get(n, 0) + 2
    return {n for n, c in counts.items() if c == 1}


def _rename_loads(fndef, renames):
    for node in gast.walk(fndef):
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load) \
                and node.id in renames:
            node.id = renames[node.id]
