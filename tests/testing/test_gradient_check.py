"""check_grad itself: it passes on correct backwards and catches wrong ones
(swapped, permuted, mis-scaled, wrong dtype, leaking into labels), in the
elementwise and the directional mode."""

import numpy as np
import pytest

from kara import Function
from kara import ops
from kara.testing import check_grad
from kara.testing import numerical_grad


class Mul(Function):
    def forward(self, a, b):
        self.save_for_backward(a, b)
        return a * b

    def backward(self, gy):
        a, b = self.saved
        return gy * b, gy * a


class SwappedMul(Mul):
    """The classic bug: each input gets the other's gradient."""

    def backward(self, gy):
        a, b = self.saved
        return gy * a, gy * b


class ReversedIdentity(Function):
    """y = x, but backward hands position i the gradient of position -i."""

    def forward(self, x):
        return x.copy()

    def backward(self, gy):
        return gy[::-1].copy()


class ScaledIdentity(Function):
    def forward(self, x):
        return x.copy()

    def backward(self, gy):
        return gy * 1.001


def test_passes_on_a_correct_backward(rng):
    a, b = rng.standard_normal((3, 4)), rng.standard_normal((4,))
    assert check_grad(lambda x, y: Mul()(x, y), a, b) is True


def test_passes_on_kara_ops_with_broadcasting(rng):
    a, b = rng.standard_normal((3, 4)), rng.standard_normal((4,))
    check_grad(lambda x, y: ops.tanh(x * y + x), a, b)


def test_catches_a_swapped_backward_with_a_report(rng):
    a, b = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    with pytest.raises(AssertionError) as info:
        check_grad(lambda x, y: SwappedMul()(x, y), a, b)
    report = str(info.value)
    assert "check_grad(<lambda>) failed" in report
    assert "input 0 (3, 4): 12 of 12 elements differ" in report
    assert "input 1 (3, 4)" in report
    assert "backprop" in report and "numerical" in report


def test_catches_a_permuted_gradient_that_ones_would_hide(rng):
    x = rng.standard_normal(5)
    # with gy = ones, the reversed gradient equals the right one ...
    check_grad(lambda t: ReversedIdentity()(t), x, gy=np.ones(5))
    # ... the default random gy exposes it
    with pytest.raises(AssertionError, match=r"elements differ"):
        check_grad(lambda t: ReversedIdentity()(t), x)


def test_catches_a_small_scale_error(rng):
    with pytest.raises(AssertionError, match=r"input 0 \(2, 3\)"):
        check_grad(lambda t: ScaledIdentity()(t), rng.standard_normal((2, 3)))


def test_directional_mode_for_large_inputs(rng):
    big = rng.standard_normal((20, 15))  # 300 elements > 200
    check_grad(ops.tanh, big)
    with pytest.raises(AssertionError, match=r"directional derivative"):
        check_grad(lambda t: ReversedIdentity()(t), big)


def test_directional_mode_can_be_forced(rng):
    a, b = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    check_grad(lambda x, y: Mul()(x, y), a, b, max_elementwise=0)
    with pytest.raises(
        AssertionError,
        match=r"input 0 \(3, 4\): directional derivative backprop=.* "
        r"numerical=",
    ):
        check_grad(lambda x, y: SwappedMul()(x, y), a, b, max_elementwise=0)


def test_integer_inputs_are_passed_through_and_get_no_gradient(rng):
    labels = np.array([1, 2, 3])
    x = rng.standard_normal(3)
    seen = []

    def fn(t, z):
        seen.append((t.dtype, t.requires_grad))
        return ops.take(z, t - 1) * ops.cast(t, "float64")

    check_grad(fn, labels, x)
    assert set(seen) == {(np.dtype("int64"), False)}


def test_gradient_dtype_of_a_backward_is_cast_by_the_engine(rng):
    class Float32Grad(Function):
        def forward(self, x):
            return x * 2

        def backward(self, gy):
            return (gy * 2).astype("float32")

    # the engine casts gradients to each input's dtype, so the check sees
    # float64 here: a backward's dtype cannot leak into .grad
    check_grad(lambda t: Float32Grad()(t), rng.standard_normal(3))


def test_argnums_limits_the_checked_inputs(rng):
    a, b = rng.standard_normal(3), rng.standard_normal(3)
    # only b is checked, so a's wrong gradient goes unnoticed
    check_grad(lambda x, y: SwappedMul()(x, y), a, a, argnums=[1])
    with pytest.raises(AssertionError):
        check_grad(lambda x, y: SwappedMul()(x, y), a, b, argnums=[1])


def test_inputs_are_checked_in_float64(rng):
    x32 = rng.standard_normal((2, 2)).astype("float32")
    seen = []

    def fn(t):
        seen.append(t.dtype)
        return ops.exp(t)

    check_grad(fn, x32)
    assert set(seen) == {np.dtype("float64")}


def test_unconnected_input_has_zero_gradient(rng):
    check_grad(
        lambda x, y: x * 2.0, rng.standard_normal(2), rng.standard_normal(2)
    )


def test_fn_must_return_a_tensor(rng):
    with pytest.raises(TypeError, match=r"fn must return a Tensor, got tuple"):
        check_grad(lambda x: (x, x), rng.standard_normal(2))


def test_custom_upstream_gradient_and_tolerances(rng):
    x = rng.standard_normal((2, 3))
    check_grad(ops.tanh, x, gy=np.full((2, 3), 0.5))
    # a tolerance loose enough lets a 0.1% scale error through
    check_grad(lambda t: ScaledIdentity()(t), x, rtol=1e-2)


def test_numerical_grad_of_a_quadratic():
    x = np.array([1.0, -2.0, 0.5])

    def loss():
        return float(np.sum(x**2))

    np.testing.assert_allclose(numerical_grad(loss, x), 2 * x, rtol=1e-8)
    np.testing.assert_array_equal(x, [1.0, -2.0, 0.5])  # restored
