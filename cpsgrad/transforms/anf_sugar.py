"""Python's conveniences, lowered by the ANF stage to statements the later stages know.

A mixin of ``anf._Anf`` (split out to keep each module readable):

* Comprehensions (any number of ``for``s and ``if``s, nested loops in order) become loops
  building a fresh list, ``t = appended(t, item)`` (``forward.append``: a new list, not a
  write in place; no other name can hold ``t`` before it is complete, so, unlike a user's
  ``xs.append``, it is not a write the aliases stage must follow). Their variables get
  fresh names, so they neither leak into nor clobber the function's. ``{k: v for ...}``
  is ``dict(pairs)``, ``{x for ...}`` is ``set(items)``.
* ``map(f, xs)`` is the generator ``(f(x) for x in xs)``, and anywhere but as the
  argument of a call it is ``iter([...])``, a one-pass iterator as ``map`` gives.
* A generator expression is allowed (by the fence) only as the argument of a call.
  ``any``/``all``/``next`` of one become loops that stop at the first item that decides,
  as the lazy generator does. For other callees its items are computed before the call:
  into a list for the builtins that read all of an iterable once (``sum``, ``max``,
  ``tuple``, ``str.join``, ...), into a one-pass ``iter(list)`` for any other callee (a
  user's function; ``np.stack``, which refuses an iterator as it refuses a generator).
* ``a, *rest = xs`` → ``t = list(xs)``, a length check (``ValueError`` as in Python), then
  ``a = t[0]``, ``rest = t[1:]``.
* ``with A as v: body`` → ``m = A; v = with_enter(m)``, the body, then ``with_exit(m)`` on
  every path that leaves the body normally: falling through, ``break``/``continue`` out of
  it, ``return`` (after its value is computed). ``forward.with_enter``/``with_exit`` keep
  the managers open in this thread, so that an error raised inside the body reaches their
  ``__exit__`` (``forward.exits_on_error``) and an error raised after it does not.
"""

import gast

from cpsgrad import syntax

CONSUMERS = {"sum", "min", "max", "any", "all", "tuple", "list", "sorted", "set", "frozenset",
             "dict"}  # builtins that read all of an iterable once: a list is the same to them
JUMPS = (gast.Return, gast.Break, gast.Continue, gast.Raise)


COMPREHENSIONS = (gast.ListComp, gast.SetComp, gast.DictComp, gast.GeneratorExp)


def loaded_names(node, bound=frozenset()):
    """Names read in ``node`` outside the comprehensions that bind them: the fresh names of
    comprehension variables must not hide them (``[np for np in xs]`` and ``np.sum``)."""
    if isinstance(node, gast.Name):
        return {node.id} if isinstance(node.ctx, gast.Load) and node.id not in bound else set()
    if not isinstance(node, COMPREHENSIONS):
        return set().union(*(loaded_names(c, bound) for c in gast.iter_child_nodes(node)))
    out, inner = set(), set(bound)
    for gen in node.generators:
        out |= loaded_names(gen.iter, frozenset(inner))
        inner |= {n.id for n in gast.walk(gen.target) if isinstance(n, gast.Name)}
        out |= set().union(*(loaded_names(c, frozenset(inner)) for c in gen.ifs))
    parts = [node.key, node.value] if isinstance(node, gast.DictComp) else [node.elt]
    return out.union(*(loaded_names(p, frozenset(inner)) for p in parts))


