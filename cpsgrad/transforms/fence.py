"""Stage 2: reject the Python that cpsgrad cannot differentiate, with a located error.

Entry point: ``fence(source)``. One message per construct (a message catalogue, after
pyflakes). Every unsupported construct of the function is reported, in source order, in
one ``TransformError`` located at the first (file, line, column and source line); the
others follow on one line each.
"""

import gast

from cpsgrad.errors import located

MESSAGES = {
    gast.Try: "`try` statements are not supported: in the emitted code the rest of the "
              "function runs inside the `try` body (continuation-passing style), so a handler "
              "would also catch errors raised after the `try` statement; move the error "
              "handling outside the differentiated function",
    gast.AsyncWith: "`async with` is not supported",
    gast.AsyncFor: "`async for` is not supported",
    gast.AsyncFunctionDef: "async functions are not supported",
    gast.Await: "`await` is not supported",
    gast.Yield: "generators (`yield`) are not supported",
    gast.YieldFrom: "generators (`yield from`) are not supported",
    gast.ClassDef: "class definitions inside a differentiated function are not supported; "
                   "define the class at module level",
    gast.Delete: "`del` is not supported",
    gast.Global: "`global` is not supported: pass the value in as an argument and return it",
    gast.Nonlocal: "`nonlocal` is not supported: return the new value instead",
    gast.Import: "an import inside a block or a nested function is not supported; put it at "
                 "the top level of the function body, or at module level",
    gast.ImportFrom: "an import inside a block or a nested function is not supported; put it "
                     "at the top level of the function body, or at module level",
    gast.NamedExpr: "assignment expressions (`:=`) are not supported",
    gast.GeneratorExp: "a generator expression is supported only as the argument of a call "
                       "(`sum(x * x for x in xs)`); to keep one, build a list "
                       "(`[x * x for x in xs]`)",
    gast.Match: "`match` statements are not supported; use if/elif",
}
STARRED = ("`*` is supported in calls (`f(*xs)`) and assignment targets only; build the "
           "list or tuple with a loop or `list(...)`")


MUTATORS = {"update", "pop", "popitem", "setdefault", "clear", "append", "extend", "insert",
            "remove", "sort", "reverse", "fill", "resize", "put", "itemset", "__setitem__"}


def fence(source, callee=False, owned=()):
    """Raise TransformError naming every construct of ``source.tree`` we cannot handle.

    A ``callee`` (a function called by the one differentiated) may not write into an item or
    attribute of an argument it has not rebound: the argument belongs to the caller, whose
    adjoint follows its own name and would miss the write. ``owned`` arguments are exempt
    (``self`` of an ``__init__``, which hands the object on as its result).
    """
    found = _Fence(source, callee, owned)
    found.imports(source)
    found.check(source.tree)
    if found.problems:
        raise _report(source, found.problems)


def _report(source, problems):
    """One TransformError located at the first problem; the others listed by line."""
    problems = sorted(problems, key=lambda p: (p[0] or 0, p[1] or 0, p[3]))
    first = problems[0][2]
    more = [f"\n  also line {source.file_line(line)}: {message}"
            for line, _col, _node, message in problems[1:]]
    return located(problems[0][3] + "".join(more), source, first)


def _assigned(fndef):
    """Parameters, names assigned and nested defs of ``fndef`` (comprehension variables and
    nested functions' names are their own)."""
    names, stack = {a.id for a in fndef.args.args}, list(fndef.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (gast.FunctionDef, gast.Lambda, gast.comprehension)):
            names |= {node.name} if isinstance(node, gast.FunctionDef) else set()
            continue
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Store):
            names.add(node.id)
        stack.extend(gast.iter_child_nodes(node))
    return names


