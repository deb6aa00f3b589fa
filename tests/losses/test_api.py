"""The losses' API: names, get/serialize, the Loss base class, inputs, dtypes,
profiles and configuration read at call time."""

import numpy as np
import pytest

import kara
import kara.losses
from kara import config
from kara import losses
from kara import ops
from kara.losses import loss as loss_module

CLASS_NAMES = [
    "BinaryCrossentropy",
    "BinaryFocalCrossentropy",
    "CategoricalCrossentropy",
    "CategoricalFocalCrossentropy",
    "SparseCategoricalCrossentropy",
    "MeanSquaredError",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanSquaredLogarithmicError",
    "Hinge",
    "SquaredHinge",
    "CategoricalHinge",
    "LogCosh",
    "KLDivergence",
    "Poisson",
    "CosineSimilarity",
    "Huber",
    "Dice",
    "Tversky",
    "CategoricalGeneralizedCrossEntropy",
    "Circle",
    "CTC",
]

FUNCTION_ALIASES = {
    "mse": "mean_squared_error",
    "MSE": "mean_squared_error",
    "mae": "mean_absolute_error",
    "MAE": "mean_absolute_error",
    "mape": "mean_absolute_percentage_error",
    "MAPE": "mean_absolute_percentage_error",
    "msle": "mean_squared_logarithmic_error",
    "MSLE": "mean_squared_logarithmic_error",
    "kld": "kl_divergence",
    "KLD": "kl_divergence",
    "kullback_leibler_divergence": "kl_divergence",
    "bce": "binary_crossentropy",
    "BCE": "binary_crossentropy",
    "logcosh": "log_cosh",
    "huber_loss": "huber",
    "cosine_proximity": "cosine_similarity",
}

# the loss names listed in seed 002 (a tf.keras 2 compile() reference)
SEED_002_NAMES = [
    "mean_squared_error",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_squared_logarithmic_error",
    "squared_hinge",
    "hinge",
    "categorical_hinge",
    "logcosh",
    "categorical_crossentropy",
    "sparse_categorical_crossentropy",
    "binary_crossentropy",
    "kullback_leibler_divergence",
    "poisson",
    "cosine_proximity",
]


def test_import_as_attribute():
    assert kara.losses is losses
    assert kara.losses.MeanSquaredError is losses.MeanSquaredError


@pytest.mark.parametrize("name", CLASS_NAMES)
def test_class_names_give_instances(name):
    obj = losses.get(name)
    assert type(obj).__name__ == name
    assert isinstance(obj, losses.Loss)


@pytest.mark.parametrize("alias,target", sorted(FUNCTION_ALIASES.items()))
def test_functional_aliases(alias, target):
    assert losses.get(alias) is getattr(losses, target)
    assert getattr(losses, alias) is getattr(losses, target)


@pytest.mark.parametrize("name", SEED_002_NAMES)
def test_seed_002_names_resolve_and_compute(name):
    fn = losses.get(name)
    assert callable(fn)
    y_true = [[0.0, 1.0, 0.0]]
    y_pred = [[0.2, 0.7, 0.1]]
    if name.startswith("sparse"):
        y_true = [1]
    out = fn(y_true, y_pred)
    assert out.shape == (1,) and np.isfinite(out.numpy()).all()


def test_get_passes_through_callables_and_none():
    def my_loss(y_true, y_pred):
        return ops.mean(ops.square(y_true - y_pred), axis=-1)

    assert losses.get(None) is None
    assert losses.get(my_loss) is my_loss
    mse = losses.MeanSquaredError()
    assert losses.get(mse) is mse
    assert isinstance(losses.get(losses.Huber), losses.Huber)


def test_get_from_config_dict():
    obj = losses.get(
        {
            "class_name": "CategoricalCrossentropy",
            "config": {"from_logits": True},
        }
    )
    assert isinstance(obj, losses.CategoricalCrossentropy)
    assert obj.from_logits is True


