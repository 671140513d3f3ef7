"""autograd's gradient checks, as data: the functions, shapes and options of autograd's
``tests/test_systematic.py``, ``test_numpy.py``, ``test_linalg.py``, ``test_fft.py`` and the
``scipy.special`` part of ``test_scipy.py``, with real inputs (see tests/systematic.py).

Differences from autograd's own runs: no complex inputs (the inverse real transforms get
their complex input built from two real arguments), no second-order checks, and no checks
of autograd-only functions (``np.make_diagonal``) or of autograd's SciPy wrappers beyond
``scipy.special`` (stats, signal, integrate, linalg).
"""

import numpy as np

from tests.systematic import Literal, P, R, U, combos, rand_psd, rng, single


def stat_checks(fun):
    """autograd's ``stat_check``: reductions over axes, with and without keepdims."""
    x, A, B, C, D = 3.5, R(), R(3), R(2, 3), R(1, 3)
    return (combos("test_systematic.py", fun, f"np.{fun}", [x, A])
            + combos("test_systematic.py", fun, f"np.{fun}", [B, C, D], axis=[None, 0],
                     keepdims=[True, False])
            + combos("test_systematic.py", fun, f"np.{fun}", [C, D], axis=[None, 0, 1],
                     keepdims=[True, False]))


def lims(lo, hi, x):
    return lo + (hi - lo) * x


def unary_checks(source, test, template, lo=-2.0, hi=2.0):
    """autograd's ``unary_ufunc_check``: a scalar, a vector and two matrices in range."""
    values = [lims(lo, hi, 0.4), lims(lo, hi, rng.random(2)), lims(lo, hi, rng.random((3, 2))),
              lims(lo, hi, rng.random((1, 2)))]
    return combos(source, test, template, values)


def binary_checks(test, template, a=(-2.0, 2.0), b=(-2.0, 2.0)):
    """autograd's ``binary_ufunc_check``: scalar, vector and matrices, broadcast both ways."""
    values = [0.6, rng.random(2), rng.random((3, 2)), rng.random((1, 2))]
    return combos("test_systematic.py", test, template, [lims(*a, v) for v in values],
                  [lims(*b, v) for v in values], wrt=(0, 1))


def binary_distinct_checks(test, template, a=(-2.0, 2.0), b=(-2.0, 2.0)):
    """``binary_ufunc_check_no_same_args``: as above, with different draws for each side."""
    left = [0.6, rng.random(2), rng.random((3, 2)), rng.random((1, 2))]
    right = [0.7, rng.random(2), rng.random((3, 2)), rng.random((1, 2))]
    return combos("test_systematic.py", test, template, [lims(*a, v) for v in left],
                  [lims(*b, v) for v in right], wrt=(0, 1))


def systematic():
    s = "test_systematic.py"
    out = []
    for fun in ("max", "mean", "min", "sum", "prod", "var", "std"):
        out += stat_checks(fun)
    for fun, lo, hi in (
            ("sin", -2, 2), ("abs", 0.1, 4), ("absolute", 0.1, 4), ("arccosh", 1.1, 4),
            ("arcsinh", -0.9, 0.9), ("arctanh", -0.9, 0.9), ("ceil", -1.5, 1.5),
            ("cos", -2, 2), ("cosh", -2, 2), ("deg2rad", -2, 2), ("exp", -2, 2),
            ("exp2", -2, 2), ("expm1", -2, 2), ("fabs", -2, 2), ("floor", -1.5, 1.5),
            ("log", 0.2, 2), ("log10", 0.2, 2), ("log1p", 0.2, 2), ("log2", 0.2, 2),
            ("radians", -2, 2), ("sign", -2, 2), ("sinh", -2, 2), ("sqrt", 1, 3),
            ("square", -2, 2), ("tan", -1.1, 1.1), ("tanh", -2, 2), ("real", -2, 2),
            ("real_if_close", -2, 2), ("imag", -2, 2), ("conj", -2, 2),
            ("conjugate", -2, 2), ("angle", -2, 2)):
        out += unary_checks(s, fun, f"np.{fun}", lo, hi)
    out += unary_checks(s, "degrees", "np.degrees({0}) / 50.0")
    out += unary_checks(s, "rad2deg", "np.rad2deg({0}) / 50.0")
    out += binary_checks("add", "np.add")
    out += binary_checks("logaddexp", "np.logaddexp")
    out += binary_checks("logaddexp2", "np.logaddexp2")
    out += binary_checks("true_divide", "np.true_divide", b=(0.8, 1.2))
    out += binary_checks("true_divide_neg", "np.true_divide", b=(-0.3, -2.0))
    out += binary_checks("op_mul", "{0} * {1}")
    out += binary_checks("op_add", "{0} + {1}")
    out += binary_checks("op_sub", "{0} - {1}")
    out += binary_distinct_checks("remainder", "np.remainder", a=(-0.9, 0.9), b=(0.7, 1.9))
    out += binary_distinct_checks("mod", "np.mod", b=(0.8, 2.1))
    out += binary_distinct_checks("mod_neg", "np.mod", b=(-0.3, -2.0))
    out += binary_distinct_checks("op_mod", "{0} % {1}", b=(0.3, 2.0))
    out += binary_distinct_checks("op_mod_neg", "{0} % {1}", b=(-0.3, -2.0))
    out += systematic_shapes(s) + systematic_products(s) + systematic_einsum(s)
    out += systematic_sequences(s)
    return out


