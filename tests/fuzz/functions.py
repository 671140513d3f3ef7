"""Function constructs: module-level helpers (tuple returns, defaults), nested defs and
lambdas closing over the enclosing function's values (called with active, constant and no
arguments; stored in lists; returned from factories), bounded direct and mutual recursion.
"""

import re
from contextlib import contextmanager
from dataclasses import dataclass

from tests.fuzz.expressions import call
from tests.fuzz.program import Lines, NotHere, Scope, Writer
from tests.fuzz.statements import returned, shapes
from tests.fuzz.values import Arr, Fn, Fns

STEPS = ["np.sin({r}) + {e}", "{r} * {e}", "0.5 * {r} + {e}", "np.tanh({r} + {e})",
         "{e} - 0.3 * {r}"]


@dataclass(frozen=True)
class Helper:
    params: tuple  # Arr of each positional parameter
    results: tuple  # Arr of each returned value
    default: str | None  # the name of a last scalar parameter with a default, if any


@contextmanager
def module_function(b, signature, names, result=None):
    """A module-level ``def signature:``, written by the Writer this yields."""
    lines = Lines(b, depth=1)
    yield Writer(b, Scope(names, result), lines)
    b.modules.append(f"def {signature}:\n{lines.render()}")


# ----- helpers -----
def define_helper(b):
    params = {f"arg{k}": Arr(_shape(b)) for k in range(b.rng.randint(1, 3))}
    count = 2 if b.on("helper.tuple") and b.chance(0.5) else 1
    results = tuple(Arr(_shape(b)) for _ in range(count))
    default = "scale" if b.on("helper.default") and b.chance(0.4) else None
    names = dict(params, **({default: Arr(())} if default else {}))
    signature = ", ".join(params) + (f", {default}={b.const()}" if default else "")
    name = b.fresh("helper")
    with module_function(b, f"{name}({signature})", names, results) as h:
        h.statements(b.rng.randint(0, 2))
        h.emit(returned(h))
    b.helpers[name] = Helper(tuple(params.values()), results, default)
    if count == 1:
        b.functions[name] = (Fn(tuple(params.values()), results[0]), ("helper",))
    return name


def _shape(b):
    n, m = b.dims
    return b.rng.choice([(), (), (n,), (1, n), (n, 1), (n, m)])


def helper_call(w):
    b = w.b
    names = list(b.helpers)
    name = b.rng.choice(names) if names and b.chance(0.5) else define_helper(b)
    h = b.helpers[name]
    b.use("helper", *(["helper.default"] if h.default else []))
    b.calling.append(name)  # h(h(x)) only as call.chained
    args = [w.expr(p.shape) for p in h.params]
    b.calling.pop()
    if len(h.params) == 1 and h.params[0] == h.results[0] and b.on("call.chained") \
            and b.chance(0.4):
        b.use("call.chained")
        args = [f"{name}({args[0]})" + ("[0]" if len(h.results) > 1 else "")]
    if h.default and b.chance(0.5):
        args.append(b.rng.choice([b.const(), f"{h.default}={w.expr(())}"]))
    text = f"{name}({', '.join(args)})"
    if len(h.results) == 1:
        w.new("t", h.results[0], text)
    elif b.chance(0.6):
        b.use("helper.tuple")
        first, second = b.fresh("p"), b.fresh("q")
        w.emit(f"{first}, {second} = {text}")
        w.scope.add(first, h.results[0])
        w.scope.add(second, h.results[1])
    else:
        b.use("helper.tuple")
        k = b.rng.randrange(2)
        w.new("t", h.results[k], f"{text}[{k}]")


# ----- closures -----
def _signature(w):
    counts = ((1, 1, 2) if _with_arguments(w) else ()) + \
        ((0,) if w.b.on("closure.no_arg") else ())
    if not counts:
        raise NotHere
    count = w.b.rng.choice(counts)
    return Fn(tuple(Arr(shapes(w)) for _ in range(count)), Arr(shapes(w)))


def inner_scope(w, params, result):
    """The scope inside a nested function: the enclosing names, read-only, and its own."""
    scope = w.scope.child()
    scope.frozen |= set(scope.names)
    scope.loop, scope.loops, scope.result, scope.params = None, 0, (result,), ()
    for name, kind in params.items():
        scope.add(name, kind)
    return scope


def nested_def(w):
    if w.scope.loops:
        raise NotHere  # closures made in a loop are a construct of their own (pending)
    fn, name = _signature(w), w.b.fresh("g")
    params = {w.b.fresh("u"): p for p in fn.params}
    start = len(w.lines.text)
    with w.block(f"def {name}({', '.join(params)}):", inner_scope(w, params, fn.result)) as body:
        if w.b.chance(0.3):
            body.statements(1)
        body.emit(f"return {body.expr(fn.result.shape)}")
    _closure_made(w, name, fn, "\n".join(w.lines.text[start:]), "closure.def")


