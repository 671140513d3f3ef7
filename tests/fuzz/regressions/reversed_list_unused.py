# cpsgrad fuzz regression (CRASH): a for loop over reversed(list) whose body does not use
# the item. TypeError: object of type 'list_reverseiterator' has no len()
import numpy as np


def f(y):
    items = [y, 0.4]
    for item in reversed(items):
        y = y * 2.0
    return np.sum(y)


ARGS = (np.array([0.3, -0.7]),)
WRT = (0,)