def systematic_shapes(s):
    out = combos(s, "transpose", "np.transpose", [R(2, 3, 4)],
                 axes=[None, [0, 1, 2], [0, 2, 1], [2, 0, 1], [2, 1, 0], [1, 0, 2], [1, 2, 0]])
    out += combos(s, "moveaxis", "np.moveaxis", [R(2, 3, 4)], source=[0, 1, 2],
                  destination=[0, 1, 2])
    out += combos(s, "repeat", "np.repeat", [R(2, 3, 4), R(3, 1)], repeats=[0, 1, 2],
                  axis=[None, 0, 1])
    out += combos(s, "diff", "np.diff", [R(5, 5), R(5, 5, 5)], n=[1, 2], axis=[0, 1])
    out += combos(s, "diff", "np.diff", [R(1), R(1, 1)], axis=[0])
    out += combos(s, "diff", "np.diff", [R(1, 1), R(3, 1)], axis=[1])
    out += combos(s, "gradient", "np.gradient", [R(5, 5), R(5, 5, 5)], axis=[None, 0, 1, -1])
    out += combos(s, "gradient", "np.gradient", [R(5, 5, 5)], axis=[(0, 1), (0, -1)])
    out += combos(s, "tile", "np.tile", [R(2, 1, 3, 1)], reps=[(1, 4, 1, 2)])
    out += combos(s, "tile", "np.tile", [R(1, 2)], reps=[(1, 2), (2, 3), (3, 2, 1)])
    out += combos(s, "tile", "np.tile", [R(1)], reps=[(2,), 2])
    out += combos(s, "sort", "np.sort", [R(1), R(7)])
    out += combos(s, "partition", "np.partition", [R(7), R(14)], kth=[0, 3, 6])
    out += combos(s, "atleast_1d", "np.atleast_1d", [1.2, R(1), R(7), R(1, 4), R(2, 4),
                                                     R(2, 4, 5)])
    out += combos(s, "atleast_2d", "np.atleast_2d", [1.2, R(1), R(7), R(1, 4), R(2, 4),
                                                     R(2, 4, 5)])
    out += combos(s, "atleast_3d", "np.atleast_3d", [1.2, R(1), R(7), R(1, 4), R(2, 4),
                                                     R(2, 4, 5), R(2, 4, 3, 5)])
    out += combos(s, "trace", "np.trace", [R(5, 5), R(4, 5), R(5, 4), R(3, 4, 5)],
                  offset=[-1, 0, 1])
    out += combos(s, "diag", "np.diag", [R(5, 5)], k=[-1, 0, 1])
    out += combos(s, "diag_flat", "np.diag", [R(5)], k=[-1, 0, 1])
    for fun in ("tril", "triu"):
        out += combos(s, fun, f"np.{fun}", [R(5, 5)], k=[-1, 0, 1])
        out += combos(s, f"{fun}_3d", f"np.{fun}", [R(5, 5, 4)], k=[-1, 0, 1])
    out += combos(s, "swapaxes", "np.swapaxes", [R(3, 4, 5)], axis1=[0, 1, 2], axis2=[0, 1, 2])
    out += combos(s, "rollaxis", "np.rollaxis", [R(2, 3, 4)], axis=[0, 1, 2], start=[0, 1, 2])
    out += combos(s, "cross", "np.cross", [R(3, 3)], [R(3, 3)], wrt=(0, 1),
                  axisa=[-1, 0, 1], axisb=[-1, 0, 1], axisc=[-1, 0, 1], axis=[None, -1, 0, 1])
    out += combos(s, "select", "np.select",
                  [[R(3, 4, 5) > 0, R(3, 4, 5) > 0, R(3, 4, 5) > 0]],
                  [[R(3, 4, 5), R(3, 4, 5), R(3, 4, 5)]], wrt=(1,), default=[0.0, 1.1])
    out += combos(s, "pad", "np.pad", [R(2, 2)],
                  [0, 3, (3,), (3, 2), ((3, 2),), ((1, 2), (3, 4)), ((0, 0), (0, 0))],
                  ["constant"])
    return out


