"""Binary Tree-LSTM sentiment classifier (Tai, Socher & Manning 2015) trained with cpsgrad.

The loss is a plain recursive Python function: it takes a parse-tree node and the parameter
dict, recurses into the two children, combines their (h, c) states with the binary
Tree-LSTM cell and adds a softmax cross-entropy term for the node's label (5 classes, every
node labelled, as in the Stanford Sentiment Treebank). cpsgrad differentiates the recursion.

Trees are read in SST's bracketed format, e.g. ``(3 (2 good) (3 (2 movie) (2 .)))``, one per
line: pass ``--train train.txt --test test.txt`` with the SST files (``trainDevTestTrees_PTB``).
Without paths a small treebank is generated deterministically in the same format: sentences
such as "the plot is not very good ." over a tiny vocabulary whose sentiment labels compose
(``very`` intensifies, ``not`` flips, ``but`` takes the second clause's sentiment).

Run:  python examples/tree_lstm.py [--epochs 5] [--plot loss.png]   (about 25 s)
"""

import argparse
import time

import numpy as np
from training import Epochs, add_common_options, save_plot

import cpsgrad

# ================ model (differentiated)

def sigmoid(x):
    return 0.5 * (np.tanh(0.5 * x) + 1.0)


def node_xent(params, h, label):
    """Softmax cross-entropy of the node classifier for one (hidden,) state."""
    logits = params["W_s"] @ h + params["b_s"]
    m = np.max(logits)
    return m + np.log(np.sum(np.exp(logits - m))) - logits[label]


def tree_loss(params, node):
    """Recurse over a tree; returns (h, c, summed cross-entropy of all nodes below).

    A leaf is ``(label, word_id)``, an inner node ``(label, left, right)``.
    """
    hidden = params["U_l"].shape[1]
    if len(node) == 2:
        x = params["E"][node[1]]
        z = params["W_leaf"] @ x + params["b_leaf"]
        i = sigmoid(z[:hidden])
        o = sigmoid(z[hidden:2 * hidden])
        u = np.tanh(z[2 * hidden:])
        c = i * u
        below = 0.0
    else:
        h_l, c_l, loss_l = tree_loss(params, node[1])
        h_r, c_r, loss_r = tree_loss(params, node[2])
        z = params["U_l"] @ h_l + params["U_r"] @ h_r + params["b_node"]
        i = sigmoid(z[:hidden])
        f_l = sigmoid(z[hidden:2 * hidden])
        f_r = sigmoid(z[2 * hidden:3 * hidden])
        o = sigmoid(z[3 * hidden:4 * hidden])
        u = np.tanh(z[4 * hidden:])
        c = i * u + f_l * c_l + f_r * c_r
        below = loss_l + loss_r
    h = o * np.tanh(c)
    return h, c, below + node_xent(params, h, node[0])


def batch_loss(params, trees):
    """Mean over the trees of the summed node cross-entropies."""
    total = 0.0
    for tree in trees:
        _h, _c, loss = tree_loss(params, tree)
        total = total + loss
    return total / len(trees)


# ================ treebank reading

def parse_tree(line):
    """Parse one SST-style bracketed tree into nested tuples of (label, word) / (label, l, r)."""
    tokens = line.replace("(", " ( ").replace(")", " ) ").split()
    pos = 0

    def parse():
        nonlocal pos
        if tokens[pos] != "(":
            raise ValueError(f"expected '(' at token {pos} of {line!r}")
        label = int(tokens[pos + 1])
        pos += 2
        if tokens[pos] == "(":
            children = []
            while tokens[pos] == "(":
                children.append(parse())
            if len(children) != 2:
                raise ValueError(f"not a binary tree: {line!r}")
            node = (label, children[0], children[1])
        else:
            node = (label, tokens[pos])
            pos += 1
        if tokens[pos] != ")":
            raise ValueError(f"expected ')' at token {pos} of {line!r}")
        pos += 1
        return node

    tree = parse()
    if pos != len(tokens):
        raise ValueError(f"trailing tokens in {line!r}")
    return tree


def read_trees(path):
    with open(path, encoding="utf-8") as f:
        return [parse_tree(line) for line in f if line.strip()]


def to_string(node):
    if len(node) == 2:
        return f"({node[0]} {node[1]})"
    return f"({node[0]} {to_string(node[1])} {to_string(node[2])})"


