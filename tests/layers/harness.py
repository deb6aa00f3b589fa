"""The layer harness: the checks every layer must pass (after Keras's
`run_layer_test`).

`run_layer_test(cls, init_kwargs, input_shape, ...)` builds the layer on
random data and checks:

1. the output shape equals `compute_output_shape` (eagerly and on a
   symbolic `Input`), and float32 in gives float32 out (float64 NumPy
   input is cast to float32 too);
2. the numbers of trainable and non-trainable weights;
3. `get_config` -> `from_config` gives an equal config and, with the same
   weights, the same outputs;
4. `get_weights` -> `set_weights` on a fresh layer reproduces the outputs;
5. one training step by hand (backward of a loss, then
   `w.data -= lr * w.grad` for the trainable weights): every trainable
   weight gets a gradient of its shape and dtype and moves by exactly
   `-lr * grad`, the non-trainable ones stay as they were;
6. `training=False` is deterministic.

`check_layer_gradients(layer_factory, input_shape)` gradient-checks a
layer's call in float64 with respect to its input(s) and every weight.
"""

import numpy as np

from kara import config
from kara import random
from kara.autograd.tensor import Tensor
from kara.layers import Input
from kara.layers import symbolic
from kara.testing import check_grad
from kara.testing import numerical_grad


def _sample(rng, shape, dtype="float32"):
    return rng.uniform(-1.5, 1.5, shape).astype(dtype)


def _inputs(rng, input_shape, dtype="float32"):
    if symbolic.is_shape(input_shape):
        return _sample(rng, input_shape, dtype)
    return [_sample(rng, s, dtype) for s in input_shape]


def _shape(out):
    if isinstance(out, Tensor):
        return tuple(out.shape)
    return [tuple(o.shape) for o in out]


def _flat(out):
    return [out] if isinstance(out, Tensor) else list(out)


