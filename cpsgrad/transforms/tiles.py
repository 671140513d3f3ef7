"""Adjoints put together from slices (a step of stage 6, ``optimize``).

The adjoint of an array read as slices, ``gates[:, :n]``, ``gates[:, n:2 * n]``, ... (the
gates of an LSTM cell), is made as zeros, the first slice's adjoint written into it and each
next one added in place. Where the slices are along one axis and their bounds are sums of
integer multiples of lengths of shapes (or of a length floor-divided by a constant: never
negative), it is known which of them overlap:

- a slice disjoint from the ones written before it is written (``b[:, n:2 * n] = g``), not
  added: the array is still zero there;
- slices that tile the axis, from its start to its end (``:n``, ``n:2 * n``, ..., ``3 * n:``),
  write every element, so the zeros are not made either (``empty_like``).

Only statements of one block, from ``b = zeros_like(v)`` up to the first one that does
anything else with ``b``, and only where no nested function mentions ``b``. A bound is
understood through the one assignment that defines its name in the function (values restored
from a reverse sweep's lists, ``for ..., t3, ... in zip(reversed(t3_saved), ...)``, are that
assignment's values of the same iteration); anything else is not understood, and nothing
changes.
"""

import gast

from cpsgrad import runtime, syntax
from cpsgrad.transforms.sweep import SAVED

END = "<end>"  # the length of the axis: an open upper bound


def tile_slices(module, objects, bind, shared_of=None):
    """Write, not add, disjoint slices of a zero adjoint; skip the zeros where they tile it.
    ``objects`` are the names the loader binds; ``bind(name, obj)`` binds one more. Each
    module-level function is a scope of its own; ``shared_of(fn)`` gives
    ``shared_names(fn)``, perhaps already found."""
    for fn in module.body:
        if isinstance(fn, gast.FunctionDef):
            _tile_function(fn, objects, bind, shared_of or shared_names)
    return module


def _tile_function(module, objects, bind, shared_of):
    written = {t.value.id for n in gast.walk(module) if isinstance(n, (gast.Assign, gast.AugAssign))
               for t in (n.targets if isinstance(n, gast.Assign) else [n.target])
               if isinstance(t, gast.Subscript) and isinstance(t.value, gast.Name)}
    found = [(block, i, b) for block in syntax.blocks(module)  # each `b = zeros_like(v)`
             for i, b in enumerate(_zeros(s, objects) for s in block) if b in written]
    if found:
        defs, captured = _definitions(module), shared_of(module)
        for block, i, b in found:
            if b not in captured:
                _tile(block, i, b, defs, bind)


def _tile(block, start, b, defs, bind):
    writes = []  # (statement index, axis position, (lower, upper) linear forms)
    shape = None
    for j in range(start + 1, len(block)):
        s = block[j]
        if not isinstance(s, (gast.Assign, gast.AugAssign, gast.Expr)):
            break  # a loop, a branch or a jump: the writes may not all run
        if b not in {n.id for n in gast.walk(s) if isinstance(n, gast.Name)}:
            continue
        found = _slice_write(s, b, defs)
        if found is None or (shape is not None and found[0] != shape):
            break
        shape = found[0]
        writes.append((j, found[1]))
    if not writes:
        return
    done = []
    for j, interval in writes:
        if all(_disjoint(interval, other) for other in done) and isinstance(block[j],
                                                                            gast.AugAssign):
            block[j] = syntax.assign(block[j].target, block[j].value)
        done.append(interval)
    if _tiled(done):
        call = block[start].value
        call.func = syntax.name(bind("empty_like", runtime.empty_like))


# ----- what the statements say -----

def _zeros(s, objects):
    """``b`` for ``b = zeros_like(v)``, else None."""
    if isinstance(s, gast.Assign) and len(s.targets) == 1 and isinstance(s.targets[0], gast.Name) \
            and isinstance(s.value, gast.Call) and isinstance(s.value.func, gast.Name) \
            and objects.get(s.value.func.id) is runtime.zeros_like and len(s.value.args) == 1:
        return s.targets[0].id
    return None


