"""`kara.tf` beyond the golden values: aliases, gradients, errors.

The values of every facade function against real TensorFlow are in
`test_golden.py`; this file checks what golden values cannot: that the
aliases are kara's own objects, that the adapters differentiate
correctly (float64 finite differences), that seeding is reproducible,
and that a missing TensorFlow name gets an error pointing at kara's.
"""

import numpy as np
import pytest

import kara
import kara.tf as tf
from kara.testing import check_grad


# ------------------------------------------------------------- aliases
def test_keras_is_kara():
    assert tf.keras is kara
    assert tf.keras.losses.BinaryCrossentropy is kara.losses.BinaryCrossentropy
    assert tf.keras.Sequential is kara.Sequential
    from kara.tf import keras

    assert keras is kara


def test_reduction_names_are_keras_strings():
    reduction = tf.keras.losses.Reduction
    assert reduction.SUM_OVER_BATCH_SIZE == "sum_over_batch_size"
    assert (reduction.NONE, reduction.SUM) == ("none", "sum")
    loss = tf.keras.losses.BinaryCrossentropy(reduction=reduction.SUM)
    assert loss.reduction == "sum"


def test_tensor_variable_and_tape_are_kara_classes():
    assert tf.Tensor is kara.Tensor
    assert tf.Variable is kara.Variable
    assert issubclass(tf.GradientTape, kara.GradientTape)
    v = tf.Variable(initial_value=[1.0, 2.0], name="v")
    assert isinstance(v, tf.Variable) and isinstance(v, tf.Tensor)
    assert v.dtype == tf.float32 and v.name == "v"


def test_dtypes_compare_equal_to_tensor_dtypes():
    assert tf.constant([1.0]).dtype == tf.float32
    assert tf.constant([1]).dtype == tf.int32
    assert tf.cast([1.0], tf.float64).dtype == tf.float64
    assert (tf.float32.name, tf.int64.name, tf.bool.name) == (
        "float32",
        "int64",
        "bool",
    )
    assert tf.double is tf.float64 and tf.half is tf.float16


def test_python_builtins_are_not_shadowed_inside_the_facade():
    # kara.tf defines `bool`, `range` and `abs` as TensorFlow does; its
    # own code must still work (range with floats, abs of a Tensor).
    assert tf.range(0.0, 1.0, 0.5).numpy().tolist() == [0.0, 0.5]
    assert tf.abs(tf.constant([-2.0])).numpy().tolist() == [2.0]


def test_function_decorator_runs_eagerly():
    @tf.function
    def double(x):
        return x * 2

    @tf.function(jit_compile=True, reduce_retracing=True)
    def triple(x):
        return x * 3

    assert float(double(tf.constant(2.0))) == 4.0
    assert float(triple(tf.constant(2.0))) == 6.0


def test_newaxis_indexes_like_numpy():
    x = tf.constant([1.0, 2.0])
    assert x[:, tf.newaxis].shape == (2, 1)


# ------------------------------------------------------------ seeding
def test_set_seed_makes_initial_weights_and_draws_reproducible():
    def draw():
        tf.random.set_seed(1234)
        layer = tf.keras.layers.Dense(3)
        layer.build((None, 2))
        return layer.kernel.numpy(), tf.random.normal((4,)).numpy()

    (k1, n1), (k2, n2) = draw(), draw()
    np.testing.assert_array_equal(k1, k2)
    np.testing.assert_array_equal(n1, n2)
    tf.random.set_seed(99)
    assert not np.array_equal(tf.random.normal((4,)).numpy(), n1)


def test_random_uniform_bounds_and_dtype():
    tf.random.set_seed(0)
    x = tf.random.uniform((1000,), minval=2.0, maxval=3.0)
    assert x.dtype == tf.float32
    assert 2.0 <= float(tf.reduce_min(x)) and float(tf.reduce_max(x)) < 3.0


# ---------------------------------------------------------- gradients
def _away_from_kinks(rng, shape):
    return rng.uniform(0.1, 1.0, shape) * rng.choice([-1.0, 1.0], shape)


def test_clip_by_value_gradient(rng):
    x = _away_from_kinks(rng, (3, 4)) * 2
    check_grad(lambda t: tf.clip_by_value(t, -0.5, 0.7), x)


