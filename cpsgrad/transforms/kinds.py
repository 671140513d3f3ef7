"""Which names hold numbers or arrays ("num"), so that their adjoints add with ``+``.

Entry point: ``numeric_names(unit, fndef, kinds) -> set``; ``arg_kind(x)`` is the kind of a
runtime argument. Everything else (trees, objects, unknown values) is "any", whose adjoints
add with ``runtime.add``.
"""

import gast
import numpy as np

SEQUENCE_RESULTS = {"split", "array_split", "slogdet", "eigh", "append", "tolist"}


def numeric_names(unit, fndef, kinds, arrays=frozenset()):
    """Names of ``fndef`` whose every value is a number or an array (not a tree); ``kinds``
    says which parameters are (``"num"``). ``unit`` resolves names and knows the rules.
    ``arrays``: names the shape analysis found bound to numbers and arrays only (an item of
    a dict argument of known shape); taken where nothing but assignments and loops of
    ``fndef`` itself bind them."""
    params = [a.id for a in fndef.args.args]
    assigns = {}
    for node in gast.walk(fndef):
        if isinstance(node, gast.Assign) and isinstance(node.targets[0], gast.Name):
            assigns.setdefault(node.targets[0].id, []).append(node.value)
        elif isinstance(node, gast.FunctionDef) and node is not fndef:
            assigns.setdefault(node.name, []).append(None)
    names = set(assigns) | {p for p, k in zip(params, kinds, strict=False) if k == "num"}
    names -= {p for p, k in zip(params, kinds, strict=False) if k != "num"}
    used = _arithmetic_operands(fndef)
    changed = True
    while changed:
        changed = False
        for name in sorted(names - used):
            if not all(_numeric_rhs(unit, fndef, rhs, names) for rhs in assigns.get(name, [])):
                names.discard(name)
                changed = True
    containers = {n for n, rhss in assigns.items() if any(_container(unit, fndef, r)
                                                          for r in rhss)}
    found = (names | (used & set(assigns))) - containers  # [x] * 3 repeats a list
    extra = set(arrays) - found
    return found | (extra & _plainly_bound(fndef)) if extra else found


def _plainly_bound(fndef):
    """Names bound only by ``name = ...`` and ``for name in ...`` in ``fndef``'s own body."""
    plain, names, other = set(), set(), set()
    for node in gast.walk(fndef):
        if isinstance(node, gast.Assign) and isinstance(node.targets[0], gast.Name):
            plain.add(id(node.targets[0]))
        elif isinstance(node, gast.For) and isinstance(node.target, gast.Name):
            plain.add(id(node.target))
        elif isinstance(node, (gast.FunctionDef, gast.Lambda)) and node is not fndef:
            other |= {n.id for n in gast.walk(node) if isinstance(n, gast.Name)}
        elif isinstance(node, (gast.alias, gast.Global, gast.Nonlocal)):
            other |= {getattr(node, "asname", None) or getattr(node, "name", ""),
                      *getattr(node, "names", [])}
        elif isinstance(node, gast.Name) and not isinstance(node.ctx, gast.Load):
            names.add((node.id, id(node)))
    return {n for n, i in names if i in plain} - {n for n, i in names if i not in plain} - other


ARITHMETIC = (gast.Sub, gast.Mult, gast.Div, gast.Pow, gast.MatMult)
SEQUENCES = (list, tuple, sorted, dict)


def _container(unit, fndef, rhs):
    """Whether ``rhs`` builds a list, tuple or dict (then ``*`` repeats it)."""
    if isinstance(rhs, (gast.List, gast.Tuple, gast.Dict)):
        return True
    return isinstance(rhs, gast.Call) and unit.resolve_source(fndef, rhs.func) in SEQUENCES


def _arithmetic_operands(fndef):
    """Names used in ``- * / ** @`` or unary minus: they hold numbers or arrays (not trees)."""
    out = set()
    for node in gast.walk(fndef):
        operands = []
        if isinstance(node, gast.BinOp) and isinstance(node.op, ARITHMETIC):
            operands = [node.left, node.right]
        elif isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
            operands = [node.operand]
        out |= {o.id for o in operands if isinstance(o, gast.Name)}
    return out


def _numeric_rhs(unit, fndef, rhs, names):
    if isinstance(rhs, (gast.BinOp, gast.UnaryOp)):
        return True
    if isinstance(rhs, gast.Constant):
        return isinstance(rhs.value, (int, float)) and not isinstance(rhs.value, bool)
    if isinstance(rhs, gast.Name):
        return rhs.id in names
    if isinstance(rhs, gast.Subscript):
        return isinstance(rhs.value, gast.Name) and rhs.value.id in names
    if isinstance(rhs, gast.Call):
        func = rhs.func
        if isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name) \
                and func.value.id in unit.locals_of(fndef):
            return func.value.id in names and func.attr in unit.registry.methods \
                and func.attr not in SEQUENCE_RESULTS
        fun = unit.resolve_source(fndef, func)
        return (fun is not None and unit.registry.lookup(fun) is not None
                and getattr(fun, "__name__", "") not in SEQUENCE_RESULTS
                and (getattr(fun, "__module__", "") or "numpy").startswith("numpy"))
    return False


def arg_kind(x):
    return "num" if isinstance(x, (float, np.ndarray, np.floating)) else "any"
