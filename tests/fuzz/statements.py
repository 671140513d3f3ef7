"""Statement constructs: assignments, branches, loops, early exits.

Each construct is a function of a ``Writer``: it emits lines at the writer's point, keeps the
scope true (a block's own names vanish after it; a name a block rebinds keeps its type) and
records its tags. It raises ``NotHere`` (before writing anything) where it does not apply.
"""

from tests.fuzz.expressions import cond, constant
from tests.fuzz.program import NotHere
from tests.fuzz.values import Arr, Int, Seq

UPDATES = ["{v} + {e}", "0.5 * {v} + {e}", "0.9 * {v} + 0.1 * {e}", "np.tanh({v}) + {e}",
           "{e} - 0.5 * {v}", "{v} * {e}"]


def shapes(w):
    """Shapes for a new name: the program's standard ones and those already in scope."""
    n, m = w.b.dims
    standard = [(), (n,), (1, n), (n, 1), (n, m), (m,)]
    present = [w.scope.names[name].shape for name in w.scope.arrays()]
    return w.b.rng.choice(standard + present)


def assign(w):
    """``v = <expression>``, sometimes after a constant ``c = ...``."""
    if w.b.chance(0.08):
        shape = shapes(w)
        w.new("c", Arr(shape), constant(w, shape), const=True)
    shape = shapes(w)
    w.new("v", Arr(shape), w.expr(shape))


def rebind(w):
    names = w.scope.rebindable()
    if not names:
        raise NotHere
    update(w, w.b.rng.choice(names))


def augassign(w):
    names = w.scope.rebindable()
    if not names:
        raise NotHere
    name = w.b.rng.choice(names)
    op = w.b.rng.choice(["+=", "-=", "*="])
    w.emit(f"{name} {op} {w.expr(w.scope.names[name].shape)}")
    w.scope.touch(name)
    w.b.use("augassign")


def unused(w):
    w.b.use("unused")
    shape = shapes(w)
    if w.b.chance(0.3):
        w.emit(w.expr(shape))  # an expression statement
    else:
        w.emit(f"{w.b.fresh('unused')} = {w.expr(shape)}")


def update(w, name):
    """``name = <expression of name and the scope>``, keeping its shape."""
    shape = w.scope.names[name].shape
    w.emit(f"{name} = " + w.b.rng.choice(UPDATES).format(v=name, e=w.expr(shape)))
    w.scope.touch(name)


# ----- branches -----
def if_else(w):
    targets = _targets(w)
    elif_ = w.b.on("if.elif") and w.b.chance(0.35)
    w.b.use("if", *(["if.elif"] if elif_ else []))
    new = [t for t in targets if t not in w.scope.names]
    with w.block(f"if {cond(w)}:") as branch:
        _branch(branch, targets)
    if elif_:
        with w.block(f"elif {cond(w)}:") as branch:
            _branch(branch, targets)
    if new or w.b.chance(0.6):
        with w.block("else:") as branch:
            _branch(branch, targets)
    for name, kind in targets.items():
        w.scope.add(name, kind)


def _targets(w):
    """Names an if assigns in every branch: existing ones, or a new one."""
    names = w.scope.rebindable()
    if names and w.b.chance(0.6):
        chosen = w.b.rng.sample(names, min(len(names), w.b.rng.choice((1, 1, 2))))
        return {n: w.scope.names[n] for n in chosen}
    return {w.b.fresh("v"): Arr(shapes(w))}


def _branch(w, targets):
    if w.b.chance(0.35) and w.b.room() > 6:
        w.statements(1)
    for name, kind in targets.items():
        if name in w.scope.names and w.b.chance(0.5):
            update(w, name)
        else:
            w.emit(f"{name} = {w.expr(kind.shape)}")


def early_return(w):
    """``if <data>: return ...`` (in a loop too)."""
    if w.scope.result is None or (w.scope.loops and not w.b.on("return.loop")):
        raise NotHere
    w.b.use("if", "return.early", *(["return.loop"] if w.scope.loops else []))
    with w.block(f"if {cond(w)}:") as branch:
        branch.emit(returned(branch))


def returned(w):
    return "return " + ", ".join(w.expr(r.shape) for r in w.scope.result)


# ----- loops -----
def for_range(w):
    k = w.b.rng.randint(2, 4)
    i = w.b.fresh("i")
    header = w.b.rng.choice([f"range({k})", f"range({k})", f"range(1, {k + 1})"])
    loop(w, f"for {i} in {header}:", {i: Int(k + 1)}, "for.range")


