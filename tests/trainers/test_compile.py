"""`compile`: its arguments, several outputs, metric names and
`model.metrics` in both profiles."""

import numpy as np
import pytest

import kara
from kara import config


def _two_outputs():
    inp = kara.Input((4,))
    a = kara.layers.Dense(3, activation="softmax", name="cls")(inp)
    b = kara.layers.Dense(1, name="reg")(inp)
    return kara.Model(inp, [a, b])


@pytest.fixture
def data(rng):
    x = rng.normal(size=(24, 4)).astype("float32")
    return x, [rng.integers(0, 3, 24), rng.normal(size=(24, 1))]


def test_no_effect_arguments_are_accepted(data):
    x, y = data
    model = kara.Sequential([kara.Input((4,)), kara.layers.Dense(1)])
    model.compile(
        "sgd",
        "mse",
        run_eagerly=True,
        steps_per_execution=8,
        jit_compile=True,
        auto_scale_loss=False,
    )
    assert model.jit_compile is True and model.steps_per_execution == 8
    model.fit(x, y[1], verbose=0)
    # tf.keras 2 keywords
    model.compile("sgd", "mse", sample_weight_mode=None, target_tensors=None)


def test_defaults_rmsprop_and_config():
    model = kara.Sequential([kara.Input((4,)), kara.layers.Dense(1)])
    model.compile(loss="mse", metrics=["mae"])
    assert type(model.optimizer).__name__ == "RMSprop"
    assert model.get_compile_config()["metrics"] == ["mae"]


def test_tf_keras_2_positional_metrics():
    model = kara.Sequential([kara.Input((4,)), kara.layers.Dense(1)])
    # tf.keras 2: compile(optimizer, loss, metrics); Keras 3's third
    # positional is loss_weights, which cannot hold names
    model.compile("adam", "mse", ["mae"])
    model.fit(np.zeros((4, 4)), np.zeros((4, 1)), verbose=0)
    assert list(model.history.history) == ["loss", "mae"]


@pytest.mark.parametrize(
    "loss, loss_weights",
    [
        (["sparse_categorical_crossentropy", "mse"], [1.0, 0.5]),
        (
            {"cls": "sparse_categorical_crossentropy", "reg": "mse"},
            {"cls": 1.0, "reg": 0.5},
        ),
    ],
)
def test_loss_per_output_list_or_dict(data, loss, loss_weights):
    x, y = data
    model = _two_outputs()
    model.compile("sgd", loss, loss_weights=loss_weights)
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert list(logs) == ["cls_loss", "loss", "reg_loss"]
    np.testing.assert_allclose(
        logs["loss"], logs["cls_loss"] + 0.5 * logs["reg_loss"], rtol=1e-6
    )
    cls_pred, reg_pred = model.predict(x, verbose=0)
    sce = kara.losses.sparse_categorical_crossentropy(y[0], cls_pred)
    np.testing.assert_allclose(
        logs["cls_loss"], np.mean(sce.numpy()), rtol=1e-5
    )


def test_one_loss_for_every_output_and_a_none_loss(data):
    x, y = data
    model = _two_outputs()
    model.compile("sgd", "mse")
    logs = model.evaluate(
        x, [np.eye(3)[y[0]], y[1]], verbose=0, return_dict=True
    )
    np.testing.assert_allclose(
        logs["loss"], logs["cls_loss"] + logs["reg_loss"], rtol=1e-6
    )
    model.compile("sgd", loss={"reg": "mse"}, metrics={"cls": ["accuracy"]})
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert list(logs) == ["cls_accuracy", "loss"]  # one loss: no per-output


def test_loss_list_of_wrong_length():
    model = _two_outputs()
    with pytest.raises(ValueError, match="list of 3 entries.*2 outputs"):
        model.compile("sgd", ["mse", "mse", "mse"])
        model.evaluate(np.zeros((2, 4)), [np.zeros(2), np.zeros((2, 1))])


def test_loss_dict_with_unknown_output(data):
    x, y = data
    model = _two_outputs()
    model.compile("sgd", {"cls": "mse", "nope": "mse"})
    with pytest.raises(ValueError, match=r"\['nope'\] that are not output"):
        model.evaluate(x, y, verbose=0)


def test_metric_names_keras3_and_keras2(data):
    x, y = data
    for profile, keys in (
        (
            "keras3",
            [
                "cls_acc",
                "cls_loss",
                "loss",
                "reg_loss",
                "reg_mae",
                "reg_weighted_mae",
            ],
        ),
        (
            "keras2",
            [
                "loss",
                "cls_loss",
                "reg_loss",
                "cls_acc",
                "reg_mae",
                "reg_weighted_mae",
            ],
        ),
    ):
        with config.using_profile(profile):
            model = _two_outputs()
            model.compile(
                "sgd",
                ["sparse_categorical_crossentropy", "mse"],
                metrics=[["acc"], ["mae"]],
                weighted_metrics={"reg": ["mae"]},
            )
            h = model.fit(x, y, verbose=0)
            assert list(h.history) == keys
            if profile == "keras3":
                assert model.metrics_names == [
                    "loss",
                    "compile_metrics",
                    "cls_loss",
                    "reg_loss",
                ]
                # the metrics keep their own names (Keras 3)
                inner = model.metrics[1].metrics
                assert [m.name for m in inner] == ["acc", "mae", "mae"]
            else:
                assert model.metrics_names == keys


