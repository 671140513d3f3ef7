"""Stage 3: A-normal form — one operation per statement, fresh deterministic temporaries.

Entry point: ``anf(fndef, namer) -> fndef`` (a new tree). Output grammar, enforced by
``check``::

    stmt   := Name = rhs | Name[index] = atom | if test: [stmt] else: [stmt]
            | for Name in range(atom, atom, const): [stmt]  | while True: [stmt]
            | return atom | break | continue | pass | expr_stmt(call) | def (in ANF)
            | assert/raise (forward only, left as written)
    rhs    := atom | atom binop atom | unop atom | compare | call | atom.attr
            | atom[index] | (atom, ...) | [atom, ...] | {atom: atom, ...}
            | atom if atom else atom   (only between atoms) | opaque (f-strings)
    call   := ref(atom, ..., kw=atom, ...) | atom.method(atom, ..., kw=atom)
    test   := atom | compare | not atom | boolop of those
    index  := atom | slice(atom?, atom?, atom?) | (index, ...)
    atom   := Name | Constant | ref
    ref    := a dotted path rooted at a free (non-local) name, e.g. np.linalg.norm

``x.append(v)`` becomes ``x = append(x, v)``; augmented assignment, multiple, tuple and
starred targets, conditional expressions, short-circuit ``and``/``or``, lambdas,
comprehensions, generator arguments and ``with`` blocks are lowered to the forms above
(``anf_sugar``). Loops over anything but a ``range`` with a constant step become index
loops over a range.
"""

import gast

from cpsgrad import syntax
from cpsgrad.transforms.anf_expr import Expressions
from cpsgrad.transforms.anf_sugar import Sugar, loaded_names

RANGE_DEFAULTS = (0, None, 1)  # range(start, stop, step)


def local_names(fndef):
    """Parameters and assigned names of ``fndef`` (not of nested functions, nor the
    variables of comprehensions, which have their own scope)."""
    names = {a.id for a in fndef.args.args}
    stack = list(fndef.body)
    while stack:
        node = stack.pop()
        if isinstance(node, gast.comprehension):
            stack.extend([node.iter, *node.ifs])
            continue
        if isinstance(node, (gast.FunctionDef, gast.Lambda)):
            if isinstance(node, gast.FunctionDef):
                names.add(node.name)
            continue
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Store):
            names.add(node.id)
        stack.extend(gast.iter_child_nodes(node))
    return names


def anf(fndef, namer):
    """Return ``fndef`` in A-normal form. ``namer`` supplies fresh temporaries."""
    for name in loaded_names(fndef):  # no temporary may hide a global the function reads
        namer.reserve(name)
    return _Anf(namer, local_names(fndef)).function(fndef)