def systematic_products(s):
    out = combos(s, "kron", "np.kron", [R(5, 5), R(4, 4), R(5), R(5, 1), R(1, 5), R()],
                 [R(3, 3), R(2, 2), R(3), R(1, 3), R(3, 1), R()], wrt=(0, 1))
    out += combos(s, "inner", "np.inner", [1.5, R(3), R(2, 3)], [0.3, R(3), R(4, 3)],
                  wrt=(0, 1))
    out += combos(s, "dot", "np.dot", [1.5, R(3), R(2, 3), R(2, 2, 3)],
                  [0.3, R(3), R(3, 4), R(2, 3, 4)], wrt=(0, 1))
    out += combos(s, "outer", "np.outer", [R(3)], [R(3)], wrt=(0, 1))
    out += combos(s, "matmul", "np.matmul", [R(3), R(2, 3), R(2, 2, 3)],
                  [R(3), R(3, 4), R(2, 3, 4)], wrt=(0, 1))
    out += combos(s, "matmul_broadcast", "np.matmul", [R(1, 2, 2)], [R(3, 2, 1)], wrt=(0, 1))
    for test, left, right, axes in (
            ("tensordot_1", [R(1, 3), R(2, 3, 2)], [R(3), R(3, 1), R(3, 4, 2)],
             [((1,), (0,))]),
            ("tensordot_2", [R(3), R(3, 1), R(3, 4, 2)], [R(1, 3), R(2, 3, 2)],
             [((0,), (1,))]),
            ("tensordot_3", [R(2, 3), R(2, 3, 4)], [R(1, 2, 3), R(2, 2, 3, 4)],
             [((0, 1), (1, 2)), ((1, 0), (2, 1))]),
            ("tensordot_4", [R(2, 2), R(4, 2, 2)], [R(2, 2), R(2, 2, 4)], [1, 2]),
            ("tensordot_5", [R(4)], [R()], [0]),
            ("tensordot_6", [R(2, 6)], [R(6, 3)], [[[-1], [0]]]),
            ("tensordot_7", [R(2, 6)], [R(6, 3)], [[-1, 0]]),
            ("tensordot_8", [R(2)], [R(2, 2)], [[0, 1]])):
        out += combos(s, test, "np.tensordot", left, right, wrt=(0, 1), axes=axes)
    for fun in ("maximum", "fmax", "minimum", "fmin"):
        out += combos(s, fun, f"np.{fun}", [R(1), R(1, 4), R(3, 4)], [R(1), R(1, 4), R(3, 4)],
                      wrt=(0, 1))
    return out


def systematic_einsum(s):
    def ein(test, subscripts, *operands, wrt=(1, 2)):
        return combos(s, test, "np.einsum", subscripts, *operands, wrt=wrt)

    out = ein("einsum_transpose", ["ij->ji"], [R(1, 1), R(4, 4), R(3, 4)], wrt=(1,))
    out += ein("einsum_matmult", ["ij,jk->ik"], [R(2, 3)], [R(3, 4)])
    out += ein("einsum_matmult_broadcast", ["...ij,...jk->...ik"], [R(2, 3), R(2, 2, 3)],
               [R(3, 4), R(2, 3, 4)])
    out += ein("einsum_matmult_broadcast_leadzero", ["...ij,...jk->...ik"], [R(0, 2, 3)],
               [R(0, 3, 4)])
    out += ein("einsum_covsum", ["ijk,lji->lki"], [R(3, 4, 4)], [R(4, 4, 3)])
    out += ein("einsum_ellipses", ["...jk,...lj->...lk", "...,...->..."], [R(4, 4), R(3, 4, 4)],
               [R(4, 4), R(3, 4, 4)])
    out += ein("einsum_ellipses_tail", ["jk...,lj...->lk..."], [R(3, 2), R(3, 2, 4)],
               [R(2, 3), R(2, 3, 4)])
    out += ein("einsum_ellipses_center", ["j...k,lj...->lk..."], [R(2, 2), R(2, 2, 2)],
               [R(2, 2), R(2, 2, 2)])
    out += ein("einsum_three_args", ["ijk,lji,lli->lki"], [R(3, 4, 4)], [R(4, 4, 3)],
               [R(4, 4, 3)])
    out += ein("einsum2_transpose", [R(1, 1), R(4, 4), R(3, 4)], [(0, 1)], [(1, 0)], wrt=(0,))
    out += ein("einsum2_matmult", [R(2, 3)], [(0, 1)], [R(3, 4)], [(1, 2)], [(0, 2)],
               wrt=(0, 2))
    ell = Literal("Ellipsis")
    out += ein("einsum2_matmult_broadcast", [R(2, 3), R(2, 2, 3)], [(ell, 0, 1)],
               [R(3, 4), R(2, 3, 4)], [(ell, 1, 2)], [(ell, 0, 2)], wrt=(0, 2))
    out += ein("einsum2_covsum", [R(3, 4, 4)], [(0, 1, 2)], [R(4, 4, 3)], [(3, 1, 0)],
               [(3, 2, 0)], wrt=(0, 2))
    out += ein("einsum2_three_args", [R(3, 4, 4)], [(0, 1, 2)], [R(4, 4, 3)], [(3, 1, 0)],
               [R(4, 4, 3)], [(3, 3, 0)], [(3, 2, 0)], wrt=(0, 2))
    out += ein("einsum_naked_sum", ["k,nk->"], [R(5)], [R(10, 5)])
    out += ein("einsum_naked_sum2", ["abcd->bd"], [R(3, 2, 3, 2)], wrt=(1,))
    out += ein("einsum_naked_sum_ellipsis", ["...k,...nk->..."], [R(3, 5)], [R(3, 10, 5)])
    out += ein("einsum_no_output_indices", ["ij,k"], [R(3, 4)], [R(3)])
    return out


