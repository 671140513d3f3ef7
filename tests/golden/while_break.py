"""Adjoint of while_break() from golden_functions.py:27, emitted by cpsgrad.

Differentiated with respect to: x.
Free names are bound by the loader: np, repeat_to_match, zeros_like.
Loaded from: $CPSGRAD_CACHE_DIR/while_break_adjoint_51427cc5ec.py
"""


def while_break_adjoint(x, k):
    # y = x  (golden_functions.py:28)
    y = x
    # while True:  (golden_functions.py:29)

    def after_29(y1):
        # return np.sum(y)  (golden_functions.py:33)
        t2 = np.sum(y1)
        t2_bar = k(t2)
        # adjoint of return np.sum(y)  (golden_functions.py:33)
        y1_bar = repeat_to_match(t2_bar, y1, None, False)
        return y1_bar

    def loop_29(y2):
        # y = y * 0.5  (golden_functions.py:30)
        y3 = y2 * 0.5
        # if np.sum(y * y) < 0.1:  (golden_functions.py:31)
        t0 = y3 * y3
        t1 = np.sum(t0)

        def join_31():
            nonlocal y3_bar
            y3_bar_part = loop_29(y3)
            y3_bar += y3_bar_part
        if t1 < 0.1:
            # break  (golden_functions.py:32)
            y3_bar = after_29(y3)
        else:
            y3_bar = zeros_like(y3)
            join_31()
        # adjoint of y = y * 0.5  (golden_functions.py:30)
        y2_bar = y3_bar * 0.5
        return y2_bar
    y_bar = loop_29(y)
    # adjoint of y = x  (golden_functions.py:28)
    x_bar = y_bar
    return x_bar
