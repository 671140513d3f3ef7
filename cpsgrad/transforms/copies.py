"""Copies that only rename (a step of stage 6, ``optimize``).

The ANF and the adjoint bind many values twice: ``t3 = 0.5 * t2`` then ``i = t3`` (a
helper's result taken under the caller's name), ``t8_bar = o_bar`` then ``t7_bar =
t8_bar`` (an adjoint handed on through the helper's temporaries). Where one of the two
names is a temporary (``t3``, ``t8_bar``) that nothing else reads, the copy goes:

- the temporary's one reader reads the other name instead (``t6_bar = o_bar * (1 - t5 *
  t5)``) when the temporary is the copy (so ``t3_bar = k(t3)`` keeps its name);
- else the value is computed under the other name (``i = 0.5 * t2``) when the temporary
  is the copied one. Between two adjoints, the one named after a value that is still
  there wins (``t23_bar = k(t23)``, not ``t20_bar = k(t23)`` once ``t20 = t23`` went).

Only within one block of one function, where nothing in between mentions the renamed name
or rebinds the copied one, and where no nested function mentions either (a continuation
could read or rebind them when it runs).
"""

import re

import gast

from cpsgrad import syntax
from cpsgrad.transforms.activity import name_counts
from cpsgrad.transforms.tiles import shared_names

TEMPORARY = re.compile(r"t\d+(_bar)?$")
SIMPLE = (gast.Assign, gast.AugAssign, gast.Expr, gast.Return)


def propagate_copies(module, shared_of=shared_names):
    """Drop the copies described above, in each module-level function, in one pass (a copy
    dropped never makes an earlier one droppable: no name is read less because of it).
    ``shared_of(fn)`` gives ``tiles.shared_names(fn)``, perhaps already found."""
    for fn in module.body:
        if isinstance(fn, gast.FunctionDef):
            _pass(fn, shared_of(fn))  # only names outside it are renamed: it stays true
    return module


def _pass(fn, shared):
    loads, binds = name_counts(fn)
    changed = False
    for block in syntax.blocks(fn):
        i = 0
        while i < len(block):
            copy = _copy(block[i])
            steps = (_computed_as, _read_as) if copy is not None and _follows_value(
                *copy, binds) else (_read_as, _computed_as)  # keep the copied name, mostly
            if copy is not None and not shared & set(copy) and any(
                    step(block, i, *copy, loads, binds) for step in steps):
                del block[i]
                changed = True
            else:
                i += 1
    return changed


def _copy(s):
    """``(a, b)`` for ``a = b`` between two different names."""
    if isinstance(s, gast.Assign) and len(s.targets) == 1 \
            and isinstance(s.targets[0], gast.Name) and isinstance(s.value, gast.Name) \
            and s.targets[0].id != s.value.id:
        return s.targets[0].id, s.value.id
    return None


def _follows_value(a, b, binds):
    """``a_bar = b_bar`` where the value ``b`` went (its copy was dropped) and ``a`` is
    still there: keep ``a_bar``, the adjoint named after the value it belongs to."""
    return a.endswith("_bar") and b.endswith("_bar") \
        and not binds.get(b[:-4]) and bool(binds.get(a[:-4]))


def _computed_as(block, i, a, b, loads, binds):
    """``b = e ... a = b`` with ``b`` a temporary read only here: ``a = e``."""
    if not (TEMPORARY.match(b) and loads.get(b) == 1 and binds.get(b) == 1):
        return False
    for j in range(i - 1, -1, -1):
        s = block[j]
        if isinstance(s, gast.Assign) and len(s.targets) == 1 \
                and isinstance(s.targets[0], gast.Name) and s.targets[0].id == b:
            s.targets[0].id = a  # a is bound here instead of by the copy; b is gone
            loads[b], binds[b] = 0, 0
            return True
        if _mentions(s, {a, b}):
            return False
    return False


def _read_as(block, i, a, b, loads, binds):
    """``a = b ... f(a)`` with ``a`` a temporary bound and read only there: ``f(b)``."""
    if not (TEMPORARY.match(a) and loads.get(a) == 1 and binds.get(a) == 1):
        return False
    for k in range(i + 1, len(block)):
        s = block[k]
        if _mentions(s, {a}):
            if not isinstance(s, SIMPLE):
                return False
            for n in gast.walk(s):
                if isinstance(n, gast.Name) and n.id == a:
                    n.id = b  # b read here instead of by the copy; a is gone
            loads[a], binds[a] = 0, 0
            return True
        if _binds(s, b):
            return False
    return False


def _mentions(s, names):
    return any(isinstance(n, gast.Name) and n.id in names for n in gast.walk(s))


def _binds(s, name):
    return any(isinstance(n, gast.Name) and n.id == name and not isinstance(n.ctx, gast.Load)
               for n in gast.walk(s))