def words(node):
    return [node[1]] if len(node) == 2 else words(node[1]) + words(node[2])


def index_words(node, vocab):
    """Replace words by ids (0 is the unknown word)."""
    if len(node) == 2:
        return (node[0], vocab.get(node[1], 0))
    return (node[0], index_words(node[1], vocab), index_words(node[2], vocab))


def count_nodes(node):
    return 1 if len(node) == 2 else 1 + count_nodes(node[1]) + count_nodes(node[2])


# ================ synthetic treebank

ADJECTIVES = {0: ["awful", "terrible", "dreadful"], 1: ["bad", "dull", "weak"],
              2: ["long", "new", "french"], 3: ["good", "fun", "nice"],
              4: ["brilliant", "superb", "wonderful"]}
NOUNS = ["movie", "film", "plot", "story", "cast", "script", "ending", "acting"]
DETERMINERS = ["the", "this", "a"]
VERBS = ["is", "was", "seems"]


def very(label):
    return {0: 0, 1: 0, 2: 2, 3: 4, 4: 4}[label]


def negate(label):
    return {0: 3, 1: 3, 2: 2, 3: 1, 4: 1}[label]


def random_adjective_phrase(rng):
    label = int(rng.integers(5))
    node = (label, str(rng.choice(ADJECTIVES[label])))
    if rng.random() < 0.35:
        label = very(label)
        node = (label, (2, "very"), node)
    if rng.random() < 0.35:
        label = negate(label)
        node = (label, (2, "not"), node)
    return label, node


def random_clause(rng):
    noun_phrase = (2, (2, str(rng.choice(DETERMINERS))), (2, str(rng.choice(NOUNS))))
    label, adjective_phrase = random_adjective_phrase(rng)
    verb_phrase = (label, (2, str(rng.choice(VERBS))), adjective_phrase)
    return label, (label, noun_phrase, verb_phrase)


def random_sentence(rng):
    label, clause = random_clause(rng)
    if rng.random() < 0.3:
        label, second = random_clause(rng)
        clause = (label, clause, (label, (2, "but"), second))
    return (label, clause, (2, "."))


def synthetic_treebank(n, seed):
    """``n`` bracketed trees, one string each, deterministically from ``seed``."""
    rng = np.random.default_rng(seed)
    return [to_string(random_sentence(rng)) for _ in range(n)]


# ================ training helpers

def init_params(vocab_size, embed, hidden, classes, rng):
    def uniform(*shape):
        bound = 1.0 / np.sqrt(shape[-1])
        return rng.uniform(-bound, bound, size=shape)
    b_node = np.zeros(5 * hidden)
    b_node[hidden:3 * hidden] = 1.0     # forget gates start open
    return {
        "E": rng.normal(size=(vocab_size, embed)) * 0.1,
        "W_leaf": uniform(3 * hidden, embed),
        "b_leaf": np.zeros(3 * hidden),
        "U_l": uniform(5 * hidden, hidden),
        "U_r": uniform(5 * hidden, hidden),
        "b_node": b_node,
        "W_s": uniform(classes, hidden),
        "b_s": np.zeros(classes),
    }


def remap_words(node, local):
    if len(node) == 2:
        return (node[0], local[node[1]])
    return (node[0], remap_words(node[1], local), remap_words(node[2], local))


def leaf_ids(node):
    return [node[1]] if len(node) == 2 else leaf_ids(node[1]) + leaf_ids(node[2])


def batch_view(params, trees):
    """The batch's own rows of the embedding matrix, and its trees re-indexed into them.

    cpsgrad's adjoint of ``E[word]`` allocates an E-sized gradient per lookup, which with
    SST's ~20k words would dominate; slicing the rows first keeps the lookups cheap. The
    returned ``rows`` scatter the gradient back.
    """
    rows = sorted({w for tree in trees for w in leaf_ids(tree)})
    local = {w: i for i, w in enumerate(rows)}
    view = dict(params)
    view["E"] = params["E"][rows]
    return view, [remap_words(t, local) for t in trees], np.array(rows)


def root_accuracy(params, trees):
    correct = 0
    for tree in trees:
        h, _, _ = tree_loss(params, tree)
        correct += int(np.argmax(params["W_s"] @ h + params["b_s"]) == tree[0])
    return correct / max(1, len(trees))


