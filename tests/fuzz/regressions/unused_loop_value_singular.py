# cpsgrad fuzz regression (WRONG, NaN): a loop-carried value that never reaches the output
# still gets an adjoint; where its rule is singular (sqrt at 0, exp overflowing to inf)
# that adjoint is 0 * inf = NaN and poisons x's gradient (autograd gives 0).
import numpy as np


def f(x, y):
    for i in range(2):
        x = np.sqrt(x - x)
    return np.sum(y)


ARGS = (np.array([0.6, 1.2]), np.array([0.3, 0.4]))
WRT = (0, 1)