def systematic_sequences(s):
    out = []
    for fun, shapes, sections, axes in (
            ("vsplit_2d", [R(4, 8)], [4, [1, 2]], None),
            ("vsplit_3d", [R(4, 4, 4)], [2, [1, 2]], None),
            ("hsplit_2d", [R(4, 8)], [4, [1, 2]], None),
            ("hsplit_3d", [R(4, 4, 4)], [2, [1, 2]], None),
            ("dsplit_3d", [R(4, 4, 4)], [2, [1, 2]], None),
            ("split_1d", [R(1), R(7)], [1], [0]),
            ("split_2d", [R(4, 8)], [4, [1, 2]], [0, 1]),
            ("split_3d", [R(4, 4, 4)], [2, [1, 2]], [0, 1, 2]),
            ("array_split_1d", [R(1), R(7)], [1, 3], [0]),
            ("array_split_2d", [R(7, 7)], [4, [3, 5]], [0, 1]),
            ("array_split_3d", [R(7, 7, 7)], [4, [3, 5]], [0, 1, 2])):
        name = "np." + fun.rsplit("_", 1)[0]
        kws = {} if axes is None else {"axis": axes}
        out += combos(s, fun, name, shapes, sections, **kws)
    out += combos(s, "concatenate_1ist", "np.concatenate", [(R(1), R(3))], axis=[0])
    out += combos(s, "concatenate_tuple", "np.concatenate", [[R(1), R(3)]], axis=[0])
    out += combos(s, "concatenate_2d", "np.concatenate", [(R(2, 2), R(2, 2))], axis=[0, 1])
    out += combos(s, "concatenate_3d", "np.concatenate", [(R(2, 2, 2), R(2, 2, 2))],
                  axis=[0, 1, 2])
    for fun in ("vstack", "hstack", "row_stack"):
        out += combos(s, f"{fun}_1d", f"np.{fun}", [R(2), (R(2), R(2))])
        first = (R(3, 2), (R(3, 4), R(3, 5))) if fun == "hstack" else (R(2, 3), (R(2, 4),
                                                                              R(1, 4)))
        out += combos(s, f"{fun}_2d", f"np.{fun}", list(first))
        if fun != "row_stack":
            third = [R(2, 3, 4), (R(2, 1, 4), R(2, 5, 4))] if fun == "hstack" else [
                R(2, 3, 4), (R(2, 3, 4), R(5, 3, 4))]
            out += combos(s, f"{fun}_3d", f"np.{fun}", third)
    out += combos(s, "stack_1d", "np.stack", [(R(2),), (R(2), R(2))], axis=[0, 1])
    out += combos(s, "column_stack_1d", "np.column_stack", [R(2), (R(2), R(2))])
    out += combos(s, "column_stack_2d", "np.column_stack", [R(2, 2), (R(2, 2), R(2, 2))])
    return out


def numpy_calls():
    s = "test_numpy.py"
    m1011, m1011b, v10, v11, v11b = R(10, 11), R(10, 11), R(10), R(11), R(11)
    out = combos(s, "dot", "np.dot", [m1011], [v11])
    out += combos(s, "dot", "np.dot", [m1011], [m1011b.T])
    out += combos(s, "dot", "np.dot", [v10], [m1011])
    out += combos(s, "dot", "np.dot", [v11], [v11b])
    f1 = R()
    for left, right in ((m1011, f1), (f1, m1011), (v10, f1), (f1, v10)):
        out += single(s, "dot_with_floats", "np.dot", left, right)
    for _ in range(3):
        out += single(s, "outer", "np.outer", R(11), R(11))
    for fun in ("max", "min"):
        out += single(s, fun, f"np.{fun}", R(10, 11))
        out += single(s, f"{fun}_axis", f"np.{fun}", R(3, 4, 5), axis=1)
        out += single(s, f"{fun}_axis_keepdims", f"np.{fun}", R(3, 4, 5), axis=1, keepdims=True)
    out += single(s, "sum_1", "np.sum", R(10, 11))
    out += single(s, "sum_2", "np.sum", R(10, 11), axis=0)
    out += single(s, "sum_3", "np.sum", R(10, 11), axis=0, keepdims=True)
    out += single(s, "sum_with_axis_tuple", "np.sum", R(10, 11, 7), axis=(1, 2))
    base = np.abs(R(5)) + 0.5
    for fun in ("sum", "prod", "max", "min"):
        out += single(s, "plain_numpy_reductions_on_box", f"np.{fun}(np.exp({{0}}) * {{1}})",
                      0.7, base)
    for fun in ("flipud", "fliplr", "rot90"):
        out += single(s, fun, f"np.{fun}", R(10, 11))
    out += single(s, "cumsum_axis0", "np.cumsum", R(10, 11), axis=0)
    out += single(s, "cumsum_axis1", "np.cumsum", R(10, 11), axis=1)
    out += single(s, "cumsum_1d", "np.cumsum", R(10))
    out += single(s, "cumsum_no_axis", "np.cumsum", R(10, 11))
    out += single(s, "non_numpy_sum", "sum([{0}, {1}])", R(10, 11), R(10, 11))
    out += single(s, "mean_1", "np.mean", R(10, 11))
    out += single(s, "mean_2", "np.mean", R(10, 11), axis=0)
    out += single(s, "mean_3", "np.mean", R(10, 11), axis=0, keepdims=True)
    return out


