"""The README's examples run as doctests."""

import doctest
from pathlib import Path

README = Path(__file__).parent.parent / "README.md"


def test_readme_doctests():
    result = doctest.testfile(str(README), module_relative=False,
                              optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 5
    assert result.failed == 0
