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
    Limitation("Syntax", r"`with` blocks are not supported"),
    Limitation("Syntax", r"generators \(`yield"),
    Limitation("Syntax", r"class definitions inside a differentiated function"),
    Limitation("Syntax", r"`(global|nonlocal)` is not supported"),
    Limitation("Syntax", r"`del` is not supported"),
    Limitation("Syntax", r"imports inside a differentiated function are not supported"),
    Limitation("Syntax", r"generator expressions are not supported"),
    Limitation("Syntax", r"(set|dict) comprehensions are not supported"),
    Limitation("Syntax", r"list comprehensions with more than one `for`"),
    Limitation("Syntax", r"star-arguments \(`\*args`\) are not supported"),
    Limitation("Syntax", r"starred assignment targets"),
    Limitation("Syntax", r"with \*args or \*\*kwargs are not supported"),
    Limitation("Syntax", r"keyword-only and positional-only parameters are not supported"),
    Limitation("Aliasing + in-place writes", r"which belongs to the caller"),
    Limitation("`for` loop variables", r"a `for` loop's variable is read after the loop"),
]


def match(message):
    """The limitation that ``message`` (of a TransformError) is an instance of, or None."""
    return next((lim for lim in KNOWN if re.search(lim.pattern, message)), None)


def documented_sections(text=None):
    """The bold labels of the items of docs/limitations.md."""
    text = DOC.read_text(encoding="utf-8") if text is None else text
    return set(re.findall(r"^\* \*\*(.+?)\*\*", text, flags=re.MULTILINE))
