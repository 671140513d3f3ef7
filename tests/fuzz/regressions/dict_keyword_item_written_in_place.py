# cpsgrad fuzz regression (WRONG value, seed 703326): `dict(a=z)` holds z itself as an item,
# but was taken for a copy of its items; `z *= x` then changes z in place, which d1['a']
# sees (now refused: d1 holds the same object).
import numpy as np


def f(x, y, z):
    d1 = dict(a=z, c=0.5)  # noqa: C408 (the call is the construct under test)
    z *= x
    d2 = {'w0': y}
    return np.sum(d2['w0']) + np.sum(d1['a'])


ARGS = (np.array([[-0.741], [1.014]]), np.array([[0.979, 0.856]]), np.array([[1.103], [0.692]]))
WRT = (1, 2)
