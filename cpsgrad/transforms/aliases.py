"""Stage 3b: aliases — names bound to one mutable object, and writes through them.

Entry point: ``aliases(fndef, resolve, fail, where, callee=False) -> fndef`` (the ANF tree,
rewritten in place: it is the ANF stage's fresh copy). The emitted code is SSA: an in-place
write ``x[i] = v`` makes a new value of ``x``, and the adjoint follows names. Python follows
objects, so after the write every other name bound to the same object must see the new
value too. This pass makes that explicit (the analysis is ``alias_links.Links``):

* After a write through ``x`` (``x[i] = v``, ``x.a = v``, or the lowered
  ``x = append(x, v)``), each other live name that certainly holds the same object is
  re-bound to it (``y = x``): a *must class*, joined by plain copies, each assigned once.
* If ``x`` was read out of a container (``x = d["buf"]``, or ``d["buf"][0] = v``, which the
  ANF stage lowers so), the container is *re-linked*: ``d["buf"] = x`` (marked ``relink``;
  the cps stage writes nothing, but the adjoint flows from ``d``'s new value to ``x``'s),
  and so on outwards.
* A write through a name that other live names *may* share memory with otherwise — a
  slice or view (``x.T``), a call's result, a container holding it that may have changed —
  raises ``TransformError`` naming both lines.
* ``x += v`` on a name with live aliases: NumPy adds into an array in place, the emitted
  code rebinds; a runtime guard (``forward.no_inplace``) refuses arrays and lists there.
* ``out=`` arguments and in-place array methods (``x.sort()``, ``x.fill(0)``) are refused.

Parameters of a callee (and of nested functions) belong to the caller, so they are live
throughout. Names a nested function reads are live throughout too (it may run later).
"""

import gast

from cpsgrad import syntax
from cpsgrad.transforms.activity import free_names
from cpsgrad.transforms.alias_facts import liveness
from cpsgrad.transforms.alias_links import ITEM, SHARE, Links, is_append
from cpsgrad.transforms.anf import local_names

OPERATORS = {gast.Add: "+", gast.Sub: "-", gast.Mult: "*", gast.Div: "/", gast.Pow: "**",
             gast.MatMult: "@", gast.FloorDiv: "//", gast.Mod: "%"}
ARRAY_MUTATORS = {"fill", "sort", "put", "resize", "itemset", "partition", "setfield",
                  "byteswap", "setflags"}


def aliases(fndef, resolve, fail, where, callee=False, numeric=frozenset()):
    """``fndef`` with aliases of written objects re-bound (see the module docstring).
    ``resolve(func)`` is the object a call refers to; ``fail(stmt, message)`` raises;
    ``where(stmt)`` is ``(file name, line)`` in the user's file; ``numeric`` are the names
    that hold numbers or arrays (``x[i] = v`` copies ``v`` into an array)."""
    return _Aliases(fndef, resolve, fail, where, callee, numeric).function(fndef)