def numpy_indexing():
    s = "test_numpy.py"
    out = []
    for test, expr, shape in (
            ("index_ints", "{0}[3, 0, 1]", (5, 6, 4)),
            ("index_slice", "{0}[::-1, 2:4, :]", (5, 6, 4)),
            ("index_lists", "{0}[[0, 1, 2], :, :]", (5, 6, 4)),
            ("index_mixed", "{0}[3, 2:, [1, 3]]", (5, 6, 4)),
            ("vector_slice", "{0}[2:4]", (5,)),
            ("index_slice_fanout", "y = {0}[::-1, 2:4, :]\nz = {0}[::-1, 3:5, :]\nout = y + z",
             (5, 6, 4)),
            ("index_multiple_slices", "y = {0}[2:6]\nout = y[1:3]", (7,)),
            ("reshape_method", "{0}.reshape((5 * 4, 6))", (5, 6, 4)),
            ("reshape_call", "np.reshape({0}, (5 * 4, 6))", (5, 6, 4)),
            ("reshape_method_nolist", "{0}.reshape(5 * 4, 6)", (5, 6, 4)),
            ("ravel_method", "{0}.ravel()", (5, 6, 4)),
            ("ravel_call", "np.ravel({0})", (5, 6, 4)),
            ("flatten_method", "{0}.flatten()", (5, 6, 4))):
        out += single(s, test, expr, R(*shape))
    out += single(s, "simple_append_list", "np.append", [1.0, 2.0, 3.0], 4.0, wrt=(0, 1))
    out += single(s, "simple_append_arr", "np.append", np.array([1.0, 2.0, 3.0]), 4.0,
                  wrt=(0, 1))
    out += single(s, "simple_append_list_2D", "np.append", [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]],
                  [[7.0, 8.0, 9.0]], axis=0, wrt=(0, 1))
    out += single(s, "simple_concatenate", "np.concatenate(({1}, {0}))", R(4, 6, 4), R(5, 6, 4))
    b564 = R(5, 6, 4)
    out += single(s, "concatenate_axis_0", "np.concatenate(({1}, {0}, {1}))", R(5, 6, 4), b564)
    out += single(s, "concatenate_axis_1", "np.concatenate(({1}, {0}, {1}), axis=1)",
                  R(5, 6, 4), b564)
    out += single(s, "concatenate_axis_1_unnamed", "np.concatenate(({1}, {0}, {1}), 1)",
                  R(5, 6, 4), b564)
    out += single(s, "trace", "np.trace", R(10, 11), offset=int(rng.integers(-9, 11)))
    out += single(s, "trace2", "np.trace", R(11, 10), offset=int(rng.integers(-9, 11)))
    out += single(s, "trace_extradims", "np.trace", R(5, 6, 4, 3),
                  offset=int(rng.integers(-5, 6)))
    out += single(s, "diag", "np.diag", R(10, 10))
    out += single(s, "transpose", "{0}.T", R(8, 8))
    out += single(s, "roll", "np.roll({0}, 2, axis=1)", R(4, 5))
    out += single(s, "roll_no_axis", "np.roll({0}, 2, axis=1)", R(4, 5))
    out += single(s, "triu", "np.triu", R(5, 5), k=2)
    out += single(s, "tril", "np.tril", R(5, 5), k=2)
    out += single(s, "clip", "np.clip", R(5, 5), a_min=0.1, a_max=1.1)
    out += single(s, "prod_1", "np.prod", R(2, 3) ** 2 / 10.0 + 0.1)
    out += single(s, "prod_2", "np.prod", R(2, 3) ** 2 + 0.1, axis=0)
    out += single(s, "prod_3", "np.prod", R(2, 3) ** 2 + 0.1, axis=0, keepdims=True)
    out += single(s, "prod_4", "np.prod", R(7) ** 2 + 0.1)
    return out


def numpy_arrays():
    s = "test_numpy.py"
    out = []
    rows = "[[{0}, {0} * 1.0, {0} + 2.5], [{0} ** 2, {0}, {0} / 2.0]]"
    for test, expr, x in (
            ("1d_array", "np.array([{0}, {0} * 1.0, {0} + 2.5])", 3.0),
            ("2d_array", f"np.array({rows})", 3.0),
            ("1d_array_fanout", "A = np.array([{0}, {0} * 1.0, {0} + 2.5])\nout = A + A", 3.0),
            ("2d_array_fanout", f"A = np.array({rows})\nout = A + A", 3.0),
            ("array_from_scalar", "np.array({0})", 3.0),
            ("array_from_arrays", "np.array([{0}, {0}])", R(3, 2)),
            ("array_from_arrays_2", "np.array([[2 * {0}, {0} + 1], [{0}, {0}]])", R(3, 2)),
            ("len", "{0}[:len({0})]", R(3, 2))):
        out += single(s, test, expr, x)
    c32, c10 = R(3, 2), R(10)
    for test, expr, x, c in (
            ("r_basic", "np.r_[{0}]", R(3, 2), c32),
            ("r_double", "np.r_[{0}, {0}]", R(3, 2), c32),
            ("no_relation", "{1}", R(3, 2), c32),
            ("r_no_relation", "np.r_[{1}]", R(3, 2), c32),
            ("r_node_and_const", "np.r_[{0}, {1}]", R(3, 2), c32),
            ("r_mixed", "np.r_[{0}, {1}, {0}]", R(3, 2), c32),
            ("r_slicing", "np.r_[{0}, {1}, 1:10]", R(10), c10),
            ("c_", "np.c_[{0}, {1}, {0}]", R(3, 2), c32),
            ("c_mixed", "np.c_[{0}, {1}, {0}]", R(3, 2), c32)):
        out += single(s, test, expr, x, c)
    return out


