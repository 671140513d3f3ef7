"""Stage 3a, helper of ``inline``: the method a call on a parameter's object runs.

Entry point: ``method_call(call, patterns) -> (function, receiver, its pattern) | None``.
``patterns`` maps the function's parameters that are never re-bound to the shape patterns of the
arguments it is built for (``transforms.patterns``); an object's pattern carries its class
and those of the objects it holds. So in ``def loss(self, x): h = self.cell(x)`` with
``self.cell`` an ``RNNCell``, the call runs ``RNNCell.__call__`` with ``self.cell`` as its
``self``, and ``inline`` can expand it like a call of a helper function.

That is only true while no object changes: ``unchanged(fndef, library_call, resolve)`` says
whether nothing in the (inlined) function can set an attribute, i.e. it writes no attribute,
reads no ``__dict__`` and calls only functions with gradient rules. The pipeline inlines by
pattern only where that holds. ``sets_attributes`` is the check itself, which the reverse
sweep also asks of a loop body.
"""

import inspect

import gast

from cpsgrad.transforms.patterns import Tree

CHANGES_OBJECTS = (setattr, delattr, vars, object.__setattr__, object.__delattr__)


def method_call(call, patterns):
    """``(the plain function the call runs, the node of its self, the pattern of that)``,
    or None."""
    path, node = [], call.func
    while isinstance(node, gast.Attribute):
        path.append(node.attr)
        node = node.value
    if not isinstance(node, gast.Name) or node.id not in patterns:
        return None
    path.reverse()
    holder = patterns[node.id]
    for attr in path[:-1]:
        holder = _object(holder) and holder.get(attr)
    if not _object(holder):
        return None
    if not path:  # model(x): a callable object
        fun, receiver, pattern = _function(holder.cls, "__call__"), call.func, holder
    elif path[-1] in dict(holder.items):  # an attribute of the instance: a callable object
        pattern = holder.get(path[-1])
        fun = _function(pattern.cls, "__call__") if _object(pattern) else None
        receiver = call.func
    else:  # a method of the class
        fun, receiver, pattern = _function(holder.cls, path[-1]), call.func.value, holder
    return None if fun is None else (fun, receiver, pattern)


def unchanged(fndef, library_call, resolve):
    """Whether no statement of ``fndef`` can change an object (see the module docstring)."""
    def vouched(call, fun):
        builtin_type = isinstance(fun, type) and fun.__module__ == "builtins"  # range
        return library_call(fndef, call) or builtin_type

    return not sets_attributes(fndef, lambda func: resolve(fndef, func), vouched)


def sets_attributes(node, resolve, vouched):
    """Whether code under ``node`` may set an attribute: it writes one, reads ``__dict__``,
    calls ``setattr``/``delattr``/``vars``, or makes a call that ``vouched(call, function)``
    does not vouch for (``resolve(func)`` is the function a call's ``func`` refers to)."""
    for n in gast.walk(node):
        if isinstance(n, gast.Attribute) and (isinstance(n.ctx, gast.Store)
                                              or n.attr == "__dict__"):
            return True
        if isinstance(n, gast.Call):
            fun = resolve(n.func)
            if any(fun is f for f in CHANGES_OBJECTS) or not vouched(n, fun):
                return True
    return False


def _object(p):
    return isinstance(p, Tree) and p.kind == "object"


def _function(cls, name):
    fun = inspect.getattr_static(cls, name, None)  # (pattern_of saw no __getattribute__)
    return fun if inspect.isfunction(fun) else None