def _slice_write(s, b, defs):
    """``((length of the index, position of the slice), (lower, upper))`` for
    ``b[:, ..., lo:hi, :, ...] = e`` or ``+= e`` where only ``e`` does not mention ``b``;
    else None."""
    if isinstance(s, gast.Assign) and len(s.targets) == 1:
        target, value = s.targets[0], s.value
    elif isinstance(s, gast.AugAssign) and isinstance(s.op, gast.Add):
        target, value = s.target, s.value
    else:
        return None
    if not (isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name)
            and target.value.id == b) or any(
                isinstance(n, gast.Name) and n.id == b for n in gast.walk(value)):
        return None
    elts = target.slice.elts if isinstance(target.slice, gast.Tuple) else [target.slice]
    if not all(isinstance(e, gast.Slice) and e.step is None for e in elts):
        return None
    sliced = [p for p, e in enumerate(elts) if e.lower is not None or e.upper is not None]
    if len(sliced) != 1:
        return None
    e = elts[sliced[0]]
    lower = _linear(e.lower, defs) if e.lower is not None else ({}, 0)
    upper = _linear(e.upper, defs) if e.upper is not None else ({END: 1}, 0)
    if lower is None or upper is None or not (_nonnegative(lower) and _nonnegative(upper)):
        return None  # a negative bound counts from the end
    return (len(elts), sliced[0]), (lower, upper)


# ----- bounds as linear forms: ({atom: coefficient}, constant) -----

def _linear(node, defs, depth=0):
    """The linear form of an index expression, or None. Atoms are names of lengths of
    shapes (``t[1]`` with ``t = x.shape``, ``t[0] // 3``) and ``END``."""
    if depth > 16:  # noqa: PLR2004
        return None
    if isinstance(node, gast.Constant):
        return ({}, node.value) if type(node.value) is int else None
    if isinstance(node, gast.Name):
        value = defs.get(node.id)
        if value is None:
            return None
        if _is_length(value, defs, depth):
            return {node.id: 1}, 0
        return _linear(value, defs, depth + 1)
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
        inner = _linear(node.operand, defs, depth + 1)
        return None if inner is None else _scale(inner, -1)
    if isinstance(node, gast.BinOp) and isinstance(node.op, (gast.Add, gast.Sub, gast.Mult)):
        left, right = _linear(node.left, defs, depth + 1), _linear(node.right, defs, depth + 1)
        if left is None or right is None:
            return None
        if isinstance(node.op, gast.Mult):
            if not left[0]:
                return _scale(right, left[1])
            return _scale(left, right[1]) if not right[0] else None
        return _add(left, _scale(right, -1) if isinstance(node.op, gast.Sub) else right)
    return None


def _is_length(value, defs, depth):
    """``t[k]`` where ``t = x.shape`` (a length), or such a number floor-divided by a
    positive constant (``bl.shape[0] // 3``): an atom that is not negative."""
    if isinstance(value, gast.BinOp) and isinstance(value.op, gast.FloorDiv) \
            and isinstance(value.right, gast.Constant) and type(value.right.value) is int \
            and value.right.value > 0:
        inner = _linear(value.left, defs, depth + 1)
        return inner is not None and _nonnegative(inner)
    return isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name) \
        and isinstance(value.slice, gast.Constant) and type(value.slice.value) is int \
        and isinstance(defs.get(value.value.id), gast.Attribute) \
        and defs[value.value.id].attr == "shape"


def _scale(form, c):
    return {a: k * c for a, k in form[0].items()}, form[1] * c


def _add(f, g):
    atoms = dict(f[0])
    for a, k in g[0].items():
        atoms[a] = atoms.get(a, 0) + k
    return {a: k for a, k in atoms.items() if k}, f[1] + g[1]


def _nonnegative(form):
    return form[1] >= 0 and all(k >= 0 for k in form[0].values())


def _at_most(f, g):
    """Whether ``f <= g`` for every value of the atoms (all of them >= 0)."""
    return _nonnegative(_add(g, _scale(f, -1)))


def _disjoint(a, b):
    return _at_most(a[1], b[0]) or _at_most(b[1], a[0])