def numpy_statistics():
    s = "test_numpy.py"
    out = []
    B, C, D = R(3), R(3, 4), R(1, 3)
    for fun in ("var", "std"):
        out += combos(s, f"{fun}_ddof", f"np.{fun}", [B, C, D], axis=[None],
                      keepdims=[True, False], ddof=[0, 1])
        out += combos(s, f"{fun}_ddof", f"np.{fun}", [C, D], axis=[None, 1],
                      keepdims=[True, False], ddof=[2])
    out += single(s, "where", "np.where({2}, {0}, {1})", R(4, 5), R(4, 5), R(4, 5) > 0)
    out += single(s, "squeeze_func", "np.squeeze", R(5, 1, 4))
    out += single(s, "squeeze_method", "{0}.squeeze()", R(5, 1, 4))
    for test, shape, reps, axis in (("repeat", (5, 3, 4), 2, 1), ("repeat_axis1_rep1",
                                    (5, 3, 4), 1, 1), ("repeat_axis0", (5, 3), 2, 0),
                                    ("repeat_1d_axis0", (5,), 2, 0),
                                    ("repeat_axis0_rep1", (5, 1), 1, 0)):
        out += single(s, test, "np.repeat", R(*shape), reps, axis=axis)
    out += single(s, "expand_dims", "np.expand_dims", R(5, 1, 4), 2)
    out += single(s, "multi_index", "np.sum({0}[[0, 0]])", R(3))
    out += single(s, "multi_index2", "np.sum({0}[[0, 1, 0]])", R(3))
    out += single(s, "index_dot_slices", "np.dot({0}[:2], {0}[2:])", R(4))
    out += single(s, "cast_to_int",
                  "glued_together = np.concatenate(({0}, {1}), axis=1)\n"
                  "new_W = {0}[:, :-1]\nnew_inds = np.int64({0}[:, -1])\n"
                  "out = new_W[new_inds].sum()", R(5, 10), np.ones(5)[:, None])
    out += single(s, "diagonal", "np.diagonal", R(4, 4), axis1=-1, axis2=-2)
    out += single(s, "diagonal", "np.diagonal", R(3, 4, 4), axis1=-1, axis2=-2)
    out += single(s, "nan_to_num", "np.sum(np.sin(np.nan_to_num({0} + {1})))", R(4),
                  np.array([0.0, np.nan, np.inf, -np.inf]))
    three_way = "[[{0}, {0}, {0}], [{0}, 0.5, 0.5], [0.5, 0.5, 0.5], [{0}, {0}, 0.5]]"
    for test, expr, points in (
            ("max_equal_values", "np.max(np.array([{0}, {0}]))", [1.0]),
            ("max_equal_values_2d", "np.max(np.array([[{0}, {0}], [{0}, 0.5]]), axis=1)",
             [1.0, -1.0]),
            ("min_3_way_equality", f"np.min(np.array({three_way}), axis=0)", [1.0, -1.0]),
            ("maximum_equal_values", "np.maximum({0}, {0})", [1.0]),
            ("maximum_equal_values_2d",
             "np.maximum(np.array([{0}, {0}, 0.5]), np.array([[{0}, 0.5, {0}], [{0}, {0}, 0.5]]))",
             [1.0, -1.0, 2.0])):
        for x in points:
            out += single(s, test, expr, x)
    for num in (0, 1, 5):
        for start, stop in ((1.2, 3.4), (1.2, -3.4), (1.2, 1.2)):
            out += single(s, "linspace", f"np.linspace({{0}}, {{1}}, {num})", start, stop)
    for shape in ((10,), (10, 10), (10, 10, 10)):
        out += single(s, "gradient", "np.gradient", R(*shape))
    for axis in (None, 0, 1, -1, (0, 1), (0, -1)):
        out += single(s, "gradient", "np.gradient", R(10, 10, 10), axis=axis)
    return out


def symmetrized(expr):
    """autograd's ``check_symmetric_matrix_grads``: the function of (L + L^T) / 2, L = tril(x)."""
    return ("L = np.tril({0})\nS = (L + np.swapaxes(L, -1, -2)) / 2.0\n"
            + expr.replace("{0}", "S"))


