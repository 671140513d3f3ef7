"""Constructs on lists, dicts and array items: append, np.stack, list comprehensions, sum,
sorted, dict entries, and in-place writes (also through aliases, dict entries, list elements
and into an argument)."""

from tests.fuzz.program import NotHere
from tests.fuzz.statements import seq, shapes
from tests.fuzz.values import SCALAR, Arr, Int, Record, Seq


def list_append(w):
    if w.b.room() < 4 or (w.scope.loops and not w.b.on("loop.nested")):
        raise NotHere
    shape = shapes(w)
    k, i = w.b.rng.randint(2, 4), w.b.fresh("i")
    name = w.b.fresh("xs")
    w.emit(f"{name} = []")
    w.b.use("list.append", "for.range", *(["loop.nested"] if w.scope.loops else []))
    with w.block(f"for {i} in range({k}):") as body:
        body.scope.add(i, Int(k))
        body.scope.loops += 1
        body.emit(f"{name}.append({body.expr(shape)})")
    w.scope.add(name, Seq(Arr(shape), k))  # after the loop: no reads of a short list
    if len(shape) <= 1 and w.b.on("list.stack") and w.b.chance(0.6):
        w.b.use("list.stack")
        w.new("st", Arr((k, *shape)), f"np.stack({name})")


def list_comprehension(w):
    n = w.b.dims[0]
    if w.b.chance(0.5):
        items = seq(w)
        kind = w.scope.names[items]
        item = w.b.fresh("item")
        inner = w.child_with({item: kind.item})
        shape = shapes(w)
        text = f"[{inner.expr(shape)} for {item} in {items}]"
        length = kind.length
    else:
        i = w.b.fresh("i")
        inner = w.child_with({i: Int(n)})
        shape, length = (), n
        text = f"[{inner.expr(())} for {i} in range({n})]"
    w.b.use("listcomp")
    w.new("xs", Seq(Arr(shape), length), text)


def builtin_sum(w):
    w.b.use("builtin.sum")
    if w.b.chance(0.5):
        items = seq(w)
        w.new("total", w.scope.names[items].item, f"sum({items})")
        return
    shape = shapes(w)
    w.new("total", Arr(shape), "sum([" + ", ".join(w.expr(shape, 1) for _ in range(3)) + "])")


def builtin_sorted(w):
    w.b.use("builtin.sorted")
    items = ", ".join(w.expr((), 1) for _ in range(3))
    w.new("ordered", Seq(SCALAR, 3), f"sorted([{items}])")


def dict_local(w):
    w.b.use("dict.local")
    names = [w.b.rng.choice("abcuvw") + str(k) for k in range(w.b.rng.randint(1, 3))]
    fields = tuple((key, Arr(shapes(w))) for key in dict.fromkeys(names))
    text = "{" + ", ".join(f"{key!r}: {w.expr(k.shape, 1)}" for key, k in fields) + "}"
    name = w.new("d", Record(fields), text)
    if w.b.chance(0.5):
        key, kind = w.b.rng.choice(fields)
        w.emit(f"{name}[{key!r}] = {w.expr(kind.shape)}")


# ----- in-place writes -----
def inplace(w):
    """A fresh array, written into (maybe through another name) and then read."""
    shape = w.b.rng.choice([s for s in (shapes(w) for _ in range(4)) if s] or [(w.b.dims[0],)])
    base = w.b.rng.choice([f"np.zeros({shape})", f"np.ones({shape})",
                           f"{w.expr(shape, 1)} * 1.0", f"({w.expr(shape, 1)}).copy()"])
    name = w.new("buf", Arr(shape), base)
    w.b.use("inplace")
    target = _through(w, name)
    for _ in range(w.b.rng.randint(1, 2)):
        write(w, target, shape)
    if w.b.on("inplace.loop", "for.range") and (not w.scope.loops or w.b.on("loop.nested")) \
            and w.b.chance(0.3):
        _write_in_loop(w, target, shape)
    w.new("v", Arr(shape), w.b.rng.choice(["{0} * {1}", "np.sin({0}) + {1}", "{0} + {1}"])
          .format(name, w.expr(shape, 1)))


def _through(w, name):
    """The text to write into ``name`` with: the name, an alias, a dict entry, a list item."""
    ways = [(2, "name")] + [(1, way) for way in ("alias", "dict", "list")
                           if w.b.on(f"inplace.{way}")]
    way = w.b.pick(ways)
    if way == "name":
        return name
    w.b.use(f"inplace.{way}")
    if way == "alias":
        return w.new("alias", w.scope.names[name], name)
    if way == "dict":
        d = w.new("box", Record((("buf", w.scope.names[name]),)), f"{{'buf': {name}}}")
        return f"{d}['buf']"
    kind = w.scope.names[name]
    items = w.new("bufs", Seq(kind, 2), f"[{name}, {w.expr(kind.shape, 1)}]")
    return f"{items}[0]"


def write(w, target, shape, index=None):
    """``target[<index>] = value`` (or ``+=``) for a random index of an array of ``shape``."""
    index, item = index or _index(w, shape)
    op = "+=" if w.b.chance(0.25) else "="
    w.emit(f"{target}[{index}] {op} {w.expr(item)}")


def _index(w, shape):
    rng = w.b.rng
    if len(shape) == 1:
        return str(rng.randrange(shape[0])), ()
    a, b = shape
    if w.b.on("inplace.slice") and rng.random() < 0.3:
        w.b.use("inplace.slice")
        return (f":, {rng.randrange(b)}", (a,)) if rng.random() < 0.5 else \
            (f"{rng.randrange(a)}, :", (b,))
    if rng.random() < 0.4:
        return str(rng.randrange(a)), (b,)
    return f"{rng.randrange(a)}, {rng.randrange(b)}", ()


def _write_in_loop(w, target, shape):
    i = w.b.fresh("i")
    w.b.use("inplace.loop", "for.range", *(["loop.nested"] if w.scope.loops else []))
    with w.block(f"for {i} in range({shape[0]}):") as body:
        body.scope.add(i, Int(shape[0]))
        body.scope.loops += 1
        item = shape[1:]
        prev = f" + 0.5 * {target}[{i} - 1]" if w.b.chance(0.5) else ""
        body.emit(f"{target}[{i}] = {body.expr(item)}{prev}")


def inplace_argument(w):
    """A write into an array argument of the entry function."""
    names = [n for n in w.scope.params if n in w.scope.arrays() and w.scope.names[n].shape]
    if not names:
        raise NotHere
    name = w.b.rng.choice(names)
    w.b.use("inplace", "inplace.arg")
    write(w, name, w.scope.names[name].shape)
