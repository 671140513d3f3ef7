"""The construct tags: one per thing the generator can draw, so counts can be reported per
construct and ``--only`` / ``--exclude`` / ``--include`` can switch constructs on and off.

``SUPPORTED`` are the constructs cpsgrad claims to differentiate today (drawn by default);
``NUMPY`` are the NumPy functions, one tag each below its group (``np.linalg.matmul``);
``PENDING`` are constructs cpsgrad refuses (documented in docs/limitations.md), drawn only
when named with ``--include`` or ``--only``. A tag selector ``closure`` means every tag
starting with ``closure`` (``closure``, ``closure.def``, ``closure.const_arg``, ...).
"""

from tests.fuzz.numpy_ops import function_tags

SUPPORTED = {
    "arith": "arithmetic on float scalars and arrays (+ - * / ** unary -)",
    "broadcast": "a binary operation between different shapes: (), (n,), (1,n), (n,1), (n,m)",
    "augassign": "augmented assignment `v += e` on a name",
    "np.unary": "element-wise NumPy functions (sin, exp, log1p, tanh, abs, clip, ...)",
    "np.binary": "two-argument NumPy functions (maximum, where, arctan2, hypot, power, ...)",
    "np.reduce": "reductions: sum, mean, max, min, prod, std, var, norm, with axis/keepdims",
    "np.stable": "stable log-softmax, softmax and log-sum-exp: a max shift that cancels, "
                 "and look-alikes that do not",
    "np.linalg": "@, dot, outer, inner, trace, det, inv, solve, einsum",
    "np.shape": "reshape, .T, transpose, ravel, squeeze, expand_dims, flip, roll, stack, "
                "concatenate, tile",
    "np.cum": "cumsum, cumprod, sort",
    "index": "indexing and slicing of arrays",
    "index.tiles": "an array read as slices along one axis (tiling it, overlapping, with a "
                   "gap), bounds constant or another array's length",
    "ifexp": "conditional expressions `a if c else b`",
    "boolop": "`and` / `or` / `not` in a condition",
    "if": "if/else on data",
    "if.elif": "if/elif/else on data",
    "for.range": "for over range(k)",
    "for.rows": "for over the rows of a matrix",
    "for.list": "for over a list",
    "for.zip": "for over zip(...)",
    "for.enumerate": "for over enumerate(...)",
    "while": "while with a data condition (and a bound)",
    "break": "break in a loop",
    "continue": "continue in a loop",
    "return.early": "return inside an if, before the end of the function",
    "return.loop": "return inside a loop",
    "loop.nested": "a loop inside a loop",
    "helper": "a module-level helper function",
    "helper.tuple": "a helper returning a tuple, unpacked or indexed",
    "helper.default": "a helper parameter with a default value (omitted or passed)",
    "closure.def": "a nested def closing over values of the enclosing function",
    "closure.lambda": "a lambda closing over values of the enclosing function",
    "closure.active_arg": "a closure called with a value being differentiated",
    "closure.const_arg": "a closure called with a constant argument",
    "closure.no_arg": "a closure without parameters",
    "closure.list": "closures stored in a list and called from it",
    "closure.factory": "a closure returned from a factory function",
    "closure.rebound": "a name a closure reads is rebound after the def, before the call",
    "recursion": "bounded direct recursion",
    "recursion.mutual": "bounded mutual recursion",
    "call.chained": "a call whose argument is another call's result of the same function",
    "list.literal": "a list literal of arrays, indexed",
    "list.append": "a list built with append",
    "list.stack": "np.stack of a list",
    "dict.param": "a dict parameter of the entry function",
    "list.param": "a list parameter of the entry function",
    "dict.local": "a dict built in the function; entries read and rebound",
    "inplace": "x[i] = v / x[i] += v into a fresh array",
    "inplace.slice": "a slice write x[:, j] = v",
    "inplace.loop": "in-place writes inside a loop",
    "inplace.alias": "an in-place write through a second name for the same array",
    "inplace.dict": "an in-place write through a dict entry",
    "inplace.list": "an in-place write through a list element",
    "inplace.arg": "an in-place write into an argument of the entry function",
    "builtin.min": "min(a, b) on scalars",
    "builtin.max": "max(a, b) on scalars",
    "builtin.sum": "sum(list)",
    "builtin.abs": "abs(scalar)",
    "builtin.sorted": "sorted(list of scalars)",
    "builtin.reversed": "for over reversed(list)",
    "builtin.float": "float(scalar)",
    "unused": "a value computed and never used",
    "wrt.partial": "differentiated with respect to only some arguments",
    "listcomp": "a list comprehension with one for",
    # the Python people write (models as objects, functions as values, builtins, syntax)
    "class.method": "a method of a user class reading self.W",
    "class.call": "an object with __call__",
    "class.local": "an object built inside the function",
    "class.nested": "a model object holding a layer object; its method calls the layer's",
    "class.dataclass": "a @dataclass holding parameters",
    "class.namedtuple": "namedtuple fields",
    "closure.dict": "closures stored in a dict",
    "closure.loop_default": "closures created in a loop with default-argument capture",
    "funarg": "a function passed as an argument (`def apply(f, x): return f(x)`)",
    "builtin.map": "map(f, xs)",
    "functools.partial": "functools.partial of a helper",
    "genexp.sum": "sum over a generator expression",
    "builtin.minmax_many": "min/max with three or more arguments",
    "builtin.minmax_iter": "min/max over an iterable",
    "builtin.minmax_key": "min/max with key=",
    "builtin.pow": "pow(a, k)",
    "builtin.round": "round(x, k)",
    "builtin.list": "list(...) of an array or tuple",
    "builtin.tuple": "tuple(...) of a list",
    "builtin.dict": "dict(a=..., b=...)",
    "builtin.item": "x.item()",
    "builtin.tolist": "x.tolist()",
    "math": "math.exp/log/sqrt/sin/cos/tanh/atan2/hypot on floats",
    "listcomp.if": "a list comprehension with a condition",
    "listcomp.nested": "a list comprehension with two fors",
    "dictcomp": "a dict comprehension",
    "setcomp": "a set comprehension",
    "genexp": "a generator expression consumed by min/max/tuple/list/np.stack/np.array",
    "starred.assign": "starred assignment `a, *rest = xs`",
    "starred.call": "starred call `f(*args, **kw)`",
    "params.varargs": "a helper with *args / **kwargs",
    "params.kwonly": "a helper with keyword-only parameters",
    "with.errstate": "with np.errstate(...)",
    "with.nullcontext": "with contextlib.nullcontext()",
    "with.user": "with a user context manager",
    "import.local": "import inside the function body",
}

PENDING = {  # refused, with the reason in docs/limitations.md: drawn only when asked for
    "try": "try/except/else/finally",
}

NUMPY = {tag: f"NumPy: {tag.rsplit('.', 1)[1]}" for tag in function_tags()}  # np.unary.exp, ...

ALL = {**SUPPORTED, **NUMPY, **PENDING}


def expand(selectors):
    """The tags named by ``selectors`` (names or prefixes); unknown ones raise ValueError."""
    out = set()
    for sel in selectors:
        hits = {t for t in ALL if t == sel or t.startswith(sel + ".")}
        if not hits:
            raise ValueError(f"unknown construct tag {sel!r}; see tests/fuzz/tags.py")
        out |= hits
    return out


def select(only=(), exclude=(), include=()):
    """The enabled tags: ``only`` if given (else the supported ones, plus ``include``),
    less ``exclude``. Plain arithmetic is always on: every program needs it."""
    enabled = expand(only) if only else set(SUPPORTED) | set(NUMPY) | expand(include)
    return frozenset((enabled - expand(exclude)) | {"arith"})