def linalg_checks():
    s = "test_linalg.py"
    eye = np.eye
    mat = R(8, 8)
    out = single(s, "inv", "np.linalg.inv", mat @ mat + eye(8))
    for m in range(2, 8):
        out += single(s, "pinv", "np.linalg.pinv", R(5, m))
        out += single(s, "pinv", "np.linalg.pinv", R(2, 5, m))
    low_rank = "np.linalg.pinv(np.swapaxes({0}, -1, -2) @ {0})"
    for m in range(2, 8):
        out += single(s, "pinv_low_rank", low_rank, R(5, m), rtol=1e-4)
        out += single(s, "pinv_low_rank", low_rank, R(2, 5, m), rtol=1e-4)
    out += single(s, "inv_3d", "np.linalg.inv", R(4, 4, 4) + 5 * eye(4))
    out += single(s, "inv_3d", "np.linalg.inv", R(4, 4, 4, 4) + 5 * eye(4))
    out += single(s, "solve_arg1", "np.linalg.solve", R(8, 8) + 10 * eye(8), R(8, 7))
    out += single(s, "solve_arg1_1d", "np.linalg.solve", R(8, 8) + 10 * eye(8), R(8))
    out += single(s, "solve_arg2", "np.linalg.solve({1}, {0})", R(6, 5), R(6, 6) + eye(6))
    out += single(s, "solve_arg1_3d", "np.linalg.solve({0}, {1}[..., None])[..., 0]",
                  R(5, 4, 4) + 5 * eye(4), R(5, 4))
    out += single(s, "solve_arg1_3d_3d", "np.linalg.solve", R(5, 4, 4) + 5 * eye(4),
                  R(5, 4, 6))
    out += single(s, "det", "np.linalg.det", R(6, 6))
    out += single(s, "det_3d", "np.linalg.det", R(3, 3, 3))
    mat = R(6, 6)
    for x in (mat, -mat):
        out += single(s, "slogdet", "_sign, logdet = np.linalg.slogdet({0})\nout = logdet", x)
    psd = np.stack([rand_psd(5) + 5 * eye(5) for _ in range(3)])
    out += single(s, "slogdet_3d", "np.sum(np.linalg.slogdet({0})[1])", psd)
    out += single(s, "vector_2norm", "np.linalg.norm", R(6))
    out += single(s, "frobenius_norm", "np.linalg.norm", R(6, 5))
    out += single(s, "frobenius_norm_axis", "np.linalg.norm", R(6, 5, 4), axis=(0, 1))
    for order in (2, 3, 4):
        out += single(s, "vector_norm_ord", "np.linalg.norm", R(6), ord=order)
    for axis in (0, 1, 2):
        out += single(s, "norm_axis", "np.linalg.norm", R(6, 5, 4), axis=axis)
    out += single(s, "norm_nuclear", "np.linalg.norm", R(6, 5), ord="nuc")
    out += single(s, "norm_nuclear_axis", "np.linalg.norm", R(6, 5, 4), ord="nuc", axis=(0, 1))
    hmat = R(2, 3, 6, 6) + 10 * eye(6)
    hmat = np.einsum("...ij,...kj->...ik", hmat, hmat)
    for test, x in (("eigvalh_lower", R(6, 6)), ("eigvalh_upper", R(6, 6)),
                    ("eigvalh_lower_broadcasting", hmat), ("eigvalh_upper_broadcasting", hmat)):
        uplo = ", 'U'" if "upper" in test else ""
        out += single(s, test, f"w, v = np.linalg.eigh({{0}}{uplo})\nout = (w, v)", x)
    out += single(s, "eig_real", "w, v = np.linalg.eig({0})\nout = (np.abs(w), np.abs(v))",
                  R(8, 8))
    out += single(s, "cholesky", symmetrized("out = np.linalg.cholesky({0})"), rand_psd(6))
    out += single(s, "cholesky_broadcast", symmetrized("out = np.linalg.cholesky({0})"),
                  np.stack([rand_psd(6) for _ in range(3)]))
    out += single(s, "cholesky_reparameterization_trick", symmetrized(
        "rs = np.random.RandomState(0)\n"
        "z = np.dot(np.linalg.cholesky({0}), rs.randn({0}.shape[0]))\n"
        "out = np.linalg.norm(z)"), rand_psd(6))
    svd = "u, s, v = np.linalg.svd({0}, full_matrices=False)\nout = (u, s, v)"
    for test, shape in (("svd_wide_2d", (3, 5)), ("svd_wide_3d", (4, 3, 5)),
                        ("svd_square_2d", (4, 4)), ("svd_square_3d", (3, 4, 4)),
                        ("svd_tall_2d", (5, 3)), ("svd_tall_3d", (4, 5, 3))):
        out += single(s, test, svd, R(*shape))
    only_s = "np.linalg.svd({0}, full_matrices=False, compute_uv=False)"
    out += single(s, "svd_only_s_2d", only_s, R(5, 3))
    out += single(s, "svd_only_s_3d", only_s, R(4, 5, 3))
    return out


