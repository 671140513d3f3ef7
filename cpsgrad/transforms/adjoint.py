"""The adjoint of one primitive statement, with gradient rules inlined.

Entry point: ``adjoint(rhs, ans, g, ctx) -> [(operand, expr) | (operand, index, expr)]``:
for ``ans = rhs`` whose adjoint is the expression ``g``, the contributions to each
active operand's adjoint. A pair means "add ``expr`` to the operand's adjoint"; a
triple means "add ``expr`` at ``operand[index]``". ``ctx`` (built by the cps stage)
answers ``active(name)``, ``resolve(node)``, ``bind(name, obj)`` and ``fail(msg)``; ``ctx.sums``
says, for operands whose shapes are known, how their adjoint is summed to their shape: ``()``
for not at all (no ``unbroadcast``), ``(axes, keepdims)`` for one ``np.add.reduce``;
``ctx.ranks`` holds the ranks of ``@``'s operands when they are known.
"""

import inspect
import operator

import gast
import numpy as np

from cpsgrad import dispatch, runtime, syntax
from cpsgrad.errors import NoRuleError
from cpsgrad.rules.numpy import index_trick_vjp, repeat_to_match
from cpsgrad.rules.registry import inline_form

BINOPS = {gast.Add: np.add, gast.Sub: np.subtract, gast.Mult: np.multiply,
          gast.Div: np.true_divide, gast.Pow: np.power, gast.MatMult: np.matmul,
          gast.Mod: np.mod, gast.FloorDiv: np.floor_divide}
UNOPS = {gast.USub: np.negative, gast.UAdd: np.positive, gast.Not: np.logical_not}
MATMUL_FORMS = {  # (rank of x, rank of y) -> the adjoints of x and y in x @ y, known shapes
    (2, 2): ("g @ y.T", "x.T @ g"),
    (2, 1): ("np.outer(g, y)", "x.T @ g"),
    (1, 2): ("y @ g", "np.outer(x, g)"),
    (1, 1): ("g * y", "g * x"),
}
OPERATOR_NAMES = {np.add: "+", np.subtract: "-", np.multiply: "*", np.true_divide: "/",
                  np.power: "**", np.matmul: "@", np.mod: "%", np.floor_divide: "//"}


def adjoint(rhs, ans, g, ctx):
    """Contributions of ``ans = rhs`` (``g`` is ``ans``'s adjoint) to its operands."""
    if isinstance(rhs, gast.Name):
        return [(rhs.id, syntax.name(g))]
    if isinstance(rhs, gast.BinOp):
        return _binop(rhs, ans, g, ctx)
    if isinstance(rhs, gast.UnaryOp):
        return _apply(ctx, UNOPS[type(rhs.op)], [rhs.operand], {}, ans, g,
                      type(rhs.op).__name__)
    if isinstance(rhs, gast.Subscript):
        if not isinstance(rhs.value, gast.Name):  # np.r_[a, b]: values in the index
            return _index_trick(rhs, g, ctx)
        return [(rhs.value.id, rhs.slice, syntax.name(g))]
    if isinstance(rhs, (gast.Tuple, gast.List)):
        return [(e.id, syntax.call(ctx.bind("unbox", runtime.unbox),
                                   [syntax.subscript(g, syntax.const(i)), e]))
                for i, e in enumerate(rhs.elts) if _active(ctx, e)]
    if isinstance(rhs, gast.Dict):
        return [(v.id, syntax.call(ctx.bind("unbox", runtime.unbox),
                                   [syntax.subscript(g, k), v]))
                for k, v in zip(rhs.keys, rhs.values, strict=True) if _active(ctx, v)]
    if isinstance(rhs, gast.Attribute):
        return _attribute(rhs, ans, g, ctx)
    if isinstance(rhs, gast.Call):
        return _call(rhs, ans, g, ctx)
    ctx.fail(f"cannot differentiate the expression `{type(rhs).__name__}`")
    return []


