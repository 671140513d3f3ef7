"""The program generator: ``generate(seed, enabled) -> Program``.

A program is a module: ``import numpy as np``, module-level helpers, and the entry function
``f(x, ...)`` returning a float. It is drawn from a typed environment, so it runs: every
expression has a known shape, blocks only rebind names with their own type, loops are
bounded, recursion has a base case. The same seed and tag set give the same program.
"""

import ast
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from tests.fuzz import containers, functions, pending, statements
from tests.fuzz.expressions import call
from tests.fuzz.program import Builder, Lines, Program, Scope, Writer
from tests.fuzz.tags import select
from tests.fuzz.values import SCALAR, Arr, Fn, Fns, Record, Seq, draw


@dataclass(frozen=True)
class Construct:
    make: Callable
    tags: tuple  # drawn only when every one is enabled
    weight: float
    compound: bool = False  # writes a block: only where nesting depth and room allow


CONSTRUCTS = [
    Construct(statements.assign, (), 4),
    Construct(statements.rebind, (), 2),
    Construct(statements.augassign, ("augassign",), 0.8),
    Construct(statements.unused, ("unused",), 0.5),
    Construct(statements.if_else, ("if",), 2, compound=True),
    Construct(statements.early_return, ("if", "return.early"), 0.6, compound=True),
    Construct(statements.for_range, ("for.range",), 1.5, compound=True),
    Construct(statements.for_rows, ("for.rows",), 0.8, compound=True),
    Construct(statements.for_list, ("for.list",), 0.8, compound=True),
    Construct(statements.for_zip, ("for.zip",), 0.6, compound=True),
    Construct(statements.for_enumerate, ("for.enumerate",), 0.6, compound=True),
    Construct(statements.while_loop, ("while",), 1, compound=True),
    Construct(containers.list_append, ("list.append", "for.range"), 0.8, compound=True),
    Construct(containers.list_comprehension, ("listcomp",), 0.5),
    Construct(containers.builtin_sum, ("builtin.sum",), 0.5),
    Construct(containers.builtin_sorted, ("builtin.sorted",), 0.4),
    Construct(containers.dict_local, ("dict.local",), 0.7),
    Construct(containers.inplace, ("inplace",), 1.5),
    Construct(containers.inplace_argument, ("inplace.arg",), 0.3),
    Construct(functions.helper_call, ("helper",), 1.5, compound=True),
    Construct(functions.nested_def, ("closure.def",), 1, compound=True),
    Construct(functions.lambda_, ("closure.lambda",), 1),
    Construct(functions.closure_list, ("closure.list", "closure.lambda", "for.list"), 0.5,
              compound=True),
    Construct(functions.factory, ("closure.factory",), 0.6, compound=True),
    Construct(functions.recursion, ("recursion",), 0.7, compound=True),
    Construct(functions.mutual, ("recursion.mutual",), 0.4, compound=True),
    *(Construct(make, tags, weight, compound=True) for make, tags, weight in pending.CONSTRUCTS),
]


def available(w):
    """``(weight, construct)`` for the constructs that may be drawn at writer ``w``."""
    compound = w.lines.depth < 3 and w.b.room() > 6
    return [(c.weight, c.make) for c in CONSTRUCTS
            if w.b.on(*c.tags) and (compound or not c.compound)]


def generate(seed, enabled=None):
    """The program of ``seed`` drawing on the ``enabled`` tags (default: supported ones)."""
    enabled = select() if enabled is None else enabled
    b = Builder(seed, enabled)
    b.constructs = available
    params = entry_params(b)
    scope = Scope(params, result=(SCALAR,))
    scope.params = tuple(params)
    w = Writer(b, scope, Lines(b, depth=1))
    w.statements(b.rng.randint(2, 6))
    w.emit(f"return {final(w)}")
    if not b.used <= enabled:
        raise AssertionError(f"generator bug: seed {seed} used {sorted(b.used - enabled)}")
    entry = f"def f({', '.join(params)}):\n{w.lines.render()}"
    rng = np.random.default_rng(seed)
    args = tuple(draw(kind, rng) for kind in params.values())
    wrt = tuple(range(len(params)))
    if len(wrt) > 1 and b.on("wrt.partial") and b.chance(0.25):
        wrt = tuple(sorted(b.rng.sample(wrt, b.rng.randint(1, len(wrt) - 1))))
        b.use("wrt.partial")
    return Program(seed, assemble([*b.imports, *b.modules, entry]), args, wrt,
                   frozenset(b.used))


def assemble(parts):
    """One module from source blocks, normalised (minimal parentheses, one style)."""
    tree = ast.parse("\n".join(parts))
    imports = [ast.unparse(n) for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    defs = [ast.unparse(n) for n in tree.body if not isinstance(n, (ast.Import, ast.ImportFrom))]
    return "\n".join(imports) + "\n\n\n" + "\n\n\n".join(defs) + "\n"


def entry_params(b):
    n, m = b.dims
    kinds = [SCALAR, Arr((n,)), Arr((1, n)), Arr((n, 1)), Arr((n, m))]
    params = {name: b.rng.choice(kinds) for name in ("x", "y", "z")[:b.rng.randint(1, 3)]}
    if b.on("dict.param") and b.chance(0.25):
        b.use("dict.param")
        keys = b.rng.sample(["W", "b", "s"], b.rng.randint(1, 3))
        params["params"] = Record(tuple((k, b.rng.choice(kinds)) for k in sorted(keys)))
    if b.on("list.param") and b.chance(0.1):
        b.use("list.param")
        params["xs"] = Seq(b.rng.choice(kinds), b.rng.randint(2, 3))
    return params


def final(w):
    """The returned float: a sum over the names written last (the program's skeleton:
    ``np.sum`` here is not tagged)."""
    terms = []
    for name in [n for n in reversed(w.scope.recent) if n in w.scope.names][:3]:
        term = scalar_of(w, name, w.scope.names[name])
        if term:
            terms.append(term if not terms else f"{w.b.const()} * {term}")
    return " + ".join(terms) or w.expr(())


def scalar_of(w, text, kind):
    """A float computed from value ``text`` of type ``kind`` (None for an int)."""
    if isinstance(kind, Arr):
        if kind.shape == ():
            return text
        return w.b.rng.choice([f"np.sum({text})", f"np.sum({text} * {text})"])
    if isinstance(kind, Seq):
        if not kind.length:  # an empty list: nothing to read
            return None
        return scalar_of(w, f"{text}[{w.b.rng.randrange(kind.length)}]", kind.item)
    if isinstance(kind, Record):
        key, item = w.b.rng.choice(kind.fields)
        return scalar_of(w, f"{text}[{key!r}]", item)
    if isinstance(kind, Fn):
        return scalar_of(w, call(w, text, kind, w.scope.calls.get(text, ())), kind.result)
    if isinstance(kind, Fns):
        w.scope.calls[f"{text}[0]"] = ("closure.list",)
        return scalar_of(w, f"{text}[0]", kind.fn)
    return None
