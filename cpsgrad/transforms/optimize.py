"""Stage 6 (optional): tidy the emitted module: slices that tile an adjoint written into
``empty_like`` (``tiles.py``), copies into and out of temporaries dropped (``copies.py``),
constant scales folded, dead code removed, and the comments left with no statement.

Entry point: ``optimize(module, objects, bind) -> module``. A statement ``x = rhs`` whose
``x`` is never read anywhere in the module is dropped when ``rhs`` is pure (names,
constants, operators, subscripts, attributes, tuples); when ``rhs`` is a call (a
continuation, a rule) only the binding is dropped and the call stays. Iterates to a
fixpoint.

A constant factor that reaches another through products is folded into it: the adjoint of
``0.5 * (np.tanh(0.5 * z) + 1.0)`` is ``z_bar = t1_bar * (1 - t2 * t2) * 0.25``, not
``t3_bar = t4_bar * 0.5`` ... ``z_bar = t1_bar * 0.5`` (one array operation fewer). Only
along names assigned and read once, in one block, with nothing in between touching the
scaled value. With this stage turned off (``CPSGRAD_OPTIMIZE=0``) every test passes
but those of the forms it emits.
"""

import gast

from cpsgrad import syntax
from cpsgrad.transforms.activity import name_counts
from cpsgrad.transforms.copies import propagate_copies
from cpsgrad.transforms.tiles import shared_names, tile_slices

PURE = (gast.Name, gast.Constant, gast.BinOp, gast.UnaryOp, gast.Compare, gast.Subscript, gast.Dict,
        gast.Attribute, gast.Tuple, gast.List)


def optimize(module, objects=None, bind=None):
    """Fold constant scales; write the slices of an adjoint that do not overlap
    (``tiles.py``; given the loader's names ``objects`` and ``bind`` to add one); drop copies
    into and out of temporaries (``copies.py``); drop assignments to names that nothing
    reads, until nothing changes."""
    found = {}

    def shared_of(fn):  # what neither step below changes: found once per function
        if id(fn) not in found:
            found[id(fn)] = shared_names(fn)
        return found[id(fn)]

    if objects is not None:
        tile_slices(module, objects, bind, shared_of)
    propagate_copies(module, shared_of)
    _fold_scales(module)
    while True:
        used = {n.id for n in gast.walk(module)
                if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load)}
        used |= {name for n in gast.walk(module) if isinstance(n, gast.Nonlocal)
                 for name in n.names}
        changed = [False]
        _sweep(module, used, changed)
        if not changed[0]:
            _drop_empty_comments(module)
            return module


def _drop_empty_comments(module):
    """A source-line comment with no statement of its own under it (the next statement is
    another such comment, or there is none): what it named was dropped or renamed."""
    def comment(s):
        return syntax.comment_text(s) is not None

    for block in syntax.blocks(module):
        if len(block) > 1:
            kept = [s for s, after in zip(block, [*block[1:], None], strict=True)
                    if not (comment(s) and (after is None or comment(after)))]
            block[:] = kept or block[-1:]


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


# ----- constant scales -----

def _fold_scales(module):
    for fn in module.body:  # each module-level function is a scope of its own
        if isinstance(fn, gast.FunctionDef):
            _fold_function(fn)


def _fold_function(fn):
    loads, stores = name_counts(fn)
    once = {name for name, k in loads.items() if k == 1 and stores.get(name) == 1}
    for block in syntax.blocks(fn):
        _fold_block(block, once)


def _fold_block(block, once):
    i = 0
    while i < len(block):
        scaled = _scaled(block[i])
        if scaled is None or block[i].targets[0].id not in once:
            i += 1
            continue
        chain = _chain(block, i, once)
        if chain is None:
            i += 1
            continue
        use, last = chain
        value, c1 = scaled
        _replace_load(block[use], block[i].targets[0].id, value)
        other, c2 = _scaled(block[last])
        block[last].value = syntax.binop(other, gast.Mult, syntax.const(c1 * c2))
        del block[i]


def _scaled(s):
    """``(name, c)`` for ``x = name * c`` or ``x = c * name`` (``c`` a number), else None."""
    if not (isinstance(s, gast.Assign) and len(s.targets) == 1
            and isinstance(s.targets[0], gast.Name) and isinstance(s.value, gast.BinOp)
            and isinstance(s.value.op, gast.Mult)):
        return None
    left, right = s.value.left, s.value.right
    for name, c in ((left, right), (right, left)):
        if isinstance(name, gast.Name) and isinstance(c, gast.Constant) \
                and type(c.value) in (int, float):
            return name, c.value
    return None


def _chain(block, start, once):
    """``(first use, last)``: the statements through which ``block[start]``'s scaled value
    flows, by copies and products, into one that scales it again; None if it does not."""
    name, scaled_name = block[start].targets[0].id, _scaled(block[start])[0].id
    first, products = None, 0
    for j in range(start + 1, len(block)):
        s = block[j]
        reads = {n.id for n in gast.walk(s) if isinstance(n, gast.Name)}
        if name not in reads:
            if first is None and (scaled_name in reads or not _plain(s)):
                return None  # something may change the scaled value before it is used
            continue
        if not (isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name)):
            return None
        first = j if first is None else first
        target, value = s.targets[0].id, s.value
        again = _scaled(s)
        if again is not None and again[0].id == name and products:
            return first, j
        if isinstance(value, gast.BinOp) and isinstance(value.op, gast.Mult) and any(
                isinstance(o, gast.Name) and o.id == name for o in (value.left, value.right)) \
                and not (isinstance(value.left, gast.Name) and isinstance(value.right, gast.Name)
                         and value.left.id == value.right.id):
            products += 1
        elif not (isinstance(value, gast.Name) and value.id == name):
            return None
        if target not in once:
            return None
        name = target
    return None


def _plain(s):
    """An assignment to a name of an expression without calls: it changes nothing else."""
    return isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name) and not any(
        isinstance(n, gast.Call) for n in gast.walk(s.value))


def _replace_load(stmt, old, new):
    for n in gast.walk(stmt):
        if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load) and n.id == old:
            n.id = new.id
