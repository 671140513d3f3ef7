"""Gradient rules for Python builtins, the ``math`` module, array methods that return Python
values, and the list helpers emitted code uses.

The adjoint of a list, tuple or iterator result is a list (or tuple) whose entries may be
``None`` (zero); ``as_adjoint_of`` turns it back into the structure of the argument it
came from. ``max``/``min`` split the gradient evenly between tied positions, as ``np.max``
does; ``key=`` only chooses, so the gradient goes to the chosen item.
"""

import functools
import math

import numpy as np

from cpsgrad.forward import RECORDED, Recorded, append, items_of
from cpsgrad.rules.registry import default_registry as R  # noqa: N812
from cpsgrad.runtime import rebuild, unbox, unbroadcast
from cpsgrad.trees import item_bar

defvjp, defnondiff, defvjp_argnum = R.defvjp, R.defnondiff, R.defvjp_argnum

SQRT_PI = math.sqrt(math.pi)
TWO_OVER_SQRT_PI = 2.0 / SQRT_PI


# ===================================================================================
# helpers used by the rules
# ===================================================================================

def as_adjoint_of(g, x):
    """Adjoint items ``g`` (a sequence, entries may be None) in the structure of ``x``."""
    items = list(g)
    if isinstance(x, np.ndarray):
        return np.array([unbox(gi, xi) for gi, xi in zip(items, x, strict=True)],
                        dtype=np.result_type(x.dtype, np.float64)).reshape(x.shape)
    if isinstance(x, (list, tuple)):
        items += [None] * (len(x) - len(items))
        return rebuild(x, items)
    return items  # an iterator (zip, map, ...): its adjoint is the list it produced


def readable(x, what):
    """The items of ``x`` again, for a rule that must look at them after the forward pass."""
    if isinstance(x, (list, tuple, np.ndarray)):
        return list(x)
    if isinstance(x, Recorded):
        return x.items
    raise TypeError(f"cpsgrad cannot differentiate {what} over a {type(x).__name__}: its "
                    f"items are gone once used; make it a list first (`list(...)`)")


def chosen(items, ans, key, best):
    """The positions of ``items`` that ``max``/``min`` (``best``) chose."""
    if key is None:
        hits = [i for i, v in enumerate(items) if np.all(np.equal(v, ans))]
        return hits or [0]
    keys = [key(v) for v in items]
    return [keys.index(best(keys))]


def extremum_vjp(best, argnum, g, ans, *args, key=None, default=None):  # noqa: ARG001
    """Adjoint of ``max``/``min`` of several arguments, or of one iterable."""
    if len(args) == 1:
        items = readable(args[0], best.__name__)
        hits = chosen(items, ans, key, best)
        share = g / len(hits) if key is None else g
        return as_adjoint_of([share if i in hits else None for i in range(len(items))],
                             args[0])
    hits = chosen(args, ans, key, best)
    share = 1.0 / len(hits) if argnum in hits else 0.0
    return unbroadcast(g * share, args[argnum])


def sum_vjp(argnum, g, ans, iterable, start=0):  # noqa: ARG001
    """Adjoint of ``sum(iterable, start)``: every item (and ``start``) gets ``g``."""
    if argnum == 1:
        return unbroadcast(g, start)
    if isinstance(iterable, np.ndarray):
        return np.zeros(iterable.shape, np.result_type(iterable.dtype, np.float64)) + g
    return as_adjoint_of([unbroadcast(g, v) for v in readable(iterable, "sum")], iterable)


def sorted_vjp(g, ans, iterable, key=None, reverse=False):  # noqa: ARG001
    """Adjoint of ``sorted``: each item gets the gradient of the place it was sorted to."""
    items = readable(iterable, "sorted")
    order = sorted(range(len(items)), reverse=reverse,
                   key=lambda i: items[i] if key is None else key(items[i]))
    out = [None] * len(items)
    for place, i in enumerate(order):
        out[i] = g[place]
    return as_adjoint_of(out, iterable)


def zip_vjp(argnum, g, ans, *iterables, strict=False):  # noqa: ARG001
    return as_adjoint_of([None if t is None else t[argnum] for t in g], iterables[argnum])


def dict_vjp(argnum, g, ans, mapping=(), **kwargs):  # noqa: ARG001
    """Adjoint of ``dict(mapping)`` or ``dict(pairs)``: the entries that survived."""
    if isinstance(mapping, dict):
        return {k: g.get(k) for k in mapping}
    pairs = readable(mapping, "dict")
    last = {k: i for i, (k, _) in enumerate(pairs)}  # a repeated key keeps its last value
    return as_adjoint_of([(None, g.get(k)) if last[k] == i else None
                          for i, (k, _) in enumerate(pairs)], mapping)


