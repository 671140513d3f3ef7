"""Pending constructs: builtins (map, pow, round, list, tuple, dict, min/max forms,
``.item()``, ``.tolist()``), math functions, comprehensions and generator expressions,
starred assignment, ``with``, ``import`` in the body, try/except/else/finally.

Drawn only when their tags are enabled (``--include`` or ``--only``): see tags.PENDING.
``CONSTRUCTS`` lists them, with those of pending_calls, as ``(construct, tags, weight)``.
"""

from tests.fuzz import pending_calls
from tests.fuzz.statements import seq, shapes, update
from tests.fuzz.values import SCALAR, Arr, Int, Record, Seq

MATH = ["math.exp(0.5 * {0})", "math.log(1.0 + {0} ** 2)", "math.sqrt(1.0 + {0} ** 2)",
        "math.sin({0})", "math.cos({0})", "math.tanh({0})", "math.atan2({0}, 1.5)",
        "math.hypot({0}, 1.0)"]


def scalar_builtin(w):
    """One of pow, round, min/max of three, .item(), a math function, on scalars."""
    b = w.b
    a, c, d = (w.expr((), 1) for _ in range(3))
    n = w.b.dims[0]
    options = {"builtin.pow": [f"pow({a}, 2)", f"pow(1.0 + {a} ** 2, 0.5)"],
               "builtin.round": [f"{a} * round({c})", f"round({a}, 1) + {c}"],
               "builtin.minmax_many": [f"max({a}, {c}, {d})", f"min({a}, {c}, {d})"],
               "builtin.item": [f"np.sum({w.expr((n,), 1)}).item()",
                                f"{w.expr((n,), 1)}[0].item()"],
               "math": [t.format(a) for t in MATH]}
    tag = b.rng.choice([t for t in options if b.on(t)])
    if tag == "math":
        b.import_("import math")
    b.use(tag)
    w.new("s", SCALAR, b.rng.choice(options[tag]))


def sequence_builtin(w):
    """list(), tuple(), .tolist(), map, min/max over an iterable or with key=."""
    b, n = w.b, w.b.dims[0]
    items = seq(w)
    kind = w.scope.names[items]
    mapped = w.child_with({"u": kind.item}).expr(kind.item.shape)
    options = {"builtin.list": (f"list({w.expr((n,), 1)})", Seq(SCALAR, n)),
               "builtin.tuple": (f"tuple({items})", kind),
               "builtin.tolist": (f"({w.expr((n,), 1)}).tolist()", Seq(SCALAR, n)),
               "builtin.map": (f"list(map(lambda u: {mapped}, {items}))", kind),
               "builtin.minmax_iter": (f"max([{w.expr((), 1)}, {w.expr((), 1)}])", SCALAR),
               "builtin.minmax_key": (f"max({items}, key=lambda u: np.sum(u))", kind.item)}
    tag = b.rng.choice([t for t in options if b.on(t)])
    b.use(tag)
    text, result = options[tag]
    w.new("s", result, text)


def dict_builtin(w):
    fields = (("a", Arr(shapes(w))), ("c", Arr(shapes(w))))
    w.b.use("builtin.dict")
    values = ", ".join(f"{key}={w.expr(kind.shape)}" for key, kind in fields)
    w.new("d", Record(fields), f"dict({values})")


def comprehension(w):
    b = w.b
    items = seq(w)
    kind = w.scope.names[items]
    item = b.fresh("item")
    inner = w.child_with({item: kind.item})
    shape = kind.item.shape
    options = {
        "listcomp.if": lambda: (f"sum([{inner.expr(shape)} for {item} in {items} if "
                                f"{inner.expr((), 1)} > 0.0], np.zeros({shape}))", Arr(shape)),
        "listcomp.nested": lambda: _nested(w, items, kind),
        "dictcomp": lambda: ("{" + f"k: {w.child_with({'k': Int(kind.length)}).expr(shape)} "
                             f"for k in range({kind.length})" + "}",
                             Record(tuple((k, kind.item) for k in range(kind.length)))),
        "genexp.sum": lambda: (f"sum(({inner.expr(shape)} for {item} in {items}), "
                               f"np.zeros({shape}))", Arr(shape)),
        "genexp": lambda: _genexp(w, items, kind, item, inner),
    }
    tag = b.rng.choice([t for t in options if b.on(t)])
    b.use(tag)
    text, result = options[tag]()
    w.new("c", result, text)


