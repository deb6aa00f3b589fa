"""Seed 002, a Japanese note on TensorFlow's beginner tutorial, on kara.

The snippets are the note's code; its `keras` is `import kara as keras`.
The note does not show how it loads Fashion-MNIST, so the tests make a
small set in Fashion-MNIST's format (uint8 28x28 images, uint8 labels,
scaled by 1/255 as the tutorial does). What the note shows and what is
checked:

- `model.summary()`: the layer names, output shapes and parameter counts
  (0, 100,480, 1,290; 101,770 in all), compared with real Keras's text
  (tests/golden/seeds_*.json) in each profile: tf.keras 2.15's table
  under "keras2" (the note's tf.keras 2.x layout), Keras 3's under
  "keras3";
- `model.layers`: Flatten, Dense, Dense;
- `model.fit(..., epochs=5)`: "Epoch k/5" and one line per epoch in the
  note's format, `n/n [====] - 2s 1ms/step - loss: ... - accuracy: ...`,
  with n = ceil(images / 32) (the note: 60000 / 32 = 1875);
- `model.evaluate(..., verbose=2)` and the print: `313/313 - 0s - loss:
  ... - accuracy: ...` and `Test accuracy: 0.8780999779701233` (a
  float32 value printed as a Python float);
- the second `compile`, with `Adam(0.001, 0.9, 0.999)`, the loss and
  metric objects;
- the names the note lists (activations, initializers, losses,
  optimizers, the arguments of Dense/compile/fit/evaluate) exist in kara
  with the defaults it quotes.
"""

import inspect
import math
import re

import numpy as np
import pytest

import kara as keras
from kara import config
from tests.seeds._support import golden

N_TRAIN, N_TEST = 80, 40  # 3 and 2 batches of 32


@pytest.fixture(autouse=True)
def _fresh_session():
    keras.utils.clear_session()  # auto names start again: "sequential"
    keras.utils.set_random_seed(0)


def fashion_like_data():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (N_TRAIN + N_TEST, 28, 28), np.uint8)
    labels = rng.integers(0, 10, N_TRAIN + N_TEST).astype(np.uint8)
    images = images / 255.0
    return (images[:N_TRAIN], labels[:N_TRAIN]), (
        images[N_TRAIN:],
        labels[N_TRAIN:],
    )


def build():
    # fmt: off
    model = keras.Sequential([
    keras.layers.Flatten(input_shape=(28, 28)),
    keras.layers.Dense(128, activation='relu'),
    keras.layers.Dense(10, activation='softmax')
    ])
    # fmt: on
    return model


@pytest.mark.parametrize("profile", ["keras2", "keras3"])
def test_model_summary_and_layers(profile, capsys):
    with config.using_profile(profile):
        with pytest.warns() if profile == "keras3" else _no_warning():
            model = build()
        type(model)
        model.summary()
        model.layers

    assert type(model) is keras.Sequential
    assert capsys.readouterr().out == golden(profile)["seed002"]["summary"]
    assert [type(layer).__name__ for layer in model.layers] == [
        "Flatten",
        "Dense",
        "Dense",
    ]
    assert [layer.count_params() for layer in model.layers] == [0, 100480, 1290]
    assert golden(profile)["seed002"]["params"] == [0, 100480, 1290]
    # the note: (784, 128) weights, then (128, 10)
    assert model.layers[1].kernel.shape == (784, 128)
    assert model.layers[2].kernel.shape == (128, 10)


class _no_warning:
    """tf.keras 2 accepts `input_shape=` silently (Keras 3 warns)."""

    def __enter__(self):
        import warnings

        self._catch = warnings.catch_warnings()
        self._catch.__enter__()
        warnings.simplefilter("error")

    def __exit__(self, *exc):
        self._catch.__exit__(*exc)
        return False


KERAS2_EPOCH = re.compile(
    r"^(\d+)/\1 \[=+\] - \d+s \d+(?:us|ms|s)/step - loss: \d+\.\d{4} - "
    r"accuracy: \d\.\d{4}$"
)
KERAS2_EVALUATE = re.compile(
    r"^(\d+)/\1 - \d+s - loss: \d+\.\d{4} - accuracy: \d\.\d{4}"
)


