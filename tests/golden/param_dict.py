"""Adjoint of param_dict() from golden_functions.py:42, emitted by cpsgrad.

Differentiated with respect to: params.
Free names are bound by the loader: add_item, item_bar, matmul_vjp_x, np, repeat_to_match, unbroadcast.
Loaded from: $CPSGRAD_CACHE_DIR/param_dict_adjoint_16d4019325.py
"""


def param_dict_adjoint(params, x, k):
    # h = np.tanh(params["W"] @ x + params["b"])  (golden_functions.py:43)
    t0 = params['W']
    t1 = t0 @ x
    t2 = params['b']
    t3 = t1 + t2
    h = np.tanh(t3)
    # return np.sum(h * h)  (golden_functions.py:44)
    t4 = h * h
    t5 = np.sum(t4)
    t5_bar = k(t5)
    # adjoint of return np.sum(h * h)  (golden_functions.py:44)
    t4_bar = repeat_to_match(t5_bar, t4, None, False)
    h_bar = t4_bar * 2.0 * h
    # adjoint of h = np.tanh(params["W"] @ x + params["b"])  (golden_functions.py:43)
    t3_bar = h_bar * (1 - h * h)
    t1_bar = unbroadcast(t3_bar, t1)
    t2_bar = unbroadcast(t3_bar, t2)
    params_bar = item_bar(params, 'b', t2_bar)
    t0_bar = matmul_vjp_x(t1_bar, t0, x)
    params_bar = add_item(params_bar, 'W', t0_bar)
    return params_bar
