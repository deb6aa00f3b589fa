"""float32 end to end: every public op, given float32 inputs, returns
float32 values and float32 gradients, and Python numbers never widen.

The table below says how to call each op. It must list every name that
`kara.ops`'s submodules export: a new op without an entry fails
`test_every_public_op_is_in_the_table`.
"""

import importlib

import numpy as np
import pytest

from kara import Tensor
from kara import ops

SUBMODULES = ["core", "elementwise", "linalg", "nn", "reduction", "shape"]


def _public_ops():
    names = []
    for m in SUBMODULES:
        names += importlib.import_module(f"kara.ops.{m}").__all__
    return sorted(set(names))


_LABELS = np.array([0, 2])
_ONEHOT = np.eye(3, dtype="float32")[[0, 2]]

# name -> call(a, b, v, m), with float32 leaves a, b: (2, 3), v: (3,),
# m: (3, 4), all positive. Results that are not arrays (shapes, names,
# booleans) are allowed; arrays must not be float64.
CALLS = {
    # core
    "arange": lambda a, b, v, m: ops.arange(0.0, 1.0, 0.5),
    "cast": lambda a, b, v, m: ops.cast(a, "float32") * 1.0,
    "convert_to_numpy": lambda a, b, v, m: ops.convert_to_numpy(a),
    "convert_to_tensor": lambda a, b, v, m: ops.convert_to_tensor([1.5]),
    "dtype": lambda a, b, v, m: ops.dtype(a),
    "eye": lambda a, b, v, m: ops.eye(2),
    "full": lambda a, b, v, m: ops.full((2,), 0.5),
    "full_like": lambda a, b, v, m: ops.full_like(a, 0.5),
    "is_tensor": lambda a, b, v, m: ops.is_tensor(a),
    "ndim": lambda a, b, v, m: ops.ndim(a),
    "ones": lambda a, b, v, m: ops.ones((2,)),
    "ones_like": lambda a, b, v, m: ops.ones_like(a),
    "shape": lambda a, b, v, m: ops.shape(a),
    "size": lambda a, b, v, m: ops.size(a),
    "stop_gradient": lambda a, b, v, m: ops.stop_gradient(a) * b,
    "zeros": lambda a, b, v, m: ops.zeros((2,)),
    "zeros_like": lambda a, b, v, m: ops.zeros_like(a),
    # elementwise
    "abs": lambda a, b, v, m: ops.abs(a),
    "absolute": lambda a, b, v, m: ops.absolute(a),
    "add": lambda a, b, v, m: ops.add(a, v),
    "clip": lambda a, b, v, m: ops.clip(a, 0.6, 1.5),
    "divide": lambda a, b, v, m: ops.divide(a, v),
    "divide_no_nan": lambda a, b, v, m: ops.divide_no_nan(a, v),
    "equal": lambda a, b, v, m: ops.equal(a, b),
    "exp": lambda a, b, v, m: ops.exp(a),
    "expm1": lambda a, b, v, m: ops.expm1(a),
    "floor_divide": lambda a, b, v, m: ops.floor_divide(a, 0.3),
    "greater": lambda a, b, v, m: ops.greater(a, 0.5),
    "greater_equal": lambda a, b, v, m: ops.greater_equal(a, b),
    "less": lambda a, b, v, m: ops.less(a, b),
    "less_equal": lambda a, b, v, m: ops.less_equal(a, b),
    "log": lambda a, b, v, m: ops.log(a),
    "log1p": lambda a, b, v, m: ops.log1p(a),
    "logical_and": lambda a, b, v, m: ops.logical_and(a, b),
    "logical_not": lambda a, b, v, m: ops.logical_not(a),
    "logical_or": lambda a, b, v, m: ops.logical_or(a, b),
    "maximum": lambda a, b, v, m: ops.maximum(a, b),
    "minimum": lambda a, b, v, m: ops.minimum(a, 1.0),
    "mod": lambda a, b, v, m: ops.mod(a, 0.3),
    "multiply": lambda a, b, v, m: ops.multiply(a, b),
    "negative": lambda a, b, v, m: ops.negative(a),
    "not_equal": lambda a, b, v, m: ops.not_equal(a, b),
    "power": lambda a, b, v, m: ops.power(a, b),
    "reciprocal": lambda a, b, v, m: ops.reciprocal(a),
    "round": lambda a, b, v, m: ops.round(a, 1),
    "sign": lambda a, b, v, m: ops.sign(a),
    "sqrt": lambda a, b, v, m: ops.sqrt(a),
    "square": lambda a, b, v, m: ops.square(a),
    "subtract": lambda a, b, v, m: ops.subtract(a, b),
    "true_divide": lambda a, b, v, m: ops.true_divide(a, b),
    "where": lambda a, b, v, m: ops.where(a > 1.0, a, b),
    # linalg
    "dot": lambda a, b, v, m: ops.dot(a, m),
    "matmul": lambda a, b, v, m: ops.matmul(a, m),
    "tensordot": lambda a, b, v, m: ops.tensordot(a, m, 1),
    # nn
    "dense": lambda a, b, v, m: ops.dense(a, m, v[:1] * ops.ones(4), "relu"),
    "log_sigmoid": lambda a, b, v, m: ops.log_sigmoid(a),
    "log_softmax": lambda a, b, v, m: ops.log_softmax(a),
    "one_hot": lambda a, b, v, m: ops.one_hot(_LABELS, 3),
    "relu": lambda a, b, v, m: ops.relu(a - 1.0),
    "relu6": lambda a, b, v, m: ops.relu6(a),
    "sigmoid": lambda a, b, v, m: ops.sigmoid(a),
    "sigmoid_cross_entropy_with_logits": lambda a, b, v, m: (
        ops.sigmoid_cross_entropy_with_logits(_ONEHOT, a)
    ),
    "softmax": lambda a, b, v, m: ops.softmax(a),
    "softmax_cross_entropy_with_logits": lambda a, b, v, m: (
        ops.softmax_cross_entropy_with_logits(_ONEHOT, a)
    ),
    "softplus": lambda a, b, v, m: ops.softplus(a),
    "sparse_softmax_cross_entropy_with_logits": lambda a, b, v, m: (
        ops.sparse_softmax_cross_entropy_with_logits(_LABELS, a)
    ),
    "tanh": lambda a, b, v, m: ops.tanh(a),
    # reduction
    "argmax": lambda a, b, v, m: ops.argmax(a, axis=1),
    "argmin": lambda a, b, v, m: ops.argmin(a),
    "logsumexp": lambda a, b, v, m: ops.logsumexp(a, axis=0),
    "max": lambda a, b, v, m: ops.max(a, axis=1),
    "mean": lambda a, b, v, m: ops.mean(a),
    "min": lambda a, b, v, m: ops.min(a, axis=0, keepdims=True),
    "prod": lambda a, b, v, m: ops.prod(a, axis=1),
    "std": lambda a, b, v, m: ops.std(a, axis=1),
    "sum": lambda a, b, v, m: ops.sum(a),
    "var": lambda a, b, v, m: ops.var(a),
    # shape
    "broadcast_to": lambda a, b, v, m: ops.broadcast_to(v, (2, 3)),
    "concatenate": lambda a, b, v, m: ops.concatenate([a, b], axis=1),
    "expand_dims": lambda a, b, v, m: ops.expand_dims(a, 1),
    "flatten": lambda a, b, v, m: ops.flatten(a),
    "get_item": lambda a, b, v, m: ops.get_item(a, (slice(None), [0, 0])),
    "repeat": lambda a, b, v, m: ops.repeat(a, 2, axis=0),
    "reshape": lambda a, b, v, m: ops.reshape(a, (3, 2)),
    "split": lambda a, b, v, m: ops.split(m, 2, axis=1),
    "squeeze": lambda a, b, v, m: ops.squeeze(ops.reshape(v, (1, 3))),
    "stack": lambda a, b, v, m: ops.stack([a, b]),
    "swapaxes": lambda a, b, v, m: ops.swapaxes(a, 0, 1),
    "take": lambda a, b, v, m: ops.take(a, [2, 2], axis=1),
    "take_along_axis": lambda a, b, v, m: ops.take_along_axis(
        a, np.array([[0], [1]]), axis=1
    ),
    "tile": lambda a, b, v, m: ops.tile(v, 2),
    "transpose": lambda a, b, v, m: ops.transpose(a),
}


