"""autograd's own gradient checks, restated as data and run through user functions.

autograd checks each NumPy function with every argument shape and keyword combination
listed in its tests (``tests/test_systematic.py``, ``test_numpy.py``, ``test_linalg.py``,
``test_fft.py``, ``test_scipy.py``; ``combo_check`` runs the product of the option lists).
``CHECKS`` in tests/systematic_checks.py lists the same combinations with real inputs:
one ``Check`` per combination, so every check is one gradient test. Our inputs are fresh
random draws of the same shapes and ranges; the functions and options are autograd's.

Each check becomes a user function in a generated module, written as a user would::

    def check_424_cross(x0, x1, weight):
        out = np.cross(x0, x1, axisa=0, axisb=-1, axisc=1, axis=None)
        return np.sum(out * weight)

Options that are plain Python values appear as literals; arrays are parameters. ``weight`` is
a fixed random weight of the output's shape (a list of weights for a tuple output; complex
outputs are weighted by ``np.real(out * np.conj(w))``). The check is then
``cpsgrad.check_grads`` on the differentiated parameters, and, as a control of the
harness, the same with autograd's gradient of the same source.
"""

import importlib.util
import itertools
import re
from dataclasses import dataclass, field

import numpy as np

rng = np.random.default_rng(0)


# ----- inputs: shapes as autograd's tests draw them -----

def R(*shape):
    """Standard normal; ``R()`` is a Python float."""
    return float(rng.standard_normal()) if not shape else rng.standard_normal(shape)


def U(lo, hi, *shape):
    """Uniform in ``[lo, hi)``; ``U(lo, hi)`` is a Python float."""
    return float(rng.uniform(lo, hi)) if not shape else rng.uniform(lo, hi, shape)


def P(*shape):
    """Positive, as autograd's ``R(...) ** 2 + 1.1``."""
    return R(*shape) ** 2 + 1.1


def rand_psd(n):
    m = R(n, n)
    return m @ m.T


# ----- one check -----

@dataclass
class Check:
    source: str               # autograd's test file
    test: str                 # autograd's test function, without ``test_``
    body: str                 # statements that compute ``out`` from the parameters
    args: list                # parameter values, in order
    wrt: tuple                # positions of the differentiated parameters
    label: str                # shapes and options, for the test id
    rtol: float = 1e-5
    atol: float = 1e-7
    ident: str = field(default="")


class Literal:
    """An option written into the source as is (``Literal("(0, 1)")``)."""

    def __init__(self, text):
        self.text = text


def literal(value):
    """Source text for a plain Python value, or None if it must be a parameter."""
    if isinstance(value, Literal):
        return value.text
    if value is None or value is Ellipsis or isinstance(value, (bool, int, str)):
        return repr(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (tuple, list)):
        items = [literal(v) for v in value]
        if any(i is None for i in items):
            return None
        if isinstance(value, tuple):
            return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
        return "[" + ", ".join(items) + "]"
    return None


def describe(value):
    """A short label: the shape of an array, the text of a literal option."""
    if isinstance(value, np.ndarray):
        return "x".join(map(str, value.shape)) or "0d"
    if isinstance(value, float):
        return "float"
    text = literal(value)
    if text is not None:
        return text.replace(" ", "")
    inner = ",".join(describe(v) for v in value)
    return f"({inner})" if isinstance(value, tuple) else f"[{inner}]"


def build(source, test, template, args, kwargs, wrt, /, **tols):
    """One check: ``template`` is a dotted function name, or a format string over the
    arguments ``{0}, {1}, ...`` (and ``{kw}`` for the keywords), possibly several lines
    that assign ``out``."""
    names, params, positions = [], [], []
    for i, value in enumerate(args):
        text = None if i in wrt else literal(value)
        if text is None:
            if i in wrt:
                positions.append(len(params))
            text = f"x{len(params)}"
            params.append(value)
        names.append(text)
    kws = []
    for key, value in kwargs.items():
        text = literal(value)
        if text is None:
            text = f"x{len(params)}"
            params.append(value)
        kws.append(f"{key}={text}")
    if "{" not in template:
        body = f"out = {template}({', '.join(names + kws)})"
    else:
        body = template.format(*names, kw="".join(", " + k for k in kws))
        if "out =" not in body:
            body = f"out = {body}"
    label = "-".join([describe(a) for a in args]
                     + [f"{k}={describe(v)}" for k, v in kwargs.items()])
    return Check(source, test, body, params, tuple(positions), label, **tols)


