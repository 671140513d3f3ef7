# cpsgrad fuzz regression (CRASH; pending construct params.varargs): a helper with *args and
# **kwargs, called with a keyword argument being differentiated; a crash instead of the
# fence's "functions with *args or **kwargs are not supported".
# TypeError: unhashable type: 'dict'
import numpy as np


def gather(*vs, **kw):
    return vs[0] * kw['scale']


def f(x):
    return np.sum(gather(0.5, 0.9, scale=x))


ARGS = (np.array([0.3, -0.7]),)
WRT = (0,)
