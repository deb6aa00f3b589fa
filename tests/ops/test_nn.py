"""Tests of kara.ops.nn: activations, softmax, one_hot, and the fused ops
(`dense`, the cross-entropies from logits) against their composed versions,
including inputs of +-1000 where stability matters."""

import numpy as np
import pytest

from kara import Tensor
from kara import ops
from kara.ops import nn as nn_ops
from kara.testing import assert_allclose
from kara.testing import assert_finite
from kara.testing import check_grad

from ._helpers import DTYPES
from ._helpers import SHAPES
from ._helpers import away_from
from ._helpers import backward_grads
from ._helpers import tol
from ._helpers import uniform


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _softplus(x):
    return np.log1p(np.exp(x))


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _log_softmax(x, axis=-1):
    return np.log(_softmax(x, axis))


# name -> (kara op, NumPy reference, sampler of kink-free inputs)
ACTIVATIONS = {
    "relu": (ops.relu, lambda x: np.maximum(x, 0), away_from),
    "relu6": (
        ops.relu6,
        lambda x: np.clip(x, 0, 6),
        lambda r, s: away_from(r, s, (0.0, 6.0), -3.0, 9.0),
    ),
    "sigmoid": (ops.sigmoid, _sigmoid, uniform),
    "tanh": (ops.tanh, np.tanh, uniform),
    "softplus": (ops.softplus, _softplus, uniform),
    "log_sigmoid": (ops.log_sigmoid, lambda x: np.log(_sigmoid(x)), uniform),
}


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_activation_forward(name, shape, dtype, rng):
    op, reference, sample = ACTIVATIONS[name]
    x = sample(rng, shape).astype(dtype)
    y = op(x)
    assert y.shape == shape
    assert_allclose(
        y, reference(x.astype("float64")), dtype=dtype, **tol(dtype)
    )


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
@pytest.mark.parametrize("shape", [(), (2, 3), (1, 3, 1)])
def test_activation_backward(name, shape, rng):
    op, _, sample = ACTIVATIONS[name]
    check_grad(op, sample(rng, shape))


def test_relu_gradient_at_zero_is_zero():
    x = Tensor(np.array([-1.0, 0.0, 1.0]), requires_grad=True)
    ops.relu(x).backward(np.ones(3))
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 1.0])


@pytest.mark.parametrize("op", [ops.relu, ops.sigmoid, ops.tanh, ops.softplus])
def test_activation_of_integers_gives_floatx(op):
    assert op(np.array([1, -2], "int32")).dtype == np.float32


# --------------------------------------------------------------- softmax
@pytest.mark.parametrize(
    "op,reference", [(ops.softmax, _softmax), (ops.log_softmax, _log_softmax)]
)
@pytest.mark.parametrize(
    "shape,axis",
    [((4,), -1), ((2, 3), -1), ((2, 3), 0), ((2, 1, 3), 1), ((1, 3), 1)],
)
@pytest.mark.parametrize("dtype", DTYPES)
def test_softmax_forward(op, reference, shape, axis, dtype, rng):
    x = uniform(rng, shape, -3, 3).astype(dtype)
    y = op(x, axis=axis)
    rt = {"rtol": 1e-5, "atol": 1e-6} if dtype == "float32" else tol(dtype)
    assert_allclose(y, reference(x.astype("float64"), axis), dtype=dtype, **rt)


@pytest.mark.parametrize("op", [ops.softmax, ops.log_softmax])
@pytest.mark.parametrize(
    "shape,axis", [((4,), -1), ((2, 3), -1), ((2, 3), 0), ((2, 1, 3), 1)]
)
def test_softmax_backward(op, shape, axis, rng):
    check_grad(lambda x: op(x, axis=axis), uniform(rng, shape, -3, 3))


def _float64_log_softmax(x):
    x = np.asarray(x, "float64")
    shifted = x - x.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


# Seed 003's second row: the label's logit dominates, so its loss is the
# tiny log of a sum just above 1 (TensorFlow gives 0.00928134564).
SEED_003_ROW = [
    [-11.7642536, -45.3370094, -3.17252636, 4.34527206, -17.7164974]
    + [-0.595088899, -17.6322937, -2.36941719, -6.82157373, -3.47369862]
]


