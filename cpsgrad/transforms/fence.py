"""Stage 2: reject the Python that cpsgrad cannot differentiate, with a located error.

Entry point: ``fence(source)``. One message per construct (a message catalogue, after
pyflakes); the first unsupported construct raises ``TransformError`` with its file,
line, column and source line.
"""

import gast

from cpsgrad.errors import located

MESSAGES = {
    gast.Try: "`try` statements are not supported; move the error handling outside the "
              "differentiated function",
    gast.With: "`with` blocks are not supported inside a differentiated function",
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
    gast.Import: "imports inside a differentiated function are not supported; import at "
                 "module level",
    gast.ImportFrom: "imports inside a differentiated function are not supported; import at "
                     "module level",
    gast.NamedExpr: "assignment expressions (`:=`) are not supported",
    gast.GeneratorExp: "generator expressions are not supported; build a list with a loop",
    gast.SetComp: "set comprehensions are not supported",
    gast.DictComp: "dict comprehensions are not supported; build the dict with a loop",
    gast.Match: "`match` statements are not supported; use if/elif",
    gast.Starred: "star-arguments (`*args`) are not supported; pass arguments explicitly",
}


MUTATORS = {"update", "pop", "popitem", "setdefault", "clear", "append", "extend", "insert",
            "remove", "sort", "reverse", "fill", "resize", "put", "itemset", "__setitem__"}


def fence(source, callee=False, owned=()):
    """Raise TransformError at the first construct of ``source.tree`` we cannot handle.

    A ``callee`` (a function called by the one differentiated) may not write into an item or
    attribute of an argument it has not rebound: the argument belongs to the caller, whose
    adjoint follows its own name and would miss the write. ``owned`` arguments are exempt
    (``self`` of an ``__init__``, which hands the object on as its result).
    """
    _Fence(source, callee, owned).check(source.tree)


class _Fence(gast.NodeVisitor):
    def __init__(self, source, callee, owned):
        self.source, self.borrowed = source, set()
        if callee:
            rebound = {n.id for n in gast.walk(source.tree)
                       if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store)}
            self.borrowed = {a.id for a in source.tree.args.args} - rebound - set(owned)

    def fail(self, node, message):
        raise located(message, self.source, node)

    def check(self, fndef):
        args = fndef.args
        if args.vararg or args.kwarg:
            self.fail(fndef, "functions with *args or **kwargs are not supported; "
                             "list the parameters explicitly")
        if args.kwonlyargs or args.posonlyargs:
            self.fail(fndef, "keyword-only and positional-only parameters are not supported")
        for stmt in fndef.body:
            self.visit(stmt)

    def generic_visit(self, node):
        message = MESSAGES.get(type(node))
        if message:
            self.fail(node, message)
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
            if isinstance(target, gast.Name) and target.id not in own:
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
        if isinstance(t, gast.Attribute):
            if not isinstance(t.value, gast.Name):
                self.fail(t, "only writes into an attribute of a named object (`obj.x = v`) "
                             "are supported")
            if t.value.id in self.borrowed:
                x = t.value.id
                self.fail(t, f"`{x}.{t.attr} = ...` changes the argument `{x}`, which belongs "
                             f"to the caller, whose gradient would miss the change; return the "
                             f"new value instead (only `__init__` may set attributes of self)")
        elif isinstance(t, gast.Subscript):
            if not isinstance(t.value, gast.Name):
                self.fail(t, "only writes into a named array or list (`x[i] = v`) are "
                             "supported")
            if t.value.id in self.borrowed:
                x = t.value.id
                self.fail(t, f"`{x}[...] = ...` writes into the argument `{x}`, which belongs "
                             f"to the caller, whose gradient would miss the write; copy it "
                             f"first (`{x} = {x} * 1.0`, or a new dict) or return the new value")
            self.visit(t.slice)
        elif isinstance(t, (gast.Tuple, gast.List)):
            for e in t.elts:
                self.check_target(e)
        elif isinstance(t, gast.Starred):
            self.fail(t, "starred assignment targets (`a, *b = ...`) are not supported")

    def visit_Call(self, node):
        func = node.func
        if isinstance(func, gast.Attribute) and func.attr in MUTATORS \
                and isinstance(func.value, gast.Name) and func.value.id in self.borrowed:
            x = func.value.id
            self.fail(node, f"`{x}.{func.attr}(...)` changes the argument `{x}`, which belongs "
                            f"to the caller, whose gradient would miss the change; work on a "
                            f"copy or return the new value")
        self.generic_visit(node)

    def visit_ListComp(self, node):
        if len(node.generators) != 1 or node.generators[0].is_async:
            self.fail(node, "list comprehensions with more than one `for` are not supported")
        self.generic_visit(node)
