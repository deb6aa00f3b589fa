"""The backpropagation engine: ordering, accumulation, un-broadcasting,
dtype casting, freeing the graph, grad mode, and deep graphs."""

import gc
import sys
import weakref

import numpy as np
import pytest

from kara import Tensor
from kara import Variable
from kara import config
from kara import no_grad
from kara import ops
from kara.autograd import sum_to
from kara.autograd.engine import topological_order


# ----------------------------------------------------------------- sum_to
@pytest.mark.parametrize(
    "g_shape,shape",
    [
        ((2, 3), (3,)),
        ((2, 3), (1, 3)),
        ((2, 3), (2, 1)),
        ((2, 3), ()),
        ((4, 2, 3), (2, 1)),
        ((4, 2, 3), (1, 1, 1)),
        ((2, 3), (2, 3)),
    ],
)
def test_sum_to(g_shape, shape, rng):
    g = rng.standard_normal(g_shape)
    out = sum_to(g, shape)
    assert out.shape == shape
    # reference: the adjoint of broadcasting, <sum_to(g), x> = <g, bcast(x)>
    x = rng.standard_normal(shape)
    np.testing.assert_allclose(
        np.sum(out * x), np.sum(g * np.broadcast_to(x, g_shape))
    )


def test_sum_to_returns_the_same_array_when_shapes_match():
    g = np.ones((2, 3))
    assert sum_to(g, (2, 3)) is g


# ---------------------------------------------------- basic propagation
def test_gradient_of_a_tensor_used_several_times_accumulates():
    x = Variable(np.array([1.0, -2.0, 3.0]), dtype="float64")
    y = x * x + x  # dy/dx = 2x + 1
    y.backward(np.ones(3))
    np.testing.assert_allclose(x.grad, 2 * x.data + 1)


def test_diamond_graph():
    x = Variable(np.array([2.0]), dtype="float64")
    a = x * 3.0
    b = a + a  # 6x
    c = a * b  # 18 x^2 -> 36x
    c.backward()
    np.testing.assert_allclose(x.grad, [72.0])


def test_only_leaves_that_require_grad_get_grad():
    w = Variable(np.ones(3))
    c = Tensor(np.full(3, 2.0))  # a constant
    h = w * c
    y = ops.sum(h)
    y.backward()
    np.testing.assert_array_equal(w.grad, [2.0, 2.0, 2.0])
    assert c.grad is None
    assert h.grad is None  # intermediate results keep no gradient


def test_backward_default_gradient_is_ones():
    x = Variable(np.array([[1.0, 2.0]]))
    (x * 3.0).backward()
    np.testing.assert_array_equal(x.grad, [[3.0, 3.0]])


def test_backward_with_explicit_gradient(rng):
    x = Variable(rng.standard_normal((2, 3)))
    gy = rng.standard_normal((2, 3)).astype("float32")
    ops.tanh(x).backward(gy)
    np.testing.assert_allclose(
        x.grad, gy * (1 - np.tanh(x.data) ** 2), rtol=1e-6
    )


def test_backward_on_a_leaf():
    x = Variable(np.array([1.0, 2.0]))
    x.backward(np.array([3.0, 4.0]))
    np.testing.assert_array_equal(x.grad, [3.0, 4.0])


def test_gradients_are_cast_to_each_inputs_dtype():
    x32 = Variable(np.ones(3, "float32"))
    x64 = Variable(np.ones(3, "float64"), dtype="float64")
    y = ops.sum(x32 * x64)  # float64 result
    assert y.dtype == np.float64
    y.backward()
    assert x32.grad.dtype == np.float32
    assert x64.grad.dtype == np.float64


def test_gradient_is_summed_back_over_broadcast_axes():
    b = Variable(np.zeros((1, 3)))
    x = Tensor(np.ones((4, 2, 3)))
    (x + b).backward(np.ones((4, 2, 3)))
    np.testing.assert_array_equal(b.grad, np.full((1, 3), 8.0))


def test_grad_accumulates_across_two_backward_calls():
    x = Variable(np.array([1.0, 2.0]))
    (x * x).backward(np.ones(2))
    (x * x).backward(np.ones(2))
    np.testing.assert_array_equal(x.grad, [4.0, 8.0])
    x.grad = None
    (x * 3.0).backward(np.ones(2))
    np.testing.assert_array_equal(x.grad, [3.0, 3.0])


