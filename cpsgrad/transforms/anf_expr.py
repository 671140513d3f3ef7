"""Expressions of the ANF stage: nested expressions → atoms and one-operation right-hand
sides, with lowering of conditional expressions, ``and``/``or`` and lambdas. A mixin of
``anf._Anf`` (split out to keep each module readable).
"""

import gast

from cpsgrad import syntax

SIMPLE = (gast.Name, gast.Constant)


class Expressions:
    def is_ref(self, e):
        """A dotted path rooted at a global name (``np.linalg.norm``): kept as written."""
        while isinstance(e, gast.Attribute):
            e = e.value
        return isinstance(e, gast.Name) and e.id not in self.locals \
            and e.id not in self.enclosing

    def atom(self, e):
        """``(stmts, atom)``: ``e`` evaluated into a Name or Constant (or a free ref)."""
        if isinstance(e, SIMPLE) or self.is_ref(e):
            return [], e
        pre, rhs = self.rhs(e)
        if isinstance(rhs, gast.Name):  # a lowered expression's fresh temporary
            return pre, rhs
        tmp = self.fresh()
        return [*pre, syntax.assign(tmp, rhs)], syntax.name(tmp)

    def atoms(self, es):
        pre, out = [], []
        for e in es:
            more, a = self.atom(e)
            pre += more
            out.append(a)
        return pre, out

    def rhs(self, e):
        """``(stmts, rhs)``: ``e`` as one operation on atoms."""
        if isinstance(e, SIMPLE) or self.is_ref(e):
            return [], e
        method = getattr(self, "rhs_" + type(e).__name__.lower(), None)
        if method is None:
            return [], e  # opaque (f-strings, ...): forward only
        return method(e)

    def rhs_binop(self, e):
        pre, (a, b) = self.atoms([e.left, e.right])
        return pre, syntax.binop(a, e.op, b)

    def rhs_unaryop(self, e):
        pre, a = self.atom(e.operand)
        return pre, syntax.unaryop(e.op, a)

    def rhs_compare(self, e):
        pre, items = self.atoms([e.left, *e.comparators])
        return pre, syntax.compare_chain(items[0], e.ops, items[1:])

    def rhs_call(self, e):
        lowered = self.short_circuit(e)  # any/all/next of a generator (anf_sugar)
        if lowered:
            return lowered
        generator = self.as_generator(e)  # map(f, xs), not an argument: iter([...])
        if generator is not None:
            return self.rhs(syntax.located_copy(syntax.call("iter", [syntax.listcomp(
                generator.elt, generator.generators)]), e))
        pre = []
        func = e.func
        if isinstance(func, gast.Attribute) and not self.is_ref(func):
            more, obj = self.atom(func.value)
            pre += more
            func = syntax.attr(obj, func.attr)
        elif not (isinstance(func, gast.Name) or self.is_ref(func)):
            more, func = self.atom(func)
            pre += more
        args = []
        for a in e.args:
            if isinstance(a, gast.Starred):  # f(*xs): its items, as a sequence
                more, value = self.atom(a.value)
                items = self.fresh("items")
                pre += [*more, syntax.assign(items, syntax.call("items_of", [value]))]
                args.append(syntax.starred(items))
            else:
                more, value = self.atom(self.call_argument(func, a))
                pre += more
                args.append(value)
        kws = {}
        for kw in e.keywords:  # f(**kw) has the keyword None
            more, kws[kw.arg] = self.atom(self.call_argument(func, kw.value))
            pre += more
        return pre, syntax.call(func, args, kws)

    def rhs_attribute(self, e):
        pre, a = self.atom(e.value)
        return pre, syntax.attr(a, e.attr)

    def rhs_subscript(self, e):
        pre, a = self.atom(e.value)
        more, index = self.index(e.slice)
        return pre + more, syntax.subscript(a, index)

    def index(self, s):
        if isinstance(s, gast.Slice):
            pre, parts = [], []
            for p in (s.lower, s.upper, s.step):
                if p is None:
                    parts.append(None)
                else:
                    more, a = self.atom(p)
                    pre += more
                    parts.append(a)
            return pre, syntax.slice_(*parts)
        if isinstance(s, gast.Tuple):
            pre, elts = [], []
            for x in s.elts:
                more, a = self.index(x)
                pre += more
                elts.append(a)
            return pre, syntax.tuple_(elts)
        return self.atom(s)

    def rhs_tuple(self, e):
        pre, elts = self.atoms(e.elts)
        return pre, syntax.tuple_(elts)

    def rhs_list(self, e):
        pre, elts = self.atoms(e.elts)
        return pre, syntax.list_(elts)

    def rhs_dict(self, e):
        if any(k is None for k in e.keys):
            return [], e
        pre, keys = self.atoms(e.keys)
        more, values = self.atoms(e.values)
        return pre + more, syntax.dict_(keys, values)

    def rhs_ifexp(self, e):
        tmp = self.fresh()
        pre, test = self.test(e.test)
        body = self.stmt_assign(syntax.assign(tmp, e.body))
        orelse = self.stmt_assign(syntax.assign(tmp, e.orelse))
        for s in body + orelse:
            s.lineno, s.col_offset = e.lineno, e.col_offset
        return [*pre, syntax.if_(test, body, orelse)], syntax.name(tmp)

    def rhs_boolop(self, e):
        """``a and b`` → ``t = a; if t: t = b`` (short-circuit kept)."""
        tmp = self.fresh()
        pre, first = self.atom(e.values[0])
        out = [*pre, syntax.assign(tmp, first)]
        rest = syntax.located_copy(syntax.boolop(e.op, e.values[1:]), e) \
            if e.values[2:] else e.values[1]
        more = self.stmt_assign(syntax.assign(tmp, rest))
        test = syntax.name(tmp) if isinstance(e.op, gast.And) else syntax.not_(tmp)
        node = syntax.if_(test, more)
        node.lineno, node.col_offset = e.lineno, e.col_offset
        return [*out, node], syntax.name(tmp)

    def rhs_lambda(self, e):
        fname = self.fresh(f"lambda_{getattr(e, 'lineno', 0)}")
        fn = syntax.funcdef(fname, [a.id for a in e.args.args], [syntax.ret(e.body)],
                            list(e.args.defaults))
        fn.lineno, fn.col_offset = e.lineno, e.col_offset
        for n in gast.walk(fn):
            if not hasattr(n, "lineno") or n.lineno is None:
                n.lineno, n.col_offset = e.lineno, e.col_offset
        self.locals.add(fname)
        return self.stmt_functiondef(fn), syntax.name(fname)

    def test(self, e):
        """A branch test: kept readable (``x > 0``) when it is a comparison of atoms."""
        if isinstance(e, gast.Compare):
            return self.rhs_compare(e)
        if isinstance(e, gast.UnaryOp) and isinstance(e.op, gast.Not):
            pre, a = self.atom(e.operand)
            return pre, syntax.not_(a)
        return self.atom(e)
