"""Random expressions of a given shape over the names in scope.

``expr(w, shape, depth)`` returns source text that evaluates to a float64 array of exactly
``shape`` (``()``: a float scalar) when run with the values the scope describes. Operands are
drawn recursively; leaves prefer names in scope over constants, so values being
differentiated flow through. Every construct used is recorded on the builder as a tag.
"""

import numpy as np

from tests.fuzz.numpy_ops import ARITH, ARITH_UNARY, BINARY, UNARY, Op, producers
from tests.fuzz.values import Fn, Fns, Int, Record, Seq

BUILTINS = {"builtin.min": "min({0}, {1})", "builtin.max": "max({0}, {1})",
            "builtin.abs": "abs({0})", "builtin.float": "float({0})"}


def expr(w, shape, depth=2):
    """Parenthesised, so templates can put it anywhere (the generator unparses the module
    at the end, which drops the parentheses that are not needed)."""
    return f"({_expr(w, shape, depth)})"


def _expr(w, shape, depth):
    b = w.b
    if depth <= 0 or b.chance(0.2):
        return leaf(w, shape)
    callables = _callables(w, shape)
    make = b.pick([
        (4, _arith), (2 * b.on("np.unary"), _unary), (b.on("np.binary"), _binary),
        (3, _produced), (0.5 * b.on("ifexp"), _ifexp), (1.5 * (shape == ()), _builtin),
        (2.5 * bool(callables), _call)])
    return make(w, shape, depth - 1)


def splits(shape):
    """Pairs of operand shapes that broadcast to ``shape``."""
    if len(shape) == 0:
        parts = [()]
    elif len(shape) == 1:
        parts = [shape, ()]
    else:
        parts = [shape, (shape[1],), (1, shape[1]), (shape[0], 1), ()]
    parts = list(dict.fromkeys(parts))
    return [(s, t) for s in parts for t in parts if np.broadcast_shapes(s, t) == shape]


def _pair(w, shape, depth):
    choices = splits(shape) if w.b.on("broadcast") else [(shape, shape)]
    s, t = w.b.rng.choice(choices)
    if s != t:
        w.b.use("broadcast")
    return expr(w, s, depth), expr(w, t, depth)


def _arith(w, shape, depth):
    w.b.use("arith")
    if w.b.chance(0.25):
        return w.b.rng.choice(ARITH_UNARY).format(expr(w, shape, depth))
    return w.b.rng.choice(ARITH).format(*_pair(w, shape, depth))


def _unary(w, shape, depth):
    return _apply(w, _choose(w, [Op(t, (shape,), "np.unary") for t in UNARY]), depth)


def _binary(w, shape, depth):
    op = _choose(w, [Op(t, (), "np.binary") for t in BINARY])
    if op is None:
        return leaf(w, shape)
    w.b.use(op.tag, op.function_tag)
    return op.template.format(*_pair(w, shape, depth))


def _produced(w, shape, depth):
    present = {w.scope.names[n].shape for n in w.scope.arrays()}
    return _apply(w, _choose(w, producers(shape, w.b.dims, w.b.rng), present), depth, shape)


def _choose(w, ops, present=()):
    """One of the enabled ``ops`` (those whose operands are in scope are likelier)."""
    ops = [op for op in ops if w.b.on(op.tag, op.function_tag)]
    if not ops:
        return None
    return w.b.pick([(3 if set(op.inputs) <= set(present) else 1, op) for op in ops])


def _apply(w, op, depth, shape=None):
    if op is None:
        return leaf(w, shape)
    w.b.use(op.tag, op.function_tag)
    return op.template.format(*(expr(w, s, depth) for s in op.inputs))


def _ifexp(w, shape, depth):
    w.b.use("ifexp")
    return f"({expr(w, shape, depth)} if {cond(w)} else {expr(w, shape, depth)})"


def _builtin(w, shape, depth):
    tags = [t for t in BUILTINS if w.b.on(t)]
    if not tags:
        return _arith(w, shape, depth)
    tag = w.b.rng.choice(tags)
    w.b.use(tag)
    return BUILTINS[tag].format(expr(w, (), depth), expr(w, (), depth))


