"""Hand-written NumPy forward + backward for every workload in workloads.py.

Each ``<name>(params, *data)`` returns ``(loss, grads)`` with ``grads`` shaped like ``params``.
These are the "practical limit" column: no framework, just the math. ``run.py`` checks them
against cpsgrad's gradients at start-up.
"""

import numpy as np
import workloads as W


def _xent_fwd_bwd(logits, onehot, scale):
    """Mean softmax cross-entropy of rows (scaled) and its gradient w.r.t. logits."""
    z = logits - logits.max(axis=-1, keepdims=True)
    e = np.exp(z)
    s = e.sum(axis=-1, keepdims=True)
    loss = -np.sum(onehot * (z - np.log(s))) / logits.shape[0]
    dlogits = (e / s - onehot) * (scale / logits.shape[0])
    return loss, dlogits


def _sig(z):
    return 0.5 * (np.tanh(0.5 * z) + 1.0)


def scalar_loop(params, n):
    w, b = params["w"], params["b"]
    xs = [params["x0"]]
    x = params["x0"]
    for _ in range(n):
        x = x * w + np.sin(x) * b
        xs.append(x)
    loss = x * x
    dx, dw, db = 2.0 * x, 0.0, 0.0
    for k in range(n - 1, -1, -1):
        xp = xs[k]
        s = np.sin(xp)
        dw += dx * xp
        db += dx * s
        dx = dx * (w + b * np.cos(xp))
    return loss, {"x0": dx, "w": dw, "b": db}


def mlp(params, x, y):
    pre = x @ params["W1"] + params["b1"]
    h = np.maximum(pre, 0.0)
    logits = h @ params["W2"] + params["b2"]
    loss, dl = _xent_fwd_bwd(logits, y, 1.0)
    dW2 = h.T @ dl
    db2 = dl.sum(0)
    dh = dl @ params["W2"].T
    dpre = dh * (pre > 0)
    return loss, {"W1": x.T @ dpre, "b1": dpre.sum(0), "W2": dW2, "b2": db2}


def rnn(params, xs, ys):
    Wxh, Whh, bh, Why, by = (params[k] for k in ("Wxh", "Whh", "bh", "Why", "by"))
    T, B = xs.shape[0], xs.shape[1]
    hs = [np.zeros((B, Whh.shape[0]))]
    dlogits = []
    loss = 0.0
    for t in range(T):
        h = np.tanh(xs[t] @ Wxh + hs[-1] @ Whh + bh)
        hs.append(h)
        lt, dl = _xent_fwd_bwd(h @ Why + by, ys[t], 1.0)
        loss += lt
        dlogits.append(dl)
    g = {k: np.zeros_like(v) for k, v in params.items()}
    dh_next = np.zeros_like(hs[0])
    for t in range(T - 1, -1, -1):
        dl = dlogits[t]
        h = hs[t + 1]
        g["Why"] += h.T @ dl
        g["by"] += dl.sum(0)
        dh = dl @ Why.T + dh_next
        da = dh * (1.0 - h * h)
        g["Wxh"] += xs[t].T @ da
        g["Whh"] += hs[t].T @ da
        g["bh"] += da.sum(0)
        dh_next = da @ Whh.T
    return loss, g


def lstm(params, xs, ys):
    Wx, Wh, b, Why, by = (params[k] for k in ("Wx", "Wh", "b", "Why", "by"))
    nh = Wh.shape[0]
    T, B = xs.shape[0], xs.shape[1]
    h = np.zeros((B, nh))
    c = np.zeros((B, nh))
    cache = []
    loss = 0.0
    for t in range(T):
        gates = xs[t] @ Wx + h @ Wh + b
        i = _sig(gates[:, :nh])
        f = _sig(gates[:, nh:2 * nh])
        o = _sig(gates[:, 2 * nh:3 * nh])
        u = np.tanh(gates[:, 3 * nh:])
        c_prev, h_prev = c, h
        c = f * c_prev + i * u
        tc = np.tanh(c)
        h = o * tc
        lt, dl = _xent_fwd_bwd(h @ Why + by, ys[t], 1.0)
        loss += lt
        cache.append((h_prev, c_prev, i, f, o, u, tc, h, dl))
    g = {k: np.zeros_like(v) for k, v in params.items()}
    dh_next = np.zeros((B, nh))
    dc_next = np.zeros((B, nh))
    dgates = np.empty((B, 4 * nh))
    for t in range(T - 1, -1, -1):
        h_prev, c_prev, i, f, o, u, tc, h, dl = cache[t]
        g["Why"] += h.T @ dl
        g["by"] += dl.sum(0)
        dh = dl @ Why.T + dh_next
        do = dh * tc
        dc = dh * o * (1.0 - tc * tc) + dc_next
        dgates[:, :nh] = dc * u * i * (1.0 - i)
        dgates[:, nh:2 * nh] = dc * c_prev * f * (1.0 - f)
        dgates[:, 2 * nh:3 * nh] = do * o * (1.0 - o)
        dgates[:, 3 * nh:] = dc * i * (1.0 - u * u)
        g["Wx"] += xs[t].T @ dgates
        g["Wh"] += h_prev.T @ dgates
        g["b"] += dgates.sum(0)
        dh_next = dgates @ Wh.T
        dc_next = dc * f
    return loss, g


