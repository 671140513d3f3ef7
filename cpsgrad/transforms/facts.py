"""What the shape analysis (``transforms/shapes.py``) finds, for the stages after it.

Each ``record_*`` may be called once per visit of a statement (a loop body is visited until
its patterns settle): a fact holds only if it held at every visit.
"""

from cpsgrad.transforms import patterns as pat
from cpsgrad.transforms.patterns import Int, Shape, Tree


class Facts:
    """Facts per statement (by ``id``) and per name of one function."""

    def __init__(self):
        self.sums = {}  # id(assign) -> {operand position: how its adjoint is summed (summed())}
        self.calls = {}  # id(assign) -> {name: pattern} where a user function is called
        self.ranks = {}  # id(assign) -> the ranks of the operands of ``@``
        self.returns = []
        self.bound = {}  # name -> whether every value bound to it is a number or an array
        self.found = {}  # id(assign) -> whether its read (d["k"], obj.w, x.shape) certainly works
        self.methods = {}  # id(assign) -> whether np.sum(x, ...) there is x.sum(...) (x an array)
        self.several = {}  # id(assign) -> whether a reduction there is over several axes
        self.reduced = set()  # ids of reductions whose adjoint stays reduced (reduced.py)

    def record_method(self, stmt, array):
        self.methods[id(stmt)] = self.methods.get(id(stmt), True) and array

    def record_several(self, stmt, axes):
        several = isinstance(axes, tuple) and len(axes) > 1
        self.several[id(stmt)] = self.several.get(id(stmt), True) and several

    def record_found(self, stmt, found):
        self.found[id(stmt)] = self.found.get(id(stmt), True) and found

    def record_bound(self, name, pattern):
        number = isinstance(pattern, Int) or (
            isinstance(pattern, tuple) and not isinstance(pattern, (Shape, Tree)))
        self.bound[name] = self.bound.get(name, True) and number

    def arrays(self):
        """Names bound only to numbers (integers too) and arrays of any shape: their
        adjoints add with ``+``, in place where the adjoint owns them."""
        return {name for name, array in self.bound.items() if array}

    def record_sums(self, stmt, sums):
        old = self.sums.get(id(stmt))
        self.sums[id(stmt)] = sums if old is None else {
            i: s for i, s in sums.items() if old.get(i) == s}

    def record_ranks(self, stmt, ranks):
        old = self.ranks.setdefault(id(stmt), ranks)
        if old != ranks:
            self.ranks[id(stmt)] = (None, None)

    def record_call(self, stmt, env):
        old = self.calls.get(id(stmt))
        self.calls[id(stmt)] = dict(env) if old is None else pat.join_envs(old, env)

    def returned(self):
        out = self.returns[0] if self.returns else None
        for p in self.returns[1:]:
            out = pat.join(out, p)
        return out
