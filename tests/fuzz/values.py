"""The types of values a generated program holds, random inputs of those types, their
Python literals (for reproducer files), and flattening of argument trees for the reference.

Array shapes are tuples: ``()`` is a float scalar, ``(n,)`` a vector, ``(1, n)`` a row,
``(n, 1)`` a column, ``(n, m)`` a matrix. Every type is hashable, so a scope can be searched
by type.
"""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Arr:
    """A float64 array of ``shape``; ``()`` is a Python float or NumPy scalar."""

    shape: tuple[int, ...]


@dataclass(frozen=True)
class Seq:
    """A Python list of ``length`` values of type ``item``."""

    item: Arr
    length: int


@dataclass(frozen=True)
class Record:
    """A dict with string keys ``fields`` (``(key, Arr)`` pairs)."""

    fields: tuple[tuple[str, Arr], ...]


@dataclass(frozen=True)
class Fn:
    """A callable taking arrays of ``params`` (perhaps none) and returning ``result``."""

    params: tuple[Arr, ...]
    result: Arr


@dataclass(frozen=True)
class Fns:
    """A list of ``length`` callables of one signature ``fn``."""

    fn: Fn
    length: int


@dataclass(frozen=True)
class Int:
    """A Python int in ``range(bound)`` (a loop counter or index)."""

    bound: int


SCALAR = Arr(())


def draw(kind, rng):
    """A random input of type ``kind``: moderate magnitudes, away from zero-size shapes."""
    if isinstance(kind, Arr):
        value = rng.uniform(-1.2, 1.2, kind.shape)
        return float(value) if kind.shape == () else value
    if isinstance(kind, Seq):
        return [draw(kind.item, rng) for _ in range(kind.length)]
    if isinstance(kind, Record):
        return {key: draw(item, rng) for key, item in kind.fields}
    raise TypeError(f"no inputs of type {kind}")


def literal(value):
    """Python source that rebuilds ``value`` exactly (floats print round-trip)."""
    if isinstance(value, np.ndarray):
        return f"np.array({value.tolist()!r})"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        items = ", ".join(literal(v) for v in value)
        if isinstance(value, list):
            return f"[{items}]"
        return f"({items},)" if len(value) == 1 else f"({items})"
    return repr(float(value))


def copy_tree(value):
    """A deep copy of an argument tree, so a program that writes into its argument cannot
    change the inputs of the next evaluation."""
    if isinstance(value, dict):
        return {k: copy_tree(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(copy_tree(v) for v in value)
    if isinstance(value, np.ndarray):
        return value.copy()
    return value


def flatten(value):
    """The float leaves of an argument tree as one vector (dict keys in sorted order)."""
    return np.concatenate([np.ravel(np.asarray(leaf, dtype=float)) for leaf in leaves(value)])


def leaves(value):
    if isinstance(value, dict):
        return [leaf for key in sorted(value) for leaf in leaves(value[key])]
    if isinstance(value, (list, tuple)):
        return [leaf for item in value for leaf in leaves(item)]
    return [value]


def unflatten(vector, like):
    """A tree shaped like ``like`` holding the entries of ``vector``."""
    position = [0]

    def build(t):
        if isinstance(t, dict):
            return {key: build(t[key]) for key in sorted(t)}
        if isinstance(t, (list, tuple)):
            return type(t)(build(item) for item in t)
        size = np.size(t)
        chunk = vector[position[0]:position[0] + size]
        position[0] += size
        return float(chunk[0]) if np.ndim(t) == 0 else chunk.reshape(np.shape(t))

    return build(like)


def same_structure(a, b):
    """Whether gradient ``a`` has the tree structure and leaf shapes of argument ``b``."""
    if isinstance(b, dict):
        return isinstance(a, dict) and sorted(a) == sorted(b) and \
            all(same_structure(a[k], b[k]) for k in b)
    if isinstance(b, (list, tuple)):
        return isinstance(a, (list, tuple)) and len(a) == len(b) and \
            all(same_structure(x, y) for x, y in zip(a, b, strict=True))
    return np.shape(a) == np.shape(b)