def adagrad_update(params, grads, memory, lr, weight_decay):
    for k in params:
        g = grads[k] + weight_decay * params[k]
        memory[k] += g * g
        params[k] -= lr * g / np.sqrt(memory[k] + 1e-8)


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--train", metavar="PATH", help="SST-format training trees (one per line)")
    p.add_argument("--test", metavar="PATH", help="SST-format test trees")
    p.add_argument("--n-train", type=int, default=200, help="synthetic training trees")
    p.add_argument("--n-test", type=int, default=200, help="synthetic test trees")
    p.add_argument("--hidden", type=int, default=150, help="Tree-LSTM memory size")
    p.add_argument("--embed", type=int, default=50, help="word vector size")
    p.add_argument("--classes", type=int, default=5)
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--batch", type=int, default=20, help="trees per step")
    p.add_argument("--lr", type=float, default=0.05, help="Adagrad learning rate")
    p.add_argument("--weight-decay", type=float, default=1e-4)
    p.add_argument("--max-steps", type=int, default=None, help="stop after this many steps")
    add_common_options(p)
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    rng = np.random.default_rng(args.seed)
    if args.train:
        train_raw = read_trees(args.train)
        test_raw = read_trees(args.test) if args.test else []
        source = args.train
    else:
        train_raw = [parse_tree(s) for s in synthetic_treebank(args.n_train, args.seed)]
        test_raw = [parse_tree(s) for s in synthetic_treebank(args.n_test, args.seed + 1)]
        source = "synthetic treebank"
        print("example tree:", to_string(train_raw[0]))
    vocab = {"<unk>": 0}
    for tree in train_raw:
        for w in words(tree):
            vocab.setdefault(w, len(vocab))
    train = [index_words(t, vocab) for t in train_raw]
    test = [index_words(t, vocab) for t in test_raw]
    print(f"{source}: {len(train)} training trees ({sum(map(count_nodes, train))} nodes), "
          f"{len(test)} test trees, vocabulary {len(vocab)}")

    params = init_params(len(vocab), args.embed, args.hidden, args.classes, rng)
    loss_and_grad = cpsgrad.value_and_grad(batch_loss, wrt=0)

    if not args.no_check:   # once, at a tiny size, against central finite differences
        small = init_params(len(vocab), 3, 4, args.classes, np.random.default_rng(1))
        cpsgrad.check_grads(batch_loss, small, train[:2], wrt=0)
        print("gradient check against finite differences: ok")

    memory = {k: np.zeros_like(v) for k, v in params.items()}
    epochs = Epochs(len(train), args, "tree-lstm", lambda: root_accuracy(params, test), rng)
    start = time.perf_counter()
    for step, idx in epochs:
        batch = [train[j] for j in idx]
        view, batch, rows = batch_view(params, batch)
        loss, grads = loss_and_grad(view, batch)
        grad_E = np.zeros_like(params["E"])
        grad_E[rows] = grads["E"]
        grads["E"] = grad_E
        adagrad_update(params, grads, memory, args.lr, args.weight_decay)
        epochs.record(step, loss)
    elapsed = time.perf_counter() - start
    losses, test_accuracies = epochs.losses, epochs.scores
    total, steps_per_epoch = epochs.total, epochs.per_epoch

    train_acc = root_accuracy(params, train)
    test_acc = root_accuracy(params, test)
    test_accuracies.append(test_acc)
    window = max(1, min(steps_per_epoch, len(losses) // 3))
    print(f"trained {total} steps ({total / steps_per_epoch:.1f} epochs) in {elapsed:.1f}s; "
          f"loss per tree {np.mean(losses[:window]):.3f} -> {np.mean(losses[-window:]):.3f}; "
          f"root accuracy (5 classes): train {train_acc:.3f}, test {test_acc:.3f}")

    if args.plot:
        save_plot(args.plot, losses, f"Tree-LSTM on {source}", "cross-entropy per tree")
        print(f"loss curve saved to {args.plot}")
    return {"losses": losses, "accuracy": test_acc, "train_accuracy": train_acc,
            "test_accuracies": test_accuracies, "seconds": elapsed}


if __name__ == "__main__":
    main()
