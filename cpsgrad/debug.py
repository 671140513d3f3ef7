"""Errors inside emitted code point back at the user's source line."""

import re
import traceback

from cpsgrad import loader

_WHERE = re.compile(r"^\s*# (?:adjoint of )?(.*)  \(([^()]+:\d+)\)\s*$")


def user_line(filename, lineno):
    """The ``(source text, "file.py:line")`` an emitted line came from, or None."""
    try:
        with open(filename, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError:
        return None
    for i in range(min(lineno, len(lines)) - 1, -1, -1):
        m = _WHERE.match(lines[i])
        if m:
            return m.group(1), m.group(2)
    return None


def annotate(exc):
    """Add a note to ``exc`` naming the emitted line and the user's line it came from."""
    cache = str(loader.cache_dir())
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith(cache)]
    if not frames or not hasattr(exc, "add_note"):
        return
    last = frames[-1]
    origin = user_line(last.filename, last.lineno)
    if origin:
        exc.add_note(f"cpsgrad: raised in the emitted gradient at {last.filename}:{last.lineno}"
                     f" ({last.line}), which comes from {origin[1]}: {origin[0]}")
