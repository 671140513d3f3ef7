"""``np.einsum`` and its adjoint, as the emitted code runs them (``rules.numpy``'s table
refers to these).

The user's ``np.einsum`` without ``optimize=`` runs as ``einsum`` here: two operands as one
``np.matmul`` laid out in the output's order, more along a contraction path found once per
shapes (NumPy's default contracts all operands in one nested loop, often many times slower).
An operand's adjoint is the einsum of the output's adjoint with the other operands,
planned once per subscripts and shapes.
"""

import math
import string

import numpy as np

from cpsgrad.runtime import float_dtype, remembered

LETTERS = string.ascii_letters


def einsum_parse(subscripts, operands):
    """Explicit subscripts with every ellipsis expanded to letters: (input specs, output)."""
    subs = subscripts.replace(" ", "")
    ins, out = subs.split("->") if "->" in subs else (subs, None)
    specs = ins.split(",")
    free = [c for c in LETTERS if c not in subs]
    n_ell = max((np.ndim(op) - len(s.replace("...", "")) for s, op in
                 zip(specs, operands, strict=True) if "..." in s), default=0)
    ell = "".join(free[:n_ell])
    full = []
    for spec, op in zip(specs, operands, strict=True):
        n = np.ndim(op) - len(spec.replace("...", ""))
        full.append(spec.replace("...", ell[n_ell - n:]) if "..." in spec else spec)
    if out is None:
        counts = {}
        for s in specs:
            for c in s.replace("...", ""):
                counts[c] = counts.get(c, 0) + 1
        out = ell + "".join(sorted(c for c, n in counts.items() if n == 1))
    else:
        out = out.replace("...", ell)
    return full, out


EINSUM_PATH_MIN = 4096  # operand elements from which a contraction path pays for itself


def einsum(subscripts, *operands, **kwargs):
    """``np.einsum`` along an optimized contraction path (pairwise, through BLAS) once the
    operands are large enough to pay for finding it; NumPy's default (``optimize=False``)
    contracts all operands in one nested loop, often many times slower. The emitted code
    calls this for the user's ``np.einsum`` without ``optimize=``, as JAX and PyTorch
    contract einsums along a path too. The same numbers, up to rounding. The path is found
    once per subscripts and operand shapes (finding it costs as much as a small contraction).
    The result is laid out in C order, as NumPy's own einsum gives it: along a path it is a
    transposed view of the last product, and every elementwise operation on it, and on what
    is computed from it, would keep that order, slow where its inner axes are short."""
    if "optimize" in kwargs or sum(np.size(op) for op in operands) < EINSUM_PATH_MIN:
        return np.einsum(subscripts, *operands, **kwargs)
    plan = _matmul_plan(subscripts, operands) if not kwargs else None
    if plan is not None:
        return _by_matmul(plan, operands)
    if not isinstance(subscripts, str):  # the interleaved form
        path = True
    else:
        path = remembered(_EINSUM_PATHS, (subscripts, *map(np.shape, operands)),
                          lambda: np.einsum_path(subscripts, *operands, optimize=True)[0])
    out = np.einsum(subscripts, *operands, optimize=path, **kwargs)
    if "out" in kwargs or not isinstance(out, np.ndarray) or out.flags.c_contiguous:
        return out
    return out.copy(order="C")


def _matmul_plan(subscripts, operands):
    """How the two-operand ``np.einsum(subscripts, a, b)`` is one ``np.matmul``, or None.

    Each index is shared by both operands and kept (a batch index), shared and summed, or
    kept from one operand (no diagonal, one-sided sum or length-1 broadcast). Read the output
    from its end: the longest run of indices kept from one operand are the columns, the
    run before it kept from the other the rows, and the rest are batch axes (an operand
    without one gets length 1 there, and matmul broadcasts). Then the product comes out in
    the output's own order, C-contiguous: the kernel of a convolution,
    ``"bcijkl,fckl->bfij"``, is a batch of small products instead of one product and a
    transposed copy. Where that would be more than ``MATMUL_BATCH_MOST`` products over
    indices of one operand, it is one product with the rows and columns of all the kept
    indices, transposed after (what ``np.tensordot`` does). Found once per subscripts and
    shapes."""
    operands = [np.asarray(op) for op in operands]
    if len(operands) != 2 or not isinstance(subscripts, str) \
            or "->" not in subscripts or "." in subscripts \
            or any(op.dtype.kind not in "fc" for op in operands):  # noqa: PLR2004
        return None
    key = (subscripts, *(op.shape for op in operands), *(op.strides for op in operands))
    return remembered(_MATMUL_PLANS, key, lambda: _find_matmul_plan(subscripts, *operands))


