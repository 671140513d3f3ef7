"""The gradient-rule registry: one ``Registry`` object, with a default instance.

A rule is an ordinary function per differentiable argument,
``(g, ans, *args, **kwargs) -> adjoint of that argument``. When its body is one
expression, the adjoint stage inlines it into the emitted code.
"""

import ast
import functools
import inspect
import linecache
import textwrap


class Rule:
    """How to differentiate one function: a VJP per positional argument, or none at all."""

    def __init__(self, fun, vjps, nondiff=False, name=None, rest=None, keywords=None):
        self.fun = fun
        self.vjps = tuple(vjps)
        self.nondiff = nondiff
        self.name = name or getattr(fun, "__name__", "function")
        self.rest = rest          # (argnum, g, ans, *args, **kwargs): positions past vjps
        self.keywords = keywords  # (keyword, g, ans, *args, **kwargs): keyword arguments
        self.bound = {}

    def vjp(self, argnum):
        """The adjoint of positional argument ``argnum``, or None."""
        if argnum < len(self.vjps):
            return self.vjps[argnum]
        return self.specialised(self.rest, argnum)

    def keyword_vjp(self, keyword):
        """The adjoint of keyword argument ``keyword``, or None."""
        return self.specialised(self.keywords, keyword)

    def specialised(self, vjp, first):
        if vjp is None:
            return None
        if first not in self.bound:  # one object per position: emitted once, by one name
            self.bound[first] = functools.wraps(vjp)(functools.partial(vjp, first))
        return self.bound[first]

    def __repr__(self):
        kind = "nondiff" if self.nondiff else f"{len(self.vjps)} vjp(s)"
        return f"<Rule {self.name}: {kind}>"


class Registry:
    """Rules keyed by function object, plus array methods and attributes by name."""

    def __init__(self):
        self.rules = {}
        self.methods = {}     # "sum" -> (np.sum, argument position of self)
        self.attributes = {}  # "T" -> np.transpose

    def defvjp(self, fun, *vjps, name=None):
        """Register ``vjps[i]`` as the adjoint of argument ``i`` (None: not differentiable)."""
        self.rules[fun] = Rule(fun, vjps, name=name)
        return fun

    def defvjp_argnum(self, fun, vjp, keywords=None, name=None):
        """One adjoint for every positional argument: ``vjp(argnum, g, ans, *args,
        **kwargs)`` (``max(a, b, c)``); ``keywords(name, g, ans, *args, **kwargs)`` for
        keyword arguments that carry gradients (``dict(a=x)``)."""
        self.rules[fun] = Rule(fun, (), name=name, rest=vjp, keywords=keywords)
        return fun

    def deflinear(self, fun, name=None):
        """``fun`` is linear in its first argument: its adjoint is ``fun`` applied to ``g``."""
        return self.defvjp(fun, lambda g, ans, x, *args, **kwargs: fun(g, *args, **kwargs),
                           name=name)

    def defnondiff(self, *funs):
        """Functions whose output carries no gradient (shapes, argmax, comparisons, ...)."""
        for fun in funs:
            self.rules[fun] = Rule(fun, (), nondiff=True)

    def defmethod(self, method, fun, nondiff=False):
        """Array method ``x.method(...)`` means ``fun(x, ...)``."""
        self.methods[method] = fun
        if nondiff and fun not in self.rules:
            self.defnondiff(fun)

    def defattribute(self, attribute, fun):
        """Array attribute ``x.attribute`` means ``fun(x)`` (``None``: not differentiable)."""
        self.attributes[attribute] = fun

    def lookup(self, fun):
        try:
            return self.rules.get(fun)
        except TypeError:  # unhashable callables
            return None

    def adjoint(self, fun):
        """Decorator form: ``@registry.adjoint(f)`` over ``def f_vjp(g, ans, *args)``.

        The decorated function returns a tuple with one adjoint per argument of ``f``.
        """
        def register(rule):
            n = len(inspect.signature(fun).parameters)
            vjps = [_select(rule, i) for i in range(n)]
            self.rules[fun] = Rule(fun, vjps)
            return rule
        return register


def _select(rule, i):
    @functools.wraps(rule)
    def vjp(g, ans, *args, **kwargs):
        return rule(g, ans, *args, **kwargs)[i]
    vjp.cpsgrad_select = (rule, i)
    return vjp


@functools.cache
def _functions_by_line(filename):
    """A module's lambdas by the line they start on, and its defs by every line from the
    ``def`` to the first body line (where their code's first line can fall); in
    ``ast.walk`` order."""
    lines = linecache.getlines(filename)  # files, notebook cells and doctests alike
    if not lines:
        raise OSError(f"no source for {filename}")
    tree = ast.parse("".join(lines))
    out = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Lambda):
            out.setdefault(node.lineno, []).append(node)
        elif isinstance(node, ast.FunctionDef):
            for line in range(node.lineno, node.body[0].lineno + 1):
                out.setdefault(line, []).append(node)
    return out


@functools.cache
def inline_form(rule):
    """``(params, body_expr_source)`` if ``rule`` is one expression, else ``None``.

    ``params`` is a list of ``(name, default, has_default, kind)``.
    """
    code = getattr(rule, "__code__", None)
    if code is None or getattr(rule, "cpsgrad_select", None):
        return None
    node = _find_node(rule, code)
    if node is None:
        return None
    if isinstance(node, ast.Lambda):
        body = node.body
    else:
        stmts = [s for s in node.body if not (isinstance(s, ast.Expr)
                                             and isinstance(s.value, ast.Constant))]
        if len(stmts) != 1 or not isinstance(stmts[0], ast.Return) or stmts[0].value is None:
            return None
        body = stmts[0].value
    params = []
    for p in inspect.signature(rule).parameters.values():
        has_default = p.default is not inspect.Parameter.empty
        params.append((p.name, p.default, has_default, p.kind))
    return params, ast.unparse(body)


def _find_node(rule, code):
    try:
        candidates = _functions_by_line(inspect.getsourcefile(rule)).get(code.co_firstlineno, [])
    except (TypeError, OSError, SyntaxError):
        return None
    cols = [c for (line, _, c, end) in list(code.co_positions())[1:]
            if line is not None and c is not None and end]
    for node in candidates:
        if isinstance(node, ast.Lambda) and node.lineno == code.co_firstlineno:
            lo, hi = node.body.col_offset, node.body.end_col_offset
            if cols and lo <= min(c for c in cols) <= hi and node.body.lineno == node.lineno:
                return node
            if node.body.lineno != node.lineno:
                return node
        if (isinstance(node, ast.FunctionDef) and node.name == rule.__name__
                and node.lineno <= code.co_firstlineno <= node.body[0].lineno):
            return node
    return None


def source_of(rule):
    try:
        return textwrap.dedent(inspect.getsource(rule))
    except (OSError, TypeError):
        return repr(rule)


default_registry = Registry()
