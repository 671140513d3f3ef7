"""Stage 4b: static shape facts, so the adjoint can drop ``unbroadcast`` where it does nothing
and sum over the axes it would find (``np.add.reduce(g, axis=0)``) where they are known.

Entry point: ``shapes(fndef, params, resolve, returns) -> Facts``. ``params`` maps each
parameter to the pattern of the argument the adjoint is built for; ``resolve(func)`` is the
object a call refers to; ``returns(fn, args, kwargs)`` says whether calling ``fn`` runs user
code and which pattern it returns, given the patterns of its arguments.

Patterns (``transforms/patterns.py``) say as much about a value's shape as broadcasting needs.
Anything not understood is ``None``, and an ``unbroadcast`` is only replaced where both patterns
are fully known: a missed fact costs a function call, a wrong one a wrong gradient.
A call that is given a dict forgets every dict's pattern (it may change it), unless it is a
module-level function called with active arguments: those are transformed, and ``fence``
refuses callees that change their arguments. An object's pattern (its attributes) is
forgotten at any call given the object or one of its methods, any call of user code, and
any attribute write.
"""

import gast
import numpy as np

from cpsgrad import syntax
from cpsgrad.transforms import patterns as pat
from cpsgrad.transforms.facts import Facts
from cpsgrad.transforms.patterns import INT, Int, Shape, Tree, dims

ELEMENTWISE = (gast.Add, gast.Sub, gast.Mult, gast.Div, gast.Pow, gast.Mod, gast.FloorDiv)
REDUCTIONS = {np.sum, np.mean, np.max, np.min, np.prod, np.amax, np.amin, np.std, np.var}
SEVERAL = {np.sum, np.mean, np.max, np.min, np.amax, np.amin}  # rules.numpy.reduce_axes
CONSTRUCTORS = {np.zeros, np.ones, np.empty}
MAX_ITERATIONS = 8
MATRIX = 2  # np.dot(a, b) is a @ b while neither has more axes than a matrix


def shapes(fndef, params, resolve, returns, active=frozenset()):
    """Shape facts for ANF ``fndef`` (see the module docstring); ``active`` are the names
    that carry gradients."""
    analysis = _Shapes(resolve, returns, active)
    analysis.block(fndef.body, dict(params))
    return analysis.facts


def node_pattern(node, env):
    """The pattern of an argument (a name or a constant) given the patterns ``env``."""
    return _Shapes(None, None).expr(node, env) if isinstance(node, (gast.Name, gast.Constant)) \
        else None


