"""Pending constructs around calls: user classes (methods, ``__call__``, @dataclass,
namedtuple), closures in dicts and made in loops, functions passed as arguments,
functools.partial, ``*args`` / ``**kwargs`` / keyword-only parameters.

Drawn only when their tags are enabled (``--include`` or ``--only``): see tags.PENDING.
"""

from tests.fuzz.expressions import call
from tests.fuzz.functions import define_helper, inner_scope, module_function
from tests.fuzz.program import Lines, Scope, Writer
from tests.fuzz.statements import shapes
from tests.fuzz.values import Arr, Fn


def _method_expr(b, names, shape):
    """An expression of ``shape`` over ``names`` (texts such as ``self.W``) only."""
    w = Writer(b, Scope(names), Lines(b))
    w.scope.frozen |= set(names)
    return w.expr(shape)


def user_class(w):
    """A class holding a weight: a method, maybe ``__call__``, built inside ``f``."""
    b = w.b
    weight, arg, out = Arr(shapes(w)), Arr(shapes(w)), Arr(shapes(w))
    name = b.fresh("Layer")
    body = [f"class {name}:", "    def __init__(self, W):", "        self.W = W", "",
            "    def apply(self, v):",
            f"        return {_method_expr(b, {'self.W': weight, 'v': arg}, out.shape)}"]
    dunder = b.on("class.call") and b.chance(0.5)
    if dunder:
        body += ["", "    def __call__(self, v):", "        return self.apply(v)"]
    b.modules.append("\n".join(body))
    b.use("class.local", "class.method", *(["class.call"] if dunder else []))
    obj = b.fresh("layer")
    w.emit(f"{obj} = {name}({w.expr(weight.shape)})")
    method = obj if dunder else f"{obj}.apply"
    if b.on("class.nested") and b.chance(0.5):
        method = _holder(w, obj, method.replace(obj, "self.layer"), arg, out)
    w.new("t", out, f"{method}({w.expr(arg.shape)})")


def _holder(w, layer, call, arg, out):
    """A model holding ``layer`` and a scale; its method calls the layer (``self.layer(v)``,
    ``self.layer.apply(v)``) and its own helper method. Returns the method to call."""
    b = w.b
    name, scale = b.fresh("Model"), Arr(shapes(w))
    inner = _method_expr(b, {"h": out, "self.scale": scale}, out.shape)
    b.modules.append("\n".join([
        f"class {name}:", "    def __init__(self, layer, scale):", "        self.layer = layer",
        "        self.scale = scale", "", "    def head(self, h):", f"        return {inner}",
        "", "    def forward(self, v):", f"        return self.head({call}(v))"]))
    b.use("class.nested")
    model = b.fresh("model")
    w.emit(f"{model} = {name}({layer}, {w.expr(scale.shape)})")
    return f"{model}.forward"


def record_class(w):
    """A @dataclass or a namedtuple of two arrays, built in ``f``, fields read."""
    b = w.b
    fields = {"a": Arr(shapes(w)), "c": Arr(shapes(w))}
    name = b.fresh("Pair")
    if b.on("class.dataclass") and (not b.on("class.namedtuple") or b.chance(0.5)):
        b.import_("import dataclasses")
        b.modules.append(f"@dataclasses.dataclass\nclass {name}:\n    a: object\n    c: object")
        b.use("class.dataclass")
    else:
        b.import_("import collections")
        b.modules.append(f"{name} = collections.namedtuple({name!r}, ['a', 'c'])")
        b.use("class.namedtuple")
    obj = b.fresh("pair")
    w.emit(f"{obj} = {name}({', '.join(w.expr(k.shape) for k in fields.values())})")
    for field, kind in fields.items():
        w.scope.add(f"{obj}.{field}", kind)
        w.scope.frozen.add(f"{obj}.{field}")


def closure_dict(w):
    shape, result = shapes(w), shapes(w)
    lambdas = []
    for _ in range(2):
        inner = Writer(w.b, inner_scope(w, {"u": Arr(shape)}, Arr(result)), w.lines)
        lambdas.append(f"lambda u: {inner.expr(result)}")
    w.b.use("closure.dict", "closure.lambda")
    name = w.b.fresh("ops")
    w.emit(f"{name} = {{'f0': {lambdas[0]}, 'f1': {lambdas[1]}}}")
    w.scope.freeze_names_in(" ".join(lambdas))
    w.new("t", Arr(result), f"{name}['f0']({w.expr(shape)}) + {name}['f1']({w.expr(shape)})")