@pytest.mark.parametrize(
    "x",
    [
        SEED_003_ROW,
        [[0.0, -12.0, -14.0, -20.0]],  # log-softmax of the max ~ -7e-6
        [[3.0, 3.0, -9.0], [5.0, 5.0, 5.0]],  # tied maxima
        [[-1e-3, 0.0, 0.0]],
    ],
)
def test_softmax_and_log_softmax_keep_float32_digits_near_one(x):
    x = np.array(x, "float32")
    want = _float64_log_softmax(x)
    top = want == want.max(axis=-1, keepdims=True)
    logp, p = ops.log_softmax(x).numpy(), ops.softmax(x).numpy()
    # the largest entries, whose values a sum rounded near 1 spoils (the
    # tiny log-probability of a confident winner): to 2 float32 ulps
    assert_allclose(logp[top], want[top], rtol=1.2e-7, atol=0)
    assert_allclose(p[top], np.exp(want[top]), rtol=1.2e-7, atol=0)
    # the others carry the rounding of x - max(x), as in any softmax
    assert_allclose(logp, want, rtol=1e-5, atol=0)
    assert_allclose(p, np.exp(want), rtol=1e-5, atol=0)


def test_sparse_softmax_cross_entropy_of_a_confident_winner():
    loss = ops.sparse_softmax_cross_entropy_with_logits([3], SEED_003_ROW)
    # float64: 0.00928137294; TensorFlow: 0.00928134564
    assert_allclose(loss, [0.00928137294], rtol=1e-7, atol=0)


def test_softmax_rows_sum_to_one(rng):
    y = ops.softmax(rng.standard_normal((5, 7)).astype("float32"))
    assert_allclose(ops.sum(y, axis=-1), np.ones(5), dtype="float32")


# ------------------------------------------------- extreme-range inputs
EXTREME = np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, 1000.0]])