def _find_matmul_plan(subscripts, *operands):
    shapes = [op.shape for op in operands]
    ins, out = subscripts.replace(" ", "").split("->")
    specs = ins.split(",")
    if len(specs) != len(shapes) or any(len(set(s)) != len(s) for s in (*specs, out)) \
            or any(len(s) != len(shape) for s, shape in zip(specs, shapes, strict=True)):
        return None
    size = {}
    for spec, shape in zip(specs, shapes, strict=True):
        for c, n in zip(spec, shape, strict=True):
            if size.setdefault(c, n) != n:
                return None  # einsum broadcasts a length-1 axis here
    a, b = specs
    if any(c not in out and (c in a) != (c in b) for c in size) or any(c not in size for c in out):
        return None  # a one-sided sum
    summed = [c for c in a if c in b and c not in out]

    def side(c):
        return None if c in a and c in b else 0 if c in a else 1

    cols = _run(out, len(out), side)
    rows = _run(out, len(out) - len(cols), side)
    batch = out[:len(out) - len(cols) - len(rows)]
    right = side(cols[0]) if cols else 1 if not rows or side(rows[0]) == 0 else 0
    if math.prod(size[c] for c in batch) > MATMUL_BATCH_MOST \
            and all(side(c) is not None for c in batch):
        rows, cols, batch = [c for c in out if side(c) == 1 - right], \
            [c for c in out if side(c) == right], ""
    left_spec, right_spec = (b, a) if right == 0 else (a, b)
    order = [c for c in out if c in batch] + rows + cols
    left_op, right_op = (operands[1], operands[0]) if right == 0 else operands
    return (right == 0, _operand(left_spec, batch, rows, summed, size, left_op.strides),
            _operand(right_spec, batch, summed, cols, size, right_op.strides),
            tuple(size[c] for c in order),
            None if order == list(out) else tuple(order.index(c) for c in out))


def _run(out, end, side):
    """The longest run of indices of ``out`` ending before ``end`` kept from one operand."""
    start = end
    while start > 0 and side(out[start - 1]) is not None \
            and side(out[start - 1]) == side(out[end - 1]):
        start -= 1
    return list(out[start:end])


def _operand(spec, batch, first, second, size, strides):
    """``(axes, shape, swapped)``: operand ``spec`` transposed to its batch indices, then
    ``first``, then ``second``, and reshaped to the batch lengths (1 for a batch index it
    lacks) and two groups. Or, ``swapped``, with ``second`` before ``first`` and the two
    groups swapped back as a view (BLAS reads a transposed matrix as fast): whichever puts
    last the axis with the shortest step in memory, so the copy that lays the operand out
    runs along it (a convolution's sliding windows copy twice as fast along a row)."""
    first, second = [c for c in first if c in spec], [c for c in second if c in spec]
    swapped = bool(first and second) and _inner(spec, first, strides, size) < _inner(
        spec, second, strides, size)
    groups = [second, first] if swapped else [first, second]
    axes = [spec.index(c) for c in [c for c in batch if c in spec] + groups[0] + groups[1]]
    return axes, (*[size[c] if c in spec else 1 for c in batch],
                  *(math.prod(size[c] for c in group) for group in groups)), swapped


def _inner(spec, group, strides, size):
    """How well the last index of ``group`` suits the innermost axis of a copy (smaller is
    better): a short step in memory first, then a long axis."""
    c = group[-1]
    return (abs(strides[spec.index(c)]), -size[c])


