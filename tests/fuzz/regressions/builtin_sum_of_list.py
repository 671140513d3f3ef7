# cpsgrad fuzz regression (UNEXPECTED-REJECTED): builtin sum() of a list of arrays.
# NoRuleError: no gradient rule for `sum`
import numpy as np


def f(y):
    return np.sum(sum([y, 2.0 * y, np.sin(y)]))


ARGS = (np.array([0.3, -0.7]),)
WRT = (0,)
