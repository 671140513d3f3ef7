"""Functions imported by the corpus, to test calls into another module."""

try:
    np = ORACLE_NUMPY
except NameError:
    import numpy as np


def softplus(x):
    return np.log(1.0 + np.exp(x))


def affine(W, x, b=0.0):
    return W @ x + b