def lambda_(w):
    if w.scope.loops:
        raise NotHere
    fn = _signature(w)
    params = {w.b.fresh("u"): p for p in fn.params}
    inner = Writer(w.b, inner_scope(w, params, fn.result), w.lines)
    text = f"lambda {', '.join(params)}: {inner.expr(fn.result.shape)}"
    name = w.new("g", fn, text)
    _closure_made(w, name, fn, text, "closure.lambda")


def _closure_made(w, name, fn, text, tag):
    """Register closure ``name``; maybe rebind a name it reads; call it once now."""
    w.b.use(tag)
    w.scope.add(name, fn)
    w.scope.calls[name] = (tag,)
    read = [n for n in w.scope.rebindable() if n in set(re.findall(r"\w+", text)) and n != name]
    if read and w.b.on("closure.rebound") and w.b.chance(0.3):
        w.b.use("closure.rebound")
        victim = w.b.rng.choice(read)
        w.emit(f"{victim} = {victim} * 1.5 + 0.1")
    w.scope.freeze_names_in(text)
    w.new("t", fn.result, call(w, name, fn, (tag,)))


def closure_list(w):
    if w.scope.loops or not _with_arguments(w):
        raise NotHere
    shape, result = shapes(w), shapes(w)
    fn = Fn((Arr(shape),), Arr(result))
    items = [n for n, k in w.scope.names.items() if k == fn]
    while len(items) < 2:
        u = w.b.fresh("u")
        inner = Writer(w.b, inner_scope(w, {u: fn.params[0]}, fn.result), w.lines)
        items.append(f"lambda {u}: {inner.expr(result)}")
        w.b.use("closure.lambda")
    w.b.use("closure.list")
    name = w.new("fs", Fns(fn, len(items)), "[" + ", ".join(items) + "]")
    w.scope.freeze_names_in(" ".join(items))
    acc, g = w.new("acc", Arr(result), "0.0" if result == () else f"np.zeros({result})"), \
        w.b.fresh("fn")
    with w.block(f"for {g} in {name}:") as body:
        body.emit(f"{acc} = {acc} + {call(body, g, fn, ('closure.list',))}")
    w.b.use("for.list")


def _with_arguments(w):
    return w.b.on("closure.active_arg") or w.b.on("closure.const_arg")


def factory(w):
    if not _with_arguments(w):
        raise NotHere
    b = w.b
    fn = Fn((Arr(shapes(w)),), Arr(shapes(w)))
    captured = Arr(shapes(w))
    name = b.fresh("make")
    with module_function(b, f"{name}(c)", {"c": captured}) as mw:
        inner = Writer(b, inner_scope(mw, {"u": fn.params[0]}, fn.result), mw.lines)
        if b.chance(0.5):
            mw.emit(f"return lambda u: {inner.expr(fn.result.shape)}")
        else:
            with mw.block("def made(u):", inner.scope) as body:
                body.emit(f"return {body.expr(fn.result.shape)}")
            mw.emit("return made")
    b.use("closure.factory")
    made = w.new("g", fn, f"{name}({w.expr(captured.shape)})")
    w.scope.calls[made] = ("closure.factory",)
    w.new("t", fn.result, call(w, made, fn, ("closure.factory",)))


# ----- recursion -----
def recursion(w):
    b, shape = w.b, shapes(w)
    name = b.fresh("rec")
    with module_function(b, f"{name}(u, n)", {"u": Arr(shape)}, (Arr(shape),)) as r:
        _recursive_body(r, name, shape)
    b.use("recursion")
    _recursive_call(w, name, shape)


def mutual(w):
    b, shape = w.b, shapes(w)
    ping, pong = b.fresh("ping"), b.fresh("pong")
    for this, other in ((ping, pong), (pong, ping)):
        with module_function(b, f"{this}(u, n)", {"u": Arr(shape)}, (Arr(shape),)) as r:
            _recursive_body(r, other, shape)
    b.use("recursion", "recursion.mutual")
    _recursive_call(w, ping, shape)


def _recursive_body(r, callee, shape):
    with r.block("if n <= 0:") as base:
        base.emit(f"return {base.expr(shape, 1)}")
    step = r.b.rng.choice(STEPS).format(r=f"{callee}({r.expr(shape, 1)}, n - 1)",
                                        e=r.expr(shape, 1))
    r.emit(f"return {step}")


def _recursive_call(w, name, shape):
    b = w.b
    arg = w.expr(shape)
    if b.on("call.chained") and b.chance(0.35):
        b.use("call.chained")
        arg = f"{name}({arg}, {b.rng.randint(1, 2)})"
    w.new("t", Arr(shape), f"{name}({arg}, {b.rng.randint(1, 3)})")