def _tiled(intervals):
    """Whether the intervals, each used once, chain from 0 to ``END`` without going back
    (bounds past the end are clipped to it: a last slice ``3 * n:`` is never backwards)."""
    left, at, end = list(intervals), ({}, 0), ({END: 1}, 0)
    while left:
        nxt = next((iv for iv in left if iv[0] == at and (iv[1] == end or _at_most(*iv))),
                   None)
        if nxt is None:
            return False
        left.remove(nxt)
        at = nxt[1]
    return at == end


# ----- the module -----

def _definitions(fn):
    """``{name: value}`` for each name assigned exactly once in the function (by ``name =
    value``), counting as no assignment a reverse sweep's restoring of the same name from
    its list (``for ..., name, ... in zip(reversed(name_saved), ...)``). One walk."""
    stores, defs, loops, loads, uses = [], {}, [], [], {}
    for node in gast.walk(fn):
        if isinstance(node, gast.Name):
            (loads if isinstance(node.ctx, gast.Load) else stores).append(node)
        elif isinstance(node, gast.Assign):
            if len(node.targets) == 1 and isinstance(node.targets[0], gast.Name):
                defs[node.targets[0].id] = node.value
        elif isinstance(node, gast.For):
            loops.append(node)
        elif isinstance(node, gast.Call):
            _list_use(node, uses)
    appended = _appended_only(uses, loads)
    restored = {id(n) for loop in loops if _restores(loop, appended)
                for n in gast.walk(loop.target)}
    counts = {}
    for node in stores:
        if id(node) not in restored:
            counts[node.id] = counts.get(node.id, 0) + 1
    return {name: value for name, value in defs.items() if counts.get(name) == 1}


def _list_use(call, uses):
    """Note ``n_saved.append(x)`` (fine if ``x`` is ``n``) and ``reversed(n_saved)``."""
    func = call.func
    if isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name) \
            and func.attr == "append":
        name = func.value.id
        ok = len(call.args) == 1 and isinstance(call.args[0], gast.Name) \
            and name == f"{call.args[0].id}{SAVED}"
        uses.setdefault(name, []).append((id(func.value), ok))
    elif isinstance(func, gast.Name) and func.id == "reversed" and call.args \
            and isinstance(call.args[0], gast.Name):
        uses.setdefault(call.args[0].id, []).append((id(call.args[0]), True))


def _appended_only(uses, loads):
    """Lists ``n_saved`` that are only appended ``n`` to and read reversed (a sweep's): any
    other read of the list (it may be changed) spoils it."""
    fine = {name for name, seen in uses.items() if all(ok for _, ok in seen)}
    counted = {i for seen in uses.values() for i, _ in seen}
    for node in loads:
        if node.id in fine and id(node) not in counted:
            fine.discard(node.id)
    return fine


def _restores(loop, appended):
    """A reverse sweep's loop over its saved lists: each target ``n`` read from
    ``reversed(n_saved)``, a list only ever appended ``n`` to."""
    target, it = loop.target, loop.iter
    names = target.elts if isinstance(target, gast.Tuple) else [target]
    lists = it.args if isinstance(it, gast.Call) and isinstance(it.func, gast.Name) \
        and it.func.id == "zip" else [it]
    return len(names) == len(lists) and all(
        isinstance(n, gast.Name) and isinstance(a, gast.Call) and isinstance(a.func, gast.Name)
        and a.func.id == "reversed" and len(a.args) == 1 and isinstance(a.args[0], gast.Name)
        and a.args[0].id == f"{n.id}{SAVED}" and a.args[0].id in appended
        for n, a in zip(names, lists, strict=False))


def shared_names(module):
    """Names of more than one function (a continuation reads or writes its enclosing
    frame's adjoints), and of any function that handles exceptions: writes into them are
    left as they are."""
    seen, out, handling = {}, set(), set()

    def visit(node, fn):
        if isinstance(node, (gast.FunctionDef, gast.Lambda)):
            fn = node
        elif isinstance(node, gast.Try):
            handling.add(fn)
        if isinstance(node, gast.Name):
            if seen.setdefault(node.id, fn) is not fn:
                out.add(node.id)
        elif isinstance(node, (gast.Nonlocal, gast.Global)):
            out.update(node.names)
        for child in gast.iter_child_nodes(node):
            visit(child, fn)

    visit(module, None)
    return out | {name for name, fn in seen.items() if fn in handling}
