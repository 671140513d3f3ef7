"""cpsgrad: gradients of plain Python + NumPy by continuation-passing source transformation."""

from cpsgrad import rules as _rules  # noqa: F401
from cpsgrad.api import emitted_file, grad, show_source, stages, value_and_grad, vjp
from cpsgrad.errors import NoRuleError, TransformError
from cpsgrad.extend import adjoint, check_grads, defnondiff, defvjp

__all__ = ["NoRuleError", "TransformError", "adjoint", "check_grads", "defnondiff", "defvjp",
           "emitted_file", "grad", "show_source", "stages", "value_and_grad", "vjp"]
__version__ = "0.1.0"