def test_tf_keras2_config_with_fn_key_loads():
    # tf.keras 2 writes "fn" and reduction "auto" into the config
    obj = losses.deserialize(
        {
            "class_name": "MeanSquaredError",
            "config": {
                "reduction": "auto",
                "name": "mean_squared_error",
                "fn": "mean_squared_error",
            },
        }
    )
    assert isinstance(obj, losses.MeanSquaredError)
    assert float(obj([[1.0]], [[3.0]])) == 4.0


def test_reduction_constants():
    R = losses.Reduction
    assert (R.AUTO, R.NONE, R.SUM, R.SUM_OVER_BATCH_SIZE) == (
        "auto",
        "none",
        "sum",
        "sum_over_batch_size",
    )
    y_true, y_pred = [[1.0], [2.0]], [[0.0], [0.0]]
    assert float(losses.MeanSquaredError(reduction=R.SUM)(y_true, y_pred)) == 5
    for red in (R.AUTO, R.SUM_OVER_BATCH_SIZE, "mean"):
        out = losses.MeanSquaredError(reduction=red)(y_true, y_pred)
        assert float(out) == 2.5
    out = losses.MeanSquaredError(reduction=R.NONE)(y_true, y_pred)
    np.testing.assert_array_equal(out.numpy(), [1.0, 4.0])


class MyHalfSquare(losses.Loss):
    def call(self, y_true, y_pred):
        return ops.mean(0.5 * ops.square(y_true - y_pred), axis=-1)


def test_subclassing_loss():
    loss = MyHalfSquare()
    assert loss.name.startswith("my_half_square")
    assert loss.reduction == "sum_over_batch_size"
    out = loss([[0.0, 2.0]], [[2.0, 2.0]], sample_weight=[3.0])
    assert out.dtype == np.float32 and float(out) == 3.0
    clone = MyHalfSquare.from_config(loss.get_config())
    assert clone.get_config() == loss.get_config()
    second = MyHalfSquare()
    assert second.name != loss.name  # auto names are unique


def test_subclass_without_call():
    class Empty(losses.Loss):
        pass

    with pytest.raises(NotImplementedError, match="must implement `call"):
        Empty()([1.0], [1.0])


def test_plain_function_wrapped():
    def abs_error(y_true, y_pred):
        return ops.mean(ops.abs(y_true - y_pred), axis=-1)

    loss = losses.LossFunctionWrapper(abs_error, reduction="sum")
    assert loss.name == "abs_error"
    out = loss(np.array([[1.0], [2.0]]), kara.Tensor(np.zeros((2, 1))))
    assert float(out) == 3.0
    config = loss.get_config()
    assert config["fn"]["config"] == "abs_error"
    # built-in functions round-trip through their name
    wrapped = losses.LossFunctionWrapper(losses.mean_squared_error)
    back = losses.LossFunctionWrapper.from_config(wrapped.get_config())
    assert back.fn is losses.mean_squared_error


def test_wrapped_function_gets_aligned_inputs():
    seen = []

    def record(y_true, y_pred):
        seen.append((y_true.shape, y_pred.shape))
        return ops.mean(ops.square(y_true - y_pred), axis=-1)

    losses.LossFunctionWrapper(record)([1.0, 2.0], [[1.0], [2.0]])
    assert seen == [((2, 1), (2, 1))]


# ------------------------------------------------------------- inputs
@pytest.mark.parametrize(
    "y_true",
    [
        [[1, 0], [0, 1]],
        np.array([[1, 0], [0, 1]], "int8"),
        np.array([[1, 0], [0, 1]], "uint8"),
        np.array([[1, 0], [0, 1]], "int64"),
        np.array([[True, False], [False, True]]),
        np.array([[1, 0], [0, 1]], "float16"),
        np.array([[1, 0], [0, 1]], "float64"),
        kara.Tensor(np.array([[1, 0], [0, 1]], "int32")),
    ],
    ids=[
        "list",
        "int8",
        "uint8",
        "int64",
        "bool",
        "float16",
        "float64",
        "tensor",
    ],
)
def test_any_label_type_with_a_tensor_prediction(y_true):
    y_pred = kara.Tensor(np.array([[0.8, 0.2], [0.4, 0.6]], "float32"))
    out = losses.BinaryCrossentropy()(y_true, y_pred)
    expected = -np.mean([np.log(0.8), np.log(0.8), np.log(0.6), np.log(0.6)])
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-6)