@pytest.mark.parametrize(
    "op,expected",
    [
        (ops.softmax, [[1, 0, 0], [0, 0, 1]]),
        (ops.log_softmax, [[0, -2000, -1000], [-2000, -2000, 0]]),
        (lambda x: ops.logsumexp(x, axis=-1), [1000, 1000]),
        (ops.sigmoid, [[1, 0, 0.5], [0, 0, 1]]),
        (ops.softplus, [[1000, 0, np.log(2)], [0, 0, 1000]]),
        (ops.log_sigmoid, [[0, -1000, -np.log(2)], [-1000, -1000, 0]]),
        (ops.tanh, [[1, -1, 0], [-1, -1, 1]]),
    ],
)
@pytest.mark.parametrize("dtype", DTYPES)
def test_stable_ops_at_plus_minus_1000(op, expected, dtype):
    x = Tensor(EXTREME.astype(dtype), requires_grad=True)
    y = op(x)
    assert y.dtype == np.dtype(dtype)
    assert_finite(y, "value")
    assert_allclose(y, expected, rtol=1e-6, atol=1e-6)
    y.backward(np.ones(y.shape, dtype))
    assert_finite(x.grad, "gradient")
    assert x.grad.dtype == np.dtype(dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_cross_entropies_at_plus_minus_1000(dtype):
    logits = EXTREME.astype(dtype)
    onehot = np.array([[0, 1, 0], [1, 0, 0]], dtype)
    sparse = np.array([1, 0])
    for fn, labels, expected in [
        (ops.softmax_cross_entropy_with_logits, onehot, [2000, 2000]),
        (ops.sparse_softmax_cross_entropy_with_logits, sparse, [2000, 2000]),
        (
            ops.sigmoid_cross_entropy_with_logits,
            onehot,
            [[1000, 1000, np.log(2)], [1000, 0, 1000]],
        ),
    ]:
        z = Tensor(logits, requires_grad=True)
        y = fn(labels, z)
        assert_finite(y, fn.__name__)
        assert_allclose(y, expected, rtol=1e-6, atol=1e-6, dtype=dtype)
        y.backward(np.ones(y.shape, dtype))
        assert_finite(z.grad, fn.__name__ + " gradient")
        assert z.grad.dtype == np.dtype(dtype)


# ---------------------------------------------------------------- one_hot
def test_one_hot():
    y = ops.one_hot(np.array([0, 2, 1]), 3)
    assert y.dtype == np.float32
    np.testing.assert_array_equal(y.numpy(), np.eye(3)[[0, 2, 1]])


def test_one_hot_axis_dtype_and_out_of_range():
    y = ops.one_hot(np.array([[1, 5], [-1, 0]]), 3, axis=0, dtype="int32")
    assert y.dtype == np.int32 and y.shape == (3, 2, 2)
    # ids outside [0, num_classes) give all-zero rows (as tf.one_hot)
    np.testing.assert_array_equal(y.numpy()[:, 0, 1], [0, 0, 0])
    np.testing.assert_array_equal(y.numpy()[:, 1, 0], [0, 0, 0])
    np.testing.assert_array_equal(y.numpy()[:, 0, 0], [0, 1, 0])


def test_one_hot_accepts_integral_floats_and_rejects_fractions():
    np.testing.assert_array_equal(
        ops.one_hot(np.array([1.0, 0.0]), 2).numpy(), [[0, 1], [1, 0]]
    )
    with pytest.raises(TypeError, match=r"one_hot: `x` must hold integer"):
        ops.one_hot(np.array([0.5]), 2)


# --------------------------------------------------------- fused dense
ACTS = [None, "linear", "relu", "sigmoid", "tanh", "softmax"]
COMPOSED_ACT = {
    None: lambda z: z,
    "linear": lambda z: z,
    "relu": ops.relu,
    "sigmoid": ops.sigmoid,
    "tanh": ops.tanh,
    "softmax": ops.softmax,
}


def _dense_inputs(rng, x_shape, units=4, bias=True):
    """x, kernel (and bias) whose pre-activations keep clear of relu's
    kink at 0."""
    while True:
        x = away_from(rng, x_shape, low=-1.0, high=1.0)
        k = rng.standard_normal((x_shape[-1], units)) * 0.7
        b = rng.standard_normal(units) * 0.3 if bias else 0.0
        if np.all(np.abs(np.matmul(x, k) + b) > 0.01):
            return [x, k, b] if bias else [x, k]


def _composed_dense(activation):
    def fn(x, kernel, bias=None):
        z = ops.matmul(x, kernel)
        if bias is not None:
            z = z + bias
        return COMPOSED_ACT[activation](z)

    return fn


def _fused_dense(activation):
    def fn(x, kernel, bias=None):
        return ops.dense(x, kernel, bias, activation=activation)

    return fn


@pytest.mark.parametrize("activation", ACTS)
@pytest.mark.parametrize("x_shape", [(5, 3), (2, 3, 3), (3,)])
@pytest.mark.parametrize("bias", [True, False])
def test_dense_fused_matches_composed(activation, x_shape, bias, rng):
    inputs = _dense_inputs(rng, x_shape, bias=bias)
    out_shape = x_shape[:-1] + (4,)
    gy = rng.standard_normal(out_shape)
    y_f, g_f = backward_grads(_fused_dense(activation), inputs, gy)
    y_c, g_c = backward_grads(_composed_dense(activation), inputs, gy)
    np.testing.assert_allclose(y_f, y_c, rtol=1e-12, atol=1e-12)
    for a, b in zip(g_f, g_c):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("activation", ACTS)
def test_dense_backward(activation, rng):
    inputs = _dense_inputs(rng, (3, 3))
    check_grad(_fused_dense(activation), *inputs)


@pytest.mark.parametrize("activation", ACTS)
def test_dense_float32(activation, rng):
    x, k, b = [a.astype("float32") for a in _dense_inputs(rng, (4, 3))]
    xs = [Tensor(a, requires_grad=True) for a in (x, k, b)]
    y = ops.dense(*xs, activation=activation)
    assert y.dtype == np.float32
    expected = _composed_dense(activation)(x, k, b).numpy()
    assert_allclose(y, expected, rtol=1e-5, atol=1e-6, dtype="float32")
    y.backward(np.ones(y.shape, "float32"))
    for t in xs:
        assert t.grad.dtype == np.float32


def test_dense_errors_name_shapes_and_activation():
    with pytest.raises(
        ValueError,
        match=r"dense: inputs of shape \(2, 3\) do not fit a kernel of shape "
        r"\(4, 5\)",
    ):
        ops.dense(np.ones((2, 3)), np.ones((4, 5)))
    with pytest.raises(ValueError, match=r"dense: activation 'gelu' is not"):
        ops.dense(np.ones((2, 3)), np.ones((3, 5)), activation="gelu")


# ------------------------------------------------- fused cross-entropies
def _composed_softmax_ce(labels, logits, axis=-1):
    return -ops.sum(labels * ops.log_softmax(logits, axis=axis), axis=axis)


@pytest.mark.parametrize(
    "shape,axis", [((4, 5), -1), ((2, 3, 4), -1), ((4, 3), 0)]
)
def test_softmax_cross_entropy_fused_matches_composed(shape, axis, rng):
    logits = rng.standard_normal(shape) * 2
    # soft labels that do not sum to one exercise the sum(t) term
    labels = rng.uniform(0, 1, shape)
    gy = rng.standard_normal(np.sum(logits, axis=axis).shape)
    fused = lambda t, z: ops.softmax_cross_entropy_with_logits(t, z, axis=axis)  # noqa: E731
    composed = lambda t, z: _composed_softmax_ce(t, z, axis)  # noqa: E731
    y_f, g_f = backward_grads(fused, [labels, logits], gy)
    y_c, g_c = backward_grads(composed, [labels, logits], gy)
    np.testing.assert_allclose(y_f, y_c, rtol=1e-12, atol=1e-12)
    for a, b in zip(g_f, g_c):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    check_grad(fused, labels, logits)


@pytest.mark.parametrize("shape", [(4, 5), (2, 3, 4), (1, 2)])
def test_sparse_softmax_cross_entropy_fused_matches_composed(shape, rng):
    logits = rng.standard_normal(shape) * 2
    labels = rng.integers(0, shape[-1], shape[:-1])
    gy = rng.standard_normal(shape[:-1])

    def composed(z):
        logp = ops.log_softmax(z)
        return -ops.squeeze(
            ops.take_along_axis(logp, labels[..., None], -1), -1
        )

    def fused(z):
        return ops.sparse_softmax_cross_entropy_with_logits(labels, z)

    y_f, (g_f,) = backward_grads(fused, [logits], gy)
    y_c, (g_c,) = backward_grads(composed, [logits], gy)
    np.testing.assert_allclose(y_f, y_c, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(g_f, g_c, rtol=1e-10, atol=1e-12)
    # integer labels are passed through and must get no gradient
    check_grad(ops.sparse_softmax_cross_entropy_with_logits, labels, logits)


@pytest.mark.parametrize("shape", [(40, 10), (32, 10), (3, 50, 7), (5, 40)])
def test_sparse_softmax_cross_entropy_shares_softmax_bit_for_bit(shape, rng):
    # one exponential serves loss, gradient and probabilities: the loss is
    # -log_softmax at the label and the probabilities are softmax, exactly
    # (both layouts: more rows than 32 with few classes run transposed)
    logits = (rng.standard_normal(shape) * 3).astype("float32")
    labels = rng.integers(0, shape[-1], shape[:-1])
    kernel = nn_ops.SparseSoftmaxCrossEntropy(labels)
    loss = kernel.forward(logits)
    logp = ops.log_softmax(logits).numpy()
    picked = np.take_along_axis(logp, labels[..., None], -1)[..., 0]
    np.testing.assert_array_equal(loss, -picked)
    np.testing.assert_array_equal(
        kernel.probabilities(), ops.softmax(logits).numpy()
    )
    gy = rng.standard_normal(shape[:-1]).astype("float32")
    onehot = np.eye(shape[-1], dtype="float32")[labels]
    expected = (kernel.probabilities() - onehot) * gy[..., None]
    np.testing.assert_allclose(kernel.backward(gy), expected, atol=1e-6)
    check_grad(
        ops.sparse_softmax_cross_entropy_with_logits,
        labels,
        logits.astype("float64"),
    )


def test_sparse_softmax_cross_entropy_label_errors():
    with pytest.raises(ValueError, match=r"label 3 is out of range for 3"):
        ops.sparse_softmax_cross_entropy_with_logits(
            np.array([0, 3]), np.zeros((2, 3))
        )
    with pytest.raises(
        ValueError, match=r"Received labels \(2, 1\) and logits"
    ):
        ops.sparse_softmax_cross_entropy_with_logits(
            np.array([[0], [1]]), np.zeros((2, 3))
        )


def test_softmax_cross_entropy_shape_error():
    with pytest.raises(
        ValueError, match=r"Received labels \(2, 2\) and logits"
    ):
        ops.softmax_cross_entropy_with_logits(
            np.zeros((2, 2)), np.zeros((2, 3))
        )


@pytest.mark.parametrize("shape", [(4,), (3, 2), ()])
def test_sigmoid_cross_entropy_fused_matches_composed(shape, rng):
    logits = rng.standard_normal(shape) * 3
    labels = rng.uniform(0, 1, shape)
    gy = rng.standard_normal(shape)

    def composed(t, z):
        return -(t * ops.log_sigmoid(z) + (1 - t) * ops.log_sigmoid(-z))

    fused = ops.sigmoid_cross_entropy_with_logits
    y_f, g_f = backward_grads(fused, [labels, logits], gy)
    y_c, g_c = backward_grads(composed, [labels, logits], gy)
    np.testing.assert_allclose(y_f, y_c, rtol=1e-12, atol=1e-12)
    for a, b in zip(g_f, g_c):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    check_grad(fused, labels, logits)


@pytest.mark.parametrize(
    "fn",
    [
        ops.softmax_cross_entropy_with_logits,
        ops.sigmoid_cross_entropy_with_logits,
    ],
)
def test_cross_entropy_float32_in_float32_out(fn, rng):
    z = Tensor(
        rng.standard_normal((3, 4)).astype("float32"), requires_grad=True
    )
    labels = np.eye(4, dtype="float32")[[0, 3, 1]]
    y = fn(labels, z)
    assert y.dtype == np.float32
    y.backward(np.ones(y.shape, "float32"))
    assert z.grad.dtype == np.float32
    # integer one-hot labels are cast to the logits' dtype
    assert fn(labels.astype("int32"), z).dtype == np.float32
