"""Adjoint of branch() from golden_functions.py:12, emitted by cpsgrad.

Differentiated with respect to: x.
Free names are bound by the loader: np, repeat_to_match.
Loaded from: $CPSGRAD_CACHE_DIR/branch_adjoint_fab070d6f2.py
"""


def branch_adjoint(x, k):
    # if np.sum(x) > 0:  (golden_functions.py:13)
    t0 = np.sum(x)

    def join_13(y1):
        # return np.sum(y)  (golden_functions.py:17)
        t1 = np.sum(y1)
        t1_bar = k(t1)
        # adjoint of return np.sum(y)  (golden_functions.py:17)
        y1_bar = repeat_to_match(t1_bar, y1, None, False)
        return y1_bar
    if t0 > 0:
        # y = np.exp(x)  (golden_functions.py:14)
        y2 = np.exp(x)
        y2_bar = join_13(y2)
        # adjoint of y = np.exp(x)  (golden_functions.py:14)
        x_bar = y2_bar * y2
    else:
        # y = -x  (golden_functions.py:16)
        y3 = -x
        y3_bar = join_13(y3)
        # adjoint of y = -x  (golden_functions.py:16)
        x_bar = -y3_bar
    return x_bar
