"""Regression corpus: programs that once gave silently wrong gradients or crashed, written
as users write them (found by hand, by outside users, or by the random-program tester in
tests/fuzz). Each entry of CASES is ``(id, function, args)``, differentiated with respect
to argument 0. Like tests/corpus.py, this file is loaded a second time with ``np`` bound to
``autograd.numpy`` for an independent oracle.
"""

import math

try:
    np = ORACLE_NUMPY
except NameError:
    import numpy as np


# ----- closures: the values a nested function reads are inputs of every call -----
def closure_constant_argument(x):
    def inner(v):
        return v * x[0]
    return inner(x[1]) + inner(2.0)


def closure_no_arguments(x):
    def h():
        return x[0] * x[1]
    return h()


def closure_no_arguments_scalar(x):
    def h():
        return x * x
    return h() + 1.0


def lambda_constant_argument(x):
    g = lambda v: v * x[1]
    return g(3.0) + g(x[0])


def closure_calls_closure(x):
    def scale(v):
        return v * x[0]

    def shift(v):
        return scale(v) + x[1]
    return shift(3.0) * shift(x[1])


def closure_in_loop_and_branch(x):
    def scale(v):
        return v * x[0]
    y = 0.0
    for i in range(3):
        y = y + scale(float(i))
    if x[1] > 0:
        y = y * scale(2.0)
    return y


def closure_recursion(x):
    def power(n, v):
        if n == 0:
            return v
        return x[0] * power(n - 1, v)
    return power(3, x[1])


def lambda_default_capture(x):
    total = 0.0
    for i in range(2):
        g = lambda v, i=i: v * x[i]
        total = total + g(2.0)
    return total


def closure_active_default(x):
    w = x[0]

    def g(v, s=w * 2.0):
        return v * s
    return g(x[1]) + g(1.0, 3.0)


def closure_sees_value_at_call(x):
    s = x[0] * 2.0

    def g():
        return s * x[1]
    first = g()
    s = x[0] * 3.0
    return g() + first


def lambda_sees_loop_value(x):
    total = 0.0
    scale = 1.0
    f = lambda v: v * scale
    for i in range(3):
        scale = x[i % 2] * (i + 1)
        total = total + f(x[1])
    return total


def numpy_call_in_lambda(x):
    g = lambda v: np.sort(v * x)
    return np.sum(g(x)[:1])


def never_called_closure(x):
    g = lambda: x * 2.0
    return np.sum(x * x)


# ----- recursion whose argument is another call's result -----
def _damped(u):
    return np.sin(u) + 0.1 * u


def _rec(u, n):
    if n == 0:
        return u
    return np.sin(_rec(u, n - 1)) + 0.1 * u


def recursion_of_call(x):
    return np.sum(_rec(_damped(x), 1))


def recursion_of_recursion(x):
    return np.sum(_rec(_rec(x, 1), 1))


def recursion_of_recursion_named(x):
    y = _rec(x, 1)
    return np.sum(_rec(y, 1))


# ----- builtins on active values: rules, not zeros -----
def builtin_max_args(x):
    return max(x[0], 2.0 * x[1] + 2.0)


def builtin_min_list(x):
    return min([x[0] * x[0], x[1] + 1.0])


def builtin_sorted(x):
    return sorted([x[0], x[1]])[0] * 2.0


def builtin_zip_list(x):
    pairs = list(zip(x, [2.0, 3.0]))
    return pairs[0][0] * pairs[0][1] + pairs[1][0] * pairs[1][1]


def builtin_max_three_with_constant(x):
    return max(x[0], x[1], 0.1) * 2.0


def builtin_sum_sorted_reverse(x):
    return sum(sorted([x[0], x[1], x[0] * x[1]], reverse=True)[:2])


def builtin_sum_with_start(x):
    squares = []
    for v in x:
        squares.append(v * v)
    return sum(squares, x[0])


def builtin_sum_of_array(x):
    return sum(x * x)


def builtin_abs_pow(x):
    return abs(x[0] - 1.0) + pow(x[1], 3) + pow(2.0, x[0])


def builtin_reversed_list(x):
    backwards = list(reversed(list(x)))
    return backwards[0] * 3.0 + backwards[1]


def builtin_dict_keywords(x):
    d = dict(a=x[0], b=x[1] * 2.0)
    return d["a"] * d["b"]


def builtin_dict_of_zip(x):
    d = dict(zip(["a", "b"], [x[0], x[1]]))
    return d["b"] * 4.0 + d["a"]


