"""GradientTape: TensorFlow's gradient API over kara's graph."""

import numpy as np
import pytest

from kara import GradientTape
from kara import Tensor
from kara import Variable
from kara import ops
from kara.testing import numerical_grad


def _two_layer(x, w1, b1, w2, b2, y):
    h = ops.tanh(ops.matmul(x, w1) + b1)
    out = ops.matmul(h, w2) + b2
    return ops.mean(ops.square(out - y))


def _problem(rng):
    x = rng.standard_normal((4, 3))
    y = rng.standard_normal((4, 2))
    params = [
        rng.standard_normal((3, 5)) * 0.5,
        rng.standard_normal(5) * 0.1,
        rng.standard_normal((5, 2)) * 0.5,
        rng.standard_normal(2) * 0.1,
    ]
    return x, y, params


def _numerical(x, y, params):
    grads = []
    for i, p in enumerate(params):
        p = p.copy()

        def loss():
            ps = list(params)
            ps[i] = p
            args = [Tensor(a) for a in [x, *ps, y]]
            return float(_two_layer(*args))

        grads.append(numerical_grad(loss, p))
    return grads


def test_two_layer_gradients_of_variables_match_finite_differences(rng):
    x, y, params = _problem(rng)
    expected = _numerical(x, y, params)
    ws = [Variable(p, dtype="float64") for p in params]
    with GradientTape() as tape:
        loss = _two_layer(Tensor(x), *ws, Tensor(y))
    grads = tape.gradient(loss, ws)
    assert isinstance(grads, list) and len(grads) == 4
    for g, e, w in zip(grads, expected, ws):
        assert g.shape == w.shape and g.dtype == np.float64
        np.testing.assert_allclose(g, e, rtol=1e-6, atol=1e-8)
    # the tape returns gradients; it does not write .grad
    assert all(w.grad is None for w in ws)
    # and backward() on the same graph gives the same numbers
    loss.backward()
    for g, w in zip(grads, ws):
        np.testing.assert_allclose(w.grad, g, rtol=1e-12)


def test_two_layer_gradients_of_watched_tensors(rng):
    x, y, params = _problem(rng)
    expected = _numerical(x, y, params)
    ts = [Tensor(p) for p in params]
    with GradientTape() as tape:
        tape.watch(ts)
        loss = _two_layer(Tensor(x), *ts, Tensor(y))
    grads = tape.gradient(loss, ts)
    for g, e in zip(grads, expected):
        np.testing.assert_allclose(g, e, rtol=1e-6, atol=1e-8)
    # watching is undone when the tape closes
    assert not any(t.requires_grad for t in ts)


def test_unwatched_tensor_gets_none():
    x = Tensor(np.array([1.0, 2.0]))
    with GradientTape() as tape:
        y = ops.sum(x * x)
    assert tape.gradient(y, x) is None


def test_float32_in_float32_gradients():
    w = Variable(np.ones((3, 2), "float32"))
    with GradientTape() as tape:
        y = ops.sum(ops.matmul(np.ones((4, 3), "float32"), w))
    g = tape.gradient(y, w)
    assert g.dtype == np.float32
    np.testing.assert_array_equal(g, np.full((3, 2), 4.0))


def test_non_connected_source_is_none_or_zero():
    w = Variable([1.0, 2.0])
    other = Variable(np.ones((2, 2)))
    with GradientTape(persistent=True) as tape:
        y = ops.sum(w * 3.0)
    assert tape.gradient(y, other) is None
    gw, go = tape.gradient(y, [w, other], unconnected_gradients="zero")
    np.testing.assert_array_equal(gw, [3.0, 3.0])
    np.testing.assert_array_equal(go, np.zeros((2, 2)))
    assert go.dtype == np.float32


def test_non_persistent_tape_can_be_used_once():
    w = Variable([1.0])
    with GradientTape() as tape:
        y = w * w
    tape.gradient(y, w)
    with pytest.raises(RuntimeError, match=r"persistent=True"):
        tape.gradient(y, w)


def test_persistent_tape_can_be_used_several_times():
    w = Variable([3.0])
    with GradientTape(persistent=True) as tape:
        y = w * w
        z = y * w
    np.testing.assert_array_equal(tape.gradient(y, w), [6.0])
    np.testing.assert_array_equal(tape.gradient(z, w), [27.0])
    np.testing.assert_array_equal(tape.gradient(y, w), [6.0])


def test_ops_before_the_tape_are_constants():
    w = Variable([2.0])
    h = w * 3.0  # recorded before the tape: a constant for it
    with GradientTape() as tape:
        y = h * w
    # d(h * w)/dw with h held constant is h = 6, not 2 * 3w = 12
    np.testing.assert_array_equal(tape.gradient(y, w), [6.0])


