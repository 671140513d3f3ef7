"""Row-sparse adjoints: the adjoint of ``x[rows]`` for a large array ``x`` is its rows.

``RowSparse`` is what ``trees.item_bar`` makes for a row lookup (``E[i]``) into an array of
``SPARSE_MIN_SIZE`` elements or more; ``sparse_item`` says when; ``has_array_index`` whether
an index repeats positions (then ``np.add.at``).
"""

import numpy as np


def has_array_index(idx):
    """Whether ``idx`` holds an integer array (repeated positions need ``np.add.at``)."""
    items = idx if type(idx) is tuple else (idx,)
    return any(type(i) not in _BASIC_INDEX and isinstance(i, (list, np.ndarray))
               and np.asarray(i).dtype != bool for i in items)


_BASIC_INDEX = {slice, int, type(None), type(Ellipsis)}


SPARSE_MIN_SIZE = 4096  # smaller arrays get dense item adjoints


class RowSparse:
    """The adjoint of ``x[rows]`` for a large array ``x``: rows and their values, not zeros.

    An embedding lookup ``E[i]`` then costs the size of a row, not of ``E``. It behaves as
    the dense array it stands for: ``np.asarray`` and every ufunc densify it, except
    ``dense += sparse`` and ``sparse + sparse``, which stay cheap.
    """

    __array_priority__ = 100

    def __init__(self, shape, dtype, entries):
        self.shape, self.dtype, self.entries = shape, dtype, entries
        self.ndim = len(shape)

    def dense(self, out=None):
        out = np.zeros(self.shape, self.dtype) if out is None else out
        for idx, value in self.entries:
            if has_array_index(idx):
                np.add.at(out, idx, value)
            else:
                out[idx] += value
        return out

    def __array__(self, dtype=None, copy=None):
        out = self.dense()
        return out if dtype is None else out.astype(dtype)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        out = kwargs.get("out")
        if ufunc is np.add and method == "__call__" and out and out[0] is inputs[0] \
                and inputs[1] is self and isinstance(out[0], np.ndarray):
            return self.dense(out=out[0])  # dense += sparse, in place
        inputs = [i.dense() if isinstance(i, RowSparse) else i for i in inputs]
        return getattr(ufunc, method)(*inputs, **kwargs)

    def __add__(self, other):
        if isinstance(other, RowSparse):
            return RowSparse(self.shape, self.dtype, self.entries + other.entries)
        return self.dense() + other

    def __radd__(self, other):
        return other + self.dense()

    def __getattr__(self, name):  # sum, reshape, T, ... on the dense array
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.dense(), name)

    def __getitem__(self, idx):
        return self.dense()[idx]

    def __len__(self):
        return self.shape[0]


def _dense_operator(name):
    def op(self, *args):
        return getattr(self.dense(), name)(*args)
    op.__name__ = name
    return op


for _name in ("__sub__", "__rsub__", "__mul__", "__rmul__", "__truediv__", "__rtruediv__",
              "__matmul__", "__rmatmul__", "__pow__", "__neg__", "__pos__"):
    setattr(RowSparse, _name, _dense_operator(_name))


def sparse_item(x, idx):
    """Whether ``x[idx]``'s adjoint should be row-sparse (large x, a row lookup)."""
    if not isinstance(x, np.ndarray) or x.size < SPARSE_MIN_SIZE or x.ndim < 2:  # noqa: PLR2004
        return False
    if isinstance(idx, (int, np.integer)):
        return True
    return isinstance(idx, np.ndarray) and idx.ndim == 1 and idx.dtype.kind in "iu"
