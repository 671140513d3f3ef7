"""Errors inside emitted code point back at the user's source line."""

import re
import traceback

import gast

from cpsgrad import loader, syntax

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


def insert_checks(tree, check):
    """After every assignment in emitted functions, call ``check(value, name, where)``.

    ``check`` is the emitted name of ``forward.check_finite``; ``where`` is the user's
    line, taken from the comment above the statement.
    """
    def visit(body):
        out, where = [], ""
        for stmt in body:
            out.append(stmt)
            if syntax.comment_text(stmt) is not None:
                where = syntax.comment_text(stmt)
            elif isinstance(stmt, (gast.Assign, gast.AugAssign)):
                target = stmt.targets[0] if isinstance(stmt, gast.Assign) else stmt.target
                for name in [t for t in gast.walk(target) if isinstance(t, gast.Name)]:
                    out.append(syntax.expr_stmt(syntax.call(
                        check, [name.id, syntax.const(name.id), syntax.const(where)])))
            for field in ("body", "orelse"):
                if isinstance(getattr(stmt, field, None), list) and not isinstance(stmt, gast.Expr):
                    setattr(stmt, field, visit(getattr(stmt, field)))
        return out

    tree.body = visit(tree.body)
    return tree
