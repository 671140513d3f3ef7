"""Character-level vanilla RNN language model trained with cpsgrad.

The model is min-char-rnn at Lantern's benchmark sizes (hidden 50, sequence length 20,
batch 20, Adagrad with learning rate 0.1). The loss is ordinary Python: a ``for`` loop over
the time steps, parameters in a dict. cpsgrad turns it into a gradient function.

The training text is the source code of a standard-library module (``textwrap`` by
default), so nothing is downloaded.

Run:  python examples/char_rnn.py [--steps 3000] [--plot loss.png]   (about 15 s)
"""

import numpy as np
import training
from training import log_softmax

# ================ model (differentiated)

def rnn_step(params, x, h):
    return np.tanh(x @ params["Wxh"] + h @ params["Whh"] + params["bh"])


def rnn_loss(params, inputs, targets, h0):
    """Mean over the batch of the summed cross-entropy over ``seq_len`` steps.

    inputs, targets: (seq_len, batch, vocab) one-hot arrays; h0: (batch, hidden).
    """
    seq_len = inputs.shape[0]
    h = h0
    loss = 0.0
    for t in range(seq_len):
        h = rnn_step(params, inputs[t], h)
        logits = h @ params["Why"] + params["by"]
        loss = loss - np.sum(targets[t] * log_softmax(logits))
    return loss / inputs.shape[1]


# ================ plain Python helpers

def init_params(vocab, hidden, rng):
    return {
        "Wxh": rng.normal(size=(vocab, hidden)) * 0.01,
        "Whh": rng.normal(size=(hidden, hidden)) * 0.01,
        "Why": rng.normal(size=(hidden, vocab)) * 0.01,
        "bh": np.zeros(hidden),
        "by": np.zeros(vocab),
    }


def sample_step(params, x, h):
    h = rnn_step(params, x, h)
    return h, h


def initial_state(hidden):
    return np.zeros((1, hidden))


def main(argv=None):
    args = training.char_parser(__doc__.split("\n\n")[0], steps=3000).parse_args(argv)
    return training.train_char_model(args, "char-rnn", rnn_loss, init_params, sample_step,
                                     initial_state)


if __name__ == "__main__":
    main()