def _by_matmul(plan, operands):
    swap, left_plan, right_plan, shape, order = plan
    left, right = (operands[1], operands[0]) if swap else operands
    out = np.matmul(_laid_out(left, *left_plan), _laid_out(right, *right_plan)).reshape(shape)
    if order is not None or not out.flags.c_contiguous:
        out = np.ascontiguousarray(out if order is None else out.transpose(order))
    return out[()] if out.ndim == 0 else out


def _laid_out(op, axes, shape, swapped):
    out = np.transpose(op, axes).reshape(shape)
    return np.swapaxes(out, -1, -2) if swapped else out


_MATMUL_PLANS = {}  # (subscripts, operand shapes and strides) -> _matmul_plan's plan
MATMUL_BATCH_MOST = 256


_EINSUM_PATHS = {}  # (subscripts, operand shapes) -> contraction path


def einsum_vjp(g, argnum, subscripts, operands):
    """Adjoint of operand ``argnum`` of ``np.einsum(subscripts, *operands)``: the einsum of
    ``g`` with the other operands (and ones for indices only this operand has), planned once
    per subscripts, operand and shapes."""
    def make():
        return _einsum_vjp_plan(argnum, *einsum_parse(subscripts, operands),
                                [np.shape(op) for op in operands])

    plan = remembered(_EINSUM_VJPS, (subscripts, argnum, *map(np.shape, operands)), make) \
        if isinstance(subscripts, str) else make()
    contraction, missing, axes, diagonal = plan
    terms = [g, *(op for i, op in enumerate(operands) if i != argnum)]
    if missing:
        terms.append(np.ones(missing, float_dtype(g)))
    res = einsum(contraction, *terms)
    if axes:  # operand axes of length 1 that einsum broadcast: sum them back
        res = np.sum(res, axis=axes, keepdims=True)
    if diagonal is None:
        return res
    acc = np.zeros(np.shape(operands[argnum]), res.dtype)
    np.einsum(diagonal, acc)[...] = res  # a writable view onto the diagonal
    return acc


def _einsum_vjp_plan(argnum, specs, out, shapes):
    """``(subscripts, shape of the ones, axes summed back, diagonal)`` of ``einsum_vjp``."""
    sizes = {}
    for spec, shape in zip(specs, shapes, strict=True):
        for c, n in zip(spec, shape, strict=True):
            sizes[c] = max(sizes.get(c, 1), n)
    mine = specs[argnum]
    unique = "".join(dict.fromkeys(mine))
    inputs = [out, *(spec for i, spec in enumerate(specs) if i != argnum)]
    missing = "".join(c for c in unique if c not in "".join(inputs))
    if missing:
        inputs.append(missing)
    shape = dict(zip(mine, shapes[argnum], strict=True))
    axes = tuple(i for i, c in enumerate(unique) if shape[c] == 1 and sizes[c] != 1)
    return (",".join(inputs) + "->" + unique, [sizes[c] for c in missing], axes,
            None if len(unique) == len(mine) else f"{mine}->{unique}")


_EINSUM_VJPS = {}  # (subscripts, argnum, operand shapes) -> _einsum_vjp_plan's plan


def einsum_subscripts(sublists):
    """The subscripts string of the interleaved form ``einsum(op0, sublist0, op1, ...)``."""
    def letters(sublist):
        return "".join("..." if i is Ellipsis else LETTERS[i] for i in sublist)
    ins, out = (sublists[:-1], sublists[-1]) if len(sublists) % 2 else (sublists, None)
    subs = ",".join(letters(s) for s in ins[1::2])
    return subs if out is None else f"{subs}->{letters(out)}"


def einsum_arg_vjp(g, ans, *args, argnum, **kwargs):  # noqa: ARG001
    """Adjoint of argument ``argnum`` of ``np.einsum``, in either calling form."""
    if isinstance(args[0], str):
        return einsum_vjp(g, argnum - 1, args[0], args[1:])
    if argnum % 2:
        msg = "np.einsum: a sublist of the interleaved form is not differentiable"
        raise TypeError(msg)
    operands = args[0:len(args) - len(args) % 2:2]
    return einsum_vjp(g, argnum // 2, einsum_subscripts(args), operands)