def test_keras3_metrics_list_is_one_per_output(data):
    x, y = data
    model = _two_outputs()
    model.compile(
        "sgd",
        ["sparse_categorical_crossentropy", "mse"],
        metrics=["accuracy", "mae"],
    )
    keys = list(model.evaluate(x, y, verbose=0, return_dict=True))
    assert keys == ["cls_accuracy", "cls_loss", "loss", "reg_loss", "reg_mae"]
    with config.using_profile("keras2"):
        model.compile(
            "sgd",
            "mse",
            metrics=["mae"],  # tf.keras 2: every metric on every output
        )
        y = [np.eye(3)[y[0]], y[1]]
        keys = list(model.evaluate(x, y, verbose=0, return_dict=True))
        assert keys == ["loss", "cls_loss", "reg_loss", "cls_mae", "reg_mae"]


def test_metrics_before_training():
    model = kara.Sequential([kara.Input((4,)), kara.layers.Dense(1)])
    model.compile("sgd", "mse", metrics=["mae"])
    assert model.metrics_names == ["loss", "compile_metrics"]
    with config.using_profile("keras2"):
        assert model.metrics == []  # tf.keras 2: built by the first batch


def test_same_metric_object_on_two_outputs_is_copied(data):
    x, y = data
    metric = kara.metrics.MeanAbsoluteError()
    model = _two_outputs()
    model.compile("sgd", "mse", metrics=[[metric], [metric]])
    logs = model.evaluate(
        x, [np.eye(3)[y[0]], y[1]], verbose=0, return_dict=True
    )
    cls_pred, reg_pred = model.predict(x, verbose=0)
    np.testing.assert_allclose(
        logs["reg_mean_absolute_error"],
        np.mean(np.abs(reg_pred - y[1])),
        rtol=1e-5,
    )
    np.testing.assert_allclose(
        logs["cls_mean_absolute_error"],
        np.mean(np.abs(cls_pred - np.eye(3)[y[0]])),
        rtol=1e-5,
    )


def test_crossentropy_shortcut_resolves_from_shapes(data):
    x, y = data
    model = _two_outputs()
    model.compile("sgd", ["crossentropy", "mse"])
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    cls_pred, _ = model.predict(x, verbose=0)
    sce = kara.losses.sparse_categorical_crossentropy(y[0], cls_pred).numpy()
    np.testing.assert_allclose(logs["cls_loss"], sce.mean(), rtol=1e-5)


def test_keras2_fit_aligns_rank_one_targets_with_a_single_output():
    """tf.keras 2.15's fit/evaluate expand (N,) targets to (N, 1) before
    the loss (its evaluate gives 6.0 here); a direct loss call broadcasts
    them to (N, N) instead (5.5)."""
    from kara import config

    x = np.array([[1.0], [2.0], [3.0], [4.0]], "float32")
    y = np.array([1.0, 0.0, 1.0, 0.0], "float32")
    with config.using_profile("keras2"):
        model = kara.Sequential(
            [
                kara.Input((1,)),
                kara.layers.Dense(1, kernel_initializer="ones", use_bias=False),
            ]
        )
        model.compile("sgd", "mse")
        assert model.evaluate(x, y, verbose=0) == pytest.approx(6.0)
    with config.using_profile("keras3"):
        model.compile("sgd", "mse")
        assert model.evaluate(x, y, verbose=0) == pytest.approx(6.0)


@pytest.mark.parametrize("profile", ["keras3", "keras2"])
def test_vector_metric_result_is_logged_as_an_array(rng, profile):
    # F1Score(average=None) gives one score per class: Keras logs the
    # vector (fit used to fail converting it to a float)
    x = rng.normal(size=(16, 3)).astype("float32")
    y = (rng.random((16, 2)) > 0.5).astype("float32")
    with config.using_profile(profile):
        model = kara.Sequential(
            [kara.Input((3,)), kara.layers.Dense(2, activation="sigmoid")]
        )
        f1 = kara.metrics.F1Score(average=None)
        model.compile("sgd", "binary_crossentropy", metrics=[f1])
        history = model.fit(x, y, epochs=2, verbose=0)
        logs = model.evaluate(x, y, verbose=0, return_dict=True)
    scores = history.history["f1_score"]
    assert len(scores) == 2 and all(s.shape == (2,) for s in scores)
    np.testing.assert_array_equal(logs["f1_score"], f1.result().numpy())
    assert type(logs["loss"]) is float