def test_fit_and_evaluate_print_the_notes_formats(capsys):
    (train_images, train_labels), (test_images, test_labels) = (
        fashion_like_data()
    )
    with config.using_profile("keras2"):
        model = build()
        # fmt: off
        model.compile(optimizer='adam',
        loss='sparse_categorical_crossentropy',
        metrics=['accuracy'])
        history = model.fit(train_images, train_labels, epochs=5)
        test_loss, test_acc = model.evaluate(test_images, test_labels, verbose=2)  # noqa: E501
        print('\nTest accuracy:', test_acc)
        # fmt: on

    lines = capsys.readouterr().out.splitlines()
    assert isinstance(history, keras.callbacks.History)
    epochs = [line for line in lines if line.startswith("Epoch ")]
    assert epochs == [f"Epoch {k}/5" for k in range(1, 6)]
    bars = [line for line in lines if KERAS2_EPOCH.match(line)]
    assert len(bars) == 5
    steps = math.ceil(N_TRAIN / 32)  # the note: 60000 / 32 = 1875
    assert all(line.startswith(f"{steps}/{steps} [") for line in bars)
    evaluate = [line for line in lines if KERAS2_EVALUATE.match(line)]
    assert len(evaluate) == 1
    assert evaluate[0].startswith(f"{math.ceil(N_TEST / 32)}/")
    assert lines[-2:] == ["", f"Test accuracy: {test_acc}"]
    assert isinstance(test_acc, float) and isinstance(test_loss, float)
    assert np.float32(test_acc) == test_acc  # a float32 value, as the note's


def test_the_second_compile_with_objects(capsys):
    (train_images, train_labels), _ = fashion_like_data()
    model = build()
    # fmt: off
    model.compile(optimizer=keras.optimizers.Adam(0.001, 0.9, 0.999),
    loss=keras.losses.SparseCategoricalCrossentropy(),
    metrics=[keras.metrics.SparseCategoricalAccuracy()])
    # fmt: on
    model.fit(train_images, train_labels, epochs=1)

    optimizer = model.optimizer
    assert (
        float(optimizer.learning_rate),
        optimizer.beta_1,
        optimizer.beta_2,
    ) == (
        pytest.approx(0.001),
        0.9,
        0.999,
    )
    assert "sparse_categorical_accuracy: " in capsys.readouterr().out


def test_the_names_the_note_lists_exist_with_its_defaults():
    # Dense's arguments and defaults
    dense = inspect.signature(keras.layers.Dense).parameters
    assert list(dense)[:10] == [
        "units", "activation", "use_bias", "kernel_initializer",
        "bias_initializer", "kernel_regularizer", "bias_regularizer",
        "activity_regularizer", "kernel_constraint", "bias_constraint",
    ]  # fmt: skip
    assert dense["kernel_initializer"].default == "glorot_uniform"
    assert dense["bias_initializer"].default == "zeros"
    assert dense["activation"].default is None
    assert dense["use_bias"].default is True
    # activations
    for name in (
        "softmax", "elu", "selu", "softplus", "softsign", "relu", "tanh",
        "sigmoid", "hard_sigmoid", "linear",
    ):  # fmt: skip
        assert callable(keras.activations.get(name)), name
    # initializers: "random_normal" is mean 0, stddev 0.05
    config_ = keras.initializers.get("random_normal").get_config()
    assert (config_["mean"], config_["stddev"]) == (0.0, 0.05)
    keras.initializers.RandomNormal(mean=0.0, stddev=0.05, seed=None)
    for name in ("glorot_uniform", "glorot_normal", "he_normal"):
        keras.initializers.get(name)
    # compile: the default optimizer is rmsprop
    compile_ = inspect.signature(keras.Model.compile).parameters
    assert compile_["optimizer"].default == "rmsprop"
    for name in ("loss", "metrics", "loss_weights", "weighted_metrics"):
        assert compile_[name].default is None
    # optimizers (the note's last one, TFOptimizer, wrapped TF 1 optimizers)
    for name in (
        "SGD", "RMSprop", "Adagrad", "Adadelta", "Adam", "Adamax", "Nadam",
    ):  # fmt: skip
        optimizer = getattr(keras.optimizers, name)()
        assert isinstance(optimizer, keras.optimizers.Optimizer)
    adam = keras.optimizers.get("adam")
    assert (float(adam.learning_rate), adam.beta_1, adam.beta_2) == (
        pytest.approx(0.001),
        0.9,
        0.999,
    )
    # losses
    for name in (
        "mean_squared_error", "mean_absolute_error",
        "mean_absolute_percentage_error", "mean_squared_logarithmic_error",
        "squared_hinge", "hinge", "categorical_hinge", "logcosh",
        "categorical_crossentropy", "sparse_categorical_crossentropy",
        "binary_crossentropy", "kullback_leibler_divergence", "poisson",
        "cosine_proximity",
    ):  # fmt: skip
        assert callable(keras.losses.get(name)), name
    # fit and evaluate: the arguments and defaults the note lists
    fit = inspect.signature(keras.Model.fit).parameters
    assert fit["batch_size"].default is None  # 32 when not given
    assert (fit["epochs"].default, fit["shuffle"].default) == (1, True)
    assert fit["validation_split"].default == 0.0
    evaluate = inspect.signature(keras.Model.evaluate).parameters
    assert evaluate["return_dict"].default is False
