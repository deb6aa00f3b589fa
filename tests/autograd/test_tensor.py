"""The Tensor protocol: array attributes, NumPy interop, Python conversions,
indexing and operators with Tensors, arrays and Python numbers on either
side."""

import operator

import numpy as np
import pytest

from kara import Tensor
from kara import Variable
from kara.autograd import as_tensor
from kara.testing import check_grad


def test_array_attributes():
    data = np.arange(6, dtype="float32").reshape(2, 3)
    t = Tensor(data)
    assert t.shape == (2, 3) and t.dtype == np.float32
    assert t.ndim == 2 and t.size == 6
    assert t.numpy() is data  # no copy for a NumPy-backed tensor
    assert t.grad is None and t.creator is None and not t.requires_grad


def test_construction_converts_like_keras():
    assert Tensor([1.0, 2.0]).dtype == np.float32
    assert Tensor([1, 2]).dtype == np.int32
    assert Tensor(np.zeros(2)).dtype == np.float64
    assert Tensor([1, 2], dtype="float64").dtype == np.float64
    assert Tensor(3.0, name="t").name == "t"


def test_numpy_conversion_protocol():
    t = Tensor(np.array([1.0, 2.0], "float32"))
    a = np.asarray(t)
    assert isinstance(a, np.ndarray) and a.dtype == np.float32
    assert a is t.data  # asarray shares memory
    b = np.array(t)
    b[0] = 10.0  # np.array copies: the tensor does not change
    assert t.data[0] == 1.0
    assert np.asarray(t, dtype="float64").dtype == np.float64
    np.testing.assert_array_equal(np.array(t, dtype="int32"), [1, 2])


def test_python_conversions():
    assert float(Tensor(np.float32(2.5))) == 2.5
    assert float(Tensor(np.array([2.5]))) == 2.5
    assert int(Tensor(np.array(3))) == 3
    assert Tensor(np.array(7.0)).item() == 7.0
    assert [10, 20, 30][Tensor(np.array(1))] == 20  # __index__
    assert bool(Tensor(np.array(1.0))) and not bool(Tensor(np.array(0.0)))
    with pytest.raises(ValueError, match="ambiguous"):
        bool(Tensor(np.ones(2)))


def test_len_and_iteration():
    t = Tensor(np.arange(6.0).reshape(3, 2))
    assert len(t) == 3
    rows = list(t)
    assert len(rows) == 3 and all(isinstance(r, Tensor) for r in rows)
    np.testing.assert_array_equal(rows[2].numpy(), [4.0, 5.0])
    with pytest.raises(TypeError, match="len\\(\\) of a 0-d Tensor"):
        len(Tensor(1.0))
    with pytest.raises(TypeError, match="Iteration over a 0-d Tensor"):
        iter(Tensor(1.0)).__next__()


def test_iteration_is_differentiable():
    x = Tensor(np.arange(6.0).reshape(3, 2), requires_grad=True)
    total = None
    for i, row in enumerate(x):
        total = row * (i + 1) if total is None else total + row * (i + 1)
    total.backward(np.ones(2))
    np.testing.assert_array_equal(x.grad, [[1, 1], [2, 2], [3, 3]])


def test_repr_and_str():
    t = Tensor(np.array([1.0, 2.0], "float32"))
    assert repr(t).startswith("<Tensor: shape=(2,), dtype=float32, numpy=")
    assert str(t) == "[1. 2.]"


def test_tensors_are_hashable_by_identity():
    a, b = Tensor(np.ones(2)), Tensor(np.ones(2))
    assert len({a, b}) == 2
    assert {a: 1}[a] == 1


# ------------------------------------------------------------- operators
ARITH = [
    (operator.add, np.add),
    (operator.sub, np.subtract),
    (operator.mul, np.multiply),
    (operator.truediv, np.divide),
    (operator.pow, np.power),
]
COMPARE = [
    (operator.lt, np.less),
    (operator.le, np.less_equal),
    (operator.gt, np.greater),
    (operator.ge, np.greater_equal),
    (operator.eq, np.equal),
    (operator.ne, np.not_equal),
]


