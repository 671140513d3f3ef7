# cpsgrad fuzz regression (WRONG, seed 9202153 of a 4,000-program run): `buf[i] = buf[:, 2]`
# writes a row from a column view of the same array. NumPy copies an overlapping right-hand
# side first, except into one axis whose step points the same way: there it copies element
# by element in memmove's direction, right for shifts (equal steps) but here it reads an item
# it has already overwritten (np.arange(9.).reshape(3, 3)[1] becomes [2, 8, 8], not
# [2, 5, 8]). The gradient took the column as read before the write: [0, 0, 1], [0, 0, 2],
# [0, 0, 6] where finite differences give [0, 0, 1], [0, 0, 1], [0, 0, 7]. Now refused with a
# TransformError at that line, suggesting `.copy()`.
import numpy as np


def f(x):
    buf1 = x.copy()
    alias1 = buf1
    for i1 in range(3):
        alias1[i1] = alias1[:, 2]
    v1 = buf1
    return np.sum(v1)


ARGS = (np.array([[-0.60064351386828, 0.1779625457688876, -0.9363213304627418],
                  [-0.1652962268121616, 0.28523129016991056, 0.03523138448584473],
                  [-1.0445330336509282, 0.16202467117830865, 0.926155535408762]]),)
WRT = (0,)
