"""Golden-source tests: the emitted code of six representative functions is committed.

Regenerate after an intended change with ``CPSGRAD_REGEN_GOLDEN=1 python -m pytest
tests/test_golden.py`` and review the diff like any other code change.
"""

import os
from pathlib import Path

import pytest

from cpsgrad import api, pipeline
from tests.golden_functions import GOLDEN

HERE = Path(__file__).parent / "golden"


def emitted(fn, wrt):
    g = api.Gradient(fn, wrt)
    active = tuple(i in g.indices for i in range(len(g.params)))
    kinds = tuple("any" if p in ("params", "n") else "num" for p in g.params)
    built = pipeline.build(fn, active, kinds)
    folder = str(Path(built.function.__code__.co_filename).parent)
    return built.source.replace(folder, "$CPSGRAD_CACHE_DIR")  # the header names the file


@pytest.mark.parametrize(("name", "fn", "wrt"), GOLDEN, ids=[g[0] for g in GOLDEN])
def test_emitted_source_matches_golden(name, fn, wrt):
    path = HERE / f"{name}.py"
    text = emitted(fn, wrt)
    if os.environ.get("CPSGRAD_REGEN_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text


@pytest.mark.parametrize(("name", "fn", "wrt"), GOLDEN, ids=[g[0] for g in GOLDEN])
def test_emitted_source_is_deterministic(name, fn, wrt):
    assert emitted(fn, wrt) == emitted(fn, wrt)