class _Aliases:
    def __init__(self, fndef, resolve, fail, where, callee, numeric):
        self.resolve, self.fail, self.where, self.callee = resolve, fail, where, callee
        self.top, self.numeric = fndef, numeric

    def function(self, fndef):
        self.locals = local_names(fndef)
        self.links = Links(fndef, self.resolve, self.locals, self.numeric)
        params = self.params = {a.id for a in fndef.args.args}
        closed = {n for s in gast.walk(fndef) if isinstance(s, gast.FunctionDef)
                  and s is not fndef for n in free_names(s)}
        self.always = closed | (params if self.callee or fndef is not self.top else set())
        self.live = {}
        liveness(fndef.body, set(), self.live)
        out = syntax.funcdef(fndef.name, [a.id for a in fndef.args.args],
                             self.block(fndef.body), list(fndef.args.defaults))
        out.lineno, out.col_offset = fndef.lineno, fndef.col_offset
        return out

    # ----- the rewrite -----
    def block(self, stmts):
        out = []
        for s in stmts:
            out += self.stmt(s)
        return out

    def stmt(self, s):
        if isinstance(s, gast.If):
            s.body, s.orelse = self.block(s.body), self.block(s.orelse)
            return [s]
        if isinstance(s, (gast.For, gast.While)):
            s.body = self.block(s.body)
            return [s]
        if isinstance(s, gast.FunctionDef):
            inner = _Aliases(self.top, self.resolve, self.fail, self.where, self.callee,
                             self.numeric)
            return [inner.function(s)]
        self.refuse_in_place(s)
        if isinstance(s, gast.Assign):
            t = s.targets[0]
            if isinstance(t, (gast.Subscript, gast.Attribute)):
                return [s, *self.rebind(t.value.id, s)]
            if is_append(s):
                return [s, *self.rebind(t.id, s)]
            if getattr(s, "inplace", False):
                return [*self.guard(t.id, s), s]
        return [s]

    def live_after(self, s):
        return self.live.get(id(s), set()) | self.always

    def rebind(self, x, s, written=None, done=frozenset()):
        """After a write through ``x`` at ``s``: ``y = x`` for every live name ``y``
        certainly bound to ``x``'s object, ``d[key] = x`` for the containers that certainly
        hold it (and so on outwards); refuse a write that other live names may see.
        ``written`` is the object written when ``x`` is a container re-linked to it;
        ``done`` the names already brought up to date."""
        live = self.live_after(s)
        same = (self.links.must.group(x) | self.links.certain_copies(x, s)) - {x}
        if written is None:
            same |= self.links.certain_items(x, s) - {x}
        relinks = self.links.places_of(same | {x}, s)
        seen = self.links.observers(x, s, frozenset(relinks), ITEM if written else SHARE)
        unplaced = self.links.unplaced(same | {x}, relinks, s) | self.links.unplaced(
            set(seen) - same - {x}, relinks, s, every=True)
        for other in sorted((set(seen) - same - done - {written} | unplaced) & live):
            self.fail(s, f"this writes into `{written or x}` in place, and `{other}` (line "
                         f"{self.where(seen.get(other, s))[1]}: shares memory with it) is "
                         f"used afterwards; the gradient would follow only one of them. Make "
                         f"a copy first (`{x} = {x}.copy()`, `np.array(...)`) or build a new "
                         f"value")
        out = [_located(syntax.assign(y, syntax.name(x)), s) for y in sorted(same & live)]
        done = done | same | {x} | set(relinks)
        for container, keys in sorted(relinks.items(), key=lambda kv: kv[0]):
            for key in keys:
                target = (syntax.attr(container, key, "store") if isinstance(key, str)
                          else syntax.subscript(container, key, "store"))
                store = _located(syntax.assign(target, syntax.name(x)), s)
                # the object is already there (a write in place): only the adjoint moves; an
                # append made a new list (see forward.append), which the container must get
                store.relink = not (written is None and is_append(s))
                out.append(store)
            out += self.rebind(container, s, written or x, done)
        return out

    def guard(self, x, s):
        others = sorted((set(self.links.observers(x, s)) | self.links.must.group(x) - {x})
                        & self.live_after(s))
        if not others and x not in self.always:
            return []
        holder = (f"`{others[0]}` holds the same object" if others else
                  "the object belongs to the caller" if x in self.params else
                  "a nested function reads it")
        op = OPERATORS.get(type(s.value.op), "+") if isinstance(s.value, gast.BinOp) else "+"
        message = (f"`{x} {op}= ...` changes an array or list in place, and {holder}; "
                   f"cpsgrad differentiates `{x} = {x} {op} ...`: write that, or copy first")
        filename, line = self.where(s)
        check = syntax.call("no_inplace", [syntax.name(x), syntax.const(message),
                                           syntax.const(filename), syntax.const(line)])
        return [_located(syntax.expr_stmt(check), s)]

    def refuse_in_place(self, s):
        value = s.value if isinstance(s, (gast.Assign, gast.Expr)) else None
        if not isinstance(value, gast.Call):
            return
        if any(kw.arg == "out" for kw in value.keywords):
            self.fail(s, "`out=` writes into an array in place, which the gradient cannot "
                         "follow; assign the result instead")
        if self.links.is_method(value) and value.func.attr in ARRAY_MUTATORS:
            self.fail(s, f"`.{value.func.attr}()` changes an array in place, which the "
                         f"gradient cannot follow; use the NumPy function that returns a new "
                         f"array (`np.{value.func.attr}(...)`)")


def _located(node, like):
    for n in gast.walk(node):
        n.lineno, n.col_offset = getattr(like, "lineno", None), getattr(like, "col_offset", 0)
    return node