def run_layer_test(
    layer_cls,
    init_kwargs,
    input_shape,
    expected_output_shape=None,
    expected_num_trainable_weights=0,
    expected_num_non_trainable_weights=0,
    rng=None,
    run_training_check=True,
    random_in_training=False,
    custom_objects=None,
    from_config_kwargs=None,
):
    """Runs the harness (see the module docstring); returns the layer."""
    rng = rng or np.random.default_rng(0)
    random.set_random_seed(0)  # initial weights and dropout masks
    layer = layer_cls(**init_kwargs)
    x = _inputs(rng, input_shape)

    # 1. shapes and dtypes
    y = layer(x)
    for t in _flat(y):
        assert t.dtype == np.float32, f"{layer_cls.__name__}: {t.dtype}"
    if expected_output_shape is not None:
        assert _shape(y) == expected_output_shape
    computed = layer.compute_output_shape(
        input_shape if symbolic.is_shape(input_shape) else list(input_shape)
    )
    if symbolic.is_shape(computed):
        assert tuple(computed) == _shape(y)
    else:
        assert [tuple(c) for c in computed] == _shape(y)
    y64 = layer(_inputs(rng, input_shape, "float64"))
    assert all(t.dtype == np.float32 for t in _flat(y64))

    # symbolic call: None batch, output shape from compute_output_shape
    sym_layer = layer_cls.from_config(
        layer.get_config(), **(from_config_kwargs or {})
    )
    if symbolic.is_shape(input_shape):
        sym_in = Input(batch_shape=(None,) + tuple(input_shape[1:]))
        sym_out = sym_layer(sym_in)
        assert sym_out.shape == (None,) + _shape(y)[1:]
    else:
        sym_in = [
            Input(batch_shape=(None,) + tuple(s[1:])) for s in input_shape
        ]
        sym_out = sym_layer(sym_in)
        assert sym_out.shape == (None,) + _shape(y)[1:]

    # 2. weight counts
    assert len(layer.trainable_weights) == expected_num_trainable_weights
    assert (
        len(layer.non_trainable_weights) == expected_num_non_trainable_weights
    )
    assert len(layer.weights) == (
        expected_num_trainable_weights + expected_num_non_trainable_weights
    )

    # 3. config round trip, same outputs with the same weights
    cfg = layer.get_config()
    clone = layer_cls.from_config(cfg, **(from_config_kwargs or {}))
    assert clone.get_config() == cfg
    clone(x)
    clone.set_weights(layer.get_weights())
    _assert_same(layer(x, training=False), clone(x, training=False))

    # 4. get/set weights on a fresh layer
    fresh = layer_cls(**init_kwargs)
    fresh(x)
    if layer.weights:
        fresh.set_weights(layer.get_weights())
        for a, b in zip(fresh.get_weights(), layer.get_weights()):
            np.testing.assert_array_equal(a, b)
    _assert_same(layer(x, training=False), fresh(x, training=False))

    # 5. one training step by hand
    if run_training_check and layer.weights:
        before = [w.numpy() for w in layer.weights]
        out = layer(x, training=True)
        loss = None
        for t in _flat(out):
            term = (t * rng.standard_normal(t.shape).astype("float32")).sum()
            loss = term if loss is None else loss + term
        for w in layer.weights:
            w.grad = None
        loss.backward()
        trainable = {id(w) for w in layer.trainable_weights}
        for w in layer.trainable_weights:
            assert w.grad is not None, f"{w.path} got no gradient"
            assert w.grad.shape == w.shape and w.grad.dtype == w.dtype
            w.data -= 0.1 * w.grad
        moved = False
        for w, old in zip(layer.weights, before):
            if id(w) in trainable:
                np.testing.assert_allclose(w.data, old - 0.1 * w.grad)
                moved = moved or not np.array_equal(w.data, old)
            else:
                np.testing.assert_array_equal(w.data, old)
        if trainable:
            assert moved, "the training step moved no weight"

    # 6. inference is deterministic
    _assert_same(layer(x, training=False), layer(x, training=False))
    if random_in_training:
        a = layer(x, training=True)
        b = layer(x, training=True)
        assert not all(
            np.array_equal(p.numpy(), q.numpy())
            for p, q in zip(_flat(a), _flat(b))
        )
    return layer


def _assert_same(a, b):
    for p, q in zip(_flat(a), _flat(b)):
        np.testing.assert_array_equal(p.numpy(), q.numpy())


def check_layer_gradients(make_layer, input_shape, rng=None, **tolerances):
    """Gradient-checks a layer in float64 w.r.t. its inputs and weights.

    Args:
        make_layer: `dtype -> layer` (called with `"float64"`).
        input_shape: the input shape (or a list of shapes).
        rng: a NumPy Generator.
        **tolerances: passed to `check_grad` (`rtol`, `atol`).
    """
    rng = rng or np.random.default_rng(0)
    random.set_random_seed(0)
    layer = make_layer("float64")
    xs = _inputs(rng, input_shape, "float64")
    multi = not symbolic.is_shape(input_shape)
    layer(xs)  # build

    # with respect to the input(s)
    if multi:
        check_grad(lambda *ts: layer(list(ts)), *xs, **tolerances)
    else:
        check_grad(layer, xs, **tolerances)

    # with respect to each weight: backprop vs central differences
    if not layer.weights:
        return
    out = layer(xs)
    gy = rng.standard_normal(out.shape)
    for w in layer.weights:
        w.grad = None
    with config.enable_grad():
        out = layer(xs)
    out.backward(gy)

    def loss():
        with config.no_grad():
            return float(np.sum(layer(xs).data * gy))

    for w in layer.trainable_weights:
        assert w.dtype == np.float64
        num = numerical_grad(loss, w.data)
        np.testing.assert_allclose(
            w.grad,
            num,
            rtol=tolerances.get("rtol", 1e-5),
            atol=tolerances.get("atol", 1e-7),
            err_msg=f"gradient of {w.path}",
        )