def test_clip_by_value_with_tensor_bound_gradient(rng):
    # seed 000's hand-written loss clips y_pred with y_pred as maximum:
    # the gradient flows once (TensorFlow's Minimum gives ties to x).
    x = rng.uniform(0.1, 1.0, (2, 3))
    check_grad(lambda t: tf.clip_by_value(t, 1e-6, t), x)
    v = tf.Variable(np.array([0.2, 0.0], np.float32))
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.clip_by_value(v, 1e-6, v))
    np.testing.assert_array_equal(tape.gradient(y, v).numpy(), [1.0, 0.0])


@pytest.mark.parametrize(
    "fn",
    [
        lambda t: tf.reduce_sum(t, axis=1),
        lambda t: tf.reduce_mean(t, axis=0, keepdims=True),
        lambda t: tf.reduce_max(t, axis=-1),
        lambda t: tf.reduce_min(t),
        lambda t: tf.math.reduce_logsumexp(t, axis=1),
        lambda t: tf.square(t) * tf.math.exp(t),
        lambda t: tf.math.log(tf.math.abs(t)),
        lambda t: tf.math.multiply(tf.math.add(t, 1.0), t),
        lambda t: tf.nn.softmax(t),
        lambda t: tf.nn.log_softmax(t, axis=0),
        lambda t: tf.nn.sigmoid(t) + tf.nn.relu(t),
        lambda t: tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=[1, 0, 3], logits=t
        ),
        lambda t: tf.nn.softmax_cross_entropy_with_logits(
            labels=tf.one_hot([1, 0, 3], 4, dtype=tf.float64), logits=t
        ),
        lambda t: tf.nn.sigmoid_cross_entropy_with_logits(
            labels=np.ones((3, 4)), logits=t
        ),
        lambda t: tf.matmul(t, t, transpose_b=True),
        lambda t: tf.reshape(tf.transpose(t), (2, 6)),
    ],
    ids=[
        "reduce_sum",
        "reduce_mean",
        "reduce_max",
        "reduce_min",
        "reduce_logsumexp",
        "square_exp",
        "log_abs",
        "multiply_add",
        "softmax",
        "log_softmax",
        "sigmoid_relu",
        "sparse_softmax_ce",
        "softmax_ce",
        "sigmoid_ce",
        "matmul_transpose_b",
        "reshape_transpose",
    ],
)
def test_adapter_gradients(fn, rng):
    check_grad(fn, _away_from_kinks(rng, (3, 4)))


def test_tape_gradient_returns_tensors_in_the_structure_of_sources():
    w = tf.Variable([[1.0], [2.0]])
    b = tf.Variable([0.5])
    unused = tf.Variable([3.0])
    x = tf.constant([[1.0, 2.0], [3.0, -1.0]])
    with tf.GradientTape(persistent=True) as tape:
        y = tf.reduce_mean(tf.square(tf.matmul(x, w) + b))
    gw, gb, gu = tape.gradient(y, [w, b, unused])
    assert isinstance(gw, tf.Tensor) and gu is None
    # d/dw mean((xw + b)^2) = x^T (xw + b) (2 / n): residuals 5.5, 1.5
    np.testing.assert_allclose(gw.numpy(), [[10.0], [9.5]])
    np.testing.assert_allclose(gb.numpy(), [7.0])
    grads = tape.gradient(y, {"w": w, "b": b})
    assert set(grads) == {"w", "b"} and isinstance(grads["b"], tf.Tensor)
    grads = tape.gradient(y, (w,))
    assert isinstance(grads, tuple) and isinstance(grads[0], tf.Tensor)


def test_custom_training_loop_with_tape_and_apply_gradients():
    # the TensorFlow "custom training loop" pattern, on y = 2x + 1
    tf.random.set_seed(0)
    model = tf.keras.Sequential(
        [tf.keras.Input((1,)), tf.keras.layers.Dense(1)]
    )
    optimizer = tf.keras.optimizers.SGD(learning_rate=0.1)
    x = tf.constant([[0.0], [1.0], [2.0], [3.0]])
    y = 2 * x + 1
    for _ in range(300):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(model(x) - y))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
    kernel, bias = model.get_weights()
    np.testing.assert_allclose([kernel.item(), bias.item()], [2, 1], atol=1e-3)