def _nested(w, items, kind):
    other = seq(w)
    second = w.scope.names[other]
    a, c = w.b.fresh("item"), w.b.fresh("item")
    inner = w.child_with({a: kind.item, c: second.item})
    shape = shapes(w)
    return (f"[{inner.expr(shape)} for {a} in {items} for {c} in {other}]",
            Seq(Arr(shape), kind.length * second.length))


def _genexp(w, items, kind, item, inner):
    shape = kind.item.shape
    consumers = [(f"max({inner.expr((), 1)} for {item} in {items})", SCALAR),
                 (f"min({inner.expr((), 1)} for {item} in {items})", SCALAR),
                 (f"tuple({inner.expr(shape)} for {item} in {items})", kind),
                 (f"list({inner.expr(shape)} for {item} in {items})", kind),
                 (f"np.array(tuple({inner.expr((), 1)} for {item} in {items}))",
                  Arr((kind.length,)))]
    if len(shape) <= 1:
        consumers.append((f"np.stack(list({inner.expr(shape)} for {item} in {items}))",
                          Arr((kind.length, *shape))))
    return w.b.rng.choice(consumers)


def set_comprehension(w):
    n = w.b.dims[0]
    idx, j = w.b.fresh("idx"), w.b.fresh("j")
    w.emit(f"{idx} = {{i % {n} for i in range({n + 2})}}")
    acc = w.new("acc", SCALAR, "0.0")
    with w.block(f"for {j} in sorted({idx}):") as body:
        body.emit(f"{acc} = {acc} + {w.expr((n,), 1)}[{j}]")
    w.b.use("setcomp", "for.list")


def starred_assign(w):
    items = seq(w)
    kind = w.scope.names[items]
    first, rest = w.b.fresh("first"), w.b.fresh("rest")
    w.emit(f"{first}, *{rest} = {items}")
    w.scope.add(first, kind.item)
    w.scope.add(rest, Seq(kind.item, kind.length - 1))
    w.b.use("starred.assign")


def with_block(w):
    b = w.b
    tags = [t for t in ("with.errstate", "with.nullcontext", "with.user") if b.on(t)]
    tag = b.rng.choice(tags)
    if tag == "with.nullcontext":
        b.import_("import contextlib")
        header = "with contextlib.nullcontext():"
    elif tag == "with.user":
        name = b.fresh("Quiet")
        b.modules.append(f"class {name}:\n    def __enter__(self):\n        return self\n\n"
                         f"    def __exit__(self, *exc):\n        return False")
        header = f"with {name}():"
    else:
        header = "with np.errstate(all='ignore'):"
    b.use(tag)
    names = w.scope.rebindable()
    with w.block(header, scope=w.scope) as body:
        if names:
            update(body, b.rng.choice(names))
        shape = shapes(w)
        body.new("v", Arr(shape), body.expr(shape))


def local_import(w):
    w.b.use("import.local")
    if w.b.chance(0.5):
        w.emit("import math")
        w.new("s", SCALAR, f"math.sin({w.expr(())})")
    else:
        w.emit("from numpy import tanh")
        shape = shapes(w)
        w.new("v", Arr(shape), f"tanh({w.expr(shape)})")


def try_block(w):
    shape = shapes(w)
    name = w.b.fresh("v")
    for header in ("try:", "except ZeroDivisionError:", "else:", "finally:"):
        with w.block(header) as body:
            if header == "finally:":
                body.emit(f"{w.b.fresh('unused')} = {body.expr((), 1)}")
            elif header == "else:":
                body.emit(f"{name} = {name} + {body.expr(shape)}")
            else:
                body.emit(f"{name} = {body.expr(shape)}")
    w.scope.add(name, Arr(shape))
    w.b.use("try")


CONSTRUCTS = [
    *pending_calls.CONSTRUCTS,
    *((scalar_builtin, (t,), 0.3) for t in ("builtin.pow", "builtin.round",
                                             "builtin.minmax_many", "builtin.item", "math")),
    *((sequence_builtin, (t, "list.literal"), 0.3) for t in ("builtin.list", "builtin.tuple",
                                               "builtin.tolist", "builtin.map",
                                               "builtin.minmax_iter", "builtin.minmax_key")),
    (dict_builtin, ("builtin.dict",), 0.3),
    *((comprehension, (t, "list.literal"), 0.3) for t in ("listcomp.if", "listcomp.nested",
                                                           "dictcomp", "genexp.sum", "genexp")),
    (set_comprehension, ("setcomp", "for.list"), 0.3),
    (starred_assign, ("starred.assign", "list.literal"), 0.3),
    *((with_block, (t,), 0.3) for t in ("with.errstate", "with.nullcontext", "with.user")),
    (local_import, ("import.local",), 0.3),
    (try_block, ("try",), 0.3),
]
