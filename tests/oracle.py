"""Independent references for gradients: central finite differences, and autograd run
on a second copy of the same source with ``np`` bound to ``autograd.numpy``."""

import importlib.util
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent


def leaves(x):
    if isinstance(x, dict):
        return [v for k in sorted(x) for v in leaves(x[k])]
    if isinstance(x, (list, tuple)):
        return [v for item in x for v in leaves(item)]
    return [x]


def assert_leaves_close(got, expected, rtol=1e-5, atol=1e-6):
    """A gradient's leaves against a reference's: as many, of the same shapes and values."""
    assert len(got) == len(expected)
    for a, b in zip(got, expected, strict=True):
        assert np.shape(a) == np.shape(b)
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)


def replace_leaf(x, index, value):
    """A copy of tree ``x`` whose ``index``-th leaf is ``value``."""
    counter = [0]

    def walk(t):
        if isinstance(t, dict):
            return {k: walk(t[k]) for k in sorted(t)}
        if isinstance(t, (list, tuple)):
            return type(t)(walk(v) for v in t)
        i = counter[0]
        counter[0] += 1
        return value if i == index else t

    return walk(x)


def finite_differences(f, args, i, eps=1e-6):
    """Central differences of scalar ``f`` with respect to every entry of ``args[i]``."""
    out = []
    for j, leaf in enumerate(leaves(args[i])):
        flat = np.array(leaf, dtype=float).ravel()
        g = np.zeros_like(flat)
        for n in range(flat.size):
            plus, minus = flat.copy(), flat.copy()
            plus[n] += eps
            minus[n] -= eps
            shape = np.shape(leaf)
            ap, am = list(args), list(args)
            ap[i] = replace_leaf(args[i], j, plus.reshape(shape) if shape else float(plus[0]))
            am[i] = replace_leaf(args[i], j, minus.reshape(shape) if shape else float(minus[0]))
            g[n] = (f(*ap) - f(*am)) / (2 * eps)
        out.append(g.reshape(np.shape(leaf)))
    return out


def load_with_autograd(filename, module_name):
    """Load ``filename`` again with ``np`` bound to autograd.numpy (None if not installed)."""
    try:
        import autograd.numpy as anp
    except ImportError:
        return None
    helpers = _load(HERE / "corpus_helpers.py", "corpus_helpers_autograd", anp, None)
    return _load(HERE / filename, module_name, anp, helpers)


def _load(path, name, anp, helpers):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    module.ORACLE_NUMPY = anp
    if helpers is not None:
        module.ORACLE_HELPERS = helpers
    spec.loader.exec_module(module)
    return module