def test_grads_are_writable_arrays_of_their_own():
    # optimizers and clipping may update .grad in place
    a, b = Variable(np.ones(3)), Variable(np.ones(3))
    gy = np.ones(3, "float32")
    (a + b).backward(gy)  # Add's backward returns gy for both inputs
    assert a.grad is not b.grad and not np.shares_memory(a.grad, b.grad)
    assert not np.shares_memory(a.grad, gy)
    a.grad *= 2.0  # must not change b.grad
    np.testing.assert_array_equal(b.grad, np.ones(3))
    w = Variable(np.ones((2, 3)))
    ops.sum(w).backward()  # sum's backward is a read-only broadcast view
    assert w.grad.flags.writeable and w.grad.flags.owndata
    w.grad += 1.0


def test_float32_graph_gives_float32_grads():
    w = Variable(np.ones((3, 2), "float32"))
    x = Tensor(np.ones((4, 3), "float32"))
    loss = ops.mean(ops.square(ops.matmul(x, w) - 0.5))
    assert loss.dtype == np.float32
    loss.backward()
    assert w.grad.dtype == np.float32


# ------------------------------------------------------- freeing the graph
def test_graph_is_freed_after_backward():
    x = Variable(np.ones(3))
    h = x * 2.0
    y = ops.sum(h)
    f_sum, f_mul = y.creator, h.creator
    y.backward()
    assert y.creator is None and h.creator is None  # links cleared
    assert f_sum.inputs is None and f_mul.inputs is None
    assert f_mul.saved == ()  # saved arrays dropped


def test_freed_graph_releases_memory():
    x = Variable(np.ones(3))
    h = x * 2.0
    ref = weakref.ref(h)
    y = ops.sum(h * 3.0)
    del h
    gc.collect()
    assert ref() is not None  # kept alive by the graph
    y.backward()
    gc.collect()
    assert ref() is None  # freed with the graph


def test_second_backward_through_a_freed_graph_raises():
    x = Variable(np.ones(3))
    y = ops.sum(x * x)
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()


def test_retain_graph_allows_a_second_backward():
    x = Variable(np.array([1.0, 2.0]))
    h = x * x
    y = ops.sum(h)
    y.backward(retain_graph=True)
    assert y.creator is not None and h.creator is not None
    y.backward()
    np.testing.assert_array_equal(x.grad, [4.0, 8.0])
    assert y.creator is None


# --------------------------------------------------------------- no_grad
def test_no_grad_records_nothing():
    w = Variable(np.ones(3))
    with no_grad():
        assert not config.is_grad_enabled()
        y = ops.sum(ops.tanh(w * 2.0))
    assert config.is_grad_enabled()
    assert y.creator is None and not y.requires_grad
    y.backward()  # nothing to propagate to
    assert w.grad is None


def test_no_grad_functions_keep_no_saved_arrays():
    w = Variable(np.ones(3))
    with no_grad():
        y = ops.exp(w)
    assert y.creator is None


def test_enable_grad_inside_no_grad_and_restoring_after_errors():
    w = Variable(np.ones(2))
    with no_grad():
        with config.enable_grad():
            y = w * 2.0
        z = w * 2.0
    assert y.creator is not None and z.creator is None
    with pytest.raises(ZeroDivisionError):
        with no_grad():
            1 / 0
    assert config.is_grad_enabled()


def test_ops_on_constants_build_no_graph():
    y = ops.exp(Tensor(np.ones(2)))
    assert y.creator is None and not y.requires_grad


# ------------------------------------------------------------ deep graphs
def test_deep_chain_of_10000_adds_does_not_recurse():
    x = Variable(np.array([1.0]), dtype="float64")
    y = x
    for _ in range(10_000):
        y = y + 1.0
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)  # the default: no deep recursion allowed
    try:
        y.backward()
    finally:
        sys.setrecursionlimit(limit)
    np.testing.assert_array_equal(x.grad, [1.0])
    np.testing.assert_array_equal(y.numpy(), [10_001.0])


def test_deep_chain_with_retained_graph_and_tensor_reuse():
    x = Variable(np.array([1.0]), dtype="float64")
    y = x
    for _ in range(3_000):
        y = y * 1.0 + x * 0.0001  # x used at every step
    y.backward(retain_graph=True)
    np.testing.assert_allclose(x.grad, [1.0 + 3_000 * 0.0001])
    assert len(topological_order([y])) == 9_000  # 3 ops per step


def test_deep_graph_can_be_dropped_without_backward():
    x = Variable(np.array([1.0]))
    y = x
    for _ in range(10_000):
        y = y + 1.0
    del y
    gc.collect()


def test_topological_order_puts_inputs_before_outputs():
    x = Variable(np.ones(2))
    a = x * 2.0
    b = ops.exp(a)
    c = a + b
    order = topological_order([c])
    pos = {id(f): i for i, f in enumerate(order)}
    assert pos[id(a.creator)] < pos[id(b.creator)] < pos[id(c.creator)]
    assert len(order) == 3
