"""Stage 1: a Python function → its gast tree, plus an explicit namespace of free names.

Entry point: ``parse(fn) -> Source``. Free names are resolved against the imports at the
top level of the function's body, then its closure cells, then its globals, then builtins;
the user's globals are never mutated.

An ``import`` statement at the top level of the body (a notebook habit) is run here, once,
and removed from the tree: the names it binds are then resolved like globals. One that
fails is listed in ``Source.import_failures``, for the fence to report.
"""

import ast
import builtins
import importlib
import inspect
import linecache
import textwrap

import gast

from cpsgrad import syntax
from cpsgrad.errors import TransformError


class Source:
    """A parsed user function: its tree, where it came from, and what its free names mean."""

    def __init__(self, fn, tree, filename, line_offset, lines):
        self.fn = fn
        self.tree = tree                  # gast.FunctionDef
        self.name = tree.name
        self.filename = filename
        self.line_offset = line_offset    # add to a tree lineno to get the file's line
        self.lines = lines                # the dedented source lines of the function
        self.imports = {}                 # name -> (object, the import statement)
        self.bound = {}                   # name -> object, for inlined helpers' globals
        self.import_failures = []         # (import statement, why it failed)

    def __deepcopy__(self, memo):
        return self  # one per function: copies of a tree that name it name the same one

    def source_line(self, lineno):
        if lineno is None or not 1 <= lineno <= len(self.lines):
            return None
        return self.lines[lineno - 1].strip()

    def file_line(self, lineno):
        return None if lineno is None else lineno + self.line_offset

    def resolve(self, name):
        """The object a free name refers to now: ``(True, obj)`` or ``(False, None)``."""
        if name in self.bound:
            return True, self.bound[name]
        if name in self.imports:
            return True, self.imports[name][0]
        code = self.fn.__code__
        if name in code.co_freevars and self.fn.__closure__:
            cell = self.fn.__closure__[code.co_freevars.index(name)]
            try:
                return True, cell.cell_contents
            except ValueError:
                return False, None
        if name in self.fn.__globals__:
            return True, self.fn.__globals__[name]
        if hasattr(builtins, name):
            return True, getattr(builtins, name)
        return False, None


def parse(fn):
    """Parse ``fn``'s source. Raises TransformError when the source cannot be found."""
    fn = inspect.unwrap(fn)
    name = getattr(fn, "__name__", repr(fn))
    if not inspect.isfunction(fn):
        raise TransformError(
            f"cpsgrad needs a Python function defined in source code; {name!r} is a "
            f"{type(fn).__name__} (a builtin or C function has no source to transform)")
    filename = fn.__code__.co_filename
    try:
        lines, first = inspect.getsourcelines(fn)
    except (OSError, TypeError) as exc:
        raise TransformError(
            f"cannot find the source of {name}() (defined in {filename}): {exc}. cpsgrad "
            "transforms source code, so the function must come from a file, a notebook cell "
            "or the IPython prompt, not from `python -c` or exec() of a string",
            filename, fn.__code__.co_firstlineno) from None
    text = textwrap.dedent("".join(lines))
    if fn.__name__ == "<lambda>":
        tree, text = _lambda_tree(fn, text, filename, first)
    else:
        tree = gast.parse(text).body[0]
        if isinstance(tree, gast.AsyncFunctionDef):
            raise TransformError(f"async functions are not supported ({name}() is async)",
                                 filename, first, None, lines[0].strip())
        if not isinstance(tree, gast.FunctionDef):
            raise TransformError(f"cannot find the definition of {name}()", filename, first)
        tree.decorator_list = []
    _flatten_parameters(tree)
    source = Source(fn, tree, filename, first - 1, text.splitlines())
    _run_imports(source)
    return source


def _flatten_parameters(fndef):
    """``def f(a, /, b, *rest, c=1, **kw)`` becomes ``def f(a, b, rest, c, kw)``: callers
    bind arguments with the function's real signature (``inspect.signature``), whose
    parameters come in this order, ``rest`` a tuple and ``kw`` a dict."""
    args = fndef.args
    if not (args.posonlyargs or args.vararg or args.kwonlyargs or args.kwarg):
        return
    params = [*args.posonlyargs, *args.args, *filter(None, [args.vararg]), *args.kwonlyargs,
              *filter(None, [args.kwarg])]
    fndef.args = gast.arguments(args=params, posonlyargs=[], vararg=None, kwonlyargs=[],
                                kw_defaults=[], kwarg=None, defaults=[])


def _run_imports(source):
    """Run the imports at the top level of the body, bind their names, drop them."""
    kept = []
    for stmt in source.tree.body:
        if not isinstance(stmt, (gast.Import, gast.ImportFrom)):
            kept.append(stmt)
            continue
        try:
            for alias in stmt.names:
                name, obj = _imported(source.fn, stmt, alias)
                source.imports[name] = (obj, stmt)
        except (ImportError, TypeError, ValueError) as exc:  # as `import` would raise
            source.import_failures.append((stmt, str(exc)))
    source.tree.body = kept or [syntax.pass_()]


def _imported(fn, stmt, alias):
    """``(name bound, object)`` for one ``alias`` of an import statement, as Python binds."""
    if isinstance(stmt, gast.Import):
        if alias.asname:
            return alias.asname, importlib.import_module(alias.name)
        importlib.import_module(alias.name)
        top = alias.name.split(".")[0]
        return top, importlib.import_module(top)
    package = fn.__globals__.get("__package__") or fn.__globals__.get("__name__")
    module = importlib.import_module("." * stmt.level + (stmt.module or ""), package)
    try:
        obj = getattr(module, alias.name)
    except AttributeError:
        try:
            obj = importlib.import_module(f"{module.__name__}.{alias.name}")
        except ImportError:
            raise ImportError(f"cannot import name {alias.name!r} from "
                              f"{module.__name__!r}") from None
    return alias.asname or alias.name, obj


def _lambda_tree(fn, text, filename, first):
    """A lambda becomes ``def <name>(args): return body`` (the lambda is matched by column)."""
    try:
        mod = ast.parse(text)
    except SyntaxError:
        mod = ast.parse(text.strip().rstrip(",)") if "lambda" in text else text)
    lambdas = [n for n in ast.walk(mod) if isinstance(n, ast.Lambda)]
    names = list(fn.__code__.co_varnames[:fn.__code__.co_argcount])
    lambdas = [n for n in lambdas if [a.arg for a in n.args.args] == names] or lambdas
    if len(lambdas) != 1:
        raise TransformError("cannot tell which lambda on this line to differentiate; "
                             "give it a name with `def`", filename, first, None,
                             linecache.getline(filename, first).strip())
    node = lambdas[0]
    src = f"def lambda_{first}({ast.unparse(node.args)}):\n    return {ast.unparse(node.body)}\n"
    lines = text.splitlines()
    return gast.parse(src).body[0], "\n".join(lines[: node.lineno]) or src
