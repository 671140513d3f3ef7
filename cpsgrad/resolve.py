"""What names mean, for the stages of one emitted module (``pipeline.Unit`` is a ``Resolver``).

A source-level reference (``np.linalg.norm``, a helper's name) is resolved in the module of
the function it appears in; a name the emitted code binds (``unbroadcast``) in the emitted
module's namespace. A statement's place is its file and line in the user's source, or in
the helper it was inlined from (``origin``).
"""

from pathlib import Path

import gast
import numpy as np

from cpsgrad import forward, syntax
from cpsgrad.errors import TransformError, located
from cpsgrad.naming import Versions, bar
from cpsgrad.transforms.anf import local_names
from cpsgrad.transforms.kinds import SEQUENCE_RESULTS

LIBRARY_MODULES = ("numpy", "scipy", "cpsgrad", "builtins", "math", "autograd", "jax", "torch")
LOWERED = {"append": forward.append,  # helpers the ANF and aliases stages write calls to
           "items_of": forward.items_of,  # what a for loop goes over
           "appended": forward.append,  # a comprehension's own list (anf_sugar)
           "no_inplace": forward.no_inplace,
           "with_enter": forward.with_enter, "with_exit": forward.with_exit}


class Resolver:
    """Needs ``ns`` (the emitted module's ``Namespace``), ``registry``, ``by_tree``
    (``id(tree)`` -> its ``Source``) and ``locals_cache``."""

    # ----- names -----
    def namer(self, taken):
        """Fresh names that clash neither with ``taken`` nor with their adjoints' names."""
        return Versions(set(taken) | {bar(n) for n in taken} | set(self.ns.objects))

    def bind(self, name, obj):
        return self.ns.bind(name, obj)

    def source_of(self, fndef):
        return self.by_tree[id(fndef)]

    def resolve(self, fndef, name):
        found, obj = self.source_of(fndef).resolve(name)
        if not found and name in LOWERED:
            return True, LOWERED[name]
        if found and isinstance(obj, type | type(len)) and obj in forward.RECORDED:
            return True, forward.RECORDED[obj]  # the items stay readable for the adjoint
        return found, obj

    def global_name(self, fndef, name):
        found, obj = self.resolve(fndef, name)
        if not found:
            return name  # a NameError at run time, as in the original
        return self.bind(name, obj)

    def resolve_source(self, fndef, node):
        """The object a source-level reference (``np.linalg.norm``) means, or None."""
        path = []
        while isinstance(node, gast.Attribute):
            path.append(node.attr)
            node = node.value
        if not isinstance(node, gast.Name) or node.id in self.locals_of(fndef):
            return None
        found, obj = self.resolve(fndef, node.id)
        for attr in reversed(path):
            obj = getattr(obj, attr, None)
        return obj if found else None

    def locals_of(self, fndef):
        key = id(fndef)
        if key not in self.locals_cache:
            self.locals_cache[key] = local_names(fndef)
        return self.locals_cache[key]

    def resolve_emitted(self, node):
        path = []
        while isinstance(node, gast.Attribute):
            path.append(node.attr)
            node = node.value
        if not isinstance(node, gast.Name) or node.id not in self.ns.objects:
            return None
        obj = self.ns.objects[node.id]
        for attr in reversed(path):
            obj = getattr(obj, attr, None)
        return obj

    def is_nondiff(self, fndef, rhs, locals_):
        if isinstance(rhs, gast.Attribute):
            return self.registry.attributes.get(rhs.attr, "") is None
        if not isinstance(rhs, gast.Call):
            return False
        func = rhs.func
        if isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name) \
                and func.value.id in locals_:
            fun = self.registry.methods.get(func.attr)
        else:
            fun = self.resolve_source(fndef, func)
        rule = self.registry.lookup(fun) if fun is not None else None
        return bool(rule and rule.nondiff)

    def call_kind(self, rhs, owner):
        func = rhs.func
        if isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name) \
                and func.value.id in owner:
            return "num" if func.attr in self.registry.methods \
                and func.attr not in SEQUENCE_RESULTS else "any"
        fun = self.resolve_emitted(func)
        if fun is None or getattr(fun, "__name__", "") in SEQUENCE_RESULTS:
            return "any"
        rule = self.registry.lookup(fun)
        return "num" if rule and isinstance(fun, np.ufunc | type(np.sum)) else "any"

    def index_value(self, node):
        """An index expression as a value: ``1:3`` becomes ``slice(1, 3, None)``."""
        if isinstance(node, gast.Slice):
            return syntax.call("slice", [node.lower or syntax.const(None),
                                         node.upper or syntax.const(None),
                                         node.step or syntax.const(None)])
        if isinstance(node, gast.Tuple):
            return syntax.tuple_([self.index_value(e) for e in node.elts])
        return node

    # ----- locations -----
    def source_line(self, fndef, line, origin=None):
        return (origin or self.source_of(fndef)).source_line(line) if line else None

    def where(self, fndef, line, origin=None):
        source = origin or self.source_of(fndef)
        return f"{Path(source.filename).name}:{source.file_line(line)}"

    def file_line(self, fndef, line):
        return self.source_of(fndef).file_line(line)

    def error(self, fndef, stmt, message, cls=None):
        source = getattr(stmt, "origin", None) or self.source_of(fndef)
        return located(message, source, stmt, cls or TransformError)