def test_sparse_labels_of_any_integer_type():
    y_pred = np.array([[0.1, 0.9], [0.7, 0.3]], "float32")
    expected = -np.mean(np.log([0.9, 0.7]))
    for y_true in (
        [1, 0],
        np.array([1, 0], "uint8"),
        np.array([1.0, 0.0]),
        np.array([[1], [0]], "int64"),
        np.array([True, False]),
    ):
        out = losses.SparseCategoricalCrossentropy()(y_true, y_pred)
        np.testing.assert_allclose(out.numpy(), expected, rtol=1e-6)


def test_float64_predictions_give_float32():
    out = losses.MeanSquaredError()(np.zeros(3), np.ones(3, "float64"))
    assert out.dtype == np.float32
    per_sample = losses.mean_squared_error(np.zeros((2, 3)), np.ones((2, 3)))
    assert per_sample.dtype == np.float64  # functions keep the input dtype
    out = losses.MeanSquaredError(dtype="float64")([1.0], [0.0])
    assert out.dtype == np.float64


def test_results_are_tensors_with_numpy():
    out = losses.mean_absolute_error([[1.0, 2.0]], [[0.0, 0.0]])
    assert isinstance(out, kara.Tensor)
    np.testing.assert_array_equal(out.numpy(), [1.5])


def test_per_time_step_losses_and_weights():
    y_true = np.zeros((2, 3, 4), "float32")
    y_pred = np.ones((2, 3, 4), "float32")
    loss = losses.MeanSquaredError(reduction="none")
    assert loss(y_true, y_pred).shape == (2, 3)
    sw = np.array([[1, 0, 2], [0, 0, 1]], "float32")
    np.testing.assert_array_equal(loss(y_true, y_pred, sample_weight=sw), sw)
    # (N,) weights weigh every step of their sample
    out = loss(y_true, y_pred, sample_weight=[2.0, 0.5])
    np.testing.assert_array_equal(out.numpy(), [[2, 2, 2], [0.5, 0.5, 0.5]])


def test_sample_weight_shapes_give_keras3_shapes():
    y_true, y_pred = np.zeros((4, 1)), np.ones((4, 1))
    loss = losses.MeanSquaredError(reduction="none")
    assert loss(y_true, y_pred, sample_weight=np.ones(4)).shape == (4,)
    assert loss(y_true, y_pred, sample_weight=np.ones((4, 1))).shape == (4, 1)
    with config.using_profile("keras2"):
        out = loss(y_true, y_pred, sample_weight=np.ones((4, 1)))
    assert out.shape == (4,)


# ----------------------------------------------- configuration at call
def test_epsilon_is_read_at_call_time():
    loss = losses.BinaryCrossentropy()
    before = float(loss([[1.0]], [[0.0]]))
    np.testing.assert_allclose(before, -np.log(np.float32(1e-7)), rtol=1e-5)
    old = config.epsilon()
    config.set_epsilon(1e-3)
    try:
        after = float(loss([[1.0]], [[0.0]]))
    finally:
        config.set_epsilon(old)
    np.testing.assert_allclose(after, -np.log(1e-3), rtol=1e-5)


def test_profile_table_is_one_lookup():
    assert set(loss_module.PROFILE_RULES) == set(config.PROFILES)
    with config.using_profile("keras2"):
        assert loss_module.rules().name == "keras2"
        assert loss_module.rules().bce_log_epsilon
    assert loss_module.rules().name == "keras3"
    assert not loss_module.rules().bce_log_epsilon


