"""The analysis behind the aliases stage: which names can see a write through which.

Entry point: ``Links(fndef, resolve, locals_)``. A *link* ``(a, b)`` says that a write
through ``a`` may be seen through ``b``, in one of three ways:

* SHARE — ``b`` is the same object or shares its memory (``b = a``, a view ``b = a.T``,
  a call's result that may be its argument);
* ITEM — ``b`` holds ``a`` as an item or attribute (``b = [a]``, ``b[k] = a``,
  ``a = b[k]``): a write into ``a`` changes one of ``b``'s items;
* COPY — ``b`` is a new container holding ``a``'s items (``b = list(a)``, ``a.copy()``):
  it sees writes into those items, not into ``a``'s own slots.

``observers(x, stmt)`` follows the links alive at ``stmt`` (a link dies when either name is
bound to a new object: ``row = []`` in a loop). ``places[(a, b)]`` is where ``a`` sits in
``b``: read out of it (``a = b[key]``, ``b.attr``) or put there by a literal; ``relinkable``
says whether ``b[key]`` still certainly holds ``a`` (neither the key's names nor ``b``'s
slots changed since). ``must`` are the must classes: names joined by plain copies, each assigned
once, which certainly hold the same object.
"""

import gast
import numpy as np

from cpsgrad import syntax
from cpsgrad.transforms.activity import free_names
from cpsgrad.transforms.alias_facts import (
    COPIES,
    FRESH_METHODS,
    NO_ALIAS_ATTRIBUTES,
    UnionFind,
    assignments,
    fresh,
    member,
)

SHARE, ITEM, COPY = "share", "item", "copy"


