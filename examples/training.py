"""What the example programs share: progress reporting, loss plots, and the character-model
task (text from the standard library, batches, Adagrad, sampling, the training ``main``).

Only ``log_softmax`` here is differentiated (it is called from the models' losses; cpsgrad
transforms functions imported from other modules too). Optional packages (tqdm,
matplotlib) are imported lazily.
"""

import argparse
import importlib
import inspect
import time

import numpy as np

import cpsgrad


def log_softmax(logits):
    """Row-wise log-softmax of a (batch, vocab) array, written with plain NumPy."""
    m = np.max(logits, axis=1, keepdims=True)
    z = logits - m
    return z - np.log(np.sum(np.exp(z), axis=1, keepdims=True))


# ================ progress and plots (every example)

def progress(total, enabled=True, desc=""):
    """(iterable over range(total), report(step, **numbers)): tqdm if installed, else prints."""
    every = max(1, total // 10)
    if enabled:
        try:
            from tqdm import tqdm
        except ImportError:
            pass
        else:
            bar = tqdm(range(total), desc=desc)

            def report(_step, **numbers):
                bar.set_postfix({k: f"{v:.4f}" for k, v in numbers.items()}, refresh=False)
            return bar, report

    def report(step, **numbers):
        if step % every == 0 or step == total - 1:
            print(f"step {step:5d}  " + "  ".join(f"{k} {v:.4f}" for k, v in numbers.items()))
    return range(total), report


class Epochs:
    """Shuffled mini-batches over ``n`` examples for ``args.epochs`` epochs (at most
    ``args.max_steps`` steps) behind a progress bar. ``evaluate()``, a test score, is measured
    at the start of every epoch after the first and shown beside the loss."""

    def __init__(self, n, args, desc, evaluate, rng):
        self.n, self.batch, self.evaluate, self.rng = n, args.batch, evaluate, rng
        self.per_epoch = -(-n // args.batch)
        self.total = args.epochs * self.per_epoch
        if args.max_steps is not None:
            self.total = min(self.total, args.max_steps)
        self.losses, self.scores = [], []
        self.steps, self.report = progress(self.total, not args.quiet, desc)

    def __iter__(self):
        """``(step, indices of the step's examples)``."""
        order = self.rng.permutation(self.n)
        for step in self.steps:
            i = step % self.per_epoch
            if i == 0 and step > 0:
                order = self.rng.permutation(self.n)
                self.scores.append(self.evaluate())
            yield step, order[i * self.batch:(i + 1) * self.batch]

    def record(self, step, loss):
        """Keep the step's loss and show it, with the latest test score."""
        self.losses.append(float(loss))
        numbers = {"loss": self.losses[-1]}
        if self.scores:
            numbers["test_acc"] = self.scores[-1]
        self.report(step, **numbers)


def save_plot(path, losses, title, ylabel="loss"):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(np.arange(1, len(losses) + 1), losses)
    ax.set_xlabel("step")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


# ================ the character-model task (char_rnn.py, char_lstm.py)

def load_text(module_name):
    return inspect.getsource(importlib.import_module(module_name))


def one_hot(ids, vocab):
    return np.eye(vocab)[ids]


def make_batch(data, vocab, seq_len, batch, rng):
    starts = rng.integers(0, len(data) - seq_len - 1, size=batch)
    idx = starts[None, :] + np.arange(seq_len)[:, None]          # (seq_len, batch)
    return one_hot(data[idx], vocab), one_hot(data[idx + 1], vocab)


def sample(params, step, state, seed_id, n, vocab, rng, temperature=1.0):
    """Generate ``n`` character ids by running ``step(params, x, state) -> (h, state)`` alone."""
    x = one_hot(np.array([seed_id]), vocab)
    out = [seed_id]
    for _ in range(n):
        h, state = step(params, x, state)
        logits = (h @ params["Why"] + params["by"])[0] / temperature
        p = np.exp(logits - logits.max())
        p /= p.sum()
        i = int(rng.choice(vocab, p=p))
        out.append(i)
        x = one_hot(np.array([i]), vocab)
    return out


def adagrad_update(params, grads, memory, lr):
    for k in params:
        g = np.clip(grads[k], -5.0, 5.0)
        memory[k] += g * g
        params[k] -= lr * g / np.sqrt(memory[k] + 1e-8)


def add_common_options(p):
    """The options every example has: seed, gradient check, progress bar, plot."""
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--no-check", action="store_true", help="skip the finite-difference check")
    p.add_argument("--quiet", action="store_true",
                   help="no progress bar (print the loss every tenth of the run instead)")
    p.add_argument("--plot", metavar="PATH", help="save the loss curve as a PNG")


def char_parser(description, steps):
    p = argparse.ArgumentParser(description=description,
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--hidden", type=int, default=50, help="hidden units")
    p.add_argument("--seq-len", type=int, default=20, help="characters per unrolled sequence")
    p.add_argument("--batch", type=int, default=20, help="sequences per step")
    p.add_argument("--steps", type=int, default=steps, help="training steps")
    p.add_argument("--lr", type=float, default=0.1, help="Adagrad learning rate")
    p.add_argument("--module", default="textwrap",
                   help="standard-library module whose source is the training text")
    p.add_argument("--sample-len", type=int, default=200, help="characters to generate at the end")
    add_common_options(p)
    return p


def train_char_model(args, name, loss_fn, init_params, step, initial_state):
    """Train ``loss_fn(params, inputs, targets, h0)`` on library source text; a result dict.

    ``step(params, x, state) -> (h, state)`` and ``initial_state(hidden)`` drive sampling.
    """
    rng = np.random.default_rng(args.seed)
    text = load_text(args.module)
    chars = sorted(set(text))
    vocab = len(chars)
    char_to_id = {c: i for i, c in enumerate(chars)}
    data = np.array([char_to_id[c] for c in text])
    print(f"text: source of {args.module!r}, {len(text)} characters, vocabulary {vocab}")

    params = init_params(vocab, args.hidden, rng)
    loss_and_grad = cpsgrad.value_and_grad(loss_fn, wrt=0)

    if not args.no_check:   # once, at a tiny size, against central finite differences
        small = init_params(vocab, 4, np.random.default_rng(1))
        for k in small:
            small[k] = small[k] * 30.0
        xs, ys = make_batch(data, vocab, 3, 2, np.random.default_rng(2))
        cpsgrad.check_grads(loss_fn, small, xs, ys, np.zeros((2, 4)), wrt=0)
        print("gradient check against finite differences: ok")

    memory = {k: np.zeros_like(v) for k, v in params.items()}
    h0 = np.zeros((args.batch, args.hidden))
    losses = []
    start = time.perf_counter()
    steps, report = progress(args.steps, not args.quiet, name)
    for i in steps:
        xs, ys = make_batch(data, vocab, args.seq_len, args.batch, rng)
        loss, grads = loss_and_grad(params, xs, ys, h0)
        adagrad_update(params, grads, memory, args.lr)
        losses.append(float(loss))
        report(i, loss_per_char=losses[-1] / args.seq_len)
    elapsed = time.perf_counter() - start

    per_char = [v / args.seq_len for v in losses]
    window = max(1, min(50, len(losses) // 5))
    first, last = np.mean(per_char[:window]), np.mean(per_char[-window:])
    print(f"trained {args.steps} steps in {elapsed:.1f}s; "
          f"loss per character {first:.3f} -> {last:.3f} nats "
          f"(uniform would be {np.log(vocab):.3f})")

    ids = sample(params, step, initial_state(args.hidden), char_to_id.get("d", 0),
                 args.sample_len, vocab, np.random.default_rng(args.seed))
    generated = "".join(chars[i] for i in ids)
    print("---- sample ----")
    print(generated)
    print("----------------")

    if args.plot:
        save_plot(args.plot, losses, f"{name} on {args.module}.py",
                  "cross-entropy per sequence (nats)")
        print(f"loss curve saved to {args.plot}")
    return {"losses": losses, "loss_per_char": per_char, "sample": generated,
            "seconds": elapsed, "vocab": vocab}