class _Shapes:
    def __init__(self, resolve, returns, active=frozenset()):
        self.resolve, self.returns, self.active, self.facts = resolve, returns, active, Facts()
        self.breaks = []

    # ----- statements -----
    def block(self, stmts, env):
        for s in stmts:
            env = self.stmt(s, env)
        return env

    def stmt(self, s, env):
        if isinstance(s, gast.Assign):
            return self.assign(s, env)
        if isinstance(s, gast.If):
            return pat.join_envs(self.block(s.body, dict(env)), self.block(s.orelse, dict(env)))
        if isinstance(s, (gast.For, gast.While)):
            return self.loop(s, env)
        if isinstance(s, gast.Return):
            self.facts.returns.append(self.expr(s.value, env) if s.value is not None else None)
        elif isinstance(s, (gast.Break, gast.Continue)):
            self.breaks[-1].append(dict(env))
        elif isinstance(s, gast.FunctionDef):
            env = {**_forget_trees(env), s.name: None}
        elif not isinstance(s, gast.Pass):
            env = _forget_trees(env)  # an expression statement may mutate a dict
        return env

    def assign(self, s, env):
        target, rhs = s.targets[0], s.value
        env = dict(env)
        if not isinstance(target, gast.Name):
            for n in gast.walk(target):
                if isinstance(n, gast.Name):
                    env[n.id] = None
                    self.facts.record_bound(n.id, None)
            return _forget_trees(env) if isinstance(target, (gast.Subscript, gast.Attribute)) \
                else env
        pattern = self.expr(rhs, env, s)
        if isinstance(rhs, (gast.Attribute, gast.Subscript)):
            container = self.expr(rhs.value, env)
            self.facts.record_found(s, pattern is not None and _found(rhs, container))
        if isinstance(rhs, gast.Call):
            self.facts.record_call(s, env)
            if _passes_object(rhs, env):  # any call given an object may change its attributes
                env = _forget_trees(env)
            user, returned = self.user_call(rhs, env)
            if user:
                pattern = returned
                env = _forget_trees(env, ("object",))  # user code may set attributes
                fenced = self.resolve(rhs.func) is not None and any(
                    isinstance(a, gast.Name) and a.id in self.active
                    for a in [*rhs.args, *(kw.value for kw in rhs.keywords)])
                if not fenced and _passes_tree(rhs, env):
                    env = _forget_trees(env)  # it may change a dict it is given
        env[target.id] = pattern
        self.facts.record_bound(target.id, pattern)
        return env

    def loop(self, s, env):
        head = dict(env)
        for _ in range(MAX_ITERATIONS):
            self.breaks.append([])
            body = dict(head)
            if isinstance(s, gast.For):
                targets = self.loop_target(s, head)
                for name, pattern in targets.items():
                    self.facts.record_bound(name, pattern)
                body.update(targets)
            out = self.block(s.body, body)
            exits = self.breaks.pop()
            new = pat.join_envs(head, out)
            for e in exits:
                new = pat.join_envs(new, e)
            if new == head:
                return head
            head = new
        return dict.fromkeys(head)

    def loop_target(self, s, env):
        if not isinstance(s.target, gast.Name):
            return {n.id: None for n in gast.walk(s.target) if isinstance(n, gast.Name)}
        it = s.iter
        if isinstance(it, gast.Call) and self.resolve(it.func) is range:
            return {s.target.id: INT}
        d = dims(self.expr(it, env))
        return {s.target.id: d[1:] if d else None}

    # ----- expressions -----
    def expr(self, e, env, stmt=None):  # noqa: PLR0911, PLR0912 (one case per node type)
        if isinstance(e, gast.Constant):
            if isinstance(e.value, bool) or not isinstance(e.value, (int, float)):
                return None
            if isinstance(e.value, int):
                return Int(pat.ONE if e.value == 1 else pat.MANY, e.value)
            return ()
        if isinstance(e, gast.Name):
            return env.get(e.id)
        if isinstance(e, gast.BinOp):
            return self.binop(e, env, stmt)
        if isinstance(e, gast.UnaryOp):
            p = self.expr(e.operand, env)
            if isinstance(p, Int):
                negated = -p.value if isinstance(e.op, gast.USub) and p.value is not None else None
                return Int(value=negated)
            return dims(p) if isinstance(e.op, (gast.USub, gast.UAdd)) else None
        if isinstance(e, gast.Tuple):
            return Tree("tuple", tuple(enumerate(self.expr(x, env) for x in e.elts)))
        if isinstance(e, gast.Dict):
            if not all(isinstance(k, gast.Constant) and isinstance(k.value, str) for k in e.keys):
                return None
            return Tree("dict", tuple((k.value, self.expr(v, env))
                                      for k, v in zip(e.keys, e.values, strict=True)))
        if isinstance(e, gast.Attribute):
            p = self.expr(e.value, env)
            if isinstance(p, Tree):
                return p.get(e.attr) if p.kind == "object" else None
            p = dims(p)
            if p is None:
                return None
            return {"shape": Shape(p), "T": p[::-1], "ndim": INT, "size": INT}.get(e.attr)
        if isinstance(e, gast.Subscript):
            return self.subscript(self.expr(e.value, env), e.slice, env)
        if isinstance(e, gast.Call):
            return self.call(e, env, stmt)
        if isinstance(e, gast.IfExp):
            return pat.join(self.expr(e.body, env), self.expr(e.orelse, env))
        return None

    def binop(self, e, env, stmt):
        a, b = self.expr(e.left, env), self.expr(e.right, env)
        if isinstance(a, Int) and isinstance(b, Int):
            return Int()
        if isinstance(e.op, gast.MatMult):
            a, b = dims(a), dims(b)
            if stmt is not None:
                self.facts.record_ranks(stmt, tuple(None if p is None else len(p) for p in (a, b)))
            return pat.matmul(a, b)
        if not isinstance(e.op, ELEMENTWISE):
            return None
        return self.elementwise(dims(a), dims(b), stmt)

    def elementwise(self, a, b, stmt):
        out = pat.broadcast(a, b)
        if stmt is not None:
            sums = {i: pat.summed(p, q) for i, (p, q) in enumerate(((a, b), (b, a)))}
            self.facts.record_sums(stmt, {i: s for i, s in sums.items() if s is not None})
        return out

    def subscript(self, p, index, env):
        if isinstance(p, Tree):
            key = index.value if isinstance(index, gast.Constant) else None
            return p.get(key) if p.kind != "object" else None
        if isinstance(p, Shape):
            k = index.value if isinstance(index, gast.Constant) else None
            if isinstance(k, int) and -len(p.dims) <= k < len(p.dims):
                return Int(p.dims[k])
            return None
        p = dims(p)
        if p is None:
            return None
        items = index.elts if isinstance(index, gast.Tuple) else [index]
        out, axis = [], 0
        for item in items:
            if axis >= len(p):
                return None
            if isinstance(item, gast.Slice):
                bare = item.lower is None and item.upper is None and item.step is None
                out.append(p[axis] if bare else pat.UNKNOWN)
            elif not isinstance(self.expr(item, env), Int):
                return None  # arrays, booleans, None and Ellipsis: not tracked
            axis += 1
        return (*out, *p[axis:])

    def call(self, e, env, stmt):
        fun = self.resolve(e.func)
        args = [self.expr(a, env) for a in e.args]
        kwargs = {kw.arg: kw.value for kw in e.keywords}
        if fun in (np.matmul, np.dot) and len(args) == 2 and not kwargs:  # noqa: PLR2004
            a, b = dims(args[0]), dims(args[1])  # np.dot is x @ y up to rank 2
            if stmt is not None:
                self.facts.record_ranks(stmt, tuple(None if p is None else len(p)
                                                    for p in (a, b)))
            return pat.matmul(a, b) if fun is np.matmul or (
                a and b and len(a) <= MATRIX and len(b) <= MATRIX) else None
        if isinstance(fun, np.ufunc) and fun.signature is None and len(args) == fun.nin \
                and not kwargs:  # elementwise (np.matmul is a ufunc with a signature)
            if fun.nin == 1:
                return dims(args[0])
            return self.elementwise(dims(args[0]), dims(args[1]), stmt)
        if fun in REDUCTIONS and stmt is not None and e.args:  # x.sum() where x is an array
            self.facts.record_method(stmt, bool(dims(args[0])))
        if fun in REDUCTIONS and len(args) <= 2:  # noqa: PLR2004 (x and axis)
            axis = e.args[1] if len(args) == 2 else kwargs.get("axis")  # noqa: PLR2004
            axis = None if axis is None else _axes(self.expr(axis, env), axis)
            if stmt is not None and fun in SEVERAL:
                self.facts.record_several(stmt, axis)
            keepdims = kwargs.get("keepdims", syntax.const(False))
            if not isinstance(keepdims, gast.Constant) or set(kwargs) - {"axis", "keepdims"}:
                return None
            return pat.reduce_(dims(args[0]), axis, keepdims.value)
        if fun in CONSTRUCTORS and len(args) == 1:
            shape = args[0]
            if isinstance(shape, Int):
                return (shape.dim,)
            if isinstance(shape, Tree) and all(isinstance(v, Int) for _, v in shape.items):
                return tuple(v.dim for _, v in shape.items)
            return dims(shape.dims) if isinstance(shape, Shape) else None
        if fun is len:
            return INT
        return None

    def user_call(self, call, env):
        """``(whether the call runs user code, the pattern it returns)``."""
        fun = self.resolve(call.func)
        if fun is None:  # a local function or a method
            return True, None
        return self.returns(fun, [self.expr(a, env) for a in call.args],
                            {kw.arg: self.expr(kw.value, env) for kw in call.keywords})