def fft_checks():
    s = "test_fft.py"

    def hermitian(fun, expr):
        """autograd feeds the inverse real transforms ``rfft(x)``; here the complex input is
        ``rfft(x0) + 1j * rfft(x1)``, so every complex direction is checked."""
        forward = fun[1:]
        return expr.replace("{0}", f"(np.fft.{forward}({{0}}) + 1j * np.fft.{forward}({{1}}))")

    def fft(test, fun, shape, expr="np.fft.{fun}({{0}})", scale=1.0):
        expr = expr.format(fun=fun)
        if fun.startswith("ir"):
            return single(s, test, hermitian(fun, expr), R(*shape) * scale,
                          R(*shape) * scale, wrt=(0, 1))
        return single(s, test, expr, R(*shape) * scale)

    out = fft("fft", "fft", (5, 5))
    out += fft("fft_ortho", "fft", (5, 5), "np.fft.{fun}({{0}}, norm='ortho')")
    out += fft("fft_axis", "fft", (5, 5), "np.fft.{fun}({{0}}, axis=0)")
    for fun, d in (("fft", 5), ("ifft", 5), ("rfft", 4), ("irfft", 4)):
        out += fft(f"{fun}_n_smaller", fun, (d, d), f"np.fft.{{fun}}({{{{0}}}}, {d - 2})")
        out += fft(f"{fun}_n_bigger", fun, (d, d), f"np.fft.{{fun}}({{{{0}}}}, {d + 2})")
    for fun, d in (("fft2", 5), ("ifft2", 5), ("fftn", 5), ("ifftn", 5), ("rfft2", 4),
                   ("irfft2", 4), ("rfftn", 4), ("irfftn", 4)):
        out += fft(f"{fun}_s", fun, (d, d, d),
                   f"np.fft.{{fun}}({{{{0}}}}, s=[{d + 2}, {d - 2}], axes=[0, 2])", 0.1)
    for fun, d, scale in (("ifft", 5, 1.0), ("fft2", 5, 0.1), ("ifft2", 5, 1.0),
                          ("fftn", 5, 0.1), ("ifftn", 5, 1.0), ("rfft", 4, 0.1),
                          ("irfft", 4, 0.1), ("rfft2", 4, 0.1), ("irfft2", 4, 0.1)):
        out += fft(fun, fun, (d, d), scale=scale)
    out += fft("rfft_ortho", "rfft", (4, 4), "np.fft.{fun}({{0}}, norm='ortho')", 0.1)
    out += fft("rfft_axes", "rfft", (4, 4), "np.fft.{fun}({{0}}, axis=0)", 0.1)
    out += fft("irfft_ortho", "irfft", (4, 4), "np.fft.{fun}({{0}}, norm='ortho')", 0.1)
    out += fft("rfftn", "rfftn", (4, 4, 4), scale=0.1)
    out += fft("rfftn_subset", "rfftn", (4, 4, 4), "np.fft.{fun}({{0}})[(0, 1, 0), (3, 3, 2)]",
               0.1)
    out += fft("rfftn_axes", "rfftn", (4, 4, 4), "np.fft.{fun}({{0}}, axes=(0, 2))", 0.1)
    out += fft("irfftn", "irfftn", (4, 4, 4), scale=0.1)
    out += fft("irfftn_subset", "irfftn", (4, 4, 4),
               "np.fft.{fun}({{0}})[(0, 1, 0), (3, 3, 2)]", 0.1)
    for fun in ("fftshift", "ifftshift"):
        out += fft(fun, fun, (5, 5), scale=0.1)
        out += fft(f"{fun}_even", fun, (4, 4), scale=0.1)
        out += fft(f"{fun}_axes", fun, (5, 5), "np.fft.{fun}({{0}}, axes=1)", 0.1)
    return out


def scipy_checks():
    s = "test_scipy.py"
    out = combos(s, "beta", "special.beta", [P(4)], [P(4)], wrt=(0, 1))
    out += combos(s, "betainc", "special.betainc", [P(4)], [P(4)], [U(0.0, 1.0, 4)], wrt=(2,))
    out += combos(s, "betaln", "special.betaln", [P(4)], [P(4)], wrt=(0, 1))
    for test in ("gammainc", "gammaincc"):
        out += combos(s, test, f"special.{test}", [1], list(R(4) ** 2 + 1.3), wrt=(1,))
    for test, order in (("polygamma", 0), ("jn", 2), ("yn", 2)):
        out += combos(s, test, f"special.{test}", [order], list(R(4) ** 2 + 1.3), wrt=(1,))
    for fun in ("psi", "digamma", "gamma", "gammaln", "gammasgn", "rgamma"):
        out += unary_checks(s, fun, f"special.{fun}", 0.3, 2.0)
    out += combos(s, "multigammaln", "special.multigammaln", [U(4.0, 5.0), U(4.0, 5.0, 2, 3)],
                  [1, 2, 3])
    for fun in ("j0", "j1", "y0", "y1", "i0", "i1"):
        out += unary_checks(s, fun, f"special.{fun}", 0.2, 20.0)
    for fun in ("iv", "ive"):
        out += combos(s, fun, f"special.{fun}", list(U(1.0, 50.0, 4)), list(R(4) ** 2 + 1.3),
                      wrt=(1,))
    for fun, lo, hi in (("erf", -3.0, 3.0), ("erfc", -3.0, 3.0), ("erfinv", -0.95, 0.95),
                        ("erfcinv", 0.05, 1.95), ("logit", 0.1, 0.9), ("expit", -4.05, 4.95)):
        out += unary_checks(s, fun, f"special.{fun}", lo, hi)
    lse = "special.logsumexp"
    out += combos(s, "logsumexp1", lse, [np.array([1.1]), R(4), R(3, 4)], axis=[None, 0],
                  keepdims=[True, False])
    out += combos(s, "logsumexp2", lse, [R(3, 4), R(4, 5, 6), R(1, 5)], axis=[None, 0, 1],
                  keepdims=[True, False])
    out += combos(s, "logsumexp3", lse, [R(4)], b=[np.exp(R(4))], axis=[None, 0],
                  keepdims=[True, False])
    out += combos(s, "logsumexp4", lse, [R(3, 4)], b=[np.exp(R(3, 4))], axis=[None, 0, 1],
                  keepdims=[True, False])
    out += combos(s, "logsumexp5", lse, [R(2, 3, 4)], b=[np.exp(R(2, 3, 4))],
                  axis=[None, 0, 1], keepdims=[True, False])
    out += single(s, "logsumexp6", lse, R(1, 5), axis=1, keepdims=True)
    return out


def all_checks():
    checks = (systematic() + numpy_calls() + numpy_indexing() + numpy_arrays()
              + numpy_statistics() + linalg_checks() + fft_checks() + scipy_checks())
    seen = {}
    for check in checks:
        base = f"{check.test}[{check.label}]"
        seen[base] = seen.get(base, 0) + 1
        check.ident = base if seen[base] == 1 else f"{check.test}[{check.label}]#{seen[base]}"
    return checks


CHECKS = all_checks()
