# cpsgrad fuzz regression (WRONG value, seed 20128, caught before it landed): when the reverse
# sweep first moved a loop's invariant reads before the loop, it took `y2` (made in the loop,
# then copied by `y = y`) for a value from before the loop, and added its adjoint up over all
# iterations.
import numpy as np


def helper1(arg0, arg1):
    return 1.3


def f(x):
    for r1 in x:
        y = np.inner(r1, r1)
        y = y  # noqa: PLW0127 (the generated program copies y to itself)
    t1 = helper1(*[x[:, :1][:, 0], x[:, :1]])
    s1 = max(helper1(x, x[:, :1]), y, abs(t1))
    return s1


ARGS = (np.array([[-0.13570682431978454, 0.15837158079189595],
                  [0.4956924236339304, 1.1553245269781007]]),)
WRT = (0,)
