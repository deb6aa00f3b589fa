"""Tests of kara.ops.reduction: sum, mean, max, min, prod, logsumexp, var,
std, argmax, argmin, over every kind of `axis` and `keepdims`."""

import numpy as np
import pytest

from kara import Tensor
from kara import ops
from kara.testing import assert_allclose
from kara.testing import assert_finite
from kara.testing import check_grad

from ._helpers import DTYPES
from ._helpers import tol


def _logsumexp(x, axis=None, keepdims=False):
    return np.log(np.sum(np.exp(x), axis=axis, keepdims=keepdims))


# name -> (kara op, NumPy reference)
REDUCTIONS = {
    "sum": (ops.sum, np.sum),
    "mean": (ops.mean, np.mean),
    "max": (ops.max, np.max),
    "min": (ops.min, np.min),
    "prod": (ops.prod, np.prod),
    "logsumexp": (ops.logsumexp, _logsumexp),
    "var": (ops.var, np.var),
    "std": (ops.std, np.std),
}

# (input shape, axis): the whole tensor, one axis (both signs), several
# axes, size-1 axes and a scalar
AXES = [
    ((2, 3, 4), None),
    ((2, 3, 4), 0),
    ((2, 3, 4), -1),
    ((2, 3, 4), (0, 2)),
    ((2, 3, 4), [1, -1]),
    ((1, 3, 1), 0),
    ((1, 3, 1), (0, 2)),
    ((5,), 0),
    ((), None),
]


def _sample(rng, shape):
    # all elements distinct and away from zero: no max/min ties, and
    # prod's gradient (a product of the others) is well conditioned
    n = int(np.prod(shape))
    mags = rng.permutation(np.linspace(0.5, 1.5, n)) if n > 1 else [0.8]
    signs = np.where(rng.random(n) < 0.5, -1.0, 1.0)
    return (np.asarray(mags) * signs).reshape(shape)


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
@pytest.mark.parametrize("shape,axis", AXES)
@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("dtype", DTYPES)
def test_reduction_forward(name, shape, axis, keepdims, dtype, rng):
    op, reference = REDUCTIONS[name]
    x = _sample(rng, shape).astype(dtype)
    np_axis = tuple(axis) if isinstance(axis, list) else axis
    expected = reference(x.astype("float64"), axis=np_axis, keepdims=keepdims)
    y = op(x, axis=axis, keepdims=keepdims)
    assert y.shape == np.shape(expected)
    rt = {"rtol": 1e-5, "atol": 1e-6} if dtype == "float32" else tol(dtype)
    assert_allclose(y, expected, dtype=dtype, **rt)


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
@pytest.mark.parametrize("shape,axis", AXES)
@pytest.mark.parametrize("keepdims", [False, True])
def test_reduction_backward(name, shape, axis, keepdims, rng):
    op, _ = REDUCTIONS[name]
    np_axis = tuple(axis) if isinstance(axis, list) else axis
    group = np.prod(shape) / np.prod(np.sum(np.zeros(shape), np_axis).shape)
    if name == "std" and group == 1:
        pytest.skip("std of one element: sqrt at 0 is a kink (grad nan)")
    check_grad(
        lambda x: op(x, axis=axis, keepdims=keepdims), _sample(rng, shape)
    )


def test_max_min_ties_share_the_gradient():
    x = Tensor(np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]]), requires_grad=True)
    ops.max(x, axis=1).backward(np.array([1.0, 3.0]))
    np.testing.assert_allclose(x.grad, [[0, 0.5, 0.5], [1.0, 1.0, 1.0]])
    x.grad = None
    ops.min(x).backward()
    np.testing.assert_allclose(x.grad, [[1, 0, 0], [0, 0, 0]])


def test_max_min_initial():
    x = np.array([1.0, -2.0, 0.5], "float32")
    assert float(ops.max(x, initial=4.0)) == 4.0
    assert float(ops.max(x, initial=-4.0)) == 1.0
    assert float(ops.min(x, initial=-4.0)) == -4.0


@pytest.mark.parametrize("op", [ops.max, ops.min])
def test_max_min_of_empty_tensor_needs_initial(op):
    with pytest.raises(ValueError, match=r"empty tensor \(shape \(0,\)\)"):
        op(np.zeros((0,), "float32"))