class _Anf(Sugar, Expressions):
    def __init__(self, namer, locals_, enclosing=frozenset()):
        self.namer = namer
        self.locals = locals_
        self.enclosing = enclosing  # the enclosing functions' names: not free refs either
        self.open, self.loop_depth = [], 0  # `with` blocks open here (anf_sugar)
        for n in locals_:
            namer.reserve(n)

    def fresh(self, base="t"):
        return self.namer.fresh(base + "0" if base == "t" else base)

    def function(self, fndef, defaults=None):
        defaults = list(fndef.args.defaults) if defaults is None else defaults
        out = syntax.funcdef(fndef.name, [a.id for a in fndef.args.args], self.block(fndef.body),
                             defaults)
        out.lineno, out.col_offset = fndef.lineno, fndef.col_offset
        return out

    def block(self, stmts):
        out = []
        for s in stmts:
            for new in self.stmt(s):
                for n in gast.walk(new):
                    if isinstance(n, (gast.stmt, gast.expr)) \
                            and getattr(n, "lineno", None) is None:
                        n.lineno = getattr(s, "lineno", None)
                        n.col_offset = getattr(s, "col_offset", 0)
                out.append(new)
        return out

    # ----- statements -----
    def stmt(self, s):
        method = getattr(self, "stmt_" + type(s).__name__.lower(), None)
        return method(s) if method else [s]

    def stmt_assign(self, s):
        if len(s.targets) == 1 and isinstance(s.targets[0], gast.Name):
            pre, rhs = self.rhs(s.value)
            return [*pre, syntax.assign(s.targets[0].id, rhs)]
        if all(isinstance(t, gast.Name) for t in s.targets):
            pre, value = self.atom(s.value)
            return pre + [syntax.assign(t.id, value) for t in s.targets]
        out = []
        if len(s.targets) == 1 and isinstance(s.targets[0], (gast.Tuple, gast.List)) \
                and isinstance(s.value, (gast.Tuple, gast.List)) \
                and len(s.value.elts) == len(s.targets[0].elts) \
                and not any(isinstance(e, gast.Starred) for e in s.targets[0].elts):
            return out + self.unpack_literal(s.targets[0], s.value)
        pre, value = self.atom(s.value)
        out += pre
        if self.is_iterator(s.value) and any(isinstance(t, (gast.Tuple, gast.List))
                                             for t in s.targets):
            items = self.fresh("items")  # a, b = zip(...): unpacking reads an iterator
            out.append(syntax.assign(items, syntax.call("items_of", [value])))
            value = syntax.name(items)
        for t in s.targets:
            out += self.store(t, value)
        return out

    def is_iterator(self, e):
        """Whether ``e`` certainly makes an iterator or a view (no indexing by position)."""
        if not isinstance(e, gast.Call):
            return False
        func = e.func
        if isinstance(func, gast.Name):
            return func.id in ("zip", "map", "filter", "reversed", "iter", "enumerate") \
                and func.id not in self.locals
        return isinstance(func, gast.Attribute) and func.attr in ("items", "values", "keys")

    def unpack_literal(self, target, value):
        out, atoms = [], []
        for e in value.elts:
            pre, a = self.atom(e)
            out += pre
            atoms.append(a)
        written = {n.id for n in gast.walk(target) if isinstance(n, gast.Name)}
        for i, a in enumerate(atoms):
            if isinstance(a, gast.Name) and a.id in written:
                tmp = self.fresh()
                out.append(syntax.assign(tmp, a))
                atoms[i] = syntax.name(tmp)
        for t, a in zip(target.elts, atoms, strict=True):
            out += self.store(t, a)
        return out

    def store(self, t, value):
        """Statements storing atom ``value`` into target ``t``."""
        if isinstance(t, gast.Name):
            return [syntax.assign(t.id, value)]
        if isinstance(t, (gast.Tuple, gast.List)):
            if any(isinstance(e, gast.Starred) for e in t.elts):
                return self.store_starred(t, value)
            out = []
            for i, e in enumerate(t.elts):
                if isinstance(e, gast.Name):
                    out.append(syntax.assign(e.id, syntax.subscript(value, syntax.const(i))))
                else:
                    tmp = self.fresh()
                    out.append(syntax.assign(tmp, syntax.subscript(value, syntax.const(i))))
                    out += self.store(e, syntax.name(tmp))
            return out
        pre, base = self.atom(t.value)  # a[i][j] = v: t = a[i]; t[j] = v (see aliases)
        if isinstance(t, gast.Attribute):
            return [*pre, syntax.assign(syntax.attr(base, t.attr, "store"), value)]
        more, index = self.index(t.slice)
        return [*pre, *more, syntax.assign(syntax.subscript(base, index, "store"), value)]

    def stmt_annassign(self, s):
        if s.value is None:
            return []
        return self.stmt_assign(syntax.assign(s.target, s.value))

    def stmt_augassign(self, s):
        t = s.target
        if isinstance(t, gast.Name):
            out = self.stmt_assign(syntax.assign(t.id, syntax.binop(t.id, s.op, s.value)))
            out[-1].inplace = True  # NumPy adds into an array in place (see aliases)
            return out
        pre, base = self.atom(t.value)
        if isinstance(t, gast.Attribute):
            read, write = syntax.attr(base, t.attr), syntax.attr(base, t.attr, "store")
        else:
            more, index = self.index(t.slice)
            pre += more
            read, write = (syntax.subscript(base, index),
                           syntax.subscript(base, index, "store"))
        old = self.fresh()
        pre.append(syntax.assign(old, read))
        more, rhs = self.atom(s.value)
        new = self.fresh()
        return pre + more + [syntax.assign(new, syntax.binop(old, s.op, rhs)),
                             syntax.assign(write, new)]

    def stmt_expr(self, s):
        v = s.value
        if isinstance(v, gast.Constant):
            return []
        if (isinstance(v, gast.Call) and isinstance(v.func, gast.Attribute)
                and v.func.attr == "append" and isinstance(v.func.value, gast.Name)
                and v.func.value.id in self.locals and len(v.args) == 1 and not v.keywords):
            pre, item = self.atom(v.args[0])
            lst = v.func.value.id
            return [*pre, syntax.assign(lst, syntax.call("append", [lst, item]))]
        pre, rhs = self.rhs(v)
        return [*pre, syntax.expr_stmt(rhs)]

    def stmt_return(self, s):
        pre, a = self.atom(syntax.const(None) if s.value is None else s.value)
        return [*pre, *self.exits(False), syntax.ret(a)]

    def stmt_if(self, s):
        pre, test = self.test(s.test)
        return [*pre, syntax.if_(test, self.block(s.body), self.block(s.orelse))]

    def stmt_while(self, s):
        pre, test = self.test(s.test)
        body = []
        if not (isinstance(test, gast.Constant) and test.value is True):
            stop = test.operand if isinstance(test, gast.UnaryOp) else syntax.not_(test)
            body = [*pre, syntax.if_(stop, [syntax.break_()])]
        return [syntax.while_true(body + self.loop_block(s.body))]

    def stmt_for(self, s):
        it = s.iter
        target = s.target
        if (isinstance(it, gast.Call) and isinstance(it.func, gast.Name)
                and it.func.id == "range" and not it.keywords and it.args
                and len(it.args) <= len(RANGE_DEFAULTS) and isinstance(target, gast.Name)):
            args = list(it.args)
            if len(args) == 1:
                args = [syntax.const(0), *args]
            args += [syntax.const(d) for d in RANGE_DEFAULTS[len(args):]]
            if isinstance(args[2], gast.Constant) and isinstance(args[2].value, int) \
                    and args[2].value != 0:
                pre, atoms = self.atoms(args[:2])
                return [*pre, self.range_loop(target.id, [*atoms, args[2]],
                                              self.loop_block(s.body))]
        return self.index_loop(s)

    def range_loop(self, var, args, body):
        return syntax.for_(var, syntax.call("range", args), body)

    def index_loop(self, s):
        """``for T in xs`` → ``for i in range(len(xs)): T = xs[i]`` (zip/enumerate too)."""
        i = self.fresh("i")
        pre, lens, head, value = self.element(s.iter, syntax.name(i))
        n = self.fresh("n")
        pre.append(syntax.assign(n, lens[0] if len(lens) == 1 else syntax.call("min", lens)))
        head += self.stmt_assign(syntax.assign(s.target, value))
        for h in head:
            h.lineno, h.col_offset = s.lineno, s.col_offset
        body = self.loop_block(head + s.body)
        return [*pre, self.range_loop(i, [syntax.const(0), syntax.name(n), syntax.const(1)], body)]

    def element(self, it, i):
        """``(pre, lengths, head, value)``: the ``i``-th item of iterable ``it``."""
        kind = it.func.id if (isinstance(it, gast.Call) and isinstance(it.func, gast.Name)
                              and it.func.id in ("zip", "enumerate")
                              and it.func.id not in self.locals) else None
        if kind == "zip":
            pre, lens, head, values = [], [], [], []
            for arg in it.args:
                p, ln, h, v = self.element(arg, i)
                pre, lens, head = pre + p, lens + ln, head + h
                values.append(v)
            return pre, lens, head, syntax.tuple_(values)
        if kind == "enumerate":
            pre, lens, head, value = self.element(it.args[0], i)
            start = it.args[1] if len(it.args) > 1 else None
            start = next((kw.value for kw in it.keywords if kw.arg == "start"), start)
            index = i
            if start is not None and not (isinstance(start, gast.Constant) and start.value == 0):
                more, start = self.atom(start)
                k = self.fresh("k")
                pre += more
                head.append(syntax.assign(k, syntax.binop(i, gast.Add, start)))
                index = syntax.name(k)
            return pre, lens, head, syntax.tuple_([index, value])
        pre, seq = self.atom(it)
        if not self.is_sequence(it):  # a dict, a dict view, an iterator: its items, listed
            items = self.fresh("items")
            pre.append(syntax.assign(items, syntax.call("items_of", [seq])))
            seq = syntax.name(items)
        return pre, [syntax.call("len", [seq])], [], syntax.subscript(seq, i)

    def is_sequence(self, it):
        """Whether ``it`` certainly supports ``len`` and indexing by position."""
        if isinstance(it, (gast.List, gast.Tuple, gast.ListComp)):
            return True
        return (isinstance(it, gast.Call) and isinstance(it.func, gast.Name)
                and it.func.id in ("list", "tuple", "sorted", "range")
                and it.func.id not in self.locals)

    def stmt_functiondef(self, s):
        """A nested def; its defaults are evaluated here, once, into atoms (as Python does)."""
        pre, defaults = self.atoms(s.args.defaults)
        inner = _Anf(self.namer, local_names(s), self.enclosing | self.locals)
        return [*pre, inner.function(s, defaults)]
