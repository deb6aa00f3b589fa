"""Tests of kara.ops.shape: reshape, transpose, expand/squeeze, broadcast,
concatenate/stack/split, indexing (get_item, take, take_along_axis), tile
and repeat. Each is compared with NumPy and gradient-checked."""

import numpy as np
import pytest

from kara import Tensor
from kara import ops
from kara.testing import assert_allclose
from kara.testing import check_grad

from ._helpers import DTYPES

# name -> (kara call, NumPy reference, input shape)
CASES = {
    "reshape": (
        lambda x: ops.reshape(x, (3, -1)),
        lambda x: x.reshape(3, -1),
        (2, 3, 2),
    ),
    "reshape_to_scalar": (
        lambda x: ops.reshape(x, ()),
        lambda x: x.reshape(()),
        (1, 1),
    ),
    "reshape_none": (
        lambda x: ops.reshape(x, (None, 2)),
        lambda x: x.reshape(-1, 2),
        (4, 3),
    ),
    "flatten": (ops.flatten, np.ravel, (2, 3)),
    "transpose": (ops.transpose, np.transpose, (2, 3, 4)),
    "transpose_axes": (
        lambda x: ops.transpose(x, (1, 2, 0)),
        lambda x: np.transpose(x, (1, 2, 0)),
        (2, 3, 4),
    ),
    "transpose_negative": (
        lambda x: ops.transpose(x, (0, -1, 1)),
        lambda x: np.transpose(x, (0, 2, 1)),
        (2, 3, 4),
    ),
    "swapaxes": (
        lambda x: ops.swapaxes(x, 0, -1),
        lambda x: np.swapaxes(x, 0, -1),
        (2, 3, 4),
    ),
    "expand_dims_0": (
        lambda x: ops.expand_dims(x, 0),
        lambda x: x[None],
        (2, 3),
    ),
    "expand_dims_-1": (
        lambda x: ops.expand_dims(x, -1),
        lambda x: np.expand_dims(x, -1),
        (2, 3),
    ),
    "expand_dims_scalar": (
        lambda x: ops.expand_dims(x, 0),
        lambda x: np.expand_dims(x, 0),
        (),
    ),
    "expand_dims_tuple": (
        lambda x: ops.expand_dims(x, (0, 2)),
        lambda x: np.expand_dims(x, (0, 2)),
        (2, 3),
    ),
    "squeeze": (ops.squeeze, np.squeeze, (1, 3, 1)),
    "squeeze_axis": (
        lambda x: ops.squeeze(x, axis=-1),
        lambda x: np.squeeze(x, -1),
        (1, 3, 1),
    ),
    "broadcast_to": (
        lambda x: ops.broadcast_to(x, (2, 3, 4)),
        lambda x: np.broadcast_to(x, (2, 3, 4)),
        (3, 1),
    ),
    "broadcast_scalar": (
        lambda x: ops.broadcast_to(x, (2, 2)),
        lambda x: np.broadcast_to(x, (2, 2)),
        (),
    ),
    "tile": (
        lambda x: ops.tile(x, (2, 3)),
        lambda x: np.tile(x, (2, 3)),
        (2, 3),
    ),
    "tile_more_reps": (
        lambda x: ops.tile(x, (2, 1, 2)),
        lambda x: np.tile(x, (2, 1, 2)),
        (3,),
    ),
    "tile_int": (lambda x: ops.tile(x, 3), lambda x: np.tile(x, 3), (2, 2)),
    "repeat": (lambda x: ops.repeat(x, 2), lambda x: np.repeat(x, 2), (2, 3)),
    "repeat_axis": (
        lambda x: ops.repeat(x, [1, 0, 3], axis=1),
        lambda x: np.repeat(x, [1, 0, 3], axis=1),
        (2, 3),
    ),
    "take_flat": (
        lambda x: ops.take(x, [5, 0, 5]),
        lambda x: np.take(x, [5, 0, 5]),
        (2, 3),
    ),
    "take_axis0": (
        lambda x: ops.take(x, [1, 1, 0], axis=0),
        lambda x: np.take(x, [1, 1, 0], axis=0),
        (2, 3),
    ),
    "take_axis1_2d_indices": (
        lambda x: ops.take(x, np.array([[0, 2], [2, 2]]), axis=1),
        lambda x: np.take(x, np.array([[0, 2], [2, 2]]), axis=1),
        (2, 3, 2),
    ),
    "take_negative": (
        lambda x: ops.take(x, -1, axis=-1),
        lambda x: np.take(x, -1, axis=-1),
        (2, 3),
    ),
    "take_along_axis": (
        lambda x: ops.take_along_axis(x, np.array([[0, 0], [2, 1]]), axis=1),
        lambda x: np.take_along_axis(x, np.array([[0, 0], [2, 1]]), axis=1),
        (2, 3),
    ),
    "take_along_axis_none": (
        lambda x: ops.take_along_axis(x, np.array([4, 4, 0])),
        lambda x: np.take_along_axis(x.ravel(), np.array([4, 4, 0]), 0),
        (2, 3),
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("dtype", DTYPES)
def test_shape_op_forward(name, dtype, rng):
    op, reference, shape = CASES[name]
    x = rng.standard_normal(shape).astype(dtype)
    y = op(x)
    expected = reference(x)
    assert y.shape == expected.shape
    assert_allclose(y, expected, dtype=dtype, rtol=0, atol=0)


@pytest.mark.parametrize("name", sorted(CASES))
def test_shape_op_backward(name, rng):
    op, _, shape = CASES[name]
    check_grad(op, rng.standard_normal(shape))


def test_shape_ops_keep_integer_dtypes():
    x = np.arange(6, dtype="int32").reshape(2, 3)
    for y in (
        ops.reshape(x, (3, 2)),
        ops.transpose(x),
        ops.expand_dims(x, 0),
        ops.take(x, [0], axis=1),
        ops.concatenate([x, x]),
        ops.stack([x, x]),
        ops.tile(x, 2),
    ):
        assert y.dtype == np.int32


# ------------------------------------------------------ join and split
@pytest.mark.parametrize("axis", [0, 1, -1])
@pytest.mark.parametrize("dtype", DTYPES)
def test_concatenate(axis, dtype, rng):
    shapes = {0: [(1, 3), (2, 3)], 1: [(2, 1), (2, 4)], -1: [(2, 2), (2, 1)]}
    xs = [rng.standard_normal(s).astype(dtype) for s in shapes[axis]]
    assert_allclose(
        ops.concatenate(xs, axis=axis),
        np.concatenate(xs, axis=axis),
        dtype=dtype,
    )
    check_grad(
        lambda a, b: ops.concatenate([a, b], axis=axis),
        *[x.astype("float64") for x in xs],
    )


def test_concatenate_three_and_mixed_dtypes(rng):
    a = rng.standard_normal((2,)).astype("float32")
    b = np.array([1, 2], "int32")
    y = ops.concatenate([a, b, a])
    assert y.dtype == np.float32
    assert_allclose(y, np.concatenate([a, b, a]).astype("float32"))
    check_grad(lambda x, z: ops.concatenate([x, z, x]), a, a * 2)


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_stack(axis, rng):
    xs = [rng.standard_normal((2, 3)) for _ in range(3)]
    assert_allclose(ops.stack(xs, axis=axis), np.stack(xs, axis=axis))
    check_grad(lambda *ts: ops.stack(list(ts), axis=axis), *xs)


def test_stack_scalars():
    y = ops.stack([1.0, 2.0, 3.0])
    assert_allclose(y, [1.0, 2.0, 3.0], dtype="float32")


@pytest.mark.parametrize(
    "sections,axis", [(2, 0), (3, 1), ([1, 3], 1), ([1], -1)]
)
def test_split(sections, axis, rng):
    x = rng.standard_normal((2, 4))
    if sections == 3:
        x = rng.standard_normal((2, 6))
    parts = ops.split(x, sections, axis=axis)
    expected = np.split(x, sections, axis=axis)
    assert isinstance(parts, list) and len(parts) == len(expected)
    for p, e in zip(parts, expected):
        assert_allclose(p, e)
    # every part used, with different weights
    check_grad(
        lambda t: ops.concatenate(
            [p * (i + 1) for i, p in enumerate(ops.split(t, sections, axis))],
            axis=axis,
        ),
        x,
    )


def test_split_with_unused_parts_gives_zero_gradient():
    x = Tensor(np.arange(6.0), requires_grad=True)
    a, b, c = ops.split(x, 3)
    ops.sum(b * 2.0).backward()
    np.testing.assert_array_equal(x.grad, [0, 0, 2, 2, 0, 0])


# -------------------------------------------------------------- get_item
KEYS = {
    "int": 1,
    "negative_int": -1,
    "slice": slice(1, None),
    "step_slice": slice(None, None, -2),
    "tuple": (0, slice(None, 2)),
    "ellipsis": (Ellipsis, 1),
    "newaxis": (None, 1),
    "list_repeated": [1, 1, 0, 1],
    "array_pair": (np.array([0, 1, 1]), np.array([2, 2, 0])),
    "mixed_fancy": (slice(None), [2, 0, 2]),
    "mask": np.array(
        [[True, False, True], [False, True, True], [True, True, False]]
    ),
    "row_mask": np.array([True, False, True]),
}


@pytest.mark.parametrize("name", sorted(KEYS))
@pytest.mark.parametrize("dtype", DTYPES)
def test_get_item_forward(name, dtype, rng):
    x = rng.standard_normal((3, 3)).astype(dtype)
    key = KEYS[name]
    y = Tensor(x)[key]
    np.testing.assert_array_equal(y.numpy(), x[key])
    assert y.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(ops.get_item(x, key).numpy(), x[key])


@pytest.mark.parametrize("name", sorted(KEYS))
def test_get_item_backward(name, rng):
    key = KEYS[name]
    check_grad(lambda t: t[key], rng.standard_normal((3, 3)))


def test_get_item_repeated_fancy_indices_accumulate():
    x = Tensor(np.zeros(4), requires_grad=True)
    x[[0, 2, 2, 2]].backward(np.array([1.0, 1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(x.grad, [1.0, 0.0, 6.0, 0.0])


def test_get_item_with_tensor_indices():
    x = Tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    idx = Tensor(np.array([2, 0]))
    y = x[:, idx]
    np.testing.assert_array_equal(y.numpy(), [[2, 0], [5, 3]])
    y.backward(np.ones((2, 2)))
    np.testing.assert_array_equal(x.grad, [[1, 0, 1], [1, 0, 1]])


def test_get_item_out_of_range_is_an_index_error():
    with pytest.raises(IndexError, match="index 5 is out of bounds"):
        Tensor(np.zeros(3))[5]


def test_take_repeated_indices_accumulate():
    x = Tensor(np.zeros((3, 2)), requires_grad=True)
    ops.take(x, [2, 2, 0], axis=0).backward(np.ones((3, 2)))
    np.testing.assert_array_equal(x.grad, [[1, 1], [0, 0], [2, 2]])


def test_take_along_axis_repeated_indices_accumulate():
    x = Tensor(np.zeros((2, 3)), requires_grad=True)
    idx = np.array([[1, 1, 1], [0, 2, 0]])
    ops.take_along_axis(x, idx, axis=1).backward(np.ones((2, 3)))
    np.testing.assert_array_equal(x.grad, [[0, 3, 0], [2, 0, 1]])


def test_take_accepts_integral_float_indices():
    y = ops.take(np.array([10.0, 20.0, 30.0]), np.array([2.0, 0.0]))
    np.testing.assert_array_equal(y.numpy(), [30.0, 10.0])


# --------------------------------------------------------------- errors
def test_reshape_error_names_shapes():
    with pytest.raises(
        ValueError, match=r"reshape: cannot reshape a tensor of shape \(2, 3\)"
    ):
        ops.reshape(np.zeros((2, 3)), (4, 2))


def test_reshape_rejects_two_unknown_dimensions():
    with pytest.raises(ValueError, match=r"at most one -1"):
        ops.reshape(np.zeros((2, 3)), (-1, -1))


def test_transpose_error_names_axes():
    with pytest.raises(ValueError, match=r"transpose: `axes` must be a perm"):
        ops.transpose(np.zeros((2, 3)), (0, 0))


def test_squeeze_error_names_axis_and_shape():
    with pytest.raises(
        ValueError, match=r"squeeze: cannot squeeze axis 1 of shape \(1, 3\)"
    ):
        ops.squeeze(np.zeros((1, 3)), axis=1)


def test_concatenate_error_names_shapes():
    with pytest.raises(
        ValueError,
        match=r"concatenate: .*Received shapes \[\(2, 3\), \(2, 4\)\]",
    ):
        ops.concatenate([np.zeros((2, 3)), np.zeros((2, 4))], axis=0)
    with pytest.raises(ValueError, match="concatenate: `xs` is empty"):
        ops.concatenate([])


def test_stack_error_names_shapes():
    with pytest.raises(ValueError, match=r"stack: .*\[\(2,\), \(3,\)\]"):
        ops.stack([np.zeros(2), np.zeros(3)])


def test_split_error_names_sizes():
    with pytest.raises(ValueError, match=r"split: axis 0 of size 5 cannot"):
        ops.split(np.zeros(5), 2)


def test_take_errors_name_the_index():
    with pytest.raises(IndexError, match=r"take: index 3 is out of range"):
        ops.take(np.zeros((2, 3)), [0, 3], axis=1)
    with pytest.raises(IndexError, match=r"take_along_axis: index -4"):
        ops.take_along_axis(np.zeros((2, 3)), np.array([[0], [-4]]), axis=1)
    with pytest.raises(TypeError, match=r"take: `indices` must be integers"):
        ops.take(np.zeros(3), np.array([0.5]))


def test_broadcast_to_error_names_the_op():
    with pytest.raises(
        ValueError,
        match=r"broadcast_to: cannot broadcast x of shape \(3,\) to shape "
        r"\(2, 4\)",
    ):
        ops.broadcast_to(np.zeros(3), (2, 4))
