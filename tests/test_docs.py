"""Generated docs stay in sync with the code."""

from pathlib import Path

import cpsgrad  # noqa: F401  (registers every rule table)
from cpsgrad.rules.table import markdown

DOCS = Path(__file__).parent.parent / "docs"


def test_numpy_table_is_current():
    committed = (DOCS / "numpy.md").read_text(encoding="utf-8")
    assert committed == markdown(), (
        "docs/numpy.md is stale: run `python -m cpsgrad.rules.table > docs/numpy.md`")
