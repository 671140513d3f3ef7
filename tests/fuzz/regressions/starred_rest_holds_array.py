# cpsgrad fuzz regression (WRONG value): `rest1` from a starred target holds y; `y += ...`
# adds into it in place (now refused: the emitted code would rebind y).
import numpy as np


def f(y, params):
    xs2 = [params["W"], y, y]
    first1, *rest1 = xs2
    y += np.full((2, 2), 1.1)
    return np.sum(rest1[1])


ARGS = (np.array([[-0.85, -0.36], [0.70, 1.19]]), {"W": np.array([[0.83, 0.67], [-1.01, -0.08]])})
WRT = (0, 1)
