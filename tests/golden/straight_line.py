"""Adjoint of straight_line() from golden_functions.py:6, emitted by cpsgrad.

Differentiated with respect to: x, y.
Free names are bound by the loader: np, repeat_to_match, unbroadcast.
Loaded from: $CPSGRAD_CACHE_DIR/straight_line_adjoint_3441f6ef00.py
"""


def straight_line_adjoint(x, y, k):
    # a = x * y + np.sin(x)  (golden_functions.py:7)
    t0 = x * y
    t1 = np.sin(x)
    a = t0 + t1
    # b = a / y  (golden_functions.py:8)
    b = a / y
    # return np.sum(b * b)  (golden_functions.py:9)
    t2 = b * b
    t3 = np.sum(t2)
    t3_bar = k(t3)
    # adjoint of return np.sum(b * b)  (golden_functions.py:9)
    t2_bar = repeat_to_match(t3_bar, t2, None, False)
    b_bar = t2_bar * 2.0 * b
    # adjoint of b = a / y  (golden_functions.py:8)
    a_bar = unbroadcast(b_bar / y, a)
    y_bar = unbroadcast(-b_bar * b / y, y)
    # adjoint of a = x * y + np.sin(x)  (golden_functions.py:7)
    t0_bar = unbroadcast(a_bar, t0)
    t1_bar = unbroadcast(a_bar, t1)
    x_bar = t1_bar * np.cos(x)
    x_bar = x_bar + unbroadcast(t0_bar * y, x)
    y_bar = y_bar + unbroadcast(t0_bar * x, y)
    return x_bar, y_bar
