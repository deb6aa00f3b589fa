"""The autograd engine: Tensor, Function, Variable, GradientTape."""

from kara.autograd.tensor import Tensor  # isort: skip  (defines the core)
from kara.autograd.engine import backward
from kara.autograd.engine import sum_to
from kara.autograd.function import Function
from kara.autograd.tape import GradientTape
from kara.autograd.tensor import as_tensor
from kara.autograd.variable import Variable

__all__ = [
    "Function",
    "GradientTape",
    "Tensor",
    "Variable",
    "as_tensor",
    "backward",
    "sum_to",
]
