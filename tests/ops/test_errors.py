"""Bad input gets a clear error naming the op, the argument and the shapes
or dtypes received (user_asks.md: shape errors are the most re-filed
issue of every framework)."""

import numpy as np
import pytest

from kara import Tensor
from kara import ops


@pytest.mark.parametrize(
    "op", [ops.add, ops.subtract, ops.multiply, ops.divide, ops.power]
)
def test_non_broadcastable_shapes(op):
    name = op.__name__
    with pytest.raises(
        ValueError,
        match=rf"^{name}: cannot broadcast x1 of shape \(2, 3\) and x2 of "
        r"shape \(4,\) together\. .*reshape or expand_dims",
    ):
        op(np.ones((2, 3)), np.ones((4,)))


@pytest.mark.parametrize(
    "op",
    [
        ops.maximum,
        ops.minimum,
        ops.equal,
        ops.less,
        ops.greater_equal,
        ops.logical_and,
        ops.divide_no_nan,
    ],
)
def test_non_broadcastable_shapes_other_binary_ops(op):
    with pytest.raises(
        ValueError,
        match=rf"^{op.__name__}: cannot broadcast x1 of shape \(2, 3\) and x2 "
        r"of shape \(4,\)",
    ):
        op(np.ones((2, 3)), np.ones((4,)))


def test_operator_broadcast_error_names_the_op():
    with pytest.raises(ValueError, match=r"^multiply: .*\(2, 3\).*\(2,\)"):
        Tensor(np.ones((2, 3))) * np.ones(2)


def test_where_broadcast_error_names_condition():
    with pytest.raises(
        ValueError, match=r"^where: cannot broadcast condition of shape \(5,\)"
    ):
        ops.where(np.ones(5, bool), np.ones((2, 3)), 0.0)


def test_matmul_mismatch():
    with pytest.raises(
        ValueError,
        match=r"^matmul: cannot multiply x1 of shape \(2, 3\) by x2 of shape "
        r"\(4, 5\)",
    ):
        ops.matmul(np.ones((2, 3)), np.ones((4, 5)))
    with pytest.raises(ValueError, match=r"^matmul: .*\(2, 3\).*\(4, 5\)"):
        Tensor(np.ones((2, 3))) @ np.ones((4, 5))


@pytest.mark.parametrize(
    "call,op",
    [
        (lambda x: ops.sum(x, axis=5), "sum"),
        (lambda x: ops.mean(x, axis=-3), "mean"),
        (lambda x: ops.max(x, axis=(0, 2)), "max"),
        (lambda x: ops.softmax(x, axis=2), "softmax"),
        (lambda x: ops.log_softmax(x, axis=2), "log_softmax"),
        (lambda x: ops.logsumexp(x, axis=7), "logsumexp"),
        (lambda x: ops.argmax(x, axis=2), "argmax"),
        (lambda x: ops.concatenate([x, x], axis=2), "concatenate"),
        (lambda x: ops.expand_dims(x, 4), "expand_dims"),
        (lambda x: ops.take(x, [0], axis=3), "take"),
    ],
)
def test_axis_out_of_range(call, op):
    with pytest.raises(
        ValueError,
        match=rf"^{op}: axis -?\d is out of range for an input of rank \d",
    ):
        call(np.ones((2, 3)))


def test_axis_of_wrong_type():
    with pytest.raises(TypeError, match=r"^sum: `axis` must be an int.*'a'"):
        ops.sum(np.ones(3), axis="a")


@pytest.mark.parametrize(
    "call,op,arg",
    [
        (lambda: ops.exp("abc"), "exp", "x"),
        (lambda: ops.relu("abc"), "relu", "x"),
        (lambda: ops.sum("abc"), "sum", "x"),
        (lambda: ops.add("abc", 1.0), "add", "x1"),
        (lambda: ops.add(np.ones(2), "abc"), "add", "x2"),
        (lambda: ops.reshape("abc", (1,)), "reshape", "x"),
        (lambda: ops.dense("abc", np.ones((2, 2))), "dense", "x"),
        (
            lambda: ops.softmax_cross_entropy_with_logits([1.0], "abc"),
            "softmax_cross_entropy",
            "logits",
        ),
    ],
)
def test_string_where_an_array_is_expected(call, op, arg):
    with pytest.raises(
        TypeError,
        match=rf"^{op}: Expected an array-like for `{arg}`, but received the "
        r"string 'abc'",
    ):
        call()


def test_string_array_names_its_dtype():
    with pytest.raises(
        TypeError, match=r"^exp: .*NumPy array of dtype <U1 and shape \(2,\)"
    ):
        ops.exp(np.array(["a", "b"]))


def test_object_array_of_numbers_is_converted():
    y = ops.exp(np.array([0.0, 1.0], dtype=object))
    assert y.dtype == np.float32


def test_ragged_list():
    with pytest.raises(TypeError, match=r"^exp: Could not convert `x` of type"):
        ops.exp([[1.0, 2.0], [3.0]])


def test_none_input():
    with pytest.raises(TypeError, match=r"^exp: Could not convert `x`"):
        ops.exp(None)
