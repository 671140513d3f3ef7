"""Random broadcast shapes against autograd on the same source.

The adjoints cpsgrad emits are specialised on the broadcast pattern of the arguments
(transforms/shapes.py drops ``unbroadcast`` where it is a no-op); a wrong shape fact would be
a silent wrong gradient. Hypothesis draws shapes with axes of length one in every position,
and one ``grad`` object serves every draw, so specialisations are also reused and mixed.
"""

import numpy as np
import pytest

import cpsgrad
from tests.broadcast_programs import PROGRAMS
from tests.oracle import load_with_autograd

hypothesis = pytest.importorskip("hypothesis")
st = hypothesis.strategies
ORACLE = load_with_autograd("broadcast_programs.py", "broadcast_programs_autograd")
GRADS = {fn.__name__: cpsgrad.grad(fn, wrt=(0, 1, 2)) for fn in PROGRAMS}


@st.composite
def broadcast_shapes(draw):
    """Three shapes that broadcast together: a full shape, and two that drop leading axes or
    set axes to length one."""
    full = draw(st.lists(st.sampled_from([1, 2, 3]), min_size=1, max_size=3))
    out = []
    for _ in range(3):
        rank = draw(st.integers(1, len(full)))
        out.append(tuple(1 if draw(st.booleans()) else n for n in full[len(full) - rank:]))
    return out


@pytest.mark.skipif(ORACLE is None, reason="autograd is not installed")
@pytest.mark.parametrize("name", [fn.__name__ for fn in PROGRAMS])
@hypothesis.settings(max_examples=25, deadline=None, derandomize=True)
@hypothesis.given(shapes=broadcast_shapes(), seed=st.integers(0, 2**16))
def test_matches_autograd_for_random_broadcast_shapes(name, shapes, seed):
    import autograd

    rng = np.random.default_rng(seed)
    args = [rng.normal(size=s) for s in shapes]
    got = GRADS[name](*args)
    twin = getattr(ORACLE, name)
    for i in range(3):
        expected = autograd.grad(twin, i)(*args)
        assert np.shape(got[i]) == np.shape(args[i])
        np.testing.assert_allclose(got[i], expected, rtol=1e-7, atol=1e-9)
