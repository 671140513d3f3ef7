"""Errors raised by cpsgrad, each naming the user's function, file and line."""


class TransformError(SyntaxError):
    """Source that cpsgrad cannot differentiate.

    A ``SyntaxError`` subclass, so Python's traceback draws a caret under the
    construct. Carries ``filename``, ``lineno``, ``offset`` (1-based column) and
    ``text`` (the source line).
    """

    def __init__(self, message, filename=None, lineno=None, col=None, text=None):
        offset = None if col is None else col + 1
        super().__init__(message, (filename, lineno, offset, text))


class NoRuleError(TransformError):
    """A function without a gradient rule is applied to a value being differentiated."""


def located(message, where, node=None, cls=TransformError):
    """Build a TransformError (or ``cls``) at ``node`` (a gast node) inside ``where``."""
    lineno = getattr(node, "lineno", None)
    col = getattr(node, "col_offset", None)
    line = where.source_line(lineno) if lineno else None
    if lineno is not None:
        lineno += where.line_offset
    name = where.name
    return cls(f"in {name}(): {message}", where.filename, lineno, col, line)