class Links:
    def __init__(self, fndef, resolve, locals_, numeric=frozenset()):
        self.resolve, self.locals, self.numeric = resolve, locals_, numeric
        self.containers = _containers(fndef)
        self.sees, self.origin, self.created, self.reads, self.places = {}, {}, {}, {}, {}
        self._key_names = {}  # id(key node) -> names it reads
        self.literals = {}  # a container built by a literal -> {constant key: item name}
        self.creators = {}  # link -> ids of the statements that make it
        self.closures = {}  # a nested def's name -> the local names it reads
        self.read_links, self.copies = set(), set()  # links made by x = c[k], by x = y
        self.must, counts = UnionFind(), {a.id: 1 for a in fndef.args.args}
        rhs_count = {}  # name -> how many assignment statements it has (params count one)
        params = {a.id for a in fndef.args.args}
        for s, in_loop in assignments(fndef.body, False):
            if isinstance(s, gast.FunctionDef):  # its result may be a value it closes over
                self.closures[s.name] = free_names(s) & self.locals - {s.name}
                continue
            t = s.targets[0]
            if not isinstance(t, gast.Name):
                self.hold(t.value.id, names(s.value) & self.locals, s)  # x[i] = v, x.a = v
            elif is_append(s):
                self.hold(t.id, names(s.value.args[1]) & self.locals, s)
            else:
                counts[t.id] = counts.get(t.id, 0) + (2 if in_loop else 1)
                rhs_count[t.id] = rhs_count.get(t.id, int(t.id in params)) + 1
                if isinstance(s.value, gast.Name):
                    self.must.union(t.id, s.value.id)
                self.assigned(t.id, s.value, s)
        for group in self.must.groups():
            if any(counts.get(n, 2) != 1 for n in group):
                for n in group:
                    self.must.forget(n)
        self.literals = {c: items for c, items in self.literals.items()  # its only assignment
                         if rhs_count.get(c) == 1}
        self.reach = {}
        self.reaching(fndef.body, EMPTY)
        self.items_read(fndef)

    def items_read(self, fndef):
        """``t = c[k]`` may be any item ``c`` holds: it shares memory with them (only with
        the one a literal put at a constant ``k`` while ``c``'s slots are unchanged)."""
        for (t, c), stmt in list(self.reads.items()):
            alive, dirty, _sure = self.reach[id(stmt)]
            key = self.places.get((t, c), (None, None))[1]
            known = self.literals.get(c, {})
            if isinstance(key, gast.Constant) and key.value in known and not any(
                    e[1] == c for e in dirty):
                held = {known[key.value]}
            else:
                held = {a for (a, b) in alive if b == c and (a, b) not in self.read_links}
            for item in held - {t}:
                if _holds(self.sees, item, c):
                    self.both(t, item, SHARE, stmt)
        self.reaching(fndef.body, EMPTY)

    def places_of(self, names_, at):
        """``{container: [keys]}``: every place where a container certainly holds one of
        ``names_`` (all bound to one object) at ``at`` (see ``relinkable``)."""
        out = {}
        for name in sorted(names_):
            for c, (_stmt, key) in self.relinkable(name, at).items():
                keys = out.setdefault(c, [])
                if _key_text(key) not in map(_key_text, keys):
                    keys.append(key)
                for k, item in self.literals.get(c, {}).items():  # [buf, buf]: both places
                    if item in names_ and not isinstance(key, str) and k not in [
                            getattr(old, "value", None) for old in keys]:
                        keys.append(syntax.const(k))
        return out

    def unplaced(self, names_, places, at, every=False):
        """The containers in ``places`` that also hold one of ``names_`` somewhere else (put
        there by a write or an append), or, ``every``, anywhere at all (``names_`` may be the
        object written): they cannot all be re-linked."""
        alive = self.reach.get(id(at), (set(), set()))[0]
        known = set() if every else {id(self.places[(n, c)][0]) for n in names_
                                     for c in places if (n, c) in self.places}
        return {c for n in names_ for c in places if (n, c) in alive
                and (n, c) not in self.read_links
                and self.creators[(n, c)] - known and _holds(self.sees, n, c)}

    def certain_copies(self, x, at):
        """The names surely bound to ``x``'s object at ``at`` by plain copies (``y = x``)
        on every path, though they may be assigned elsewhere too."""
        sure = self.reach.get(id(at), EMPTY)[2]
        found, todo = set(), [x]
        while todo:
            a = todo.pop()
            for e in self.copies:
                if e[0] == a and e in sure and e[1] not in found and e[1] != x:
                    found.add(e[1])
                    todo.append(e[1])
        return found

    def certain_items(self, x, at):
        """The names that certainly are ``x`` at ``at``: the item a literal put at the
        constant key ``x`` was read from (``c = [buf, 1.0]; x = c[0]``)."""
        sure = self.reach.get(id(at), EMPTY)[2]
        out = set()
        for c, (_stmt, key) in self.relinkable(x, at).items():
            item = self.literals.get(c, {}).get(key.value) if isinstance(
                key, gast.Constant) else None
            if item is not None and (item, c) in sure:
                out.add(item)
        return out

    # ----- the links a statement makes -----
    def link(self, source, observer, kind, stmt):
        self.sees.setdefault(source, set()).add((observer, kind))
        self.origin.setdefault((source, observer), stmt)
        self.creators.setdefault((source, observer), set()).add(id(stmt))
        self.created.setdefault(id(stmt), set()).add((source, observer))

    def hold(self, container, items, stmt):
        if container in self.numeric:
            return  # x[i] = v copies v into the array x
        for item in items - {container}:
            self.link(item, container, ITEM, stmt)

    def both(self, a, b, kind, stmt):
        self.link(a, b, kind, stmt)
        self.link(b, a, kind, stmt)

    def assigned(self, name, rhs, stmt):
        """The links ``name = rhs`` makes."""
        if isinstance(rhs, gast.Name):
            self.both(name, rhs.id, SHARE, stmt)
            self.copies |= {(name, rhs.id), (rhs.id, name)}
        elif isinstance(rhs, (gast.Tuple, gast.List, gast.Dict)):
            self.hold(name, names(rhs) & self.locals, stmt)
            keys = rhs.keys if isinstance(rhs, gast.Dict) else [
                syntax.const(i) for i in range(len(rhs.elts))]
            values = rhs.values if isinstance(rhs, gast.Dict) else rhs.elts
            self.literals[name] = {k.value: v.id for k, v in zip(keys, values, strict=True)
                                   if isinstance(k, gast.Constant) and isinstance(v, gast.Name)}
            if not isinstance(rhs, gast.Dict):  # xs[-1] is xs[len(xs) - 1]
                self.literals[name].update({k - len(values): v for k, v in
                                            self.literals[name].items()})
            for k, v in zip(keys, values, strict=True):
                if isinstance(k, gast.Constant) and isinstance(v, gast.Name) \
                        and v.id in self.locals and v.id != name:
                    self.places.setdefault((v.id, name), (stmt, k))
        elif isinstance(rhs, (gast.Subscript, gast.Attribute)):
            if isinstance(rhs, gast.Attribute) and rhs.attr in NO_ALIAS_ATTRIBUTES:
                return
            sliced = isinstance(rhs, gast.Subscript) and any(
                isinstance(n, gast.Slice) for n in gast.walk(rhs.slice))
            for base in names(rhs.value) & self.locals - {name}:  # an item, a slice, a view
                if base not in self.containers:  # a view: writes show both ways
                    self.link(name, base, ITEM, stmt)
                    self.link(base, name, SHARE, stmt)
                else:  # a list's item, or a new list of its items (xs[1:])
                    self.link(name, base, COPY if sliced else ITEM, stmt)
                    self.link(base, name, COPY, stmt)
                self.reads[(name, base)] = stmt
                self.read_links.add((name, base))
                key = rhs.attr if isinstance(rhs, gast.Attribute) else rhs.slice
                if isinstance(rhs.value, gast.Name):
                    self.places[(name, base)] = (stmt, key)
        elif isinstance(rhs, gast.Call):
            self.called(name, rhs, stmt)

    def called(self, name, rhs, stmt):
        """The links ``name = f(...)`` makes: none for a new array, COPY for a new container
        of the same items, SHARE (it may be a view, or an argument) for anything else."""
        method = rhs.func.attr if self.is_method(rhs) else None
        fun = None if method else self.resolve(rhs.func)
        if isinstance(fun, np.ufunc) or fresh(fun) or method in FRESH_METHODS:
            return
        receiver = rhs.func.value.id if method else None
        if method == "copy" and receiver in self.numeric:
            return  # an array's copy is a new array
        kind = COPY if method == "copy" or member(fun, COPIES) else SHARE
        parts = [*rhs.args, *(kw.value for kw in rhs.keywords)]
        if kind == COPY and rhs.keywords and not method:  # dict(a=z): z is an item of it
            self.hold(name, set().union(*(names(kw.value) for kw in rhs.keywords))
                      & self.locals, stmt)
            parts = list(rhs.args)
        if method:
            parts.append(rhs.func.value)  # x.reshape(...) may be a view of x
        elif fun is None:  # a function value (g = lambda: z; g(), fs[0]()): its result may
            parts.append(rhs.func)  # be a value any local closure reads
            parts += [syntax.name(n) for n in sorted(set().union(*self.closures.values()))]
        for other in set().union(*map(names, parts)) & self.locals - {name}:
            self.both(name, other, kind, stmt)
            if kind == SHARE and other in self.containers:  # max(xs, key=...): also maybe an
                self.link(name, other, ITEM, stmt)  # item of xs, as xs[k] for an unknown k
                self.reads[(name, other)] = stmt
                self.read_links.add((name, other))

    def is_method(self, call):
        """``x.f(...)`` on a local ``x`` (not ``np.f(...)``)."""
        return isinstance(call.func, gast.Attribute) and isinstance(call.func.value, gast.Name) \
            and call.func.value.id in self.locals

    # ----- which links reach a statement -----
    def reaching(self, stmts, state):
        """Record in ``self.reach`` ``(alive, dirty, sure)`` before each statement: the links
        whose names may still hold the objects they linked (on some path), the places
        ``a = b[key]`` after which ``b[key]`` may no longer hold ``a``, and the links alive
        on every path. Returns the state after ``stmts``."""
        for s in stmts:
            self.reach[id(s)] = state
            if isinstance(s, gast.If):
                state = _join(self.reaching(s.body, state), self.reaching(s.orelse, state))
            elif isinstance(s, (gast.For, gast.While)):
                head = state  # the body may run any number of times, none included
                while True:
                    new = _join(head, self.reaching(s.body, head))
                    if new == head:
                        break
                    head = new
                state = head
            else:
                state = self.transfer(s, state)
        return state

    def transfer(self, s, state):
        alive, dirty, sure = state
        if isinstance(s, gast.Assign):
            t = s.targets[0]
            if isinstance(t, gast.Name) and not is_append(s):  # a new object
                alive = {e for e in alive if t.id not in e}
                sure = {e for e in sure if t.id not in e}
                dirty = {e for e in dirty if t.id not in e} | {
                    e for e, (_s, key) in self.places.items()
                    if e in alive and isinstance(key, gast.AST) and t.id in self.names_of(key)}
            else:  # b[k] = v, b.a = v, b = append(b, v): b's slots changed
                written = t.id if isinstance(t, gast.Name) else t.value.id
                dirty = dirty | {e for e in self.places if e[1] == written and e in alive}
        new = self.created.get(id(s), set())
        return frozenset(alive | new), frozenset(dirty), frozenset(sure | new)

    def names_of(self, key):
        """``names(key)`` for a place's key, walked once (the fixpoints ask again)."""
        out = self._key_names.get(id(key))
        if out is None:
            out = self._key_names[id(key)] = names(key)
        return out

    def observers(self, x, at, stop=frozenset(), mode=SHARE):
        """Every name that can see a write through ``x`` at statement ``at`` (a write into
        one of its items with ``mode=ITEM``), with the statement that linked it; the search
        does not go through the names in ``stop``."""
        alive = self.reach.get(id(at), (set(), set()))[0]
        found, seen, todo = {}, {(x, mode, None)}, [(x, mode, None)]
        while todo:
            a, mode, parent = todo.pop()
            for b, kind in self.sees.get(a, ()):
                if (a, b) not in alive or (kind == COPY and mode == SHARE) or b in stop \
                        or b == parent:  # not straight back (x = b[k]: b -> x -> b)
                    continue
                state = (b, SHARE if kind == SHARE and mode == SHARE else ITEM, a)
                if b != x and b not in found:
                    found[b] = self.origin[(a, b)]
                if state not in seen:
                    seen.add(state)
                    todo.append(state)
        return found

    def relinkable(self, x, at):
        """``{b: (the statement, the key or attribute)}`` for the containers ``b`` that
        certainly still hold ``x`` at ``at``: it was read out of ``b[key]``, or put there by
        a literal, and neither ``b``'s slots nor the key's names changed since."""
        _alive, dirty, sure = self.reach.get(id(at), (set(), set(), set()))
        out = {}
        for (a, b), (stmt, key) in self.places.items():
            if a == x and (a, b) in sure and (a, b) not in dirty:
                out[b] = (stmt, key)
        return out


