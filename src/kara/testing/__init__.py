"""Test helpers shipped with kara, for its own tests and for yours.

- `check_grad(fn, *inputs)`: is a backward right? (float64 finite
  differences with a random upstream gradient)
- `assert_allclose`, `assert_finite`.
"""

from kara.testing.assertions import assert_allclose
from kara.testing.assertions import assert_finite
from kara.testing.gradient_check import check_grad
from kara.testing.gradient_check import numerical_grad

__all__ = ["assert_allclose", "assert_finite", "check_grad", "numerical_grad"]