class _Fence(gast.NodeVisitor):
    def __init__(self, source, callee, owned):
        self.source, self.borrowed, self.problems = source, set(), []
        self.local = {n.id for n in gast.walk(source.tree) if isinstance(n, gast.Name)
                      and isinstance(n.ctx, (gast.Store, gast.Param))}
        if callee:
            rebound = {n.id for n in gast.walk(source.tree)
                       if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store)}
            self.borrowed = {a.id for a in source.tree.args.args} - rebound - set(owned)

    def fail(self, node, message):
        where = (getattr(node, "lineno", None), getattr(node, "col_offset", None))
        if not any(p[:2] == where and p[3] == message for p in self.problems):
            self.problems.append((*where, node, message))

    def imports(self, source):
        """The imports the parse stage ran: none may fail, none of their names may also be
        a local name of the function (Python would rebind it; the gradient could not)."""
        for stmt, why in source.import_failures:
            self.fail(stmt, f"this import fails: {why}")
        assigned = _assigned(source.tree)
        for name, (_obj, stmt) in source.imports.items():
            if name in assigned:
                self.fail(stmt, f"`{name}` is imported here and also assigned in the function; "
                                f"use another name for one of them")

    def check(self, fndef):
        args = fndef.args
        if args.vararg or args.kwarg:
            self.fail(fndef, "nested functions with *args or **kwargs are not supported; "
                             "define the function at module level, or list the parameters")
        if args.kwonlyargs or args.posonlyargs:
            self.fail(fndef, "keyword-only and positional-only parameters of nested functions "
                             "are not supported; define the function at module level")
        for stmt in fndef.body:
            self.visit(stmt)

    def generic_visit(self, node):
        message = MESSAGES.get(type(node))
        if message:
            self.fail(node, message)
        if isinstance(node, gast.Starred) and not isinstance(node.ctx, gast.Store):
            self.fail(node, STARRED)

        if isinstance(node, gast.comprehension) and node.is_async:
            self.fail(node.target, "asynchronous comprehensions are not supported")
        super().generic_visit(node)

    def visit_FunctionDef(self, node):
        if node.decorator_list:
            self.fail(node, "decorators on nested functions are not supported")
        self.check_writes_out(node, node.body)
        self.check(node)

    def check_writes_out(self, node, body):
        """A nested function may not change the enclosing function's values in place: the
        enclosing adjoint follows its own names and would miss the write."""
        own = {n.id for b in body for n in gast.walk(b)
               if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store)}
        own |= {a.id for a in node.args.args}
        for n in (n for b in body for n in gast.walk(b)):
            target = None
            if isinstance(n, (gast.Assign, gast.AugAssign)):
                ts = n.targets if isinstance(n, gast.Assign) else [n.target]
                target = next((t.value for t in ts
                               if isinstance(t, (gast.Subscript, gast.Attribute))), None)
            elif isinstance(n, gast.Call) and isinstance(n.func, gast.Attribute) \
                    and n.func.attr in MUTATORS:
                target = n.func.value
            if isinstance(target, gast.Name) and target.id not in own \
                    and target.id in self.local:  # a global (np.sort(...)) is not ours
                self.fail(n, f"a nested function changes `{target.id}` of the enclosing "
                             f"function in place, which the gradient cannot follow; return "
                             f"the new value instead")

    def visit_Lambda(self, node):
        if node.args.vararg or node.args.kwarg:
            self.fail(node, "lambdas with *args or **kwargs are not supported")
        self.check_writes_out(node, [node.body])
        self.visit(node.body)

    def visit_For(self, node):
        if node.orelse:
            self.fail(node, "`for ... else` is not supported")
        self.generic_visit(node)

    def visit_While(self, node):
        if node.orelse:
            self.fail(node, "`while ... else` is not supported")
        self.generic_visit(node)

    def visit_Assign(self, node):
        for t in node.targets:
            self.check_target(t)
        self.visit(node.value)

    def visit_AugAssign(self, node):
        self.check_target(node.target)
        self.visit(node.value)

    def visit_AnnAssign(self, node):
        self.check_target(node.target)
        if node.value is not None:
            self.visit(node.value)

    def check_target(self, t):
        if isinstance(t, (gast.Attribute, gast.Subscript)):
            root = t.value
            while isinstance(root, (gast.Attribute, gast.Subscript)):
                root = root.value
            if isinstance(root, gast.Name) and root.id in self.borrowed:
                x = root.id
                self.fail(t, f"`{gast.unparse(t)} = ...` writes into the argument `{x}`, which "
                             f"belongs to the caller, whose gradient would miss the write; copy "
                             f"it first (`{x} = {x} * 1.0`, or a new dict) or return the new "
                             f"value (only `__init__` may set attributes of self)")
            self.visit(t.value)
            if isinstance(t, gast.Subscript):
                self.visit(t.slice)
        elif isinstance(t, (gast.Tuple, gast.List)):
            for e in t.elts:
                self.check_target(e)
        elif isinstance(t, gast.Starred):
            self.check_target(t.value)

    def visit_Call(self, node):
        func = node.func
        if isinstance(func, gast.Attribute) and func.attr in MUTATORS \
                and isinstance(func.value, gast.Name) and func.value.id in self.borrowed:
            x = func.value.id
            self.fail(node, f"`{x}.{func.attr}(...)` changes the argument `{x}`, which belongs "
                            f"to the caller, whose gradient would miss the change; work on a "
                            f"copy or return the new value")
        if sum(kw.arg is None for kw in node.keywords) > 1:
            self.fail(node, "several `**` arguments in one call are not supported; merge the "
                            "dicts first")
        self.visit(func)
        for arg in [*node.args, *(kw.value for kw in node.keywords)]:
            if isinstance(arg, gast.GeneratorExp):  # an argument: lowered to a list (anf)
                super().generic_visit(arg)
            elif isinstance(arg, gast.Starred):  # f(*xs): bound when the gradient runs
                self.visit(arg.value)
            else:
                self.visit(arg)