def test_gradient_tape_through_a_hand_written_loss():
    # seed 000's categorical cross-entropy, differentiated by the tape
    def categorycal_cross_entropy(y_val, y_pred):
        y_val = tf.cast(y_val, tf.float32)
        y_pred = tf.cast(y_pred, tf.float32)
        y_pred = tf.clip_by_value(y_pred, 1e-6, y_pred)
        loss = -tf.reduce_sum(y_val * tf.math.log(y_pred), axis=1)
        return tf.reduce_mean(loss)

    p = tf.Variable([[0.2, 0.8], [0.6, 0.4]])
    with tf.GradientTape() as tape:
        loss = categorycal_cross_entropy([[0, 1], [1, 0]], p)
    grad = tape.gradient(loss, p)
    # d/dp of -mean(log p_true) is -1 / (2 p_true) on the true class
    np.testing.assert_allclose(
        grad.numpy(), [[0.0, -1 / 1.6], [-1 / 1.2, 0.0]], rtol=1e-6
    )
    assert grad.dtype == tf.float32


# ------------------------------------------------------------- errors
@pytest.mark.parametrize(
    "namespace, name, advice",
    [
        (tf, "log", "Use `tf.math.log`"),
        (tf, "reduce_std", "Use `kara.ops.std`"),
        (tf.math, "reduce_variance", "Use `kara.ops.var`"),
        (tf.math, "relu", "Use `tf.nn.relu`"),
        (tf.nn, "log", "Use `tf.math.log`"),
        (tf, "clip", "TensorFlow calls it `tf.clip_by_value`"),
        (tf, "sum", "TensorFlow calls it `tf.reduce_sum`"),
        (tf, "tile", "Use `kara.ops.tile`"),
        (tf, "Varaible", r"Did you mean `tf.Variable`\?"),
        (tf, "GradientTap", r"Did you mean `tf.GradientTape`\?"),
        (tf.math, "reduce_sun", r"Did you mean `tf.math.reduce_sum`"),
        (tf.nn, "sofmax", r"Did you mean `tf.nn.softmax`"),
        (tf.random, "set_sed", r"Did you mean `tf.random.set_seed`"),
        (tf, "data", r"pass NumPy arrays to model.fit\(x, y"),
        (tf, "Session", "kara runs eagerly"),
        (tf, "placeholder", "kara runs eagerly"),
    ],
)
def test_missing_name_points_at_kara(namespace, name, advice):
    asked = namespace.__name__.replace("kara.", "") + "." + name
    with pytest.raises(AttributeError, match=rf"does not provide `{asked}`"):
        getattr(namespace, name)
    with pytest.raises(AttributeError, match=advice):
        getattr(namespace, name)


def test_missing_name_without_a_close_match_says_where_to_look():
    with pytest.raises(
        AttributeError, match=r"tf.xyzzy_op`: it covers .* kara.ops"
    ):
        tf.xyzzy_op  # noqa: B018


def test_hasattr_is_false_for_missing_names():
    assert not hasattr(tf, "einsum_not_here")
    assert hasattr(tf, "keras") and "keras" in dir(tf)


def test_all_lists_only_real_names():
    for module in (tf, tf.math, tf.nn, tf.random):
        for name in module.__all__:
            assert getattr(module, name, None) is not None or name == (
                "newaxis"
            ), f"{module.__name__}.{name}"


def test_star_import_does_not_shadow_python_builtins():
    namespace = {}
    exec("from kara.tf import *", namespace)
    assert "constant" in namespace and "keras" in namespace
    for name in ("abs", "bool", "range"):
        assert name not in namespace


def test_gather_refuses_batch_dims_it_would_ignore():
    params = np.arange(6, dtype="float32").reshape(2, 3)
    np.testing.assert_array_equal(
        tf.gather(params, [2, 0], axis=1).numpy(), params[:, [2, 0]]
    )
    with pytest.raises(NotImplementedError, match=r"batch_dims=1\. Use"):
        tf.gather(params, [[0], [2]], axis=1, batch_dims=1)
