"""docs/numpy.md, generated from the registry: ``python -m cpsgrad.rules.table > docs/numpy.md``.

A test fails when the committed table is stale.
"""

import math
import sys

import numpy as np

from cpsgrad.rules.registry import default_registry, inline_form

PREFIXES = (("numpy.linalg", "np.linalg"), ("numpy.random", "np.random"), ("numpy", "np"),
            ("scipy.special", "scipy.special"), ("builtins", ""))


LIBRARIES = ("numpy", "scipy", "builtins", "operator", "_operator", "cpsgrad", "math")


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


def markdown(registry=default_registry):
    diff, nondiff = [], []
    for fun, rule in registry.rules.items():
        name = qualified(fun)
        module = (getattr(fun, "__module__", None) or "builtins").split(".")[0]
        if name.startswith("cpsgrad.") or module not in LIBRARIES:
            continue  # rules users registered for their own functions
        if rule.nondiff:
            nondiff.append(name)
        else:
            args = ", ".join("yes" if v is not None else "no" for v in rule.vjps)
            args = "every positional" if rule.rest else args
            args += ", keywords" if rule.keywords else ""
            inlined = not rule.rest and all(inline_form(v) for v in rule.vjps if v is not None)
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
             "## Attributes", "", *(f"- {a}" for a in attrs), ""]
    return "\n".join(lines)


if __name__ == "__main__":
    import cpsgrad  # noqa: F401  (registers every table)

    print(markdown(), end="")
