"""Runtime: a matrix's adjoint kept as the factors of its rank-one updates.

A recursion or loop that computes ``np.dot(W, h)`` with a vector ``h`` adds one outer product
``g ⊗ h`` into ``W_bar`` per node or step: many small, memory-bound updates of a large
matrix. ``rules.numpy.add_dot_vjp_x`` (what the emitted ``W_bar += dot_vjp_x(g, W, h)``
becomes) keeps those factors instead, in an ``OuterSum``, and the first read of the adjoint
adds them all with one matrix product ``G.T @ H``, which BLAS runs many times faster.

An ``OuterSum`` reads as the array it stands for: NumPy converts it (``__array__``), its
operators and attributes are the array's, and the runtime hands the user plain arrays
(``runtime.unbox``). The factors are copies, so later in-place writes cannot change them.
"""

import operator

import numpy as np

MAX_FACTORS = 4096  # then the updates so far are added in, to bound the memory they hold


class OuterSum:
    """``dense + sum(np.outer(g, h) for g, h in factors)``, summed when read. ``dense`` is
    owned (added into in place) or None (zero)."""

    __slots__ = ("dense", "lefts", "rights")

    def __init__(self, dense=None, g=None, h=None):
        self.dense, self.lefts, self.rights = dense, [], []
        if g is not None:
            self.add_outer(g, h)

    def add_outer(self, g, h):
        self.lefts.append(np.array(g))
        self.rights.append(np.array(h))
        if len(self.lefts) >= MAX_FACTORS:
            self.materialize()

    def materialize(self):
        """The array: the factors' products added into ``dense`` in one matrix product."""
        if self.lefts:
            product = np.stack(self.lefts).T @ np.stack(self.rights)
            self.lefts, self.rights = [], []
            self._add_dense(product, owned=True)
        return self.dense

    def _add_dense(self, a, owned=False):
        if self.dense is None:
            self.dense = a if owned else np.array(a, dtype=np.result_type(a, float))
        else:
            self.dense += a

    @property
    def shape(self):
        return self.dense.shape if self.dense is not None else (
            self.lefts[0].size, self.rights[0].size)

    @property
    def dtype(self):
        return np.result_type(*([self.dense] if self.dense is not None else []),
                              *self.lefts[:1], *self.rights[:1])

    ndim = 2

    def clone(self):
        """A copy that can be added into without changing this one."""
        out = OuterSum(None if self.dense is None else self.dense.copy())
        out.lefts, out.rights = list(self.lefts), list(self.rights)
        return out

    def __array__(self, dtype=None, copy=None):
        out = self.materialize()
        return out if dtype is None else out.astype(dtype, copy=bool(copy))

    def __repr__(self):  # what a debugger's ``p W_bar`` shows: the sum
        return repr(self.materialize())

    def __iadd__(self, other):
        if isinstance(other, OuterSum):  # its factors join ours; it is not changed
            self.lefts += other.lefts
            self.rights += other.rights
            if other.dense is not None:
                self._add_dense(other.dense)
            if len(self.lefts) >= MAX_FACTORS:
                self.materialize()
        else:
            self._add_dense(other)
        return self

    def __setitem__(self, index, value):  # (acc[i] += g)
        self.materialize()[index] = value

    def __getattr__(self, name):  # .T, .sum(), ...
        if name in OuterSum.__slots__:
            raise AttributeError(name)  # (not yet set: copy and pickle make one bare)
        return getattr(self.materialize(), name)


def _delegate(name):
    def method(self, *args):
        return getattr(operator, name)(self.materialize(), *args)

    method.__name__ = f"__{name}__"
    return method


def _reflected(name):
    def method(self, other):
        return getattr(operator, name)(other, self.materialize())

    method.__name__ = f"__r{name}__"
    return method


for _name in ("add", "sub", "mul", "truediv", "matmul", "pow", "getitem", "neg", "pos", "eq",
              "ne", "lt", "le", "gt", "ge"):
    setattr(OuterSum, f"__{_name}__", _delegate(_name))
for _name in ("add", "sub", "mul", "truediv", "matmul", "pow"):
    setattr(OuterSum, f"__r{_name}__", _reflected(_name))
OuterSum.__len__ = lambda self: len(self.materialize())
OuterSum.__hash__ = None


def plain(x):
    """``x``, or the array an ``OuterSum`` stands for."""
    return x.materialize() if type(x) is OuterSum else x
