"""The rejections the tester accepts: each is a limitation docs/limitations.md lists.

A ``TransformError`` or ``NoRuleError`` whose message matches one ``pattern`` is REJECTED
(allowed); any other rejection is UNEXPECTED-REJECTED, a bug class. Every entry names the
item (the bold label) of docs/limitations.md that documents it; tests/test_fuzz.py checks
that the item exists.
"""

import re
from dataclasses import dataclass
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "limitations.md"


@dataclass(frozen=True)
class Limitation:
    section: str  # bold label of the item in docs/limitations.md
    pattern: str  # regular expression searched in the error message


KNOWN = [
    Limitation("Syntax", r"`try` statements are not supported"),
    Limitation("Syntax", r"generators \(`yield"),
    Limitation("Syntax", r"class definitions inside a differentiated function"),
    Limitation("Syntax", r"`(global|nonlocal)` is not supported"),
    Limitation("Syntax", r"`del` is not supported"),
    Limitation("Syntax", r"an import inside a block or a nested function"),
    Limitation("Syntax", r"nested functions with \*args or \*\*kwargs"),
    Limitation("Syntax", r"keyword-only and positional-only parameters of nested functions"),
    Limitation("Syntax", r"`\*` is supported in calls"),
    Limitation("Syntax", r"several `\*\*` arguments in one call"),
    Limitation("Generator expressions", r"a generator expression is supported only as the "
                                        r"argument of a call"),
    Limitation("Closures", r"which changed after the definition"),
    Limitation("Closures", r"is passed on here, but `\w+`, which it reads, may change"),
    Limitation("Closures", r"which is only assigned after the `def`"),
    Limitation("Closures", r"a nested function changes `\w+` of the enclosing function"),
    Limitation("Aliasing + in-place writes", r"in place, and `\w+` \(line \d+: shares memory"),
    Limitation("Aliasing + in-place writes", r"`\w+ \S+= \.\.\.` changes an array or list in "
                                             r"place"),
    Limitation("Aliasing + in-place writes", r"`out=` writes into an array in place"),
    Limitation("Aliasing + in-place writes", r"changes an array in place, which the gradient"),
    Limitation("Aliasing + in-place writes", r"which belongs to the caller"),
    Limitation("Aliasing + in-place writes", r"is a view of `x` that overlaps the items "
                                             r"written, with a different step"),
    Limitation("`for` loop variables", r"a `for` loop's variable is read after the loop"),
]


def match(message):
    """The limitation that ``message`` (of a TransformError) is an instance of, or None."""
    return next((lim for lim in KNOWN if re.search(lim.pattern, message)), None)


def documented_sections(text=None):
    """The bold labels of the items of docs/limitations.md."""
    text = DOC.read_text(encoding="utf-8") if text is None else text
    return set(re.findall(r"^\* \*\*(.+?)\*\*", text, flags=re.MULTILINE))