def item(x, *args):
    """``x.item(...)`` as a function (the target of the array method)."""
    return x.item(*args)


def tolist(x):
    """``x.tolist()`` as a function (the target of the array method)."""
    return x.tolist()


def item_vjp(g, ans, x, *args):  # noqa: ARG001
    out = np.zeros(np.shape(x), np.result_type(np.asarray(x).dtype, np.float64))
    out.flat[np.ravel_multi_index(args, out.shape) if len(args) > 1 else
             (args[0] if args else 0)] = g
    return out


def tolist_vjp(g, x):
    """Adjoint of ``x.tolist()``: nested lists (entries may be None) back to an array."""
    x = np.asarray(x)
    if x.ndim == 0:
        return np.asarray(g, np.result_type(x.dtype, np.float64))
    return np.stack([tolist_vjp(np.zeros(x.shape[1:]) if gi is None else gi, xi)
                     for gi, xi in zip(g, x, strict=True)])


def digamma(x):
    """The digamma function for a float (recurrence, then the asymptotic series)."""
    acc = 0.0
    while x < 6.0:  # noqa: PLR2004 (where the series is accurate to 1e-12)
        acc -= 1.0 / x
        x += 1.0
    inv = 1.0 / (x * x)
    series = inv * (1 / 12 - inv * (1 / 120 - inv * (1 / 252 - inv * (1 / 240 - inv / 132))))
    return acc + math.log(x) - 0.5 / x - series


# ===================================================================================
# builtins
# ===================================================================================

defvjp(append, lambda g, ans, items, item: g[:-1],
       lambda g, ans, items, item: unbox(g[-1], item))
defvjp(float, lambda g, ans, x: g)
defvjp(abs, lambda g, ans, x: g * np.sign(x))
defvjp(pow, *R.rules[np.power].vjps)
defvjp_argnum(max, lambda argnum, g, ans, *args, **kw: extremum_vjp(max, argnum, g, ans,
                                                                    *args, **kw))
defvjp_argnum(min, lambda argnum, g, ans, *args, **kw: extremum_vjp(min, argnum, g, ans,
                                                                    *args, **kw))
defvjp_argnum(sum, sum_vjp, keywords=lambda name, g, ans, iterable, start=0: unbroadcast(g, start))
defvjp(sorted, sorted_vjp)
defvjp(RECORDED[reversed], lambda g, ans, x: as_adjoint_of(list(g)[::-1], x))
defvjp(RECORDED[iter], lambda g, ans, x: as_adjoint_of(g, x))
defvjp(list, lambda g, ans, x=(): as_adjoint_of(g, x))
defvjp(tuple, lambda g, ans, x=(): as_adjoint_of(g, x))
defvjp(RECORDED[enumerate], lambda g, ans, x, start=0: as_adjoint_of(
    [None if t is None else t[1] for t in g], x))
defvjp_argnum(RECORDED[zip], zip_vjp)
defvjp_argnum(dict, dict_vjp,
              keywords=lambda name, g, ans, *args, **kwargs: unbox(g.get(name), kwargs[name]))
defnondiff(round, print, list.index, hasattr, callable)
defvjp(str, lambda g, ans, x: g)  # the way back to a number is float(), its inverse
defvjp(repr, lambda g, ans, x: g)
defvjp(getattr, lambda g, ans, obj, name, default=None: item_bar(obj, name, g))
R.defmethod("item", item)
R.defmethod("tolist", tolist)
defvjp(item, item_vjp)
defvjp(tolist, lambda g, ans, x: tolist_vjp(g, x))

# ----- methods of dicts and lists (cpsgrad.dispatch calls them when a value is neither
# an array nor an object of a user class) -----
def dict_get(d, key, default=None):
    return d.get(key, default)


def dict_copy(d):
    return dict(d)


def list_copy(xs):
    return list(xs)


def dict_keys(d):
    return list(d)


def dict_values(d):
    return list(d.values())


def dict_items(d):
    return list(d.items())


def items_vjp(g, ans, x):
    """Adjoint of ``items_of(x)``: ``g`` itself, or the items' adjoints back in ``x``'s
    structure (a dict's keys have none)."""
    if ans is x:
        return g
    if isinstance(x, dict):
        return dict.fromkeys(x)
    return as_adjoint_of(g, x)


