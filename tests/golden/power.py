"""Adjoint of power() from golden_functions.py:36, emitted by cpsgrad.

Differentiated with respect to: x.
Free names are bound by the loader: unbroadcast, zeros_like.
Loaded from: $CPSGRAD_CACHE_DIR/power_adjoint_5690699ed2.py
"""


def power_adjoint1(x, n, k):
    # if n == 0:  (golden_functions.py:37)

    def join_37():
        nonlocal x_bar
        # return x * power(x, n - 1)  (golden_functions.py:39)
        t0 = n - 1

        def call_39(t1):
            nonlocal x_bar
            # return x * power(x, n - 1)  (golden_functions.py:39)
            t2 = x * t1
            t2_bar, x_bar = k(t2)
            # adjoint of return x * power(x, n - 1)  (golden_functions.py:39)
            x_bar += unbroadcast(t2_bar * t1, x)
            t1_bar = unbroadcast(t2_bar * x, t1)
            return t1_bar, x_bar
        x_bar = power_adjoint1(x, t0, call_39)
    if n == 0:
        # return 1.0  (golden_functions.py:38)
        t_bar, x_bar = k(1.0)
    else:
        join_37()
    return x_bar


def power_adjoint(x, n, k):
    # if n == 0:  (golden_functions.py:37)

    def join_37():
        nonlocal x_bar
        # return x * power(x, n - 1)  (golden_functions.py:39)
        t0 = n - 1

        def call_39(t1):
            nonlocal x_bar
            # return x * power(x, n - 1)  (golden_functions.py:39)
            t2 = x * t1
            t2_bar = k(t2)
            # adjoint of return x * power(x, n - 1)  (golden_functions.py:39)
            x_bar += unbroadcast(t2_bar * t1, x)
            t1_bar = unbroadcast(t2_bar * x, t1)
            return t1_bar, x_bar
        x_bar = power_adjoint1(x, t0, call_39)
    if n == 0:
        # return 1.0  (golden_functions.py:38)
        k(1.0)
        x_bar = zeros_like(x)
    else:
        x_bar = zeros_like(x)
        join_37()
    return x_bar
