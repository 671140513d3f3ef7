"""The regression corpus (tests/corpus_regressions.py): cpsgrad's gradient vs central
finite differences and vs autograd on the same source."""

import pytest

import cpsgrad
from tests import corpus_regressions
from tests.oracle import assert_leaves_close, finite_differences, leaves, load_with_autograd

CASES = corpus_regressions.cases()
ORACLE = load_with_autograd("corpus_regressions.py", "corpus_regressions_autograd")
AUTOGRAD_CANNOT = {  # finite differences still check these
    "builtin_item_tolist": "autograd has no gradient for .tolist() and .item()",
    "math_functions": "autograd does not differentiate the math module",
    **dict.fromkeys(["alias_write_through_copy", "alias_write_in_loop", "alias_write_in_branches",
                     "recurrence_in_buffer", "write_through_dict_entry",
                     "nested_write_into_list_element", "nested_write_into_dict_entry",
                     "write_through_row_view", "alias_of_argument_written"],
                    "autograd does not support writes into arrays"),
}


@pytest.mark.parametrize(("fn", "args"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_matches_finite_differences(fn, args):
    got = leaves(cpsgrad.grad(fn)(*args))
    expected = finite_differences(fn, args, 0)
    assert_leaves_close(got, expected)


@pytest.mark.skipif(ORACLE is None, reason="autograd is not installed")
@pytest.mark.parametrize(("fn", "args"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_matches_autograd(fn, args):
    import autograd

    if fn.__name__ in AUTOGRAD_CANNOT:
        pytest.skip(AUTOGRAD_CANNOT[fn.__name__])
    expected = autograd.grad(getattr(ORACLE, fn.__name__))(*args)
    assert_leaves_close(leaves(cpsgrad.grad(fn)(*args)), leaves(expected), rtol=1e-7,
                        atol=1e-9)
