"""The only module that builds gast nodes. Every other stage calls these helpers."""

import gast

COMMENT = "#cpsgrad# "  # string statements with this prefix become comments in codegen

_CTX = {"load": gast.Load, "store": gast.Store, "param": gast.Param, "del": gast.Del}


def name(id_, ctx="load"):
    return gast.Name(id=id_, ctx=_CTX[ctx](), annotation=None, type_comment=None)


def const(value):
    return gast.Constant(value=value, kind=None)


def copy_node(x):
    """A copy of a node and of the nodes and lists under it; other values (constants, the
    ``Source`` an inlined statement points to) are shared. Several times faster than
    ``copy.deepcopy``, which the stages would otherwise call thousands of times."""
    if isinstance(x, gast.AST):
        new = type(x).__new__(type(x))
        new.__dict__.update({k: copy_node(v) for k, v in x.__dict__.items()})
        return new
    if isinstance(x, list):
        return [copy_node(v) for v in x]
    return x


def as_expr(x):
    """A node from a node (copied), a name string, or a Python constant."""
    if isinstance(x, gast.AST):
        return copy_node(x)
    if isinstance(x, str):
        return name(x)
    return const(x)


def target(x):
    """A store-context target from a name string, a node, or a list/tuple of them."""
    if isinstance(x, (list, tuple)):
        return gast.Tuple(elts=[target(e) for e in x], ctx=gast.Store())
    if isinstance(x, str):
        return name(x, "store")
    node = copy_node(x)
    node.ctx = gast.Store()
    return node


def assign(lhs, value):
    return gast.Assign(targets=[target(lhs)], value=as_expr(value), type_comment=None)


def aug_add(lhs, value):
    """``lhs += value``; ``lhs -= e`` when ``value`` is ``-e``."""
    if _negated(value):
        return gast.AugAssign(target=target(lhs), op=gast.Sub(), value=as_expr(value.operand))
    return gast.AugAssign(target=target(lhs), op=gast.Add(), value=as_expr(value))


def plus(left, right):
    """``left + right``; ``left - e`` when ``right`` is ``-e``."""
    if _negated(right):
        return binop(left, gast.Sub, right.operand)
    return binop(left, gast.Add, right)


def _negated(node):
    return isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub)


def expr_stmt(value):
    return gast.Expr(value=as_expr(value))


def comment(text):
    return gast.Expr(value=const(COMMENT + text))


def comment_text(s):
    """The text of a statement made by ``comment``, or None for any other statement."""
    if isinstance(s, gast.Expr) and isinstance(s.value, gast.Constant) \
            and isinstance(s.value.value, str) and s.value.value.startswith(COMMENT):
        return s.value.value[len(COMMENT):]
    return None


def blocks(tree):
    """Every list of statements under ``tree`` (bodies, ``else`` and ``finally`` parts): the
    lists themselves, for a stage to change in place."""
    for node in gast.walk(tree):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if isinstance(block, list) and block and isinstance(block[0], gast.stmt):
                yield block


def call(func, args=(), keywords=None):
    kws = [gast.keyword(arg=k, value=as_expr(v)) for k, v in (keywords or {}).items()]
    return gast.Call(func=as_expr(func), args=[as_expr(a) for a in args], keywords=kws)


def attr(value, attribute, ctx="load"):
    return gast.Attribute(value=as_expr(value), attr=attribute, ctx=_CTX[ctx]())


def subscript(value, index, ctx="load"):
    return gast.Subscript(value=as_expr(value), slice=as_expr(index), ctx=_CTX[ctx]())


def tuple_(elts):
    return gast.Tuple(elts=[as_expr(e) for e in elts], ctx=gast.Load())


def list_(elts):
    return gast.List(elts=[as_expr(e) for e in elts], ctx=gast.Load())


def _op(op):
    """An operator node from its class (``gast.Add``) or a node of it (kept)."""
    return op if isinstance(op, gast.AST) else op()


def binop(left, op, right):
    return gast.BinOp(left=as_expr(left), op=_op(op), right=as_expr(right))