def test_every_public_op_is_in_the_table():
    assert ops.__all__ == _public_ops()
    missing = [n for n in _public_ops() if n not in CALLS]
    assert not missing, f"add these ops to CALLS in {__file__}: {missing}"
    for name in _public_ops():
        assert callable(getattr(ops, name)), name


def _arrays(result):
    if isinstance(result, (list, tuple)):
        return [r for item in result for r in _arrays(item)]
    if isinstance(result, (Tensor, np.ndarray)):
        return [result]
    return []


@pytest.mark.parametrize("name", sorted(CALLS))
def test_float32_in_float32_out_and_float32_gradients(name, rng):
    leaves = [
        Tensor(rng.uniform(0.5, 2.0, s).astype("float32"), requires_grad=True)
        for s in [(2, 3), (2, 3), (3,), (3, 4)]
    ]
    outputs = _arrays(CALLS[name](*leaves))
    for y in outputs:
        assert y.dtype != np.float64, f"{name} returned float64"
        if y.dtype.kind == "f":
            assert y.dtype == np.float32, f"{name} returned {y.dtype}"
    differentiable = [
        y for y in outputs if isinstance(y, Tensor) and y.creator is not None
    ]
    for y in differentiable:
        y.backward(np.ones(y.shape, "float32"), retain_graph=True)
    for t in leaves:
        if t.grad is not None:
            assert t.grad.dtype == np.float32, f"{name}: grad {t.grad.dtype}"
            assert t.grad.shape == t.shape


