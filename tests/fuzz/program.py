"""The state of a program being drawn: ``Builder`` (randomness, tags, module-level
functions), ``Scope`` (names visible at a point, with their types) and ``Writer`` (emits
lines into one function body, with the scope of that point). ``Program`` is the result.
"""

import random
import re
from contextlib import contextmanager
from dataclasses import dataclass, field

from tests.fuzz import expressions
from tests.fuzz.values import Arr


@dataclass
class Program:
    """One generated program: module ``source`` defining the entry function ``f``, the
    arguments to call it with, the argument positions differentiated, and its tags."""

    seed: int
    source: str
    args: tuple
    wrt: tuple[int, ...]
    tags: frozenset = field(default_factory=frozenset)

    def with_source(self, source):
        return Program(self.seed, source, self.args, self.wrt, self.tags)

    def with_args(self, args, wrt=None):
        return Program(self.seed, self.source, args, self.wrt if wrt is None else wrt,
                       self.tags)


class NotHere(Exception):  # noqa: N818 (a signal, not an error)
    """Raised by a construct that does not apply at this point (before emitting lines)."""


class Builder:
    """Randomness and bookkeeping shared by every function of one program."""

    def __init__(self, seed, enabled):
        self.rng = random.Random(seed)  # noqa: S311 (drawing programs, not secrets)
        self.enabled = enabled
        self.used = set()
        self.helpers = {}  # module-level helper functions: name -> functions.Helper
        self.functions = {}  # module-level callables: name -> (Fn, tags of a call)
        self.calling = []  # the callables whose arguments are being drawn
        self.modules = []  # source blocks of module-level definitions, in order
        self.imports = ["import numpy as np"]
        self.names = {}
        self.lines = 0
        self.constructs = None  # Writer -> [(weight, construct)], set by the generator
        n = self.rng.choice((2, 3, 3))
        self.dims = (n, self.rng.choice((2, 3, 4)))

    def on(self, *tags):
        return all(t in self.enabled for t in tags)

    def use(self, *tags):
        self.used.update(tags)

    def fresh(self, prefix):
        self.names[prefix] = self.names.get(prefix, 0) + 1
        return f"{prefix}{self.names[prefix]}"

    def chance(self, p):
        return self.rng.random() < p

    def pick(self, options):
        """One value of ``options``, a list of ``(weight, value)`` pairs (weights > 0)."""
        options = [(w, v) for w, v in options if w > 0]
        total = sum(w for w, _ in options)
        r = self.rng.random() * total
        for w, v in options:
            r -= w
            if r < 0:
                return v
        return options[-1][1]

    def const(self, low=0.2, high=1.8):
        """A short float literal."""
        return f"{self.rng.uniform(low, high):.1f}"

    def room(self):
        """Lines left before the program reaches its size budget (about 40 lines)."""
        return 36 - self.lines

    def import_(self, line):
        if line not in self.imports:
            self.imports.append(line)


class Scope:
    """Names visible at one point, with their types. A block (loop body, branch) works on
    a ``child``: names it defines vanish after the block, so the parent stays valid."""

    def __init__(self, names=None, result=None):
        self.names = dict(names or {})
        self.frozen = set()  # names a closure reads: not rebound afterwards
        self.consts = set()  # names whose value does not depend on the inputs
        self.recent = []  # names defined or updated most recently last
        self.result = result  # the types a `return` here must produce (a tuple of Arr)
        self.loop = None  # "for" / "while" inside a loop: break and continue allowed
        self.loops = 0  # how many loops enclose this point
        self.calls = {}  # callable names -> the tags a call of them carries
        self.params = ()  # the entry function's parameters (for writes into arguments)

    def child(self):
        out = Scope(self.names, self.result)
        out.frozen, out.consts = set(self.frozen), set(self.consts)
        out.recent, out.loop, out.loops = list(self.recent), self.loop, self.loops
        out.calls, out.params = dict(self.calls), self.params
        return out

    def add(self, name, kind, const=False):
        self.names[name] = kind
        (self.consts.add if const else self.consts.discard)(name)
        self.touch(name)

    def touch(self, name):
        if name in self.recent:
            self.recent.remove(name)
        self.recent.append(name)

    def of(self, kind_type, where=None):
        return [n for n, k in self.names.items()
                if isinstance(k, kind_type) and (where is None or where(k))]

    def arrays(self, shape=None):
        return self.of(Arr, lambda k: shape is None or k.shape == shape)

    def rebindable(self, shape=None):
        return [n for n in self.arrays(shape) if n not in self.frozen]

    def freeze_names_in(self, text):
        self.frozen |= set(re.findall(r"[A-Za-z_]\w*", text)) & set(self.names)


class Lines:
    """Indented source lines of one function."""

    def __init__(self, builder, depth=0):
        self.builder, self.depth, self.text = builder, depth, []

    def add(self, line):
        self.text.append("    " * self.depth + line)
        self.builder.lines += 1

    def render(self):
        return "\n".join(self.text)


class Writer:
    """Emits statements at one point of one function: a builder, a scope and lines."""

    def __init__(self, builder, scope, lines):
        self.b, self.scope, self.lines = builder, scope, lines

    def emit(self, line):
        self.lines.add(line)

    @contextmanager
    def block(self, header, scope=None):
        """A block under ``header``, written by the Writer this yields (a child scope
        unless ``scope`` is given). An empty block gets ``pass``."""
        self.emit(header)
        self.lines.depth += 1
        start = len(self.lines.text)
        try:
            yield Writer(self.b, scope or self.scope.child(), self.lines)
        finally:
            if len(self.lines.text) == start:
                self.emit("pass")
            self.lines.depth -= 1

    def expr(self, shape, depth=2):
        return expressions.expr(self, shape, depth)

    def statements(self, count):
        """Emit up to ``count`` statements drawn from the builder's enabled constructs."""
        for _ in range(count):
            if self.b.room() <= 0:
                return
            for _attempt in range(4):  # until a construct applies here
                try:
                    self.b.pick(self.b.constructs(self))(self)
                    break
                except NotHere:
                    continue

    def child_with(self, names):
        """A Writer at this point whose scope also has ``names`` (a comprehension's or
        a lambda's own variables)."""
        scope = self.scope.child()
        for name, kind in names.items():
            scope.add(name, kind)
        return Writer(self.b, scope, self.lines)

    def new(self, prefix, kind, text, const=False):
        """Emit ``name = text`` for a fresh name of type ``kind``; return the name."""
        name = self.b.fresh(prefix)
        self.emit(f"{name} = {text}")
        self.scope.add(name, kind, const)
        return name