def unaryop(op, operand):
    return gast.UnaryOp(op=_op(op), operand=as_expr(operand))


def boolop(op, values):
    return gast.BoolOp(op=_op(op), values=[as_expr(v) for v in values])


def compare(left, op, right):
    return gast.Compare(left=as_expr(left), ops=[op()], comparators=[as_expr(right)])


def compare_chain(left, ops, comparators):
    """``a < b <= c``: ``ops`` are operator nodes or classes, one per comparator."""
    return gast.Compare(left=as_expr(left), ops=[_op(o) for o in ops],
                        comparators=[as_expr(c) for c in comparators])


def starred(value):
    return gast.Starred(value=as_expr(value), ctx=gast.Load())


def dict_(keys, values):
    """``{k: v, ...}``; a key of None is ``**v``."""
    return gast.Dict(keys=[None if k is None else as_expr(k) for k in keys],
                     values=[as_expr(v) for v in values])


def not_(value):
    return gast.UnaryOp(op=gast.Not(), operand=as_expr(value))


def if_(test, body, orelse=()):
    return gast.If(test=as_expr(test), body=list(body) or [gast.Pass()], orelse=list(orelse))


def for_(target_, iter_, body):
    return gast.For(target=target(target_), iter=as_expr(iter_), body=list(body) or [pass_()],
                    orelse=[], type_comment=None)


def listcomp(elt, generators):
    """``[elt for ...]`` from a comprehension's (or a generator expression's) parts."""
    return gast.ListComp(elt=as_expr(elt), generators=copy_node(generators))


def slice_(lower=None, upper=None, step=None):
    return gast.Slice(lower=None if lower is None else as_expr(lower),
                      upper=None if upper is None else as_expr(upper),
                      step=None if step is None else as_expr(step))


def break_():
    return gast.Break()


def while_true(body):
    """``while True: body`` (a loop left by ``break``)."""
    return gast.While(test=const(True), body=list(body) or [pass_()], orelse=[])


def generator_exp(elt, target_, iter_):
    """``(elt for target_ in iter_)``."""
    return gast.GeneratorExp(elt=as_expr(elt), generators=[gast.comprehension(
        target=target(target_), iter=as_expr(iter_), ifs=[], is_async=0)])


def raise_(exc):
    return gast.Raise(exc=as_expr(exc), cause=None)


def ret(value=None):
    return gast.Return(value=None if value is None else as_expr(value))


def nonlocal_(names):
    return gast.Nonlocal(names=sorted(names))


def pass_():
    return gast.Pass()


def funcdef(fname, params, body, defaults=()):
    args = gast.arguments(
        args=[name(p, "param") for p in params], posonlyargs=[], vararg=None,
        kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[as_expr(d) for d in defaults])
    return gast.FunctionDef(name=fname, args=args, body=list(body) or [gast.Pass()],
                            decorator_list=[], returns=None, type_comment=None, type_params=[])


def module(body):
    return gast.Module(body=list(body), type_ignores=[])


def parse_expr(src):
    return gast.parse(src, mode="eval").body


def template(src, **subs):
    """Parse expression ``src`` and replace each Name in ``subs`` by a node/name/constant."""
    return substitute(parse_expr(src), subs)


def substitute(node, subs):
    """A copy of ``node`` whose loaded Names found in ``subs`` are replaced."""
    node = copy_node(node)

    class _Sub(gast.NodeTransformer):
        def visit_Name(self, n):
            if isinstance(n.ctx, gast.Load) and n.id in subs:
                return as_expr(subs[n.id])
            return n

    return _Sub().visit(node)


def rename(node, mapping):
    """A copy of ``node`` with every Name (any context) renamed through ``mapping``."""
    node = copy_node(node)
    for n in gast.walk(node):
        if isinstance(n, gast.Name) and n.id in mapping:
            n.id = mapping[n.id]
    return node


def located_copy(node, like):
    """Copy ``node`` with source location taken from ``like``."""
    node = copy_node(node)
    for n in gast.walk(node):
        for field in ("lineno", "col_offset"):
            if hasattr(like, field):
                setattr(n, field, getattr(like, field))
    return node