def _index_trick(rhs, g, ctx):
    """``np.r_[a, b, 1:3]`` and ``np.c_[...]``: each active item gets its piece of ``g``."""
    which = {id(np.r_): "r", id(np.c_): "c"}.get(id(ctx.resolve(rhs.value)))
    if which is None:
        ctx.fail(f"no gradient rule for indexing `{gast.unparse(rhs.value)}` with a value "
                 f"being differentiated")
    items = rhs.slice.elts if isinstance(rhs.slice, gast.Tuple) else [rhs.slice]
    values = syntax.tuple_([syntax.call("slice", [i.lower or syntax.const(None),
                                                  i.upper or syntax.const(None),
                                                  i.step or syntax.const(None)])
                            if isinstance(i, gast.Slice) else i for i in items])
    helper = ctx.bind("index_trick_vjp", index_trick_vjp)
    return [(item.id, syntax.call(helper, [g, syntax.const(which), values, syntax.const(i)]))
            for i, item in enumerate(items) if _active(ctx, item)]


def _attribute(rhs, ans, g, ctx):
    """``x.attr``: an array attribute's rule (``.T``, ``.real``), or, for an object (a value
    not known to be an array), the adjoint at attribute ``attr`` of the object's."""
    fun = ctx.registry.attributes.get(rhs.attr, "unknown")
    if ctx.kind(rhs.value.id) != "num":
        if fun == "unknown":
            return [(rhs.value.id, syntax.const(rhs.attr), syntax.name(g))]
        return [(rhs.value.id, syntax.call(ctx.bind("attribute_vjp", dispatch.attribute_vjp),
                                           [rhs.value, syntax.const(rhs.attr), g]))]
    if fun is None:
        return []
    if fun == "unknown":
        ctx.fail(f"no gradient rule for the attribute `.{rhs.attr}` of an array being "
                 "differentiated")
    return _apply(ctx, fun, [rhs.value], {}, ans, g, f".{rhs.attr}")


def _binop(rhs, ans, g, ctx):
    if isinstance(rhs.op, gast.MatMult) and ctx.ranks in MATMUL_FORMS:
        return [(x.id, syntax.template(form, np=ctx.bind("np", np), g=g, x=rhs.left,
                                       y=rhs.right))
                for x, form in zip((rhs.left, rhs.right), MATMUL_FORMS[ctx.ranks], strict=True)
                if _active(ctx, x)]
    if isinstance(rhs.op, gast.Pow) and _scalar_const(rhs.right) and _active(ctx, rhs.left):
        return [(rhs.left.id, _const_power(rhs.left, rhs.right.value, g))]
    if isinstance(rhs.op, gast.Mult) and isinstance(rhs.left, gast.Name) \
            and isinstance(rhs.right, gast.Name) and rhs.left.id == rhs.right.id \
            and _active(ctx, rhs.left):  # x * x: one contribution, no broadcasting
        return [(rhs.left.id, _const_power(rhs.left, 2, g))]
    if isinstance(rhs.op, (gast.Add, gast.Mult)) and not any(
            (_scalar_const(o) and not (isinstance(rhs.op, gast.Mult) and type(o.value) is int))
            or (isinstance(o, gast.Name) and ctx.kind(o.id) == "num")
            for o in (rhs.left, rhs.right)):
        return _sequence_op(rhs, g, ctx)  # may be list + list or list * n
    scalar = _scalar_const(rhs.left) or _scalar_const(rhs.right)  # x * 2.0: no broadcasting
    return _apply(ctx, BINOPS.get(type(rhs.op)), [rhs.left, rhs.right], {}, ans, g,
                  type(rhs.op).__name__, {0: (), 1: ()} if scalar else ctx.sums)


def _sequence_op(rhs, g, ctx):
    """``a + b`` or ``a * b`` where neither operand is known to be a number or an array: a
    list or tuple concatenation or repetition is decided when the gradient runs."""
    helper = runtime.add_vjp if isinstance(rhs.op, gast.Add) else runtime.mul_vjp
    name = ctx.bind(helper.__name__, helper)
    return [(x.id, syntax.call(name, [g, rhs.left, rhs.right, syntax.const(i)]))
            for i, x in enumerate((rhs.left, rhs.right)) if _active(ctx, x)]


def _const_power(x, n, g):
    """``x ** n`` with a constant exponent: ``g * n * x ** (n - 1)``, folded."""
    if n == 1:
        return syntax.name(g)
    if n == 2:  # noqa: PLR2004 (the square)
        return syntax.template("g * 2.0 * x", g=g, x=x)
    return syntax.template("g * n * x ** m", g=g, x=x, n=float(n), m=float(n - 1))


