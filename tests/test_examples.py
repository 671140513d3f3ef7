"""Smoke tests for the example programs in examples/: a few training steps at tiny sizes."""

import importlib.util
import math
import pathlib
import sys

import numpy as np
import pytest

EXAMPLES = pathlib.Path(__file__).resolve().parent.parent / "examples"


def load(name):
    if str(EXAMPLES) not in sys.path:  # as when run as a script: examples/ first on the path
        sys.path.insert(0, str(EXAMPLES))
    spec = importlib.util.spec_from_file_location(f"examples_{name}", EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def assert_learns(losses, steps):
    assert len(losses) == steps
    assert all(math.isfinite(v) for v in losses)
    k = max(1, steps // 4)
    assert np.mean(losses[-k:]) < np.mean(losses[:k])


@pytest.mark.parametrize("name", ["char_rnn", "char_lstm"])
def test_char_models(name, tmp_path):
    plot = tmp_path / "loss.png"
    result = load(name).main(["--hidden", "16", "--seq-len", "6", "--batch", "8",
                              "--steps", "40", "--sample-len", "20", "--quiet",
                              "--plot", str(plot)])
    assert_learns(result["losses"], 40)
    assert len(result["sample"]) == 21
    assert plot.stat().st_size > 0


def test_cnn_digits():
    result = load("cnn_digits").main(["--filters", "4", "--limit", "400", "--batch", "32",
                                      "--lr", "0.02",
                                      "--max-steps", "40", "--quiet"])
    assert_learns(result["losses"], 40)
    assert 0.0 <= result["accuracy"] <= 1.0
    assert result["accuracy"] > 0.5   # chance is 0.1


def test_tree_lstm_synthetic():
    result = load("tree_lstm").main(["--hidden", "8", "--embed", "6", "--n-train", "40",
                                     "--n-test", "20", "--batch", "10", "--epochs", "3",
                                     "--quiet"])
    assert_learns(result["losses"], 12)
    assert 0.0 <= result["accuracy"] <= 1.0


def test_tree_lstm_reads_sst_files(tmp_path):
    tree_lstm = load("tree_lstm")
    line = "(3 (2 good) (3 (2 movie) (2 .)))"
    tree = tree_lstm.parse_tree(line)
    assert tree == (3, (2, "good"), (3, (2, "movie"), (2, ".")))
    assert tree_lstm.to_string(tree) == line
    with pytest.raises(ValueError, match="not a binary tree"):
        tree_lstm.parse_tree("(3 (2 a) (2 b) (2 c))")
    train = tmp_path / "train.txt"
    test = tmp_path / "test.txt"
    train.write_text("\n".join(tree_lstm.synthetic_treebank(20, 0)) + "\n")
    test.write_text(line + "\n(1 (2 bad) (1 (2 movie) (2 .)))\n")
    result = tree_lstm.main(["--train", str(train), "--test", str(test), "--hidden", "6",
                             "--embed", "4", "--batch", "10", "--epochs", "2", "--quiet"])
    assert_learns(result["losses"], 4)
