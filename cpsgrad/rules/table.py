"""docs/numpy.md, generated from the registry: ``python -m cpsgrad.rules.table > docs/numpy.md``.

A test fails when the committed table is stale.
"""

import inspect
import math
import sys

import numpy as np

from cpsgrad.rules.registry import default_registry, inline_form

PREFIXES = (("numpy.linalg", "np.linalg"), ("numpy.random", "np.random"), ("numpy", "np"),
            ("scipy.special", "scipy.special"), ("builtins", ""))


AUTOGRAD_CHECKS = {  # autograd's test file: (checks cpsgrad passes, checks), measured by
    "test_systematic.py": (1028, 1028),  # tests/test_systematic.py, which fails if they differ
    "test_numpy.py": (170, 170),
    "test_linalg.py": (64, 64),
    "test_fft.py": (42, 42),
    "test_scipy.py": (180, 180),
}
AUTOGRAD_PARTS = {"test_systematic.py": "every NumPy function, all shapes and options",
                  "test_numpy.py": "NumPy calls, indexing, np.array, r_/c_",
                  "test_linalg.py": "np.linalg", "test_fft.py": "np.fft",
                  "test_scipy.py": "scipy.special (not stats, signal, integrate, linalg)"}

LIBRARIES = ("numpy", "scipy", "builtins", "operator", "_operator", "cpsgrad", "math",
             "functools")


def qualified(fun):
    name = getattr(fun, "__name__", repr(fun))
    for mod, label in ((np.linalg, "np.linalg"), (np.random, "np.random"), (np, "np"),
                       (math, "math")):
        if vars(mod).get(name) is fun:
            return f"{label}.{name}"
    module = getattr(fun, "__module__", None) or ""
    special = sys.modules.get("scipy.special")  # imported by the scipy rules, if installed
    if special is not None and vars(special).get(name) is fun:
        return f"scipy.special.{name}"
    if module in ("builtins", "operator", "_operator"):
        return name if module == "builtins" else f"operator.{name}"
    return f"{module}.{name}" if module else name


def library_rules(registry=default_registry):
    """``(name, function, rule)`` for the functions of the libraries cpsgrad covers (not
    the rules users registered for their own functions)."""
    for fun, rule in registry.rules.items():
        name = qualified(fun)
        module = (getattr(fun, "__module__", None) or "builtins").split(".")[0]
        if not name.startswith("cpsgrad.") and module in LIBRARIES:
            yield name, fun, rule


def inlinable(vjp):
    """Whether the adjoint stage writes ``vjp`` into emitted code as an expression: one
    expression, and no ``*args`` or ``**kwargs`` to bind."""
    form = inline_form(vjp)
    return bool(form) and not any(kind in (inspect.Parameter.VAR_POSITIONAL,
                                           inspect.Parameter.VAR_KEYWORD)
                                  for *_, kind in form[0])


def markdown(registry=default_registry):
    diff, nondiff = [], []
    for name, _, rule in library_rules(registry):
        if rule.nondiff:
            nondiff.append(name)
        else:
            args = ", ".join("yes" if v is not None else "no" for v in rule.vjps)
            args = "every positional" if rule.rest else args
            args += ", keywords" if rule.keywords else ""
            inlined = not rule.rest and all(inlinable(v) for v in rule.vjps if v is not None)
            diff.append(f"| `{name}` | {args} | {'inlined' if inlined else 'called'} |")
    methods = sorted(f"`.{m}()` → `{qualified(f)}`" for m, f in registry.methods.items())
    attrs = sorted(f"`.{a}`" + (f" → `{qualified(f)}`" if f else " (no gradient)")
                   for a, f in registry.attributes.items())
    lines = ["# Supported NumPy (and friends)", "",
             "Generated from the rule registry by `python -m cpsgrad.rules.table > "
             "docs/numpy.md`; `tests/test_docs.py` fails when it is stale.", "",
             f"{len(diff)} functions with gradient rules, {len(nondiff)} non-differentiable "
             f"functions, {len(methods)} array methods, {len(attrs)} attributes.", "",
             "## Functions with gradient rules", "",
             "Differentiable arguments are listed by position; *inlined* rules appear as an "
             "expression in the emitted code, *called* ones as a call to the rule.", "",
             "| function | differentiable arguments | rule |", "|---|---|---|",
             *sorted(diff), "", "## Non-differentiable (values pass through, no gradient)", "",
             ", ".join(f"`{n}`" for n in sorted(nondiff)), "",
             "## Array methods", "", *(f"- {m}" for m in methods), "",
             "## Attributes", "", *(f"- {a}" for a in attrs), "", *autograd_checks()]
    return "\n".join(lines)


def autograd_checks():
    """The section on autograd's own gradient checks, run through cpsgrad."""
    passed = sum(p for p, _ in AUTOGRAD_CHECKS.values())
    total = sum(t for _, t in AUTOGRAD_CHECKS.values())
    return ["## autograd's gradient checks", "",
            f"cpsgrad passes {passed} of {total} of autograd's systematic checks (autograd: "
            f"{total} of {total}). `tests/test_systematic.py` runs every combination of "
            "argument shapes and options in autograd's tests with real inputs, each through "
            "a user function differentiated by cpsgrad and by autograd and compared with "
            "finite differences; it fails if these numbers are not what it measures.", "",
            "| autograd's tests | what they cover | cpsgrad passes |", "|---|---|---|",
            *(f"| `{name}` | {AUTOGRAD_PARTS[name]} | {p} of {t} |"
              for name, (p, t) in AUTOGRAD_CHECKS.items()), ""]


if __name__ == "__main__":
    import cpsgrad  # noqa: F401  (registers every table)

    print(markdown(), end="")
