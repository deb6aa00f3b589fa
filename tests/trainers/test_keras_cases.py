"""The trainer cases of keras_semantics.md §9 (from Keras's trainer_test.py
and learning_rate_schedule_test.py), with Keras's expected numbers."""

import numpy as np
import pytest

import kara
from kara import config


class ExampleModel(kara.Model):
    """Keras's test model: one Dense(3) without bias, kernel of ones."""

    def __init__(self, units=3, **kwargs):
        super().__init__(**kwargs)
        self.dense = kara.layers.Dense(
            units, use_bias=False, kernel_initializer="ones"
        )

    def call(self, x):
        return self.dense(x)


def _example():
    model = ExampleModel(units=3)
    model.compile(
        optimizer=kara.optimizers.SGD(),
        loss=kara.losses.MeanSquaredError(),
        metrics=[kara.metrics.MeanSquaredError()],
    )
    return model, np.ones((100, 4)), np.zeros((100, 3))


@pytest.mark.parametrize("profile", ["keras3", "keras2"])
def test_on_batch_methods(profile):
    with config.using_profile(profile):
        model, x, y = _example()
        sw = np.arange(100).reshape((100,)).astype("float32") / 50.0
        result = model.train_on_batch(x, y)
        assert isinstance(result, list) and len(result) == 2
        np.testing.assert_allclose(result, [16.0, 16.0])  # pre-update
        logs = model.train_on_batch(x, y, return_dict=True)
        assert list(logs) == (["loss", "mean_squared_error"])
        np.testing.assert_allclose(logs["loss"], 15.158, atol=1.5e-3)
        np.testing.assert_allclose(
            model.test_on_batch(x, y)[0], 14.360, atol=1e-3
        )
        np.testing.assert_allclose(
            model.predict_on_batch(x)[0], [3.789511] * 3, atol=1e-6
        )
        np.testing.assert_allclose(
            model.train_on_batch(x, y, sw)[0], 14.217, atol=1e-3
        )
        np.testing.assert_allclose(
            model.test_on_batch(x, y, sw)[0], 13.476, atol=1e-3
        )
        np.testing.assert_allclose(
            model.predict_on_batch(x)[0], [3.689468] * 3, atol=1e-6
        )
        # y are zeros -> one-hot argmax -> class 0 -> weight 0.2
        loss = model.train_on_batch(x, y, class_weight={1: 0.3, 0: 0.2})[0]
        np.testing.assert_allclose(loss, 2.722, atol=1e-3)


def test_untrained_predict_evaluate_and_fit_flow():
    model, x, y = _example()
    np.testing.assert_allclose(model.predict_on_batch(x)[0], [4, 4, 4])
    np.testing.assert_allclose(model.test_on_batch(x, y), [16.0, 16.0])
    np.testing.assert_allclose(
        model.evaluate(x, y, batch_size=16, verbose=0), [16.0, 16.0]
    )
    assert model.evaluate(x, y, batch_size=16, verbose=0, return_dict=True) == {
        "loss": 16.0,
        "mean_squared_error": 16.0,
    }
    pred = model.predict(x, batch_size=16, verbose=0)
    assert pred.dtype == np.float32
    np.testing.assert_allclose(pred, 4 * np.ones((100, 3)))
    history = model.fit(x, y, batch_size=20, epochs=3, verbose=0)
    np.testing.assert_allclose(
        history.history["mean_squared_error"], [14.5, 11.5, 8.5], atol=1.0
    )


def test_fit_lr_correctness_with_a_schedule():
    model = kara.Sequential(
        [
            kara.layers.Dense(
                2, kernel_initializer="ones", bias_initializer="ones"
            )
        ]
    )
    optimizer = kara.optimizers.Adam(
        learning_rate=kara.optimizers.schedules.ExponentialDecay(
            initial_learning_rate=0.05, decay_steps=1, decay_rate=0.9
        )
    )
    assert len(optimizer.variables) == 1  # only iterations
    model.compile(optimizer, loss="mse")
    x = np.arange(32).reshape((16, 2))
    history = model.fit(x, x, epochs=3, batch_size=4, shuffle=False, verbose=0)
    assert int(optimizer.variables[0].numpy()) == 12
    np.testing.assert_allclose(
        history.history["loss"],
        [230.79457092285156, 128.30319213867188, 79.33648681640625],
        rtol=5e-5,
    )


class ListInputModel(kara.Model):
    def __init__(self, units=2, **kwargs):
        super().__init__(**kwargs)
        self.d0 = kara.layers.Dense(
            units, use_bias=False, kernel_initializer="ones"
        )
        self.d1 = kara.layers.Dense(
            units, use_bias=False, kernel_initializer="ones"
        )

    def call(self, inputs):
        return self.d0(inputs[0]) + self.d1(inputs[1])


def test_list_input_model():
    model = ListInputModel(units=2)
    model.compile("sgd", "mse", metrics=["mse"])
    x = [np.ones((3, 2)), np.ones((3, 3))]
    y = np.ones((3, 2))
    assert model.fit(x, y, verbose=0).history["loss"] == [16.0]
    np.testing.assert_allclose(model.train_on_batch(x, y)[0], 14.44, rtol=1e-5)
    np.testing.assert_allclose(
        model.evaluate(x, y, verbose=0)[0], 13.0321, rtol=1e-5
    )


def test_summary_counts_optimizer_params_after_fit():
    model = kara.Sequential([kara.Input((2,)), kara.layers.Dense(3)])
    model.compile("adam", "mse", ["mse"])
    model.fit(np.zeros((4, 2)), np.zeros((4, 3)), verbose=0)
    lines = []
    model.summary(print_fn=lambda s, **kw: lines.append(s))
    text = "\n".join(lines)
    for expected in (
        "Total params: 29",
        "Trainable params: 9",
        "Non-trainable params: 0",
        "Optimizer params: 20",
    ):
        assert expected in text
