"""The workloads of workloads.py re-written for PyTorch eager (CPU, float64).

``make_step(name, params, data)`` returns ``step()`` that runs forward + backward and returns
``(loss, grads)`` as NumPy (grads in params' structure, for the start-up check).
"""

import numpy as np
import torch
import torch.nn.functional as F


def _t(a):
    return torch.as_tensor(np.asarray(a, dtype=np.float64))


def _xent(logits, onehot):
    return -(onehot * torch.log_softmax(logits, dim=-1)).sum() / logits.shape[0]


def scalar_loop(p, n):
    x, w, b = p["x0"], p["w"], p["b"]
    for _ in range(n):
        x = x * w + torch.sin(x) * b
    return x * x


def mlp(p, x, y):
    h = torch.relu(x @ p["W1"] + p["b1"])
    return _xent(h @ p["W2"] + p["b2"], y)


def rnn(p, xs, ys):
    h = xs.new_zeros((xs.shape[1], p["Whh"].shape[0]))
    loss = 0.0
    for t in range(xs.shape[0]):
        h = torch.tanh(xs[t] @ p["Wxh"] + h @ p["Whh"] + p["bh"])
        loss = loss + _xent(h @ p["Why"] + p["by"], ys[t])
    return loss


def lstm(p, xs, ys):
    nh = p["Wh"].shape[0]
    h = xs.new_zeros((xs.shape[1], nh))
    c = xs.new_zeros((xs.shape[1], nh))
    loss = 0.0
    for t in range(xs.shape[0]):
        gates = xs[t] @ p["Wx"] + h @ p["Wh"] + p["b"]
        i, f, o, u = gates.split(nh, dim=1)
        i, f, o, u = torch.sigmoid(i), torch.sigmoid(f), torch.sigmoid(o), torch.tanh(u)
        c = f * c + i * u
        h = o * torch.tanh(c)
        loss = loss + _xent(h @ p["Why"] + p["by"], ys[t])
    return loss


def cnn(p, x, y):
    a = torch.relu(F.conv2d(x, p["K"], p["kb"]))
    pooled = F.max_pool2d(a, 2)
    logits = pooled.reshape(x.shape[0], -1) @ p["W"] + p["b"]
    return _xent(logits, y)


def tree_lstm(p, tree):
    nh = p["bl"].shape[0] // 3

    def node(n):
        label, word, left, right = n
        if left is None:
            i, o, u = (p["Wl"] @ word + p["bl"]).split(nh)
            i, o, u = torch.sigmoid(i), torch.sigmoid(o), torch.tanh(u)
            c = i * u
            loss = 0.0
        else:
            hl, cl, ll = node(left)
            hr, cr, lr = node(right)
            i, fl, fr, o, u = (p["Ul"] @ hl + p["Ur"] @ hr + p["bn"]).split(nh)
            i, fl, fr, o = (torch.sigmoid(v) for v in (i, fl, fr, o))
            u = torch.tanh(u)
            c = i * u + fl * cl + fr * cr
            loss = ll + lr
        h = o * torch.tanh(c)
        logits = p["Wo"] @ h + p["bo"]
        return h, c, loss + torch.logsumexp(logits, 0) - (logits * label).sum()

    return node(tree)[2]


def _tree_to_torch(n):
    label, word, left, right = n
    if left is None:
        return (_t(label), _t(word), None, None)
    return (_t(label), None, _tree_to_torch(left), _tree_to_torch(right))


MODELS = {"scalar_loop": scalar_loop, "mlp": mlp, "rnn": rnn, "lstm": lstm, "cnn": cnn,
          "tree_lstm": tree_lstm}


def make_step(name, params, data):
    import workloads

    name = workloads.model_of(name)  # a natural-style workload: the same model
    model = MODELS[name]
    if name == "scalar_loop":
        tdata = data
    elif name == "tree_lstm":
        tdata = (_tree_to_torch(data[0]),)
    else:
        tdata = tuple(_t(d) for d in data)
    tp = {k: _t(v).clone().requires_grad_(True) for k, v in params.items()}
    keys = list(tp)
    leaves = [tp[k] for k in keys]

    def step():
        loss = model(tp, *tdata)
        grads = torch.autograd.grad(loss, leaves)
        return loss, grads

    def step_numpy():
        loss, grads = step()
        return loss.item(), {k: g.numpy() for k, g in zip(keys, grads, strict=False)}

    return step, step_numpy
