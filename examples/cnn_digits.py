"""A small convolutional network on scikit-learn's 8x8 digits, trained with cpsgrad.

conv 3x3 (16 filters, 'same' padding) -> ReLU -> 2x2 max-pool -> dense -> softmax
cross-entropy, all written in plain NumPy: the convolution is
``np.lib.stride_tricks.sliding_window_view`` + ``np.einsum``, ReLU is ``np.maximum``, the
pooling is a reshape and ``np.max`` over two axes, the loss uses np.exp/np.log/np.sum/np.max.
Parameters live in a dict; cpsgrad differentiates the loss. The data set ships with
scikit-learn (``sklearn.datasets.load_digits``), so nothing is downloaded.

Run:  python examples/cnn_digits.py [--epochs 20] [--plot loss.png]   (about 10 s)
"""

import argparse
import time

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from training import Epochs, add_common_options, save_plot

import cpsgrad

# ================ model (differentiated)

def conv3x3(x, W, b):
    """'same' 3x3 convolution of (N, H, W) images with (F, 3, 3) filters -> (N, H, W, F)."""
    padded = np.pad(x, ((0, 0), (1, 1), (1, 1)))
    patches = sliding_window_view(padded, (3, 3), axis=(1, 2))    # (N, H, W, 3, 3)
    return np.einsum("nijkl,fkl->nijf", patches, W) + b


def max_pool2x2(h):
    n, height, width, f = h.shape
    return np.max(h.reshape(n, height // 2, 2, width // 2, 2, f), axis=(2, 4))


def forward(params, x):
    """Logits (N, 10) for images x (N, 8, 8)."""
    h = np.maximum(conv3x3(x, params["conv_W"], params["conv_b"]), 0.0)
    h = max_pool2x2(h)
    h = h.reshape(h.shape[0], -1)
    return h @ params["dense_W"] + params["dense_b"]


def cross_entropy(logits, labels_one_hot):
    m = np.max(logits, axis=1, keepdims=True)
    log_probs = logits - m - np.log(np.sum(np.exp(logits - m), axis=1, keepdims=True))
    return -np.sum(labels_one_hot * log_probs) / logits.shape[0]


def loss_fn(params, x, labels_one_hot, weight_decay):
    loss = cross_entropy(forward(params, x), labels_one_hot)
    for name in ["conv_W", "dense_W"]:
        loss = loss + 0.5 * weight_decay * np.sum(params[name] ** 2)
    return loss


# ================ plain Python helpers

def init_params(filters, rng, size=8, classes=10):
    features = filters * (size // 2) * (size // 2)
    return {
        "conv_W": rng.normal(size=(filters, 3, 3)) * np.sqrt(2.0 / 9),
        "conv_b": np.zeros(filters),
        "dense_W": rng.normal(size=(features, classes)) * np.sqrt(1.0 / features),
        "dense_b": np.zeros(classes),
    }


def load_data(seed, test_fraction=0.2, limit=None):
    from sklearn.datasets import load_digits
    digits = load_digits()
    x = digits.images / 16.0
    y = digits.target
    order = np.random.default_rng(seed).permutation(len(y))
    if limit:
        order = order[:limit]
    n_test = round(len(order) * test_fraction)
    test, train = order[:n_test], order[n_test:]
    return x[train], y[train], x[test], y[test]


def accuracy(params, x, y):
    return float(np.mean(np.argmax(forward(params, x), axis=1) == y))


def adam_update(params, grads, state, lr, step, b1=0.9, b2=0.999, eps=1e-8):
    for k in params:
        state["m"][k] = b1 * state["m"][k] + (1 - b1) * grads[k]
        state["v"][k] = b2 * state["v"][k] + (1 - b2) * grads[k] ** 2
        m_hat = state["m"][k] / (1 - b1 ** step)
        v_hat = state["v"][k] / (1 - b2 ** step)
        params[k] = params[k] - lr * m_hat / (np.sqrt(v_hat) + eps)


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--filters", type=int, default=16, help="convolution filters")
    p.add_argument("--epochs", type=int, default=20, help="passes over the training set")
    p.add_argument("--batch", type=int, default=32, help="images per step")
    p.add_argument("--lr", type=float, default=0.005, help="Adam learning rate")
    p.add_argument("--weight-decay", type=float, default=1e-4)
    p.add_argument("--limit", type=int, default=None,
                   help="use only this many images (train + test), for quick runs")
    p.add_argument("--max-steps", type=int, default=None, help="stop after this many steps")
    add_common_options(p)
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    rng = np.random.default_rng(args.seed)
    x_train, y_train, x_test, y_test = load_data(args.seed, limit=args.limit)
    print(f"digits: {len(y_train)} training and {len(y_test)} test images of 8x8")
    eye = np.eye(10)

    params = init_params(args.filters, rng)
    loss_and_grad = cpsgrad.value_and_grad(loss_fn, wrt=0)

    if not args.no_check:   # once, at a tiny size, against central finite differences
        small = init_params(3, np.random.default_rng(1))
        # Nonzero biases: with zero biases the blank (all-zero) pixels of the digits sit
        # exactly on ReLU's kink, where finite differences disagree with any derivative.
        small["conv_b"] = np.random.default_rng(2).normal(size=3)
        cpsgrad.check_grads(loss_fn, small, x_train[:4], eye[y_train[:4]], 1e-2, wrt=0)
        print("gradient check against finite differences: ok")

    state = {"m": {k: np.zeros_like(v) for k, v in params.items()},
             "v": {k: np.zeros_like(v) for k, v in params.items()}}
    epochs = Epochs(len(y_train), args, "cnn-digits", lambda: accuracy(params, x_test, y_test),
                    rng)
    start = time.perf_counter()
    for step, idx in epochs:
        loss, grads = loss_and_grad(params, x_train[idx], eye[y_train[idx]], args.weight_decay)
        adam_update(params, grads, state, args.lr, step + 1)
        epochs.record(step, loss)
    elapsed = time.perf_counter() - start
    losses, test_accuracies = epochs.losses, epochs.scores
    total, steps_per_epoch = epochs.total, epochs.per_epoch

    train_acc = accuracy(params, x_train, y_train)
    test_acc = accuracy(params, x_test, y_test)
    test_accuracies.append(test_acc)
    print(f"trained {total} steps ({total / steps_per_epoch:.1f} epochs) in {elapsed:.1f}s; "
          f"loss {np.mean(losses[:10]):.4f} -> {np.mean(losses[-10:]):.4f}; "
          f"train accuracy {train_acc:.4f}, test accuracy {test_acc:.4f}")

    if args.plot:
        save_plot(args.plot, losses, "CNN on 8x8 digits", "cross-entropy")
        print(f"loss curve saved to {args.plot}")
    return {"losses": losses, "accuracy": test_acc, "train_accuracy": train_acc,
            "test_accuracies": test_accuracies, "seconds": elapsed}


if __name__ == "__main__":
    main()
