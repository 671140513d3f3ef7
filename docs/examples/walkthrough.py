import numpy as np


def model(x, W):
    h = x
    for t in range(2):
        if np.sum(h) > 0:
            h = np.tanh(W @ h)
        else:
            h = h * 0.5
    return np.sum(h ** 2)
