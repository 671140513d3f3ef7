# cpsgrad fuzz regression (CRASH; pending construct starred.call): a call with **{...}; a
# crash instead of "star-arguments are not supported". TypeError: keywords must be strings
import numpy as np


def helper(a, b):
    return a * b


def f(x):
    kw = {'b': np.sin(x)}
    return np.sum(helper(x, **kw))


ARGS = (np.array([0.3, -0.7]),)
WRT = (0,)
