"""Regression corpus: programs that once gave silently wrong gradients or crashed, written
as users write them (found by hand, by outside users, or by the random-program tester in
tests/fuzz). Each entry of CASES is ``(id, function, args)``, differentiated with respect
to argument 0. Like tests/corpus.py, this file is loaded a second time with ``np`` bound to
``autograd.numpy`` for an independent oracle.
"""

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


def cases():
    x2 = np.array([0.4, 0.7])
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
        ("recursion_of_call", recursion_of_call, (x2,)),
        ("recursion_of_recursion", recursion_of_recursion, (x2,)),
        ("recursion_of_recursion_named", recursion_of_recursion_named, (x2,)),
    ]
