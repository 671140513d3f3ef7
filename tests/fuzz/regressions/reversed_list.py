# cpsgrad fuzz regression (UNEXPECTED-REJECTED): a for loop over reversed(list).
# NoRuleError: no gradient rule for `reversed` (see reversed_list_unused for a crash)
import numpy as np


def f(y):
    items = [y, 0.4]
    s = 0.0
    for item in reversed(items):
        s = s + np.sum(item)
    return s


ARGS = (np.array([0.3, -0.7]),)
WRT = (0,)
