"""Stage 7: gast → Python source. The only module that imports astor."""

import ast
import re

import astor
import gast

from cpsgrad.syntax import COMMENT

_QUOTES = "(\"\"\"|'''|\"|')"
_COMMENT_LINE = re.compile(r"^(\s*)(" + _QUOTES + re.escape(COMMENT) + r".*\3)\s*$")


def to_source(tree):
    """Readable source for a gast tree; comment markers become ``#`` comments."""
    text = astor.to_source(gast.gast_to_ast(tree))
    lines = []
    for raw in text.splitlines():
        m = _COMMENT_LINE.match(raw)
        if m:
            body = ast.literal_eval(m.group(2))[len(COMMENT):]
            lines.append(f"{m.group(1)}# {body}")
        else:
            lines.append(raw)
    return "\n".join(lines) + "\n"