def test_keras2_tensor_alignment_squeezes():
    y_true = kara.Tensor(np.array([1.0, 2.0, 3.0], "float32"))
    y_pred = kara.Tensor(np.array([[1.0], [2.0], [5.0]], "float32"))
    loss = losses.MeanSquaredError(reduction="none")
    with config.using_profile("keras2"):
        out = loss(y_true, y_pred)
    assert out.shape == ()  # tf.keras 2: both become (N,), mean over N
    np.testing.assert_allclose(out.numpy(), 4.0 / 3)
    out = loss(y_true, y_pred)  # Keras 3: both become (N, 1)
    np.testing.assert_array_equal(out.numpy(), [0.0, 0.0, 4.0])


@pytest.mark.parametrize(
    "y_true",
    [np.arange(3.0), np.arange(3.0).reshape(-1, 1)],
    ids=["(N,)", "(N,1)"],
)
def test_n_and_n1_labels_give_the_same_loss(y_true):
    y_pred = np.array([[0.5], [1.5], [1.0]])
    for cls in (losses.MeanSquaredError, losses.MeanAbsoluteError):
        np.testing.assert_allclose(
            cls()(y_true, y_pred), cls()(np.arange(3.0), y_pred), rtol=1e-7
        )
    bce = losses.BinaryCrossentropy()(y_true / 2, y_pred / 2)
    np.testing.assert_allclose(
        bce, losses.BinaryCrossentropy()(np.arange(3.0) / 2, y_pred / 2)
    )


def test_keras_mask_from_ignore_class_averages_over_valid():
    y_pred = np.array([[0.2, 0.8], [0.5, 0.5], [0.9, 0.1]], "float32")
    out = losses.SparseCategoricalCrossentropy(ignore_class=-1)(
        [1, -1, 0], y_pred
    )
    np.testing.assert_allclose(
        out.numpy(), -(np.log(0.8) + np.log(0.9)) / 2, rtol=1e-6
    )
    per_sample = losses.SparseCategoricalCrossentropy(
        ignore_class=-1, reduction="none"
    )([1, -1, 0], y_pred)
    assert per_sample.numpy()[1] == 0.0


def test_probabilities_of_exactly_zero_and_one_are_finite():
    for loss in (
        losses.BinaryCrossentropy(),
        losses.CategoricalCrossentropy(),
        losses.BinaryFocalCrossentropy(),
        losses.CategoricalFocalCrossentropy(),
        losses.KLDivergence(),
    ):
        out = loss([[1.0, 0.0]], [[0.0, 1.0]])
        assert np.isfinite(out.numpy()), type(loss).__name__
    out = losses.SparseCategoricalCrossentropy()([0], [[0.0, 1.0]])
    np.testing.assert_allclose(out.numpy(), 16.118095, rtol=1e-6)


def test_huge_logits_are_exact():
    out = losses.BinaryCrossentropy(from_logits=True, reduction="none")(
        [[0.0, 1.0]], [[1000.0, -1000.0]]
    )
    np.testing.assert_allclose(out.numpy(), [1000.0], rtol=1e-6)
    out = losses.CategoricalCrossentropy(from_logits=True)(
        [[1, 0, 0]], [[-500.0, 500.0, 0.0]]
    )
    np.testing.assert_allclose(out.numpy(), 1000.0, rtol=1e-6)


def test_logits_attached_by_an_activation_are_used():
    # Keras (TensorFlow) computes the cross-entropy of a sigmoid/softmax
    # output from the logits it recorded: exact, no clipping at 16.118
    logits = kara.Tensor(np.array([[30.0, -30.0]], "float32"))
    probs = ops.sigmoid(logits)
    plain = losses.BinaryCrossentropy()([[0.0, 1.0]], probs)
    np.testing.assert_allclose(
        plain.numpy(), (15.942385 + 16.118095) / 2, rtol=1e-6
    )
    probs._keras_logits = logits
    exact = losses.BinaryCrossentropy()([[0.0, 1.0]], probs)
    np.testing.assert_allclose(exact.numpy(), 30.0, rtol=1e-6)
    soft = ops.softmax(logits)
    soft._keras_logits = logits
    out = losses.SparseCategoricalCrossentropy()([1], soft)
    np.testing.assert_allclose(out.numpy(), 60.0, rtol=1e-6)