def _operands(rng):
    a = rng.uniform(0.5, 2.0, (2, 3)).astype("float32")
    b = rng.uniform(0.5, 2.0, (3,)).astype("float32")
    b[0] = a[0, 0]  # one equal pair for == and !=
    return a, b


@pytest.mark.parametrize("op,reference", ARITH + COMPARE)
def test_operators_with_tensors_arrays_and_scalars(op, reference, rng):
    a, b = _operands(rng)
    expected = reference(a, b)
    for left, right in [
        (Tensor(a), Tensor(b)),
        (Tensor(a), b),
        (a, Tensor(b)),
    ]:
        y = op(left, right)
        assert isinstance(y, Tensor), (type(left), type(right))
        assert y.dtype == expected.dtype
        np.testing.assert_allclose(y.numpy(), expected, rtol=1e-6)
    for scalar in (2, 1.5):
        y = op(Tensor(a), scalar)
        np.testing.assert_allclose(
            y.numpy(), reference(a, np.float32(scalar)), rtol=1e-6
        )
        y = op(scalar, Tensor(a))
        np.testing.assert_allclose(
            y.numpy(), reference(np.float32(scalar), a), rtol=1e-6
        )


def test_other_operators(rng):
    a = rng.uniform(0.5, 2.0, (2, 3)).astype("float32")
    t = Tensor(a)
    np.testing.assert_array_equal((-t).numpy(), -a)
    assert +t is t
    np.testing.assert_array_equal(abs(Tensor(-a)).numpy(), a)
    np.testing.assert_array_equal((t // 0.5).numpy(), a // np.float32(0.5))
    np.testing.assert_array_equal((3.0 // t).numpy(), np.float32(3) // a)
    np.testing.assert_allclose((t % 0.5).numpy(), a % np.float32(0.5))
    np.testing.assert_allclose((t @ a.T).numpy(), a @ a.T, rtol=1e-6)
    np.testing.assert_allclose((a @ t.T).numpy(), a @ a.T, rtol=1e-6)
    m = Tensor(a > 1.0)
    np.testing.assert_array_equal((m & (t < 1.5)).numpy(), (a > 1) & (a < 1.5))
    np.testing.assert_array_equal((m | False).numpy(), a > 1)
    np.testing.assert_array_equal((~m).numpy(), ~(a > 1))


@pytest.mark.parametrize(
    "op", [operator.add, operator.sub, operator.mul, operator.truediv]
)
def test_operators_are_differentiable_on_both_sides(op, rng):
    a = rng.uniform(0.5, 2.0, (2, 3))
    b = rng.uniform(0.5, 2.0, (3,))
    check_grad(op, a, b)
    check_grad(lambda x: op(x, b), a)  # array on the right
    check_grad(lambda x: op(b, x), a)  # array on the left
    check_grad(lambda x: op(2.5, x), a)
    check_grad(lambda x: op(x, 2.5), a)


def test_pow_operator_gradient(rng):
    a = rng.uniform(0.5, 2.0, (2, 3))
    check_grad(lambda x: x**2.5, a)
    check_grad(lambda x: 2.5**x, a)
    check_grad(lambda x, y: x**y, a, rng.uniform(-1, 1, (3,)))


# ------------------------------------------------------- NumPy ufuncs
@pytest.mark.parametrize(
    "ufunc",
    [
        np.exp,
        np.log,
        np.sqrt,
        np.tanh,
        np.square,
        np.negative,
        np.abs,
        np.log1p,
    ],
)
def test_numpy_ufuncs_become_differentiable_ops(ufunc, rng):
    a = rng.uniform(0.5, 2.0, (2, 3))
    y = ufunc(Tensor(a.astype("float32")))
    assert isinstance(y, Tensor) and y.dtype == np.float32
    np.testing.assert_allclose(y.numpy(), ufunc(a), rtol=1e-6, atol=1e-6)
    check_grad(ufunc, a)


@pytest.mark.parametrize("ufunc", [np.add, np.multiply, np.maximum, np.power])
def test_numpy_binary_ufuncs(ufunc, rng):
    a, b = rng.uniform(0.5, 2.0, (2, 3)), rng.uniform(0.5, 2.0, (3,))
    y = ufunc(Tensor(a), b)
    assert isinstance(y, Tensor)
    np.testing.assert_allclose(y.numpy(), ufunc(a, b))
    check_grad(lambda x: ufunc(x, b), a)


def test_unknown_ufuncs_run_on_the_raw_arrays():
    t = Tensor(np.array([0.0, np.pi / 2], "float32"))
    y = np.sin(t)
    assert isinstance(y, np.ndarray) and y.dtype == np.float32
    np.testing.assert_allclose(y, [0.0, 1.0], atol=1e-7)
    out = np.zeros(2, "float32")
    np.add(t, t, out=out)  # with `out=`: plain NumPy, written in place
    np.testing.assert_allclose(out, [0.0, np.pi])


# --------------------------------------------------------------- methods
def test_methods(rng):
    a = rng.standard_normal((2, 3))
    t = Tensor(a)
    np.testing.assert_array_equal(t.T.numpy(), a.T)
    np.testing.assert_array_equal(t.reshape(3, 2).numpy(), a.reshape(3, 2))
    np.testing.assert_array_equal(t.reshape((6,)).numpy(), a.reshape(6))
    np.testing.assert_array_equal(t.transpose().numpy(), a.T)
    np.testing.assert_array_equal(t.transpose(1, 0).numpy(), a.T)
    np.testing.assert_allclose(t.sum(axis=0).numpy(), a.sum(0))
    np.testing.assert_allclose(
        t.mean(keepdims=True).numpy(), a.mean(keepdims=True)
    )
    np.testing.assert_allclose(t.max(axis=1).numpy(), a.max(1))
    np.testing.assert_allclose(t.min().numpy(), a.min())
    assert t.astype("float32").dtype == np.float32


def test_detach_and_zero_grad():
    x = Tensor(np.ones(2), requires_grad=True)
    y = x * 2
    d = y.detach()
    assert d.creator is None and not d.requires_grad
    assert np.shares_memory(d.data, y.data)
    y.backward(np.ones(2))
    assert x.grad is not None
    x.zero_grad()
    assert x.grad is None


def test_as_tensor():
    t = Tensor(np.ones(2, "float32"))
    assert as_tensor(t) is t
    assert as_tensor(t, "float64").dtype == np.float64
    assert as_tensor([1.0]).dtype == np.float32
    v = Variable([1.0])
    assert as_tensor(v) is v


# -------------------------------------------------------------- indexing
def test_indexing_and_slicing(rng):
    a = rng.standard_normal((3, 4))
    t = Tensor(a)
    for key in [
        0,
        -1,
        slice(1, 3),
        (slice(None), 2),
        (1, slice(None, None, -1)),
        [2, 0, 2],
        (Ellipsis, None, 0),
        a > 0,
    ]:
        np.testing.assert_array_equal(t[key].numpy(), a[key])


def test_indexing_is_differentiable_with_repeated_fancy_indices(rng):
    a = rng.standard_normal((3, 4))
    check_grad(lambda x: x[[0, 2, 2, 0, 0]], a)
    check_grad(lambda x: x[1:, ::2], a)
    check_grad(lambda x: x[np.array([1, 1]), np.array([3, 3])], a)
    x = Tensor(a, requires_grad=True)
    x[[1, 1, 1]].backward(np.ones((3, 4)))
    np.testing.assert_array_equal(x.grad[1], np.full(4, 3.0))
    np.testing.assert_array_equal(x.grad[[0, 2]], np.zeros((2, 4)))


def test_numpy_reductions_accept_tensors():
    t = Tensor(np.array([[1.0, 2.0], [3.0, 4.0]], "float32"))
    assert float(np.sum(t)) == 10.0
    np.testing.assert_allclose(np.asarray(np.mean(t, axis=0)), [2.0, 3.0])
    assert float(np.max(t)) == 4.0
    np.testing.assert_allclose(np.asarray(np.min(t, axis=1)), [1.0, 3.0])
    assert np.sum(t, dtype="float64").dtype == np.float64
    with pytest.raises(TypeError, match="out="):
        t.sum(out=np.zeros(()))