def builtin_item_tolist(x):
    values = x.tolist()
    return values[0] * values[1] + x[1].item() + float(x[0])


def builtin_max_key(x):
    return max(list(x), key=lambda v: -v) * 3.0


def builtin_enumerate_list(x):
    items = list(enumerate(x))
    return items[1][1] * x[0]


def builtin_max_min_of_array(x):
    return max(x) * min(x)


def builtin_tuple(x):
    t = tuple(x)
    return t[0] * t[1]


def math_functions(x):
    a = math.exp(x[0]) + math.atan2(x[1], x[0] + 2.0) + math.hypot(x[0], x[1])
    b = math.log(x[0] + 2.0, x[1] + 3.0) + math.gamma(x[1] + 1.5) + math.lgamma(x[0] + 2.0)
    c = math.sqrt(x[0] + 1.0) * math.tanh(x[1]) + math.erf(x[0]) + math.pow(x[1] + 1.0, 1.5)
    return a + b + c


# ----- in-place writes through another name for the same object -----
def alias_write_through_copy(x):
    y = np.zeros(2)
    z = y
    z[0] = x[0]
    return np.sum(y * x)


def alias_write_in_loop(x):
    y = np.zeros(2)
    z = y
    for i in range(2):
        z[i] = x[i] * x[i]
    return np.sum(y * x)


def alias_write_in_branches(x):
    y = np.zeros(2)
    z = y
    if x[0] > 0:
        z[0] = x[1]
    else:
        z[1] = x[0]
    return np.sum(y * x)


def alias_append(x):
    a = [x[0]]
    b = a
    b.append(x[1] * 2.0)
    return a[0] * a[1]


def recurrence_in_buffer(x):
    buf = np.zeros(3)
    buf[0] = x[0]
    for i in range(1, 3):
        prev = buf[i - 1]
        buf[i] = prev * 0.5 + x[1] * i
    return np.sum(buf * buf)


def float_augmented_alias(x):
    s = x[0] * 2.0
    prev = s
    s += x[1]
    return prev * s


# ----- found while building the syntax stages -----
def list_concatenation(x):
    c = [x[0]] + [x[1]]
    return c[0] * c[1]


def tuple_concatenation(x):
    c = (x[0],) + (x[1],)
    return c[0] * c[1]


def list_repetition(x):
    c = [x[0]] * 3
    return c[0] * c[1] * c[2] + x[1]


def list_repetition_on_the_left(x):
    c = 2 * [x[0], x[1]]
    return c[0] * c[3]


def variable_named_t(x):
    t = np.sum(x)
    acc = []
    for i in range(len(x)):
        acc.append(x[i])
    return t + min(acc)


def variable_named_like_an_adjoint(x):
    x_bar = np.mean(x)
    return np.sum((x - x_bar) ** 2)


def fresh_list_each_iteration(x):
    rows = []
    for xi in x:
        row = []
        for p in range(3):
            row.append(xi ** p)
        rows.append(row)
    return sum([sum(r) for r in rows])


def loop_over_dict(p):
    total = 0.0
    for k in p:
        total = total + np.sum(p[k] ** 2)
    return total


def loop_over_items(p):
    total = 0.0
    for k, v in p.items():
        total = total + np.sum(v ** 3)
    return total


def sum_of_values(p):
    return sum([np.sum(v) * 2.0 for v in p.values()])


# ----- writes through dict entries, list elements and views (the reproducers) -----
def write_through_dict_entry(x):
    d = {"buf": np.zeros(2)}
    b = d["buf"]
    b[1] = x[1] * 3.0
    return np.sum(d["buf"]) + x[0]


def nested_write_into_list_element(x):
    buf = np.zeros(2)
    items = [buf, 1.0]
    items[0][1] = x[0] * x[1]
    return np.sum(buf * x)


def nested_write_into_dict_entry(x):
    box = {"buf": np.zeros(2)}
    box["buf"][0] = x[1] ** 2
    return np.sum(box["buf"] * x)


def write_through_row_view(x):
    M = np.zeros((2, 3))
    row = M[0]
    row[1] = x[1]
    return np.sum(M) + x[0]


def append_to_list_in_dict(x):
    xs = []
    d = {"h": xs}
    xs.append(x[0] * 2.0)
    return d["h"][0] * x[1]


def alias_of_argument_written(x):
    y = x
    y[0] = 0.5
    return np.sum(x * x)