def _scalar_const(node):
    return isinstance(node, gast.Constant) and isinstance(node.value, (int, float))


def _static_unbroadcast(expr, ctx, how):
    """``unbroadcast(e, x)`` where it is known how ``e`` is summed to ``x``'s shape: ``e``
    itself, or ``np.add.reduce(e, axis=..., keepdims=...)`` (with a minus sign taken
    outside, where the sum is the smaller array)."""
    name = ctx.bind("unbroadcast", runtime.unbroadcast)
    if not (isinstance(expr, gast.Call) and isinstance(expr.func, gast.Name)
            and expr.func.id == name):
        return expr
    e = expr.args[0]
    if not how:
        return e
    axes, keepdims = how
    negated = isinstance(e, gast.UnaryOp) and isinstance(e.op, gast.USub)
    summed = syntax.template("np.add.reduce(e, axis=a, keepdims=k)" if keepdims
                             else "np.add.reduce(e, axis=a)", np=ctx.bind("np", np),
                             e=e.operand if negated else e,
                             a=syntax.const(axes[0] if len(axes) == 1 else axes),
                             k=syntax.const(keepdims))
    return syntax.template("-s", s=summed) if negated else summed


def _unrepeated(expr, ctx):
    """A reduction's adjoint left in its reduced shape (``transforms/reduced.py``): each
    ``repeat_to_match(g, x, ...)`` in it is ``g``."""
    repeat = ctx.bind("repeat_to_match", repeat_to_match)
    if isinstance(expr, gast.Call) and isinstance(expr.func, gast.Name) \
            and expr.func.id == repeat:
        return expr.args[0]
    if isinstance(expr, gast.BinOp):  # np.mean: repeat_to_match(...) / count
        return syntax.binop(_unrepeated(expr.left, ctx), type(expr.op),
                            _unrepeated(expr.right, ctx))
    return expr


def _active(ctx, node):
    return isinstance(node, gast.Name) and ctx.active(node.id)


def _call(rhs, ans, g, ctx):
    func, args = rhs.func, list(rhs.args)
    kwargs = {kw.arg: kw.value for kw in rhs.keywords}
    if isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name) \
            and ctx.is_local(func.value.id):
        fun = ctx.registry.methods.get(func.attr)
        if fun is None:
            ctx.fail(f"no gradient rule for the method `.{func.attr}()` of an array being "
                     f"differentiated; register one with cpsgrad.defvjp or call a NumPy "
                     f"function instead", NoRuleError)
        return _apply(ctx, fun, [func.value, *args], kwargs, ans, g, f".{func.attr}()")
    fun = ctx.resolve(func)
    if fun in (np.dot, np.matmul) and len(args) == 2 and not kwargs \
            and ctx.ranks in MATMUL_FORMS:  # noqa: PLR2004 (known ranks: x.T @ g, ...)
        return [(x.id, syntax.template(form, np=ctx.bind("np", np), g=g, x=args[0],
                                       y=args[1]))
                for x, form in zip(args, MATMUL_FORMS[ctx.ranks], strict=True)
                if _active(ctx, x)]
    return _apply(ctx, fun, args, kwargs, ans, g, gast.unparse(func), ctx.sums)


def _apply(ctx, fun, args, kwargs, ans, g, label, sums=None):
    """The rule of ``fun`` applied to the active ``args``; ``sums`` says how the adjoints of
    some positions are summed to their operand's shape (module docstring)."""
    rule = ctx.registry.lookup(fun) if fun is not None else None
    label = OPERATOR_NAMES.get(fun, label)
    if rule is None:
        ctx.fail(f"no gradient rule for `{label}`, applied to a value being differentiated. "
                 f"Register one: `cpsgrad.defvjp({label}, lambda g, ans, x: ...)` (one "
                 f"function per argument), or mark it non-differentiable with "
                 f"`cpsgrad.defnondiff({label})`", NoRuleError)
    if rule.nondiff:
        return []
    args, kwargs = _positional(ctx, fun, args, kwargs)
    out = []
    for i, a in enumerate(args):
        if not _active(ctx, a):
            continue
        vjp = rule.vjp(i)
        if vjp is None:
            ctx.fail(f"`{label}` is not differentiable with respect to its argument {i + 1}")
        expr = _rule_expr(ctx, vjp, rule, i, args, kwargs, ans, g)
        if ctx.reduced:
            expr = _unrepeated(expr, ctx)
        out.append((a.id, _static_unbroadcast(expr, ctx, sums[i]) if sums and i in sums
                    else expr))
    for name, value in kwargs.items():
        if _active(ctx, value):
            vjp = rule.keyword_vjp(name)
            if vjp is None:
                ctx.fail(f"`{label}` receives a value being differentiated through keyword "
                         f"`{name}=`, and has no rule for it; pass it positionally")
            out.append((value.id, _rule_expr(ctx, vjp, rule, name, args, kwargs, ans, g)))
    return out