@pytest.mark.parametrize("op", [ops.max, ops.min])
def test_max_min_of_empty_tensor_with_initial_give_initial(op):
    # as Keras 3: max(x, initial) is maximum(reduce_max(x), initial)
    x = np.zeros((0, 3), "float32")
    y = op(x, initial=2.0)
    assert y.shape == () and y.dtype == np.float32 and float(y) == 2.0
    np.testing.assert_array_equal(op(x, axis=0, initial=2.0).numpy(), [2] * 3)
    assert op(x, axis=1, initial=2.0).shape == (0,)
    assert op(x, axis=0, keepdims=True, initial=2.0).shape == (1, 3)


def test_prod_gradient_with_zeros():
    # d prod / dx_i is the product of the others, also where x has zeros
    x = np.array([[2.0, 0.0, 3.0], [0.0, 0.0, 4.0], [1.0, 2.0, 3.0]])
    t = Tensor(x, requires_grad=True)
    ops.prod(t, axis=1).backward(np.ones(3))
    np.testing.assert_allclose(
        t.grad, [[0.0, 6.0, 0.0], [0.0, 0.0, 0.0], [6.0, 3.0, 2.0]]
    )
    check_grad(lambda a: ops.prod(a, axis=1), x)
    check_grad(ops.prod, np.array([1.5, 0.0, -2.0]))


def test_prod_dtype_argument():
    y = ops.prod(np.array([1, 2, 3], "int32"), dtype="float32")
    assert_allclose(y, 6.0, dtype="float32")


def test_integer_reductions_keep_a_32_bit_dtype():
    # Keras: the sum of int32 is int32 and of bool int32 (NumPy widens to
    # int64); mean of integers is floatx
    x = np.array([[1, 2], [3, 4]], "int32")
    assert ops.sum(x).dtype == np.int32
    assert int(ops.sum(x)) == 10
    assert ops.sum(x, axis=0).dtype == np.int32
    assert ops.prod(x).dtype == np.int32
    assert int(ops.prod(x)) == 24
    assert ops.sum(np.array([True, True, False])).dtype == np.int32
    assert int(ops.sum(np.array([True, True, False]))) == 2
    assert_allclose(ops.mean(x), 2.5, dtype="float32")
    assert ops.max(x).dtype == np.int32


def test_mean_of_a_large_float32_tensor_stays_float32():
    x = np.full((1000,), 0.1, "float32")
    assert_allclose(ops.mean(x), 0.1, dtype="float32")


@pytest.mark.parametrize("dtype", DTYPES)
def test_logsumexp_extreme_inputs(dtype):
    x = Tensor(np.array([[1000.0, 1000.0], [-1000.0, -1000.0]], dtype))
    x.requires_grad = True
    y = ops.logsumexp(x, axis=1)
    assert_allclose(y, [1000 + np.log(2), -1000 + np.log(2)], dtype=dtype)
    y.backward(np.ones(2, dtype))
    assert_finite(x.grad, "logsumexp gradient")
    np.testing.assert_allclose(x.grad, np.full((2, 2), 0.5))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_logsumexp_of_minus_infinity_is_minus_infinity():
    y = ops.logsumexp(np.array([-np.inf, -np.inf]))
    assert float(y) == -np.inf


@pytest.mark.parametrize(
    "op,reference", [(ops.argmax, np.argmax), (ops.argmin, np.argmin)]
)
@pytest.mark.parametrize("axis", [None, 0, 1, -1])
@pytest.mark.parametrize("keepdims", [False, True])
def test_argmax_argmin(op, reference, axis, keepdims, rng):
    x = rng.standard_normal((3, 4)).astype("float32")
    y = op(x, axis=axis, keepdims=keepdims)
    assert y.dtype == np.int32
    np.testing.assert_array_equal(
        y.numpy(), reference(x, axis=axis, keepdims=keepdims)
    )
    assert y.creator is None


def test_reductions_on_variables_build_a_graph():
    x = Tensor(np.ones((2, 3), "float32"), requires_grad=True)
    for op in (ops.sum, ops.mean, ops.max, ops.min, ops.prod, ops.logsumexp):
        y = op(x, axis=0)
        assert y.creator is not None, op.__name__
        assert y.dtype == np.float32
