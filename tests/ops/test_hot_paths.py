"""The fast paths of the training step give NumPy's own numbers.

Speed work in the hot path (ufunc reductions instead of `np.max`/`np.sum`,
row indexing instead of `take_along_axis`, a hand-written whole-array
mean) must not change a single bit: each test compares with the plain
NumPy formula the code replaced, with `assert_array_equal`.
"""

import numpy as np
import pytest

import kara
from kara import ops
from kara.ops import nn as nn_ops
from kara.ops import reduction
from kara.testing import check_grad


def _shifted_and_rest(x, axis):
    # x - max(x), and the sum of exp of it over all entries but one
    # maximum (left out by its index here; the kernel masks the maxima)
    shifted = x - np.max(x, axis=axis, keepdims=True)
    others = np.ones(x.shape, bool)
    top = np.expand_dims(np.argmax(x, axis=axis), axis)
    np.put_along_axis(others, top, False, axis=axis)
    rest = np.sum(np.exp(shifted), axis=axis, keepdims=True, where=others)
    return shifted, rest


def _old_log_softmax(x, axis):
    shifted, rest = _shifted_and_rest(x, axis)
    return shifted - np.log1p(rest)


def _old_softmax(x, axis):
    shifted, rest = _shifted_and_rest(x, axis)
    return np.exp(shifted) / (1 + rest)


@pytest.mark.parametrize("shape, axis", [((32, 10), -1), ((4, 5, 6), 1)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_softmax_kernels_match_numpy_bitwise(rng, shape, axis, dtype):
    x = (rng.standard_normal(shape) * 10).astype(dtype)
    np.testing.assert_array_equal(
        nn_ops._log_softmax(x, axis), _old_log_softmax(x, axis)
    )
    np.testing.assert_array_equal(
        nn_ops._softmax(x, axis), _old_softmax(x, axis)
    )


@pytest.mark.parametrize("shape", [(32, 10), (7,), (3, 4, 5)])
def test_sparse_softmax_ce_matches_take_along_axis(rng, shape):
    logits = (rng.standard_normal(shape) * 5).astype("float32")
    labels = rng.integers(0, shape[-1], shape[:-1])
    got = ops.sparse_softmax_cross_entropy_with_logits(labels, logits)
    logp = _old_log_softmax(logits, -1)
    want = -np.take_along_axis(logp, labels[..., None], axis=-1)[..., 0]
    assert got.shape == labels.shape
    np.testing.assert_array_equal(got.numpy(), want)


def test_sparse_softmax_ce_on_transposed_logits(rng):
    # a non-contiguous view: the flat reshape must copy, not misread rows
    logits = rng.standard_normal((10, 6)).astype("float32").T
    labels = rng.integers(0, 10, 6)
    got = ops.sparse_softmax_cross_entropy_with_logits(labels, logits)
    want = -_old_log_softmax(logits, -1)[np.arange(6), labels]
    np.testing.assert_array_equal(got.numpy(), want)
    check_grad(  # the transpose inside: the op sees a strided view
        lambda z: ops.sparse_softmax_cross_entropy_with_logits(
            labels, ops.transpose(z)
        ),
        np.ascontiguousarray(logits.T, dtype="float64"),
    )


def test_row_index_cache_is_shared_and_read_only():
    rows = nn_ops._rows(5)
    np.testing.assert_array_equal(rows, np.arange(5))
    assert not rows.flags.writeable
    assert nn_ops._rows(3000).shape == (3000,)  # grows on demand


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("n", [1, 3, 32, 1000, 12345])
def test_whole_array_mean_is_np_mean(rng, dtype, n):
    x = (rng.standard_normal(n) * rng.uniform(0.1, 100)).astype(dtype)
    got = ops.mean(x)
    want = np.mean(x)
    assert got.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(got.numpy(), want)
    x2 = x.reshape(1, n)
    np.testing.assert_array_equal(ops.mean(x2).numpy(), np.mean(x2))


def test_mean_backward_shares_gradient_evenly():
    x = kara.Variable(np.arange(6.0).reshape(2, 3))
    ops.mean(x).backward()
    np.testing.assert_array_equal(x.grad, np.full((2, 3), 1 / 6, "float32"))
    assert x.grad.flags.writeable  # an array of its own
    y = kara.Variable(np.arange(6.0).reshape(2, 3))
    ops.mean(y, axis=0, keepdims=True).backward(np.ones((1, 3), "float32"))
    np.testing.assert_array_equal(y.grad, np.full((2, 3), 0.5, "float32"))


def test_mean_fast_path_leaves_other_dtypes_to_numpy():
    x = np.arange(5, dtype="float16")
    out = reduction.Mean(None, False)(kara.Tensor(x))
    assert out.dtype == np.float16  # np.mean's own float16 result
    np.testing.assert_array_equal(out.numpy(), np.mean(x))


def test_dense_bias_gradient_is_column_sum(rng):
    x = rng.standard_normal((8, 3)).astype("float32")
    k = kara.Variable(rng.standard_normal((3, 4)))
    b = kara.Variable(np.zeros(4))
    gy = rng.standard_normal((8, 4)).astype("float32")
    ops.dense(x, k, b, "relu").backward(gy)
    mask = (x @ k.numpy() > 0).astype("float32")
    np.testing.assert_array_equal(b.grad, np.sum(gy * mask, axis=0))