def _positional(ctx, fun, args, kwargs):
    """``(args, kwargs)`` with each active keyword argument that names a positional
    parameter of ``fun`` moved to its position (``np.clip(x, a_max=y)``), when the
    positions before it are given or have constant defaults."""
    moving = [k for k, v in kwargs.items() if _active(ctx, v)]
    try:
        params = list(inspect.signature(fun).parameters.values())
    except (TypeError, ValueError):
        return args, kwargs
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    names = [p.name for p in positional]
    if not moving or not set(moving) <= set(names):
        return args, kwargs
    last = max(names.index(k) for k in moving)
    new_args, new_kwargs = list(args), dict(kwargs)
    for p in positional[len(args):last + 1]:
        if p.name in new_kwargs:
            new_args.append(new_kwargs.pop(p.name))
        elif p.default is None or isinstance(p.default, (bool, int, float, str)):
            new_args.append(syntax.const(p.default))
        else:
            return args, kwargs
    return new_args, new_kwargs


def _rule_expr(ctx, vjp, rule, i, args, kwargs, ans, g):
    """The rule applied to emitted names: inlined when it is one expression."""
    form = inline_form(vjp)
    inlined = form and _inline(ctx, vjp, form, args, kwargs, ans, g)
    if inlined is not None:
        return inlined
    name = ctx.bind(f"{rule.name}_vjp_{i}", vjp)
    return syntax.call(name, [g, ans, *args], kwargs)


def _inline(ctx, vjp, form, args, kwargs, ans, g):
    params, body_src = form
    subs, values = {}, [syntax.name(g), syntax.name(ans), *args]
    for k, (pname, default, has_default, kind) in enumerate(params):
        if kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD):
            return None
        if k < len(values):
            subs[pname] = values[k]
        elif pname in kwargs:
            subs[pname] = kwargs[pname]
        elif has_default and (default is None or isinstance(default, (int, float, str, bool))):
            subs[pname] = syntax.const(default)
        else:
            return None
    if len(values) > len(params) or set(kwargs) - set(subs):
        return None
    body = syntax.parse_expr(body_src)
    if any(isinstance(n, gast.Compare) and any(isinstance(op, (gast.Is, gast.IsNot))
                                               for op in n.ops)
           and any(isinstance(o, gast.Name) and isinstance(subs.get(o.id), gast.Constant)
                   for o in [n.left, *n.comparators]) for n in gast.walk(body)):
        return None  # `5 is None` would be a SyntaxWarning: call the rule instead
    free = {n.id for n in gast.walk(body) if isinstance(n, gast.Name)} - set(subs)
    closure = inspect.getclosurevars(vjp)
    scope = {**closure.builtins, **closure.globals, **closure.nonlocals}
    for name in free:
        if name not in scope:
            return None
        subs[name] = _render(ctx, name, scope[name])
    return syntax.substitute(body, subs)


def _render(ctx, name, obj):
    """A readable reference to ``obj``: ``np.transpose`` rather than a closure name."""
    if callable(obj) and not inspect.ismodule(obj) and obj is not operator.getitem:
        for mod, path in ((np, "np"), (np.linalg, "np.linalg")):
            if getattr(mod, getattr(obj, "__name__", ""), None) is obj:
                base = ctx.bind("np", np)
                return syntax.parse_expr(path.replace("np", base, 1) + "." + obj.__name__)
    return syntax.name(ctx.bind(name, obj))