@pytest.mark.parametrize(
    "expr",
    [
        lambda t: t * 2.0,
        lambda t: 2.0 * t,
        lambda t: t + 1,
        lambda t: 2.0 - t,
        lambda t: t - 0.5,
        lambda t: t / 3.0,
        lambda t: 3.0 / t,
        lambda t: t**0.5,
        lambda t: t**2,
        lambda t: 2.0**t,
        lambda t: np.float32(2) * t,
        lambda t: t * np.float32(2),
        lambda t: np.ones(3, "float32") + t,
        lambda t: t - np.ones(3, "float32"),
        lambda t: np.ones((2, 3), "float32") @ ops.reshape(t, (3, 1)),
        lambda t: np.exp(t),
        lambda t: np.maximum(t, 0.0),
        lambda t: -t,
        lambda t: abs(t),
    ],
)
def test_python_and_numpy_float32_scalars_never_upcast(expr):
    t = Tensor(np.array([0.5, 1.0, 2.0], "float32"), requires_grad=True)
    y = expr(t)
    assert isinstance(y, Tensor)
    assert y.dtype == np.float32
    y.backward(np.ones(y.shape, "float32"))
    assert t.grad.dtype == np.float32


def test_int_tensor_with_python_float_gives_float32():
    x = Tensor(np.array([1, 2], "int32"))
    for y in (x + 0.5, 0.5 * x, x / 2, x**0.5, x - 1.5):
        assert y.dtype == np.float32
    assert (Tensor(np.array([1, 2], "int64")) * 1.5).dtype == np.float32


def test_int_tensor_with_float32_tensor_gives_float32():
    x = Tensor(np.array([1, 2], "int32"))
    f = Tensor(np.array([0.5, 0.5], "float32"), requires_grad=True)
    y = x * f
    assert y.dtype == np.float32
    y.backward(np.ones(2, "float32"))
    assert f.grad.dtype == np.float32
    np.testing.assert_array_equal(f.grad, [1.0, 2.0])
