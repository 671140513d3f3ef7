# cpsgrad fuzz regression (UNEXPECTED-REJECTED): `x.T.reshape(-1)` in a lambda body, even
# though the lambda is never called. NoRuleError: no gradient rule for `x.T.reshape`
import numpy as np


def f(x):
    g = lambda u: x.T.reshape(-1)
    return np.sum(x * x)


ARGS = (np.array([[0.3, -0.7], [1.1, 0.2]]),)
WRT = (0,)
