"""Variable: a Keras weight whose value changes in place."""

import re

import numpy as np
import pytest

from kara import Tensor
from kara import Variable
from kara import config
from kara import ops


def test_creation_from_values():
    v = Variable([1.0, 2.0], name="w")
    assert v.dtype == np.float32 and v.shape == (2,)
    assert v.name == "w" and v.path == "w"
    assert v.trainable and v.requires_grad
    assert v.regularizer is None and v.constraint is None
    assert isinstance(v, Tensor)


def test_float64_values_become_floatx_unless_dtype_is_given():
    assert Variable(np.zeros(2)).dtype == np.float32
    assert Variable(np.zeros(2), dtype="float64").dtype == np.float64
    assert Variable(np.array([1, 2])).dtype == np.int64
    config.set_floatx("float64")
    try:
        assert Variable([1.0]).dtype == np.float64
    finally:
        config.set_floatx("float32")


def test_creation_from_an_initializer_callable():
    def init(shape, dtype=None):
        return np.full(shape, 0.5, dtype=dtype)

    v = Variable(init, shape=(2, 3))
    assert v.shape == (2, 3) and v.dtype == np.float32
    np.testing.assert_array_equal(v.numpy(), np.full((2, 3), 0.5))
    v64 = Variable(init, shape=[2], dtype="float64")
    assert v64.dtype == np.float64


def test_creation_errors():
    with pytest.raises(ValueError, match=r"`shape` is required"):
        Variable(lambda shape, dtype=None: np.zeros(shape))
    with pytest.raises(ValueError, match=r"initializer=None"):
        Variable()
    with pytest.raises(
        ValueError,
        match=r"Variable 'w': initial value has shape \(2,\), but "
        r"shape=\(3,\)",
    ):
        Variable([1.0, 2.0], shape=(3,), name="w")
    with pytest.raises(
        TypeError, match=r"unexpected keyword arguments \['foo'\]"
    ):
        Variable([1.0], foo=1)


def test_tf_spelling_initial_value():
    v = Variable(initial_value=[3.0])
    np.testing.assert_array_equal(v.numpy(), [3.0])


def test_variable_owns_its_memory():
    a = np.zeros(3, "float32")
    v = Variable(a)
    v.assign([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(a, np.zeros(3))  # the source is untouched


def test_assign_works_in_place():
    v = Variable([1.0, 2.0])
    data = v.data
    assert v.assign(np.array([5.0, 6.0])) is v
    assert v.data is data  # same buffer: optimizers keep their reference
    np.testing.assert_array_equal(v.numpy(), [5.0, 6.0])
    v.assign_add([1.0, 1.0])
    np.testing.assert_array_equal(v.numpy(), [6.0, 7.0])
    v.assign_sub(np.array([0.5, 0.5]))
    np.testing.assert_array_equal(v.numpy(), [5.5, 6.5])
    assert v.data is data and v.dtype == np.float32
    v.assign_add(1.0)  # a scalar broadcasts over the variable
    np.testing.assert_array_equal(v.numpy(), [6.5, 7.5])


def test_assign_accepts_tensors_and_casts_to_the_variables_dtype():
    v = Variable([1.0, 2.0])
    v.assign(Tensor(np.array([3.0, 4.0], "float64")))
    assert v.dtype == np.float32
    np.testing.assert_array_equal(v.numpy(), [3.0, 4.0])


@pytest.mark.parametrize("method", ["assign", "assign_add", "assign_sub"])
def test_assign_shape_errors(method):
    v = Variable(np.zeros((2, 3)), name="kernel")
    with pytest.raises(
        ValueError,
        match=rf"Variable\.{method}: the value has shape \(3, 2\) but "
        r"variable 'kernel' has shape \(2, 3\)",
    ):
        getattr(v, method)(np.ones((3, 2)))
    np.testing.assert_array_equal(v.numpy(), np.zeros((2, 3)))


def test_numpy_returns_a_copy_and_value_a_constant():
    v = Variable([1.0, 2.0])
    a = v.numpy()
    a[0] = 9.0
    assert v.data[0] == 1.0
    val = v.value
    assert isinstance(val, Tensor) and not isinstance(val, Variable)
    assert val.creator is None and not val.requires_grad


def test_trainable_controls_gradients():
    v = Variable([1.0, 2.0], trainable=False)
    assert not v.requires_grad
    ops.sum(v * 2.0).backward()
    assert v.grad is None
    v.trainable = True
    assert v.requires_grad
    ops.sum(v * 2.0).backward()
    np.testing.assert_array_equal(v.grad, [2.0, 2.0])


def test_gradient_lands_in_grad_with_the_variables_dtype():
    v = Variable(np.ones((2, 2), "float32"))
    ops.sum(ops.matmul(v, np.ones((2, 2)))).backward()
    assert v.grad.dtype == np.float32 and v.grad.shape == (2, 2)


def test_in_place_update_between_steps_is_seen_by_the_next_graph():
    v = Variable([1.0])
    y1 = v * 2.0
    v.data -= 0.5  # an optimizer step
    y2 = v * 2.0
    assert float(y1) == 2.0 and float(y2) == 1.0


def test_repr():
    v = Variable([1.5], name="w")
    assert (
        repr(v) == "<Variable path=w, shape=(1,), dtype=float32, value=[1.5]>"
    )


@pytest.mark.parametrize(
    "value, fix",
    [
        (0.0, r"e\.g\. np\.full\(\(2, 3\), value\)"),
        (np.ones(3), r"reshape the value"),
        (np.ones((1, 3)), r"reshape the value"),
    ],
)
def test_assign_wants_the_exact_shape_as_keras(value, fix):
    # Keras 3 (and tf.Variable) refuse a value that merely broadcasts;
    # assign_add and assign_sub accept it (they compute v + value)
    v = Variable(np.zeros((2, 3)), name="w")
    shape = re.escape(str(np.shape(value)))
    with pytest.raises(
        ValueError,
        match=rf"Variable\.assign: the value has shape {shape} but "
        rf"variable 'w' has shape \(2, 3\)\. .*{fix}",
    ):
        v.assign(value)
    np.testing.assert_array_equal(v.numpy(), np.zeros((2, 3)))
    v.assign_add(value)
    v.assign_sub(np.ones((1, 3)))
    np.testing.assert_array_equal(v.numpy(), np.zeros((2, 3)) + value - 1)
