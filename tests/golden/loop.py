"""Adjoint of loop() from golden_functions.py:20, emitted by cpsgrad.

Differentiated with respect to: x, W.
Free names are bound by the loader: matmul_vjp_x, matmul_vjp_y, np, repeat_to_match, zeros_like.
Loaded from: $CPSGRAD_CACHE_DIR/loop_adjoint_67c5724d73.py
"""


def loop_adjoint(x, W, k):
    # h = x  (golden_functions.py:21)
    h = x
    # for t in range(3):  (golden_functions.py:22)

    def after_22(h1):
        # return np.sum(h * h)  (golden_functions.py:24)
        t1 = h1 * h1
        t2 = np.sum(t1)
        t2_bar = k(t2)
        # adjoint of return np.sum(h * h)  (golden_functions.py:24)
        t1_bar = repeat_to_match(t2_bar, t1, None, False)
        h1_bar = t1_bar * 2.0 * h1
        return h1_bar

    def loop_22(t, h2):
        nonlocal W_bar
        if t < 3:
            # h = np.tanh(W @ h)  (golden_functions.py:23)
            t0 = W @ h2
            h3 = np.tanh(t0)
            h3_bar = loop_22(t + 1, h3)
            # adjoint of h = np.tanh(W @ h)  (golden_functions.py:23)
            t0_bar = h3_bar * (1 - h3 * h3)
            W_bar += matmul_vjp_x(t0_bar, W, h2)
            h2_bar = matmul_vjp_y(t0_bar, W, h2)
        else:
            h2_bar = after_22(h2)
        return h2_bar
    W_bar = zeros_like(W)
    h_bar = loop_22(0, h)
    # adjoint of h = x  (golden_functions.py:21)
    x_bar = h_bar
    return x_bar, W_bar