def for_rows(w):
    names = [n for n in w.scope.arrays() if len(w.scope.names[n].shape) >= 1]
    if not names:
        raise NotHere
    name = w.b.rng.choice(names)
    row = w.b.fresh("r")
    loop(w, f"for {row} in {name}:", {row: Arr(w.scope.names[name].shape[1:])},
                "for.rows")


def for_list(w):
    items = seq(w)
    item = w.b.fresh("item")
    kind = w.scope.names[items]
    if w.b.on("builtin.reversed") and w.b.chance(0.3):
        w.b.use("builtin.reversed")
        loop(w, f"for {item} in reversed({items}):", {item: kind.item}, "for.list")
        return
    loop(w, f"for {item} in {items}:", {item: kind.item}, "for.list")


def for_zip(w):
    first, second = seq(w), seq(w)
    a, c = w.b.fresh("a"), w.b.fresh("b")
    kinds = {a: w.scope.names[first].item, c: w.scope.names[second].item}
    loop(w, f"for {a}, {c} in zip({first}, {second}):", kinds, "for.zip")


def for_enumerate(w):
    items = seq(w)
    i, item = w.b.fresh("i"), w.b.fresh("item")
    kind = w.scope.names[items]
    loop(w, f"for {i}, {item} in enumerate({items}):",
                {i: Int(kind.length), item: kind.item}, "for.enumerate")


def seq(w):
    """A list in scope, or a new list literal."""
    names = w.scope.of(Seq)
    if names and (w.b.chance(0.7) or not w.b.on("list.literal")):
        return w.b.rng.choice(names)
    if not w.b.on("list.literal"):
        raise NotHere
    shape = shapes(w)
    k = w.b.rng.randint(2, 3)
    w.b.use("list.literal")
    items = ", ".join(w.expr(shape, 1) for _ in range(k))
    return w.new("xs", Seq(Arr(shape), k), f"[{items}]")


def loop(w, header, bindings, tag, prologue=None):
    """A loop whose body updates one or two names of the enclosing scope; ``prologue``
    writes the first lines of the body."""
    if w.scope.loops and not w.b.on("loop.nested"):
        raise NotHere
    accs = accumulators(w)
    w.b.use(tag, *(["loop.nested"] if w.scope.loops else []))
    with w.block(header) as body:
        body.scope.loop, body.scope.loops = True, body.scope.loops + 1
        for name, k in bindings.items():
            body.scope.add(name, k)
        if prologue:
            prologue(body)
        loop_body(body, accs)


def accumulators(w):
    names = w.scope.rebindable()
    if names and w.b.chance(0.5):
        return w.b.rng.sample(names, min(len(names), w.b.rng.choice((1, 2))))
    shape = shapes(w)
    init = w.b.rng.choice([w.expr(shape, 1), "0.0" if shape == () else f"np.zeros({shape})"])
    return [w.new("acc", Arr(shape), init)]


def loop_body(w, accs):
    if w.b.chance(0.3):
        jump(w)
    if w.b.chance(0.4) and w.b.room() > 6:
        w.statements(1)
    for name in accs:
        update(w, name)
    if w.b.chance(0.2):
        jump(w)


def jump(w):
    """``if <cond>: break`` / ``continue`` / ``return ...``."""
    options = [(w.b.on("break"), "break"), (w.b.on("continue"), "continue"),
               (w.b.on("return.loop") and w.scope.result is not None, "return")]
    if not any(weight for weight, _ in options):
        return
    what = w.b.pick(options)
    w.b.use(*(["return.loop", "return.early"] if what == "return" else [what]))
    with w.block(f"if {cond(w)}:") as branch:
        branch.emit(returned(branch) if what == "return" else what)


def while_loop(w):
    """``while <data> and k < K:``, or ``while True:`` with breaks on the bound and on data
    (or ``while k < K:`` with neither ``and`` nor ``break``); the counter goes up first, so
    ``continue`` cannot make it spin."""
    k, bound = w.b.fresh("k"), w.b.rng.randint(2, 5)
    w.emit(f"{k} = 0")

    def count(body):
        body.emit(f"{k} += 1")

    def count_and_stop(body):
        count(body)
        w.b.use("break")
        for test in (f"{k} > {bound}", cond(body)):
            with body.block(f"if {test}:") as stop:
                stop.emit("break")

    if w.b.on("break") and (w.b.chance(0.3) or not w.b.on("boolop")):
        loop(w, "while True:", {k: Int(bound + 2)}, "while", count_and_stop)
    elif w.b.on("boolop"):
        w.b.use("boolop")
        loop(w, f"while ({cond(w)}) and {k} < {bound}:", {k: Int(bound + 1)}, "while", count)
    else:
        loop(w, f"while {k} < {bound}:", {k: Int(bound + 1)}, "while", count)