def cases():
    x2 = np.array([0.4, 0.7])
    params = {"a": np.array([0.3, -0.2]), "b": np.array([1.5])}
    return [
        ("closure_constant_argument", closure_constant_argument, (x2,)),
        ("closure_no_arguments", closure_no_arguments, (x2,)),
        ("closure_no_arguments_scalar", closure_no_arguments_scalar, (0.3,)),
        ("lambda_constant_argument", lambda_constant_argument, (x2,)),
        ("closure_calls_closure", closure_calls_closure, (x2,)),
        ("closure_in_loop_and_branch", closure_in_loop_and_branch, (x2,)),
        ("closure_recursion", closure_recursion, (x2,)),
        ("lambda_default_capture", lambda_default_capture, (x2,)),
        ("closure_active_default", closure_active_default, (x2,)),
        ("closure_sees_value_at_call", closure_sees_value_at_call, (x2,)),
        ("lambda_sees_loop_value", lambda_sees_loop_value, (x2,)),
        ("never_called_closure", never_called_closure, (x2,)),
        ("numpy_call_in_lambda", numpy_call_in_lambda, (x2,)),
        ("recursion_of_call", recursion_of_call, (x2,)),
        ("recursion_of_recursion", recursion_of_recursion, (x2,)),
        ("recursion_of_recursion_named", recursion_of_recursion_named, (x2,)),
        ("builtin_max_args", builtin_max_args, (x2,)),
        ("builtin_min_list", builtin_min_list, (x2,)),
        ("builtin_sorted", builtin_sorted, (x2,)),
        ("builtin_zip_list", builtin_zip_list, (x2,)),
        ("builtin_max_three_with_constant", builtin_max_three_with_constant, (x2,)),
        ("builtin_sum_sorted_reverse", builtin_sum_sorted_reverse, (x2,)),
        ("builtin_sum_with_start", builtin_sum_with_start, (x2,)),
        ("builtin_sum_of_array", builtin_sum_of_array, (x2,)),
        ("builtin_abs_pow", builtin_abs_pow, (x2,)),
        ("builtin_reversed_list", builtin_reversed_list, (x2,)),
        ("builtin_dict_keywords", builtin_dict_keywords, (x2,)),
        ("builtin_dict_of_zip", builtin_dict_of_zip, (x2,)),
        ("builtin_item_tolist", builtin_item_tolist, (x2,)),
        ("builtin_max_key", builtin_max_key, (x2,)),
        ("builtin_enumerate_list", builtin_enumerate_list, (x2,)),
        ("builtin_max_min_of_array", builtin_max_min_of_array, (x2,)),
        ("builtin_tuple", builtin_tuple, (x2,)),
        ("math_functions", math_functions, (x2,)),
        ("alias_write_through_copy", alias_write_through_copy, (x2,)),
        ("alias_write_in_loop", alias_write_in_loop, (x2,)),
        ("alias_write_in_branches_pos", alias_write_in_branches, (x2,)),
        ("alias_write_in_branches_neg", alias_write_in_branches, (-x2,)),
        ("alias_append", alias_append, (x2,)),
        ("recurrence_in_buffer", recurrence_in_buffer, (x2,)),
        ("float_augmented_alias", float_augmented_alias, (x2,)),
        ("list_concatenation", list_concatenation, (x2,)),
        ("tuple_concatenation", tuple_concatenation, (x2,)),
        ("list_repetition", list_repetition, (x2,)),
        ("list_repetition_on_the_left", list_repetition_on_the_left, (x2,)),
        ("variable_named_t", variable_named_t, (x2,)),
        ("variable_named_like_an_adjoint", variable_named_like_an_adjoint, (x2,)),
        ("fresh_list_each_iteration", fresh_list_each_iteration, (x2,)),
        ("loop_over_dict", loop_over_dict, (params,)),
        ("loop_over_items", loop_over_items, (params,)),
        ("sum_of_values", sum_of_values, (params,)),
        ("write_through_dict_entry", write_through_dict_entry, (x2,)),
        ("nested_write_into_list_element", nested_write_into_list_element, (x2,)),
        ("nested_write_into_dict_entry", nested_write_into_dict_entry, (x2,)),
        ("write_through_row_view", write_through_row_view, (x2,)),
        ("append_to_list_in_dict", append_to_list_in_dict, (x2,)),
        ("alias_of_argument_written", alias_of_argument_written, (x2,)),
    ]