def _callables(w, shape):
    """``(text to call, Fn, tags)`` for every callable in reach returning ``shape`` (a
    function whose argument is being drawn only with call.chained: ``h(h(x))``)."""
    chained = w.b.on("call.chained")
    out = [(name, fn, (*tags, *(["call.chained"] if name in w.b.calling else [])))
           for name, (fn, tags) in w.b.functions.items()
           if isinstance(fn, Fn) and fn.result.shape == shape
           and (chained or name not in w.b.calling)]
    for name, kind in w.scope.names.items():
        if isinstance(kind, Fn) and kind.result.shape == shape:
            out.append((name, kind, w.scope.calls.get(name, ())))
        elif isinstance(kind, Fns) and kind.fn.result.shape == shape:
            out.append((f"{name}[{w.b.rng.randrange(kind.length)}]", kind.fn, ("closure.list",)))
    return out


def _call(w, shape, depth):
    name, fn, tags = w.b.rng.choice(_callables(w, shape))
    return call(w, name, fn, tags, depth)


def call(w, name, fn, tags, depth=1):
    """A call of ``name`` (of type ``fn``): a closure may get a constant argument."""
    w.b.use(*tags)
    w.b.calling.append(name)
    try:
        return f"{name}({', '.join(_arguments(w, fn, tags, depth))})"
    finally:
        w.b.calling.pop()


def _arguments(w, fn, tags, depth):
    closure = any(t.startswith("closure") for t in tags)
    if closure and not fn.params:
        w.b.use("closure.no_arg")
    args = []
    for p in fn.params:
        if closure and w.b.on("closure.const_arg") and \
                (not w.b.on("closure.active_arg") or w.b.chance(0.35)):
            w.b.use("closure.const_arg")
            args.append(constant(w, p.shape))
        else:
            if closure:
                w.b.use("closure.active_arg")
            args.append(expr(w, p.shape, depth))
    return args


def constant(w, shape):
    """A constant of ``shape`` that does not depend on the inputs."""
    if shape == ():
        return w.b.const()
    if len(shape) == 1 and w.b.chance(0.5):
        return f"np.linspace(0.1, 0.9, {shape[0]})"
    return f"np.full({shape}, {w.b.const()})"


def leaf(w, shape):
    """A name, a list element, a dict entry or a constant of ``shape``."""
    b, scope = w.b, w.scope
    options = [(1 if n in scope.consts else 4, n) for n in scope.arrays(shape)]
    for name, kind in scope.names.items():
        if isinstance(kind, Record):
            options += [(1.5, f"{name}[{key!r}]") for key, k in kind.fields if k.shape == shape]
        elif isinstance(kind, Seq) and kind.item.shape == shape and kind.length > 0:
            options.append((1.5, f"{name}[{b.rng.randrange(-kind.length, kind.length)}]"))
        elif isinstance(kind, Int) and shape == ():
            options.append((1, f"(0.5 * {name})"))
    options.append((0.6 if shape == () else 0.15, None))
    chosen = b.pick(options) if len(options) > 1 else None
    return chosen if chosen is not None else _fallback(w, shape)


def _fallback(w, shape):
    """No name of ``shape`` in scope: make one from a name of another shape."""
    if shape == ():
        return w.b.const()
    present = {w.scope.names[n].shape: n for n in w.scope.arrays()}
    ops = [op for op in producers(shape, w.b.dims, w.b.rng)
           if len(op.inputs) == 1 and op.inputs[0] in present and w.b.on(op.tag, op.function_tag)]
    if ops and w.b.chance(0.8):
        op = w.b.rng.choice(ops)
        w.b.use(op.tag, op.function_tag)
        return op.template.format(present[op.inputs[0]])
    if w.b.chance(0.3) or not w.b.on("broadcast"):
        return constant(w, shape)
    w.b.use("arith", "broadcast")
    return f"({leaf(w, ())} * np.ones({shape}))"


CONDITIONS = ["{0} > {c}", "{0} < {c}", "{0} > {1}", "np.sum({2}) > {c}", "np.max({2}) < {c}"]


def cond(w):
    """A condition on data (maybe on a loop counter in a loop)."""
    b = w.b
    ints = w.scope.of(Int)
    if ints and b.chance(0.25):
        i = b.rng.choice(ints)
        return b.rng.choice([f"{i} == 1", f"{i} % 2 == 0", f"{i} > 0"])
    shapes = [w.scope.names[n].shape for n in w.scope.arrays()] or [()]
    text = b.rng.choice(CONDITIONS).format(
        expr(w, (), 1), expr(w, (), 1), expr(w, b.rng.choice(shapes), 1),
        c=b.const(-0.5, 0.5))
    if b.on("boolop") and b.chance(0.15):
        b.use("boolop")
        return f"{text} {b.rng.choice(['and', 'or'])} {cond(w)}"
    if b.on("boolop") and b.chance(0.05):
        b.use("boolop")
        return f"not {text}"
    return text