class Sugar:
    # ----- comprehensions -----
    def rhs_listcomp(self, e):
        return self.comprehension(e, e.elt, None)

    def rhs_setcomp(self, e):
        return self.comprehension(e, e.elt, "set")

    def rhs_dictcomp(self, e):
        return self.comprehension(e, syntax.tuple_([e.key, e.value]), "dict")

    def comprehension(self, e, item, convert):
        """``t = []`` and the loops appending ``item`` to it; ``convert(t)`` if given."""
        tmp = self.fresh()
        loop = self.loops(e, lambda own: [
            syntax.assign(tmp, syntax.call("appended", [tmp, own(item)]))])
        self.locals.add(tmp)
        out = [syntax.assign(tmp, syntax.list_([])), *self.stmt(loop)]
        return out, syntax.call(convert, [tmp]) if convert else syntax.name(tmp)

    def loops(self, e, inner, stop=None):
        """The nested loops of comprehension ``e`` around ``inner(own)`` (``own`` renames
        its variables to their fresh names); with ``stop``, each loop ends when it is true."""
        mapping, heads = {}, []
        for gen in e.generators:
            iter_ = syntax.rename(gen.iter, mapping)  # sees the earlier variables only
            for n in gast.walk(gen.target):
                if isinstance(n, gast.Name):
                    mapping[n.id] = self.fresh(n.id)
            heads.append((syntax.rename(gen.target, mapping), iter_,
                          [syntax.rename(c, mapping) for c in gen.ifs]))
        body = inner(lambda node: syntax.rename(node, mapping))
        for depth, (target, iter_, ifs) in enumerate(reversed(heads)):
            if stop and depth:  # after an inner loop stopped, stop this one too
                body.append(syntax.if_(stop, [syntax.break_()]))
            for cond in reversed(ifs):
                body = [syntax.if_(cond, body)]
            body = [syntax.for_(target, iter_, body)]
        self.locals |= set(mapping.values())
        return syntax.located_copy(body[0], e)

    def short_circuit(self, e):
        """``any``/``all``/``next`` of a generator: loops that stop at the first item that
        decides, as the generator would (later items are never computed); else None."""
        func, args = e.func, e.args
        if not (isinstance(func, gast.Name) and func.id in ("any", "all", "next")
                and func.id not in self.locals and not e.keywords and args
                and isinstance(args[0], gast.GeneratorExp)
                and len(args) <= (2 if func.id == "next" else 1)):
            return None
        gen, result, done = args[0], self.fresh(), self.fresh("done")
        self.locals |= {result, done}
        pre, default = self.atom(args[1]) if len(args) > 1 else ([], syntax.const(None))
        value = {"any": syntax.const(True), "all": syntax.const(False)}.get(func.id, gen.elt)
        test = {"any": gen.elt, "all": syntax.not_(gen.elt)}.get(func.id)
        start = {"any": syntax.const(False), "all": syntax.const(True)}.get(func.id, default)

        def inner(own):
            found = [syntax.assign(result, own(value)), syntax.assign(done, syntax.const(True)),
                     syntax.break_()]
            return [syntax.if_(own(test), found)] if test is not None else found

        out = [*pre, syntax.assign(result, start), syntax.assign(done, syntax.const(False)),
               *self.stmt(self.loops(gen, inner, syntax.name(done)))]
        if func.id == "next" and len(args) == 1:
            out.append(syntax.if_(syntax.not_(done),
                                  [syntax.raise_(syntax.call("StopIteration", []))]))
        return out, syntax.name(result)

    def as_generator(self, e):
        """``map(f, xs, ys)`` (the builtin) as the generator ``(f(a, b) for a, b in zip(xs,
        ys))``, or None for any other expression."""
        if not (isinstance(e, gast.Call) and isinstance(e.func, gast.Name)
                and e.func.id == "map" and e.func.id not in self.locals
                and len(e.args) >= 2 and not e.keywords  # noqa: PLR2004 (f and an iterable)
                and not any(isinstance(a, gast.Starred) for a in e.args)):
            return None
        names = [self.fresh("item") for _ in e.args[1:]]
        target = syntax.target(names[0] if len(names) == 1 else names)
        source = e.args[1] if len(names) == 1 else syntax.call("zip", e.args[1:])
        generator = syntax.generator_exp(syntax.call(e.args[0], [syntax.name(n) for n in names]),
                                         target, source)
        return syntax.located_copy(generator, e)

    def call_argument(self, func, arg):
        """A generator expression (or ``map``) argument of a call to ``func``, as a list
        (see above)."""
        arg = self.as_generator(arg) or arg
        if not isinstance(arg, gast.GeneratorExp):
            return arg
        items = syntax.located_copy(syntax.listcomp(arg.elt, arg.generators), arg)
        whole = (isinstance(func, gast.Name) and func.id in CONSUMERS
                 and func.id not in self.locals) or (isinstance(func, gast.Attribute)
                                                     and func.attr == "join")
        return items if whole else syntax.located_copy(syntax.call("iter", [items]), arg)

    # ----- starred targets -----
    def store_starred(self, t, value):
        """``a, *rest, b = value``: a list of the items, checked long enough, sliced."""
        star = next(i for i, e in enumerate(t.elts) if isinstance(e, gast.Starred))
        before, after = star, len(t.elts) - star - 1
        seq, n = self.fresh(), self.fresh("n")
        out = [syntax.assign(seq, syntax.call("list", [value])),
               syntax.assign(n, syntax.call("len", [seq]))]
        if before + after:
            error = syntax.call("ValueError", [syntax.const(
                f"not enough values to unpack (expected at least {before + after})")])
            out.append(syntax.if_(syntax.compare(n, gast.Lt, before + after),
                                  [syntax.raise_(error)]))
        parts = [(e, syntax.const(i)) for i, e in enumerate(t.elts[:star])]
        parts.append((t.elts[star].value, syntax.slice_(before, -after if after else None)))
        parts += [(e, syntax.const(i - after)) for i, e in enumerate(t.elts[star + 1:])]
        for target, index in parts:
            if isinstance(target, gast.Name):
                out.append(syntax.assign(target.id, syntax.subscript(seq, index)))
            else:
                tmp = self.fresh()
                out.append(syntax.assign(tmp, syntax.subscript(seq, index)))
                out += self.store(target, syntax.name(tmp))
        return out

    # ----- with blocks -----
    def stmt_with(self, s):
        out, managers = [], []
        for item in s.items:
            pre, rhs = self.rhs(item.context_expr)
            m = self.fresh("context")
            self.locals.add(m)
            out += [*pre, syntax.assign(m, rhs)]
            enter = syntax.call("with_enter", [m])
            if item.optional_vars is None:
                out.append(syntax.expr_stmt(enter))
            elif isinstance(item.optional_vars, gast.Name):
                out.append(syntax.assign(item.optional_vars.id, enter))
            else:
                tmp = self.fresh()
                out += [syntax.assign(tmp, enter),
                        *self.store(item.optional_vars, syntax.name(tmp))]
            managers.append(m)
            self.open.append((m, self.loop_depth))
        body = self.block(s.body)
        del self.open[-len(managers):]
        if not (body and isinstance(body[-1], JUMPS)):
            body += [syntax.expr_stmt(syntax.call("with_exit", [m])) for m in reversed(managers)]
        return out + body

    def exits(self, loop_only):
        """``with_exit`` calls for the blocks a jump leaves (innermost first): those opened
        inside the current loop (``break``, ``continue``), or all (``return``)."""
        return [syntax.expr_stmt(syntax.call("with_exit", [m])) for m, depth
                in reversed(self.open) if not loop_only or depth == self.loop_depth]

    def stmt_break(self, s):
        return [*self.exits(True), s]

    def stmt_continue(self, s):
        return [*self.exits(True), s]

    def loop_block(self, stmts):
        """The body of a loop: ``break``/``continue`` in it leave only what it opens."""
        self.loop_depth += 1
        try:
            return self.block(stmts)
        finally:
            self.loop_depth -= 1
