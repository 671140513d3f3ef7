# cpsgrad fuzz regression (CRASH): a dict entry of active values rebound, another entry read.
# TypeError: unsupported operand type(s) for /: 'NoneType' and 'float'
import numpy as np


def f(x, y):
    d = {'a': x, 'b': y}
    d['b'] = d['b'] / 1.5
    return np.sum(d['a'])


ARGS = (np.array([0.3, -0.7]), 0.4)
WRT = (0, 1)
