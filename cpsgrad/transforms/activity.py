"""Stage 4: analyses on an ANF function — which names are active, which are live.

Entry point: ``activity(fndef, active_inputs, is_nondiff, library) -> Analysis``. Both analyses
return plain data: ``active`` (a set of names that depend on the inputs being
differentiated, flow-insensitive, found by fixpoint) and ``live_out`` (a dict from
``id(stmt)`` of every ``if``/loop to the names live just after it; loops also map
``("head", id(loop))`` to the names live at the loop head).
"""

import gast


class Analysis:
    def __init__(self, active, live_out):
        self.active = active
        self.live_out = live_out


def activity(fndef, active_inputs, is_nondiff, library):
    """Analyse ``fndef``; ``is_nondiff(rhs)`` says a call/attribute carries no gradient;
    ``library(call)`` that a call runs no user code (which could change its arguments)."""
    return Analysis(_active(fndef, set(active_inputs), is_nondiff, library),
                    _liveness(fndef))


def loads(node):
    """Names read by ``node`` (not descending into nested function bodies)."""
    out = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load):
            out.add(n.id)
        if isinstance(n, gast.FunctionDef):
            out |= free_names(n)
            continue
        stack.extend(gast.iter_child_nodes(n))
    return out


def name_counts(node):
    """``(loads, binds)``: how many times each name is read, and bound (stored or a
    parameter), anywhere under ``node``, nested functions included."""
    loads_, binds = {}, {}
    for n in gast.walk(node):
        if isinstance(n, gast.Name):
            table = loads_ if isinstance(n.ctx, gast.Load) else binds
            table[n.id] = table.get(n.id, 0) + 1
    return loads_, binds


def stores(stmts):
    """Names assigned anywhere in ``stmts`` (not in nested functions, but their names).

    ``x[i] = v`` and ``x.a = v`` count as a store of ``x``: they make a new value of ``x``.
    """
    out = set()
    stack = list(stmts)
    while stack:
        n = stack.pop()
        if isinstance(n, gast.FunctionDef):
            out.add(n.name)
            continue
        if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store):
            out.add(n.id)
        if isinstance(n, (gast.Subscript, gast.Attribute)) and isinstance(n.ctx, gast.Store) \
                and isinstance(n.value, gast.Name):
            out.add(n.value.id)
        stack.extend(gast.iter_child_nodes(n))
    return out


def free_names(fndef, defaults=True):
    """Names a nested function reads from its enclosing scopes, with those its defaults
    read (evaluated in the enclosing scope when the ``def`` runs) unless ``defaults`` is
    false."""
    own = stores(fndef.body) | {a.id for a in fndef.args.args}
    body = {n for s in fndef.body for n in loads(s)} - own
    return body | {n for d in fndef.args.defaults for n in loads(d)} if defaults else body


def escapes(fndef):
    """``[(stmt, function name, variable)]``: places where a nested function is passed on as a
    value (stored, returned, given to a call) while a variable it reads may still change
    afterwards (so a later call would see another value than the emitted code captured)."""
    later = later_stores(fndef)
    return [(s, d.name, changing[0]) for s, d, captured in passed_on(fndef)
            for changing in [sorted(captured & later.get(id(s), set()))] if changing]


def passed_on(fndef):
    """``[(stmt, def, names it reads)]`` for every use of a nested function as a value
    rather than as the function of a direct call."""
    out = []

    def scope(body, params):
        defs, captured = {}, {}
        for s in _walk_scope(body):
            if isinstance(s, gast.FunctionDef):
                defs[s.name] = s
            elif isinstance(s, gast.Assign) and isinstance(s.value, gast.Name) \
                    and isinstance(s.targets[0], gast.Name) and s.value.id in defs:
                defs[s.targets[0].id] = defs[s.value.id]  # g = lambda_4
        local = stores(body) | params
        for name, d in defs.items():
            captured[name] = free_names(d, defaults=False) & local
        for name, d in defs.items():  # what the functions it calls read
            for other in free_names(d) & set(defs):
                captured[name] |= captured[other]
        for s in _walk_scope(body):
            if isinstance(s, gast.FunctionDef):
                scope(s.body, {a.id for a in s.args.args})
                continue
            if isinstance(s, gast.Assign) and isinstance(s.value, gast.Name):
                continue
            called = {id(n.func) for n in gast.walk(s) if isinstance(n, gast.Call)}
            out.extend((s, defs[n.id], captured[n.id]) for n in gast.walk(s)
                       if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load)
                       and n.id in defs and id(n) not in called)

    scope(fndef.body, {a.id for a in fndef.args.args})
    return out


def _walk_scope(stmts):
    """Every simple statement and nested def of a function body, in source order."""
    for s in stmts:
        if isinstance(s, gast.If):
            yield from _walk_scope(s.body + s.orelse)
        elif isinstance(s, (gast.For, gast.While)):
            yield from _walk_scope(s.body)
        else:
            yield s


