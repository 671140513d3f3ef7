"""Adjoints of trees and objects: read, written and added into by item.

The adjoint of a dict, list, tuple or object has its structure (an object's is a dict of
its attributes' adjoints), ``None`` inside it a symbolic zero. ``item_bar`` makes one that
is zero but at one item, ``add_item`` adds at an item, ``accumulate`` adds two. A dict the
emitted code owns is an ``Owned``: it knows which of its array leaves nothing else
references, and adds into those in place (``W_bar += g``) instead of allocating per
contribution.
"""

import numpy as np

from cpsgrad.outer import OuterSum, plain
from cpsgrad.runtime import BoundBar, add, field, float_dtype, is_object, rebuild, unbox, zeros_like
from cpsgrad.sparse import RowSparse, has_array_index, sparse_item


def add_item(acc, idx, g):
    """Add ``g`` into ``acc[idx]`` in place (``acc`` is owned by the caller); returns ``acc``."""
    if g is None:
        return acc
    if isinstance(g, BoundBar):
        return accumulate(acc, g.g)
    if isinstance(acc, dict):
        acc = acc if type(acc) is Owned else Owned(acc)
        acc.add_leaf(idx, g, None)
        return acc
    acc, g = plain(acc), plain(g)
    if isinstance(acc, RowSparse):
        acc.entries.append((idx, g))
        return acc
    if isinstance(acc, np.ndarray):
        if has_array_index(idx):
            np.add.at(acc, idx, g)
        else:
            acc[idx] += g
        return acc
    if isinstance(acc, tuple):
        items = list(acc)
        items[field(acc, idx)] = add(items[field(acc, idx)], g)
        return rebuild(acc, items)
    acc[idx] = add(acc[idx], g)
    return acc


class Owned(dict):
    """A dict adjoint that the emitted code owns, with the keys whose array leaves it owns too.

    Owned leaves are referenced by nothing else, so later contributions add into them in place
    (``W_bar += g``) instead of allocating a new array per contribution.
    """

    __slots__ = ("owned",)

    def __init__(self, items=()):
        super().__init__(items)
        self.owned = set()

    def add_leaf(self, key, g, g_owner):
        """Add ``g`` (a leaf of ``g_owner``, which is dead after this) into ``self[key]``."""
        if type(g) is OuterSum and self._add_factors(key, g):
            return
        g = plain(g)
        cur = self.get(key)
        if cur is None:
            self[key] = g
            if g_owner is not None and key in g_owner.owned:
                self.owned.add(key)
        elif key in self.owned and _fits(cur, g):
            cur += g
        elif g_owner is not None and key in g_owner.owned and _fits(g, cur):
            g += cur
            self[key] = g
            self.owned.add(key)
        else:
            self[key] = new = add(cur, g)
            if isinstance(new, np.ndarray) and new is not cur and new is not g:
                self.owned.add(key)


    def _add_factors(self, key, g):
        """Add an ``OuterSum`` into ``self[key]`` keeping its factors, where that is owned."""
        cur = self.get(key)
        if cur is None:
            self[key] = g.clone()
        elif key in self.owned and (type(cur) is OuterSum or (
                type(cur) is np.ndarray and cur.shape == g.shape and cur.dtype.kind == "f")):
            cur = cur if type(cur) is OuterSum else OuterSum(cur)
            cur += g
            self[key] = cur
        else:
            return False
        self.owned.add(key)
        return True


def _fits(acc, g):
    """Whether ``acc += g`` gives what ``acc + g`` would: same shape and dtype."""
    if type(acc) is not np.ndarray:
        return False
    if isinstance(g, float):
        return True
    return isinstance(g, np.ndarray) and g.shape == acc.shape and g.dtype == acc.dtype


def accumulate(acc, g):
    """``acc + g`` for an adjoint ``acc`` the caller owns, reusing ``acc`` (and a dead ``g``)."""
    if isinstance(acc, dict) and isinstance(g, dict):
        acc = acc if isinstance(acc, Owned) else Owned(acc)
        g_owner = g if isinstance(g, Owned) else None
        for key, leaf in g.items():
            if leaf is not None:
                acc.add_leaf(key, leaf, g_owner)
        return acc
    return add(acc, g)


def item_bar(x, idx, g):
    """A fresh adjoint of ``x`` that is ``g`` at ``x[idx]`` (or at attribute ``idx`` of an
    object) and zero elsewhere."""
    g = plain(g)
    if isinstance(g, BoundBar):
        return g.g
    if is_object(x):
        return {idx: g}
    idx = field(x, idx)
    if sparse_item(x, idx):
        return RowSparse(x.shape, float_dtype(x), [(idx, g)])
    if isinstance(x, np.ndarray):
        if _new_axes_only(idx) and np.size(g) == x.size:  # b[:, None, None]: the same items
            return np.array(np.reshape(g, x.shape), dtype=float_dtype(x))
        return add_item(zeros_like(x), idx, g)
    if isinstance(x, dict):
        out = dict.fromkeys(x)
        out[idx] = g
        return out
    out = [None] * len(x)
    out[idx] = g
    return rebuild(x, out) if isinstance(x, tuple) else out


def _new_axes_only(idx):
    """An index of whole axes and new ones (``[:, None, None]``, ``[None]``)."""
    parts = idx if type(idx) is tuple else (idx,)
    return all(p is None or (type(p) is slice and p == _WHOLE) for p in parts)


_WHOLE = slice(None)


def copy_bar(g):
    """A private copy of an adjoint before it is written in place."""
    g = plain(g)
    if isinstance(g, RowSparse):
        return RowSparse(g.shape, g.dtype, list(g.entries))
    if isinstance(g, np.ndarray):
        return g.copy()
    if isinstance(g, dict):
        return dict(g)
    if isinstance(g, list):
        return list(g)
    return g


def item_adjoint(g, idx, like):
    """The adjoint at ``idx`` (an index, key, field or attribute) of the tree or object
    adjoint ``g``, materialized like ``like`` (absent or None is zero)."""
    if isinstance(g, dict):
        return unbox(g.get(idx), like)
    return unbox(g[field(g, idx)], like)


def zero_item(g, idx):
    """A copy of adjoint ``g`` with ``g[idx]`` zeroed (the item was overwritten)."""
    g = copy_bar(g)
    if isinstance(g, np.ndarray):
        g[idx] = 0
    elif isinstance(g, tuple):
        items = list(g)
        items[field(g, idx)] = None
        g = rebuild(g, items)
    elif g is not None:
        g[idx] = None
    return g