def cnn(params, x, y):
    K, kb, Wd, bd = params["K"], params["kb"], params["W"], params["b"]
    B = x.shape[0]
    patches = np.lib.stride_tricks.sliding_window_view(x, (3, 3), axis=(2, 3))
    conv = np.einsum("bcijkl,fckl->bfij", patches, K) + kb[:, None, None]
    a = np.maximum(conv, 0.0)
    F = a.shape[1]
    a6 = a.reshape(B, F, 3, 2, 3, 2)
    pooled = a6.max(axis=(3, 5))
    flat = pooled.reshape(B, -1)
    logits = flat @ Wd + bd
    loss, dl = _xent_fwd_bwd(logits, y, 1.0)
    dW = flat.T @ dl
    db = dl.sum(0)
    dpooled = (dl @ Wd.T).reshape(B, F, 3, 1, 3, 1)
    mask = a6 == pooled[:, :, :, None, :, None]
    share = mask / mask.sum(axis=(3, 5), keepdims=True)      # ties split evenly
    da = (share * dpooled).reshape(B, F, 6, 6)
    dconv = da * (conv > 0)
    dK = np.einsum("bcijkl,bfij->fckl", patches, dconv)
    dkb = dconv.sum(axis=(0, 2, 3))
    return loss, {"K": dK, "kb": dkb, "W": dW, "b": db}


def tree_lstm(params, tree):
    Wl, bl, Ul, Ur, bn, Wo, bo = (params[k] for k in ("Wl", "bl", "Ul", "Ur", "bn", "Wo", "bo"))
    nh = bl.shape[0] // 3
    g = {k: np.zeros_like(v) for k, v in params.items()}

    def forward(node):
        label, word, left, right = node
        if left is None:
            z = Wl @ word + bl
            i, o, u = _sig(z[:nh]), _sig(z[nh:2 * nh]), np.tanh(z[2 * nh:])
            c = i * u
            rec = ("leaf", word, i, o, u)
            loss = 0.0
        else:
            hl, cl, ll, recl = forward(left)
            hr, cr, lr, recr = forward(right)
            z = Ul @ hl + Ur @ hr + bn
            i, fl, fr = _sig(z[:nh]), _sig(z[nh:2 * nh]), _sig(z[2 * nh:3 * nh])
            o, u = _sig(z[3 * nh:4 * nh]), np.tanh(z[4 * nh:])
            c = i * u + fl * cl + fr * cr
            rec = ("node", hl, cl, recl, hr, cr, recr, i, fl, fr, o, u)
            loss = ll + lr
        tc = np.tanh(c)
        h = o * tc
        logits = Wo @ h + bo
        m = logits.max()
        e = np.exp(logits - m)
        s = e.sum()
        loss = loss + np.log(s) + m - np.sum(logits * label)
        dlogits = e / s - label
        return h, c, loss, (rec, tc, h, dlogits)

    def backward(record, dh, dc):
        rec, tc, h, dlogits = record
        g["Wo"] += np.outer(dlogits, h)
        g["bo"] += dlogits
        dh = dh + Wo.T @ dlogits
        if rec[0] == "leaf":
            _, word, i, o, u = rec
        else:
            _, hl, cl, recl, hr, cr, recr, i, fl, fr, o, u = rec
        do = dh * tc
        dc = dc + dh * o * (1.0 - tc * tc)
        if rec[0] == "leaf":
            dz = np.concatenate([dc * u * i * (1 - i), do * o * (1 - o), dc * i * (1 - u * u)])
            g["Wl"] += np.outer(dz, word)
            g["bl"] += dz
            return
        dz = np.concatenate([dc * u * i * (1 - i), dc * cl * fl * (1 - fl),
                             dc * cr * fr * (1 - fr), do * o * (1 - o), dc * i * (1 - u * u)])
        g["Ul"] += np.outer(dz, hl)
        g["Ur"] += np.outer(dz, hr)
        g["bn"] += dz
        backward(recl, Ul.T @ dz, dc * fl)
        backward(recr, Ur.T @ dz, dc * fr)

    _h, _c, loss, record = forward(tree)
    backward(record, np.zeros(nh), np.zeros(nh))
    return loss, g


HANDWRITTEN = {name: globals()[W.model_of(name)] for name in W.WORKLOADS}
