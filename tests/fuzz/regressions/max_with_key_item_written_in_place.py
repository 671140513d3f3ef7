# cpsgrad fuzz regression (WRONG value, seed 990310): `max(xs, key=...)` returns one of the
# list's items (here x itself), and `s1 *= ...` then changes it in place; the result was
# taken only for something that may be the list, not one of its items (now refused).
import numpy as np


def f(x, y):
    xs1 = [x, x, y]
    s1 = max(xs1, key=lambda u: np.sum(u))
    s1 *= s1.sum(axis=0)
    v1 = x
    return np.sum(v1)


ARGS = (np.array([[-0.485, -0.670, 0.790, 0.653], [0.170, -0.386, 0.827, -0.818],
                  [0.595, 0.724, -0.560, -0.570]]),
        np.array([[-0.580, -1.028, -0.729, -1.095], [-1.076, 0.426, 0.861, -1.119],
                  [0.733, 0.982, 0.270, -0.606]]))
WRT = (0, 1)
