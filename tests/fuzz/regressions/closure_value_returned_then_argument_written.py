# cpsgrad fuzz regression (WRONG gradient, seed 131225): a lambda bound to a name returns an
# array it closes over (the argument z), and `z[0] += y` then changes that array in place;
# the call's result was not known to share memory with z through the name g1 (now refused).
import numpy as np


def f(x, y, z):
    g1 = lambda u1, u2: z
    t2 = g1(x, y[0:2])
    z[0] += y
    return np.sum(t2)


ARGS = (0.546, np.array([-0.489, -0.734, 1.116]), np.array([[0.947, 0.392, -0.546]]))
WRT = (0, 1, 2)
