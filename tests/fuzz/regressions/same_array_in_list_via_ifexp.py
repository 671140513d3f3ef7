# cpsgrad fuzz regression (WRONG): a list holding one array twice, once through a
# conditional expression, written through the first slot (now refused: the second slot
# cannot be proved to hold it).
import numpy as np


def f(y):
    buf1 = np.zeros((4,))
    bufs1 = [buf1, buf1 if 0.8 < 0.1 else buf1]  # noqa: RUF034, PLR0133 (as drawn)
    bufs1[0][3] += float(y)
    return np.sum(bufs1[1])


ARGS = (0.56,)
WRT = (0,)