def closure_loop_default(w):
    shape = shapes(w)
    k, i, fs = w.b.rng.randint(2, 3), w.b.fresh("i"), w.b.fresh("fs")
    w.emit(f"{fs} = []")
    inner = Writer(w.b, inner_scope(w, {"u": Arr(shape), i: Arr(())}, Arr(shape)), w.lines)
    with w.block(f"for {i} in range({k}):") as body:
        body.emit(f"{fs}.append(lambda u, {i}={i}: {inner.expr(shape)} * ({i} + 1.0))")
    w.b.use("closure.loop_default", "closure.lambda", "for.range")
    acc, g = w.new("acc", Arr(shape), w.expr(shape)), w.b.fresh("fn")
    with w.block(f"for {g} in {fs}:") as body:
        body.emit(f"{acc} = {g}({acc})")


def function_argument(w):
    b = w.b
    shape = shapes(w)
    name = b.fresh("apply")
    b.modules.append(f"def {name}(fn, v):\n    return fn(v)")
    inner = Writer(b, inner_scope(w, {"u": Arr(shape)}, Arr(shape)), w.lines)
    fn = b.rng.choice(["np.sin", "np.tanh", f"lambda u: {inner.expr(shape)}"])
    b.use("funarg")
    w.new("t", Arr(shape), f"{name}({fn}, {w.expr(shape)})")


def partial_call(w):
    b = w.b
    first, second, out = Arr(shapes(w)), Arr(shapes(w)), Arr(shapes(w))
    name = b.fresh("pair_fn")
    with module_function(b, f"{name}(a, c)", {"a": first, "c": second}) as h:
        h.emit(f"return {h.expr(out.shape)}")
    b.import_("import functools")
    b.use("functools.partial")
    text = f"functools.partial({name}, c={w.expr(second.shape)})"
    bound = w.new("bound", Fn((first,), out), text)
    w.scope.calls[bound] = ("functools.partial",)
    w.new("t", out, call(w, bound, Fn((first,), out), ("functools.partial",)))


def star_call(w):
    b = w.b
    name = define_helper(b)
    helper = b.helpers[name]
    args = [w.expr(p.shape) for p in helper.params]
    b.use("starred.call", "helper")
    if len(args) > 1 and b.chance(0.5):
        text = f"{name}({args[0]}, **{{{', '.join(f'{k!r}: {a}' for k, a in _named(args))}}})"
    else:
        text = f"{name}(*[{', '.join(args)}])"
    w.new("t", helper.results[0], text + ("[0]" if len(helper.results) > 1 else ""))


def _named(args):
    return [(f"arg{k}", a) for k, a in enumerate(args)][1:]


def varargs(w):
    b, shape = w.b, shapes(w)
    name = b.fresh("gather")
    b.modules.append(f"def {name}(*vs, **kw):\n    out = vs[0]\n    for v in vs[1:]:\n"
                     f"        out = out + kw['scale'] * v\n    return out")
    b.use("params.varargs")
    args = ", ".join(w.expr(shape) for _ in range(b.rng.randint(2, 3)))
    w.new("t", Arr(shape), f"{name}({args}, scale={w.expr(())})")


def keyword_only(w):
    b, shape = w.b, shapes(w)
    name = b.fresh("kw_fn")
    with module_function(b, f"{name}(a, *, scale=0.5)", {"a": Arr(shape), "scale": Arr(())}) as h:
        h.emit(f"return {h.expr(shape)}")
    b.use("params.kwonly")
    w.new("t", Arr(shape), f"{name}({w.expr(shape)}, scale={w.expr(())})")


CONSTRUCTS = [
    (user_class, ("class.method", "class.local"), 0.6),
    (record_class, ("class.dataclass",), 0.4), (record_class, ("class.namedtuple",), 0.4),
    (closure_dict, ("closure.dict", "closure.lambda"), 0.4),
    (closure_loop_default, ("closure.loop_default", "closure.lambda", "for.range"), 0.4),
    (function_argument, ("funarg",), 0.5),
    (partial_call, ("functools.partial",), 0.4),
    (star_call, ("starred.call", "helper"), 0.4),
    (varargs, ("params.varargs",), 0.4),
    (keyword_only, ("params.kwonly",), 0.4),
]