def later_stores(fndef):
    """``{id(stmt): names}``: the names that may be assigned (or written into) after
    ``stmt`` runs, in its own function: later statements, and the whole body of every loop
    around it. Nested functions are scopes of their own."""
    out = {}

    def walk(stmts, after):
        rests, rest = [], frozenset(after)
        for s in reversed(stmts):  # each statement's tree is walked once
            rests.append(rest)
            rest = rest | stores([s])
        for s, rest in zip(stmts, reversed(rests), strict=True):
            out[id(s)] = rest
            if isinstance(s, gast.If):
                walk(s.body, rest)
                walk(s.orelse, rest)
            elif isinstance(s, (gast.For, gast.While)):
                walk(s.body, rest | stores([s]))
            elif isinstance(s, gast.FunctionDef):
                walk(s.body, set())

    walk(fndef.body, set())
    return out


def _active(fndef, active, is_nondiff, library):
    """Names that depend on the active inputs and reach the result: a value the result
    does not depend on gets no adjoint (which could be 0 * inf = nan, as for an unused
    ``x = np.sqrt(x - x)`` carried around a loop). A call of user code counts as used, its
    result or not: it may change its arguments in place, and is then differentiated (and
    refused by the fence). Its result's name is kept active, but does not make what other
    bindings of that name read useful (``t = f(x)`` unused, then ``t = np.cbrt(x)`` in a loop
    would give ``0 / 0`` for ``x = 0``)."""
    assigns, seeds, called = [], set(), set()
    stack = list(fndef.body)
    while stack:
        s = stack.pop()
        if isinstance(s, (gast.Assign, gast.FunctionDef)):
            assigns.append(s)
            if isinstance(s, gast.Assign) and isinstance(s.value, gast.Call) \
                    and not library(s.value):
                called.add(_uses(s)[0])
                seeds |= loads(s.value)
        elif isinstance(s, (gast.If, gast.For, gast.While)):
            stack.extend(s.body + s.orelse)
        elif isinstance(s, (gast.Return, gast.Expr)):  # the result; calls for their effect
            seeds |= loads(s)
    changed = True
    while changed:
        changed = False
        for s in assigns:
            target, used = _uses(s)
            if not isinstance(s, gast.FunctionDef) and (
                    isinstance(s.value, (gast.Compare, gast.BoolOp)) or is_nondiff(s.value)):
                continue
            if target not in active and used & active:
                active.add(target)
                changed = True
    return active & (_useful(assigns, seeds) | called) | {a.id for a in fndef.args.args} & active


def _uses(s):
    """``(the name a statement assigns, the names its value reads)``."""
    if isinstance(s, gast.FunctionDef):
        return s.name, free_names(s)
    t = s.targets[0]
    return (t.id if isinstance(t, gast.Name) else t.value.id), loads(s.value)


def _useful(assigns, useful):
    """Names the result (or a call made for its effect) may depend on."""
    changed = True
    while changed:
        changed = False
        for s in assigns:
            target, used = _uses(s)
            if target in useful and not used <= useful:
                useful |= used
                changed = True
    return useful


def _liveness(fndef):
    live_out = {}
    _Live(live_out).block(fndef.body, set(), None)
    return live_out


class _Live:
    """Backward liveness over structured code; loops iterate to a fixpoint."""

    def __init__(self, live_out):
        self.live_out = live_out

    def block(self, stmts, out, loop):
        live = set(out)
        for s in reversed(stmts):
            live = self.stmt(s, live, loop)
        return live

    def stmt(self, s, out, loop):
        if isinstance(s, gast.Return):
            return loads(s)
        if isinstance(s, gast.Break):
            return set(loop[1])
        if isinstance(s, gast.Continue):
            return set(loop[0])
        if isinstance(s, gast.If):
            self.live_out[id(s)] = set(out)
            return (self.block(s.body, out, loop) | self.block(s.orelse, out, loop)
                    | loads(s.test))
        if isinstance(s, (gast.For, gast.While)):
            self.live_out[id(s)] = set(out)
            head = set(out)
            while True:
                target = {s.target.id} if isinstance(s, gast.For) else set()
                body_in = self.block(s.body, head, (head, out)) - target
                new = head | body_in | (loads(s.iter) if isinstance(s, gast.For) else set())
                if new == head:
                    break
                head = new
            self.live_out[("head", id(s))] = head
            return head
        if isinstance(s, gast.Assign):
            t = s.targets[0]
            if isinstance(t, gast.Name):
                return (out - {t.id}) | loads(s.value)
            return out | loads(s)
        if isinstance(s, gast.FunctionDef):
            return (out - {s.name}) | free_names(s)
        return out | loads(s)