def combos(source, test, template, /, *options, wrt=(0,), **kw_options):
    """Every combination of the positional ``options`` (lists) and keyword options."""
    tols = {k: kw_options.pop(k) for k in ("rtol", "atol") if k in kw_options}
    keys = list(kw_options)
    out = []
    for args in itertools.product(*options):
        for values in itertools.product(*(kw_options[k] for k in keys)):
            out.append(build(source, test, template, list(args), dict(zip(keys, values,
                                                                           strict=True)),
                             wrt, **tols))
    return out


def single(source, test, template, /, *args, wrt=(0,), **kwargs):
    """One check with fixed arguments."""
    tols = {k: kwargs.pop(k) for k in ("rtol", "atol") if k in kwargs}
    return [build(source, test, template, list(args), kwargs, wrt, **tols)]


# ----- generating the user functions -----

def weight_like(value, gen):
    """A random weight for ``value``; None where the output carries no gradient."""
    if isinstance(value, (tuple, list)):
        return [weight_like(v, gen) for v in value]
    arr = np.asarray(value)
    if arr.dtype.kind not in "fc":
        return None
    w = gen.standard_normal(arr.shape)
    if arr.dtype.kind == "c":
        w = w + 1j * gen.standard_normal(arr.shape)
    return w


def loss_source(value, w, out="out", weight="weight"):
    """The expression that reduces ``out`` (shaped like ``value``) to a scalar."""
    if isinstance(value, (tuple, list)):
        terms = [loss_source(v, wi, f"{out}[{i}]", f"{weight}[{i}]")
                 for i, (v, wi) in enumerate(zip(value, w, strict=True)) if wi is not None]
        return " + ".join(terms) if terms else "0.0"
    if np.iscomplexobj(value):
        return f"np.sum(np.real({out} * np.conj({weight})))"
    return f"np.sum({out} * {weight})"


def forward(check, namespace):
    """``out`` of the check's body, run as plain Python."""
    params = ", ".join(f"x{i}" for i in range(len(check.args)))
    scope = dict(namespace)
    exec(f"def forward({params}):\n    {_indent(check.body)}\n    return out\n", scope)  # noqa: S102
    return scope["forward"](*check.args)


def _indent(body):
    return body.replace("\n", "\n    ")


HEADER = '''"""User functions for autograd's checks (generated by tests/systematic.py)."""

try:
    np, special = ORACLE_NUMPY, ORACLE_SPECIAL
except NameError:
    import numpy as np
    import scipy.special as special
'''


def generate(checks, path):
    """Write the user functions of ``checks`` to ``path``; returns ``{ident: (name,
    params)}`` where params are the arguments to call it with (the weights last), or the
    forward error of a check whose forward pass fails."""
    from scipy import special

    namespace = {"np": np, "special": special}
    lines, calls = [HEADER], {}
    for n, check in enumerate(checks):
        try:
            value = forward(check, namespace)
        except Exception as exc:
            calls[check.ident] = exc
            continue
        w = weight_like(value, np.random.default_rng(n))
        name = re.sub(r"\W", "_", f"check_{n}_{check.test}")
        params = ", ".join([f"x{i}" for i in range(len(check.args))] + ["weight"])
        lines.append(f"\ndef {name}({params}):\n    {_indent(check.body)}\n"
                     f"    return {loss_source(value, w)}\n")
        calls[check.ident] = (name, [*check.args, w])
    path.write_text("\n".join(lines), encoding="utf-8")
    return calls


def load(path, name, numpy=None, special=None):
    """Import the generated module; with ``numpy``/``special`` bound to other modules."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    if numpy is not None:
        module.ORACLE_NUMPY, module.ORACLE_SPECIAL = numpy, special
    spec.loader.exec_module(module)
    return module