BUILTIN_METHODS = {
    dict: {"get": dict_get, "copy": dict_copy, "keys": dict_keys, "values": dict_values,
           "items": dict_items},
    list: {"copy": list_copy, "index": list.index, "count": list.count},
}
defvjp(dict_get, lambda g, ans, d, key, default=None: item_bar(d, key, g) if key in d else None,
       None, lambda g, ans, d, key, default=None: None if key in d else g)
defvjp(dict_copy, lambda g, ans, d: g)
defvjp(dict_values, lambda g, ans, d: dict(zip(d, g, strict=True)))
defvjp(dict_items, lambda g, ans, d: {k: None if t is None else t[1]
                                      for k, t in zip(d, g, strict=True)})
defnondiff(dict_keys)
defvjp(items_of, items_vjp)
defvjp(list_copy, lambda g, ans, xs: g)
defnondiff(list.count)

defvjp_argnum(functools.partial,
              lambda argnum, g, ans, func, *args, **kw: None if argnum == 0
              else unbox(None if g is None else g.args[argnum - 1], args[argnum - 1]),
              keywords=lambda name, g, ans, func, *args, **kw:
              unbox(None if g is None else g.keywords.get(name), kw[name]))

# ===================================================================================
# the math module (floats)
# ===================================================================================

defvjp(math.exp, lambda g, ans, x: g * ans)
defvjp(math.expm1, lambda g, ans, x: g * (ans + 1.0))
defvjp(math.log,
       lambda g, ans, x, base=math.e: g / (x * math.log(base)),
       lambda g, ans, x, base=math.e: -g * ans / (base * math.log(base)))
defvjp(math.log1p, lambda g, ans, x: g / (1.0 + x))
defvjp(math.log2, lambda g, ans, x: g / (x * math.log(2.0)))
defvjp(math.log10, lambda g, ans, x: g / (x * math.log(10.0)))
defvjp(math.sqrt, lambda g, ans, x: g * 0.5 / ans)
defvjp(math.sin, lambda g, ans, x: g * math.cos(x))
defvjp(math.cos, lambda g, ans, x: -g * math.sin(x))
defvjp(math.tan, lambda g, ans, x: g * (1.0 + ans * ans))
defvjp(math.tanh, lambda g, ans, x: g * (1.0 - ans * ans))
defvjp(math.sinh, lambda g, ans, x: g * math.cosh(x))
defvjp(math.cosh, lambda g, ans, x: g * math.sinh(x))
defvjp(math.asin, lambda g, ans, x: g / math.sqrt(1.0 - x * x))
defvjp(math.acos, lambda g, ans, x: -g / math.sqrt(1.0 - x * x))
defvjp(math.atan, lambda g, ans, x: g / (1.0 + x * x))
defvjp(math.asinh, lambda g, ans, x: g / math.sqrt(x * x + 1.0))
defvjp(math.acosh, lambda g, ans, x: g / math.sqrt(x * x - 1.0))
defvjp(math.atanh, lambda g, ans, x: g / (1.0 - x * x))
defvjp(math.atan2,
       lambda g, ans, y, x: g * x / (x * x + y * y),
       lambda g, ans, y, x: -g * y / (x * x + y * y))
defvjp_argnum(math.hypot, lambda argnum, g, ans, *coords: g * coords[argnum] / ans
              if ans else 0.0 * g)
defvjp(math.pow, *R.rules[np.power].vjps)
defvjp(math.fabs, lambda g, ans, x: g * math.copysign(1.0, x) if x else 0.0 * g)
defvjp(math.copysign, lambda g, ans, x, y: g * math.copysign(1.0, x) * math.copysign(1.0, y),
       lambda g, ans, x, y: 0.0 * g)
defvjp(math.erf, lambda g, ans, x: g * TWO_OVER_SQRT_PI * math.exp(-x * x))
defvjp(math.erfc, lambda g, ans, x: -g * TWO_OVER_SQRT_PI * math.exp(-x * x))
defvjp(math.lgamma, lambda g, ans, x: g * digamma(x))
defvjp(math.gamma, lambda g, ans, x: g * ans * digamma(x))
defvjp(math.degrees, lambda g, ans, x: g * (180.0 / math.pi))
defvjp(math.radians, lambda g, ans, x: g * (math.pi / 180.0))
defvjp_argnum(math.fsum, sum_vjp)
defnondiff(math.floor, math.ceil, math.trunc, math.isnan, math.isinf, math.isfinite,
           math.isclose)
