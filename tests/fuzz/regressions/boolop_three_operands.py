# cpsgrad fuzz regression (CRASH): a condition `a and b and c` (three operands).
# AttributeError: 'BoolOp' object has no attribute 'lineno'
import numpy as np


def f(x, y):
    if x > 0.1 and y > 0.1 and x < 5.0:
        x = x * y
    return np.sin(x)


ARGS = (0.4, 0.9)
WRT = (0, 1)
