"""Adjoint of loop() from golden_functions.py:20, emitted by cpsgrad.

Differentiated with respect to: x, W.
Free names are bound by the loader: add_matmul_vjp_x, matmul_vjp_y, np, range, repeat_to_match, reversed, zeros_like, zip.
Loaded from: $CPSGRAD_CACHE_DIR/loop_adjoint_473e9aa636.py
"""


def loop_adjoint(x, W, k):
    # h = x  (golden_functions.py:21)
    h = x
    # for t in range(3):  (golden_functions.py:22)
    h1 = h
    h1_saved, h2_saved = [], []
    for t in range(3):
        # h = np.tanh(W @ h)  (golden_functions.py:23)
        t0 = W @ h1
        h2 = np.tanh(t0)
        h1_saved.append(h1)
        h2_saved.append(h2)
        h1 = h2
    # return np.sum(h * h)  (golden_functions.py:24)
    t1 = h1 * h1
    t2 = np.sum(t1)
    t2_bar = k(t2)
    # adjoint of return np.sum(h * h)  (golden_functions.py:24)
    t1_bar = repeat_to_match(t2_bar, t1, None, False)
    h1_bar = t1_bar * 2.0 * h1
    # adjoint of for t in range(3):  (golden_functions.py:22)
    W_bar = zeros_like(W)
    for h1, h2 in zip(reversed(h1_saved), reversed(h2_saved)):
        h2_bar = h1_bar
        # adjoint of h = np.tanh(W @ h)  (golden_functions.py:23)
        t0_bar = h2_bar * (1 - h2 * h2)
        W_bar = add_matmul_vjp_x(W_bar, t0_bar, W, h1)
        h1_bar = matmul_vjp_y(t0_bar, W, h1)
    h_bar = h1_bar
    # adjoint of h = x  (golden_functions.py:21)
    x_bar = h_bar
    return x_bar, W_bar