EMPTY = (frozenset(), frozenset(), frozenset())
CONTAINER_CALLS = {"list", "dict", "tuple", "sorted", "append", "appended"}


def _containers(fndef):
    """Names that hold lists, tuples or dicts wherever they are assigned (a write into
    their slots changes no object a read of them gave)."""
    rhss = {}
    for s, _loop in assignments(fndef.body, False):
        if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name):
            rhss.setdefault(s.targets[0].id, []).append(s.value)
    return {name for name, values in rhss.items() if all(
        isinstance(v, (gast.List, gast.Tuple, gast.Dict)) or (
            isinstance(v, gast.Call) and isinstance(v.func, gast.Name)
            and v.func.id in CONTAINER_CALLS) for v in values)}


def _join(a, b):
    """Two paths meet: a link may be alive if it is on either, surely if on both."""
    return a[0] | b[0], a[1] | b[1], a[2] & b[2]


def _key_text(key):
    return key if isinstance(key, str) else gast.dump(key)


def _holds(sees, item, container):
    return (container, ITEM) in sees.get(item, ())


def is_append(s):
    """``x = append(x, v)``: the ANF stage's ``x.append(v)``, a write into ``x`` (and
    ``appended``, the same for a comprehension's own list)."""
    v = s.value
    return (isinstance(s.targets[0], gast.Name) and isinstance(v, gast.Call)
            and isinstance(v.func, gast.Name) and v.func.id in ("append", "appended") and v.args
            and isinstance(v.args[0], gast.Name) and v.args[0].id == s.targets[0].id)


def names(node):
    return {n.id for n in gast.walk(node) if isinstance(n, gast.Name)
            and isinstance(n.ctx, gast.Load)}