def _passes_tree(call, env):
    values = [call.func, *call.args, *(kw.value for kw in call.keywords)]
    return any(not isinstance(v, (gast.Name, gast.Constant)) or isinstance(env.get(v.id), Tree)
               for v in values if not isinstance(v, gast.Constant))


def _passes_object(call, env):
    values = [call.func, *call.args, *(kw.value for kw in call.keywords)]
    for value in values:
        v = value
        while isinstance(v, (gast.Attribute, gast.Subscript)):
            v = v.value
        p = env.get(v.id) if isinstance(v, gast.Name) else None
        if isinstance(p, Tree) and p.kind == "object":
            return True
    return False


def _found(read, container):
    """Whether ``read`` (``d["k"]``, ``obj.w``, ``x.shape``), whose value has a known pattern,
    reads a key or attribute that exists and that no call may have changed: an item or
    attribute of a dict, tuple or object of known pattern, or an array's shape (or a length
    in it)."""
    if isinstance(container, (Tree, Shape)):
        return True  # (a Shape's item has a pattern only for an index in range)
    return isinstance(read, gast.Attribute) and read.attr in ("shape", "ndim", "size") \
        and dims(container) is not None


def _forget_trees(env, kinds=("dict", "tuple", "object")):
    return {k: None if isinstance(v, Tree) and v.kind in kinds else v for k, v in env.items()}


def _axes(p, node):
    """The constant ``axis=`` argument ``node`` (of pattern ``p``) stands for: None, an int, a
    tuple, or ``pat.UNKNOWN``."""
    if isinstance(node, gast.Constant) and node.value is None:
        return None
    if isinstance(p, Int) and p.value is not None:
        return p.value
    if isinstance(p, Tree) and p.kind == "tuple" \
            and all(isinstance(v, Int) and v.value is not None for _, v in p.items):
        return tuple(v.value for _, v in p.items)
    return pat.UNKNOWN
