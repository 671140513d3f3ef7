# cpsgrad fuzz regression (WRONG): `x *= y` after a list built from a generator holds x: NumPy
# multiplies in place, so the list sees it (now refused: the emitted code would rebind x).
import numpy as np


def f(x, y):
    v1 = y
    xs1 = [v1[:1], x, y]
    c1 = list(x for item1 in xs1)  # noqa: C400 (the generator under test)
    x *= y
    return np.sum(c1[0])


ARGS = (np.array([[-0.21, -0.29], [-0.28, 0.09], [0.73, 1.13]]),
        np.array([[0.61, 0.36], [-0.82, -0.26], [0.63, 0.29]]))
WRT = (0, 1)
