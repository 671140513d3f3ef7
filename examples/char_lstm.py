"""Character-level LSTM language model trained with cpsgrad.

The same task and sizes as ``char_rnn.py`` (Lantern's benchmark: hidden 50, sequence
length 20, batch 20, Adagrad with learning rate 0.1) with an LSTM cell. The loss is ordinary
Python: a ``for`` loop over the time steps carrying the (h, c) state, a helper function for
the cell, parameters in a dict. cpsgrad turns it into a gradient function.

The training text is the source code of a standard-library module (``textwrap`` by
default), so nothing is downloaded.

Run:  python examples/char_lstm.py [--steps 2000] [--plot loss.png]   (about 20 s)
"""

import numpy as np
import training
from training import log_softmax

# ================ model (differentiated)

def sigmoid(x):
    return 0.5 * (np.tanh(0.5 * x) + 1.0)


def lstm_step(params, x, h, c):
    """One LSTM step on a batch: returns the new (h, c)."""
    f = sigmoid(x @ params["Wf"] + h @ params["Uf"] + params["bf"])
    i = sigmoid(x @ params["Wi"] + h @ params["Ui"] + params["bi"])
    o = sigmoid(x @ params["Wo"] + h @ params["Uo"] + params["bo"])
    g = np.tanh(x @ params["Wg"] + h @ params["Ug"] + params["bg"])
    c = f * c + i * g
    h = o * np.tanh(c)
    return h, c


def lstm_loss(params, inputs, targets, h0):
    """Mean over the batch of the summed cross-entropy over ``seq_len`` steps.

    inputs, targets: (seq_len, batch, vocab) one-hot arrays; h0: (batch, hidden), also the
    initial cell state.
    """
    seq_len = inputs.shape[0]
    h = h0
    c = h0
    loss = 0.0
    for t in range(seq_len):
        h, c = lstm_step(params, inputs[t], h, c)
        logits = h @ params["Why"] + params["by"]
        loss = loss - np.sum(targets[t] * log_softmax(logits))
    return loss / inputs.shape[1]


# ================ plain Python helpers

def init_params(vocab, hidden, rng):
    params = {}
    for gate in "fiog":
        params["W" + gate] = rng.normal(size=(vocab, hidden)) * 0.01
        params["U" + gate] = rng.normal(size=(hidden, hidden)) * 0.01
        params["b" + gate] = np.zeros(hidden)
    params["bf"] += 1.0          # remember by default
    params["Why"] = rng.normal(size=(hidden, vocab)) * 0.01
    params["by"] = np.zeros(vocab)
    return params


def sample_step(params, x, state):
    h, c = lstm_step(params, x, *state)
    return h, (h, c)


def initial_state(hidden):
    return np.zeros((1, hidden)), np.zeros((1, hidden))


def main(argv=None):
    args = training.char_parser(__doc__.split("\n\n")[0], steps=2000).parse_args(argv)
    return training.train_char_model(args, "char-LSTM", lstm_loss, init_params, sample_step,
                                     initial_state)


if __name__ == "__main__":
    main()
