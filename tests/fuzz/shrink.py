"""Shrink a failing program to a small reproducer (delta debugging on the syntax tree).

Edits are tried biggest first: drop a parameter of ``f`` (and its argument), delete chunks
of statements (halves, quarters, ... single statements) in every statement list, replace a
compound statement by one of its bodies, replace an expression by one of its operands (only
where that keeps the kind of value: ``np.sin(e)`` by ``e``, ``a * b`` by ``a``). An edit is
kept when the program, classified again at the same input point, keeps the failure
(``Outcome.key``: the verdict and the kind of bug). A time budget bounds the work.
"""

import ast
import builtins
import time

from tests.fuzz.classify import classify

COMPOUND = (ast.If, ast.For, ast.While, ast.With, ast.Try)
BLOCKS = (*COMPOUND, ast.FunctionDef, ast.ClassDef, ast.ExceptHandler)  # need a body
OPERANDS = {ast.BinOp: ("left", "right"), ast.UnaryOp: ("operand",), ast.Call: ("args",),
            ast.IfExp: ("body", "orelse"), ast.BoolOp: ("values",)}


def shrink(program, outcome, seconds=10.0, time_limit=5.0):
    """``program`` with as little source as keeps ``outcome`` (a failing one)."""
    key = outcome.key()
    stop = time.monotonic() + seconds

    def keeps(candidate):
        if time.monotonic() > stop:
            raise TimeoutError
        return classify(candidate, time_limit, points=1).key() == key

    program = program.with_args(outcome.args).with_source(_normal(program.source))
    try:
        while True:
            before = program.source, program.args
            for edits in (_parameters, _deletions, _flattenings, _simplifications):
                program = _apply_first(program, edits, keeps)
            if (program.source, program.args) == before:
                break
    except TimeoutError:
        pass
    return program


def _normal(source):
    return ast.unparse(ast.parse(source))


def _apply_first(program, edits, keeps):
    """Try the candidates ``edits(program)`` makes; after each kept one, go on from the
    smaller program at the same position (edits are numbered)."""
    position = 0
    while True:
        candidates = list(edits(program))
        for k in range(position, len(candidates)):
            candidate = candidates[k]()
            if candidate is not None and keeps(candidate):
                program, position = candidate, k
                break
        else:
            return program


def _edit(program, change):
    """A candidate: ``change(tree)`` applied to a fresh parse of the source (None when it
    does not apply or changes nothing)."""
    def make():
        tree = ast.parse(program.source)
        imports = _imports(tree)
        if change(tree) is False or _imports(tree) != imports or _reads_undefined(tree):
            return None
        for node in ast.walk(tree):
            if isinstance(node, BLOCKS) and not node.body:
                node.body.append(ast.Pass())
        source = ast.unparse(ast.fix_missing_locations(tree))
        return None if source == program.source else program.with_source(source)
    return make


def _imports(tree):
    return [ast.unparse(n) for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]


def _reads_undefined(tree):
    """Whether the program reads a name it never defines (even in code that does not run:
    a reproducer should read like a program)."""
    defined = set(dir(builtins))
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            defined.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            defined.add(node.name)
        elif isinstance(node, ast.arg):
            defined.add(node.arg)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            defined |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return any(isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id not in defined
               for n in ast.walk(tree))


def _parameters(program):
    """Drop parameter k of ``f`` and its argument (a name no longer read fails to run)."""
    for k in range(len(program.args)):
        if program.wrt != (k,):
            yield lambda k=k: _without_parameter(program, k)


def _without_parameter(program, k):
    tree = ast.parse(program.source)
    entry = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "f")
    del entry.args.args[k]
    if _reads_undefined(tree):
        return None
    wrt = tuple(i - (i > k) for i in program.wrt if i != k)
    args = program.args[:k] + program.args[k + 1:]
    return program.with_source(ast.unparse(tree)).with_args(args, wrt)


def _statement_lists(tree):
    return [stmts for node in ast.walk(tree) for name in ("body", "orelse", "finalbody")
            if isinstance(stmts := getattr(node, name, None), list) and stmts
            and isinstance(stmts[0], ast.stmt)]


def _deletions(program):
    for k, stmts in enumerate(_statement_lists(ast.parse(program.source))):
        chunk = max(1, len(stmts) // 2)
        while chunk >= 1:
            for start in range(0, len(stmts), chunk):
                yield _edit(program, _delete(k, start, chunk))
            chunk //= 2


def _delete(k, start, chunk):
    def change(tree):
        stmts = _statement_lists(tree)[k]
        if start >= len(stmts):
            return False
        del stmts[start:start + chunk]
        return None
    return change


def _flattenings(program):
    for k, stmts in enumerate(_statement_lists(ast.parse(program.source))):
        for i, stmt in enumerate(stmts):
            if isinstance(stmt, COMPOUND):
                for name in ("body", "orelse"):
                    if getattr(stmt, name, None):
                        yield _edit(program, _flatten(k, i, name))


def _flatten(k, i, name):
    def change(tree):
        stmts = _statement_lists(tree)[k]
        stmts[i:i + 1] = getattr(stmts[i], name)
    return change


def _simplifications(program):
    tree = ast.parse(program.source)
    for p, node in enumerate(n for n in ast.walk(tree) if isinstance(n, ast.expr)):
        for field in OPERANDS.get(type(node), ()):
            value = getattr(node, field)
            for j in range(len(value) if isinstance(value, list) else 1):
                yield _edit(program, _replace(p, field, j))


def _same_kind(node, operand):
    """Whether ``operand`` can stand for ``node`` without changing the kind of value:
    not a container literal, not an int, and a call's argument only for NumPy calls."""
    if isinstance(operand, (ast.Tuple, ast.List, ast.Dict, ast.Starred, ast.Lambda)) or \
            (isinstance(operand, ast.Constant) and not isinstance(operand.value, float)):
        return False
    if isinstance(node, ast.Call):
        func = ast.unparse(node.func)
        return func.startswith("np.") and not func.startswith(("np.zeros", "np.ones", "np.full"))
    return True


def _replace(p, field, j):
    def change(tree):
        target = [n for n in ast.walk(tree) if isinstance(n, ast.expr)][p]
        value = getattr(target, field)
        operand = value[j] if isinstance(value, list) else value
        if not _same_kind(target, operand):
            return False
        for parent in ast.walk(tree):
            for name, child in ast.iter_fields(parent):
                if child is target:
                    setattr(parent, name, operand)
                    return None
                if isinstance(child, list) and any(c is target for c in child):
                    child[[id(c) for c in child].index(id(target))] = operand
                    return None
        return False
    return change