def test_tensor_computed_before_the_tape_is_not_a_source():
    w = Variable([2.0])
    h = w * 3.0
    with GradientTape() as tape:
        y = h * w
    gh, gw = tape.gradient(y, [h, w])
    assert gh is None  # not watched and not computed on the tape
    np.testing.assert_array_equal(gw, [6.0])
    with GradientTape() as tape:
        tape.watch(h)
        y = h * w
    np.testing.assert_array_equal(tape.gradient(y, h), [2.0])


def test_gradient_with_respect_to_an_intermediate_result():
    w = Variable([2.0])
    with GradientTape() as tape:
        h = w * 3.0
        y = h * h
    gh, gw = tape.gradient(y, [h, w])
    np.testing.assert_array_equal(gh, [12.0])
    np.testing.assert_array_equal(gw, [36.0])


def test_list_tuple_and_dict_sources():
    a, b = Variable([1.0]), Variable([2.0])
    with GradientTape(persistent=True) as tape:
        y = a * 5.0 + b * 7.0
    ga, gb = tape.gradient(y, (a, b))
    np.testing.assert_array_equal(ga, [5.0])
    np.testing.assert_array_equal(gb, [7.0])
    g = tape.gradient(y, {"kernel": a, "bias": b})
    assert set(g) == {"kernel", "bias"}
    np.testing.assert_array_equal(g["kernel"], [5.0])
    np.testing.assert_array_equal(g["bias"], [7.0])
    nested = tape.gradient(y, [a, [b]])
    np.testing.assert_array_equal(nested[1][0], [7.0])
    assert isinstance(tape.gradient(y, (a, b)), tuple)


def test_list_of_targets_is_summed_and_output_gradients():
    w = Variable([1.0, 2.0])
    with GradientTape(persistent=True) as tape:
        y1 = w * 2.0
        y2 = w * w
    np.testing.assert_array_equal(tape.gradient([y1, y2], w), [4.0, 6.0])
    g = tape.gradient(y2, w, output_gradients=np.array([10.0, 1.0]))
    np.testing.assert_array_equal(g, [20.0, 4.0])


def test_same_source_twice_gives_independent_arrays():
    w = Variable([1.0, 2.0])
    with GradientTape() as tape:
        y = w * 2.0
    g1, g2 = tape.gradient(y, [w, w])
    np.testing.assert_array_equal(g1, [2.0, 2.0])
    assert g1 is not g2
    g1 += 1.0
    np.testing.assert_array_equal(g2, [2.0, 2.0])


def test_non_trainable_variables_are_not_watched_unless_asked():
    v = Variable([1.0], trainable=False)
    with GradientTape() as tape:
        y = v * 4.0
    assert tape.gradient(y, v) is None
    with GradientTape() as tape:
        tape.watch(v)
        y = v * 4.0
    np.testing.assert_array_equal(tape.gradient(y, v), [4.0])
    assert not v.requires_grad  # restored


def test_watch_accessed_variables_false():
    a, b = Variable([1.0]), Variable([1.0])
    with GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(a)
        y = a * 2.0 + b * 3.0
    ga, gb = tape.gradient(y, [a, b])
    np.testing.assert_array_equal(ga, [2.0])
    assert gb is None
    assert tape.watched_variables() == [a]


def test_gradient_inside_the_with_block():
    w = Variable([3.0])
    with GradientTape() as tape:
        y = w * w
        g = tape.gradient(y, w)
    np.testing.assert_array_equal(g, [6.0])


def test_tape_leaves_the_graph_for_backward():
    w = Variable([3.0])
    with GradientTape() as tape:
        y = w * w
    tape.gradient(y, w)
    y.backward()
    np.testing.assert_array_equal(w.grad, [6.0])


def test_watch_errors():
    with GradientTape() as tape:
        with pytest.raises(
            TypeError, match=r"expects Tensors or Variables, got"
        ):
            tape.watch(np.ones(2))
        with pytest.raises(
            ValueError, match=r"Cannot watch a tensor of dtype int32"
        ):
            tape.watch(Tensor(np.array([1, 2], "int32")))


def test_gradient_on_a_tape_never_entered():
    tape = GradientTape()
    with pytest.raises(RuntimeError, match=r"never entered"):
        tape.gradient(Tensor(1.0), Variable([1.0]))


def test_nested_tapes_see_their_own_operations():
    w = Variable([2.0])
    with GradientTape() as outer:
        h = w * w  # on the outer tape only
        with GradientTape() as inner:
            y = h * w
    np.testing.assert_array_equal(inner.gradient(y, w), [4.0])  # h constant
    np.testing.assert_array_equal(outer.gradient(y, w), [12.0])  # 3 w^2
