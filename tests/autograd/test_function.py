"""Function: user-defined ops with forward/backward on raw arrays."""

import numpy as np
import pytest

from kara import Function
from kara import Tensor
from kara import Variable
from kara.testing import check_grad


class Cube(Function):
    def forward(self, x):
        self.save_for_backward(x)
        return x**3

    def backward(self, gy):
        (x,) = self.saved
        return gy * 3 * x**2


class AffineNoGradForB(Function):
    """`a * b + c`, declaring `b` non-differentiable (returns None)."""

    def forward(self, a, b, c):
        self.save_for_backward(a, b)
        return a * b + c

    def backward(self, gy):
        a, b = self.saved
        ga = gy * b if self.needs_input_grad[0] else None
        return ga, None, gy


class SplitHalves(Function):
    """Two outputs: the first and second half of a vector."""

    def forward(self, x):
        n = x.shape[0] // 2
        return x[:n].copy(), x[n:].copy()

    def backward(self, g1, g2):
        return np.concatenate([g1, g2])


def test_custom_function_forward_and_gradient(rng):
    x = rng.standard_normal((2, 3))
    y = Cube()(Tensor(x))
    np.testing.assert_allclose(y.numpy(), x**3)
    check_grad(lambda t: Cube()(t), x)


def test_function_accepts_arrays_and_numbers():
    y = Cube()(np.array([2.0]))
    np.testing.assert_array_equal(y.numpy(), [8.0])
    assert isinstance(Cube()(2.0), Tensor)


def test_a_none_gradient_leaves_the_input_without_grad():
    a = Variable(np.array([2.0]))
    b = Variable(np.array([3.0]))
    c = Variable(np.array([1.0]))
    AffineNoGradForB()(a, b, c).backward()
    np.testing.assert_array_equal(a.grad, [3.0])
    assert b.grad is None
    np.testing.assert_array_equal(c.grad, [1.0])


def test_needs_input_grad_is_set_per_input():
    f = AffineNoGradForB()
    f(Variable([1.0]), np.array([1.0]), 0.5)
    assert f.needs_input_grad == [True, False, False]


def test_multiple_outputs():
    x = Variable(np.arange(4.0))
    first, second = SplitHalves()(x)
    np.testing.assert_array_equal(first.numpy(), [0.0, 1.0])
    assert first.creator is second.creator
    # only the second output used: the first gets a zero gradient
    (second * 2.0).backward(np.ones(2))
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 2.0, 2.0])


def test_backward_may_return_a_broadcast_shape():
    class BroadcastAdd(Function):
        def forward(self, a, b):
            return a + b

        def backward(self, gy):
            return gy, gy  # the engine sums each back to its input's shape

    a = Variable(np.zeros((2, 3)))
    b = Variable(np.zeros(3))
    BroadcastAdd()(a, b).backward(np.ones((2, 3)))
    assert b.grad.shape == (3,)
    np.testing.assert_array_equal(b.grad, [2.0, 2.0, 2.0])


def test_forward_errors_name_the_function_and_input_shapes():
    class Bad(Function):
        def forward(self, a, b):
            return a + b

    with pytest.raises(
        ValueError, match=r"^Bad: .*Received inputs of shapes \(2, 3\), \(4,\)"
    ):
        Bad()(np.ones((2, 3)), np.ones(4))


def test_missing_forward_or_backward():
    with pytest.raises(NotImplementedError, match="Function.forward"):
        Function()(np.ones(2))

    class NoBackward(Function):
        def forward(self, x):
            return x * 2

    y = NoBackward()(Variable([1.0]))
    with pytest.raises(NotImplementedError, match="NoBackward is not diff"):
        y.backward()


def test_untracked_calls_keep_nothing():
    f = Cube()
    y = f(np.array([1.0, 2.0]))  # no input requires grad
    assert y.creator is None and f.inputs is None and f.saved == ()
