# cpsgrad fuzz regression (CRASH): np.matmul whose (1, 1) result is broadcast against a
# (1, 3) array (`y[:1] @ ...` works). ValueError: matmul: Input operand 1 has a mismatch
# in its core dimension 0 (in the emitted adjoint)
import numpy as np


def f(x, y):
    return np.sum(np.matmul(y[:1], np.ones((4, 1))) - x)


ARGS = (np.array([[0.3, -0.7, 1.1]]),
        np.array([[0.1, 0.2, 0.3, 0.4], [0.5, 0.6, 0.7, 0.8], [0.9, 1.0, 1.1, 1.2]]))
WRT = (0, 1)
