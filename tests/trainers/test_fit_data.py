"""`fit` arguments: what data goes in, how it is split, weighted, batched
and iterated, and what comes back."""

import warnings

import numpy as np
import pytest

import kara
from kara import config


def _regressor(seed=0, lr=0.1):
    kara.utils.set_random_seed(seed)
    model = kara.Sequential([kara.Input((3,)), kara.layers.Dense(1)])
    model.compile(kara.optimizers.SGD(lr), "mse", metrics=["mae"])
    return model


@pytest.fixture
def data(rng):
    x = rng.normal(size=(40, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]], "float32")) + 0.1
    return x, y.astype("float32")


def _same_weights(a, b):
    for u, v in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(u, v)


def test_history_fields(data):
    x, y = data
    model = _regressor()
    history = model.fit(x, y, epochs=3, verbose=0)
    assert history is model.history
    assert history.epoch == [0, 1, 2]
    assert history.params == {"verbose": 0, "epochs": 3, "steps": 2}
    assert list(history.history) == ["loss", "mae"]
    assert all(len(v) == 3 for v in history.history.values())
    assert all(isinstance(v, float) for v in history.history["loss"])


def test_loss_is_the_batch_size_weighted_mean_before_each_update(data):
    x, y = data
    model = _regressor()
    losses, sizes = [], []
    for lo in range(0, 40, 16):  # 16, 16, 8: the same steps by hand
        xb, yb = x[lo : lo + 16], y[lo : lo + 16]
        losses.append(model.evaluate(xb, yb, verbose=0)[0])
        sizes.append(len(xb))
        model.train_on_batch(xb, yb)
    expected = np.dot(losses, sizes) / 40
    model2 = _regressor()
    history = model2.fit(x, y, batch_size=16, shuffle=False, verbose=0)
    np.testing.assert_allclose(history.history["loss"][0], expected, rtol=1e-6)
    _same_weights(model, model2)


def test_regularization_is_in_the_logged_loss(data):
    x, y = data
    kara.utils.set_random_seed(0)
    model = kara.Sequential(
        [
            kara.Input((3,)),
            kara.layers.Dense(1, kernel_regularizer=kara.regularizers.L2(0.5)),
        ]
    )
    model.compile("sgd", "mse", metrics=["mse"])
    penalty = 0.5 * np.sum(model.get_weights()[0] ** 2)
    logs = model.evaluate(x, y, batch_size=40, verbose=0, return_dict=True)
    np.testing.assert_allclose(logs["loss"], logs["mse"] + penalty, rtol=1e-6)


def test_validation_split_is_the_last_rows_before_shuffling(data):
    x, y = data
    model = _regressor()
    history = model.fit(
        x, y, validation_split=0.25, batch_size=10, epochs=2, verbose=0
    )
    assert history.params["steps"] == 3  # 30 training samples
    val = model.evaluate(x[30:], y[30:], verbose=0)[0]
    np.testing.assert_allclose(history.history["val_loss"][-1], val, rtol=1e-6)
    # the training part never saw the last rows: train on them by hand
    ref = _regressor()
    ref.fit(x[:30], y[:30], batch_size=10, epochs=2, verbose=0)
    _same_weights(model, ref)


def test_validation_data_with_sample_weights(data):
    x, y = data
    sw = np.linspace(0.1, 2.0, 40).astype("float32")
    model = _regressor()
    history = model.fit(x, y, validation_data=(x, y, sw), verbose=0)
    expected = model.evaluate(x, y, sample_weight=sw, verbose=0)[0]
    unweighted = model.evaluate(x, y, verbose=0)[0]
    np.testing.assert_allclose(history.history["val_loss"][0], expected)
    assert not np.isclose(expected, unweighted)


def test_validation_freq_and_batch_size(data):
    x, y = data
    model = _regressor()
    history = model.fit(
        x,
        y,
        validation_data=(x, y),
        validation_freq=[1, 3],
        validation_batch_size=7,
        epochs=4,
        verbose=0,
    )
    assert len(history.history["val_loss"]) == 2
    history = model.fit(
        x, y, validation_data=(x, y), validation_freq=2, epochs=4, verbose=0
    )
    assert len(history.history["val_loss"]) == 2


def test_user_callbacks_see_the_validation_pass(data):
    x, y = data
    calls = []
    cb = kara.callbacks.LambdaCallback(
        on_test_begin=lambda logs: calls.append("test_begin"),
        on_test_end=lambda logs: calls.append(("test_end", sorted(logs))),
        on_epoch_end=lambda epoch, logs: calls.append("epoch_end"),
    )
    _regressor().fit(
        x, y, validation_data=(x, y), epochs=2, callbacks=[cb], verbose=0
    )
    assert (
        calls
        == [
            "test_begin",
            ("test_end", ["loss", "mae"]),
            "epoch_end",
        ]
        * 2
    )


def test_shuffle_options(data):
    x, y = data
    runs = {}
    for shuffle in (False, True, "batch"):
        model = _regressor()
        model.fit(x, y, batch_size=8, epochs=2, shuffle=shuffle, verbose=0)
        runs[shuffle] = model.get_weights()[0]
    assert not np.array_equal(runs[False], runs[True])
    assert not np.array_equal(runs[True], runs["batch"])


def test_default_batch_size_and_steps(data):
    x, y = data
    x = np.concatenate([x] * 3)  # 120 samples
    y = np.concatenate([y] * 3)
    assert _regressor().fit(x, y, verbose=0).params["steps"] == 4  # 32
    h = _regressor().fit(x, y, steps_per_epoch=5, verbose=0)
    assert h.params["steps"] == 5  # batch_size = ceil(120 / 5) = 24


def test_epochs_and_initial_epoch(data):
    x, y = data
    model = _regressor()
    assert model.fit(x, y, epochs=5, initial_epoch=3, verbose=0).epoch == [3, 4]
    h = model.fit(x, y, epochs=0, verbose=0)
    assert h.epoch == [] and h.history == {}


def test_sample_weight_scales_the_loss_and_gradients(data):
    x, y = data
    twice = _regressor(lr=0.05)
    h2 = twice.fit(
        x, y, sample_weight=np.full(40, 2.0), shuffle=False, verbose=0
    )
    ref = _regressor(lr=0.1)
    h1 = ref.fit(x, y, shuffle=False, verbose=0, epochs=1)
    np.testing.assert_allclose(
        h2.history["loss"][0], 2 * h1.history["loss"][0], rtol=1e-6
    )
    for a, b in zip(twice.get_weights(), ref.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    # metrics (not weighted_metrics) ignore the weights
    np.testing.assert_allclose(h2.history["mae"], h1.history["mae"], rtol=1e-6)


def test_class_weight_is_a_per_sample_weight(rng):
    x = rng.normal(size=(30, 4)).astype("float32")
    y = rng.integers(0, 3, 30)
    table = np.array([0.5, 2.0, 1.5], "float32")
    results = []
    for kwargs in (
        {"class_weight": {0: 0.5, 1: 2.0, 2: 1.5}},
        {"sample_weight": table[y]},
        {"class_weight": {"0": 0.5, 1.0: 2.0, np.int64(2): 1.5}},
    ):
        kara.utils.set_random_seed(0)
        model = kara.Sequential(
            [kara.Input((4,)), kara.layers.Dense(3, activation="softmax")]
        )
        model.compile("sgd", "sparse_categorical_crossentropy")
        results.append(model.fit(x, y, verbose=0, **kwargs).history["loss"])
    assert results[0] == results[1] == results[2]
    # one-hot labels: the class is the argmax
    onehot = np.eye(3, dtype="float32")[y]
    from kara.trainers.data_adapter import class_weight_to_sample_weight

    np.testing.assert_array_equal(
        class_weight_to_sample_weight(onehot, {0: 0.5, 1: 2.0, 2: 1.5}),
        table[y],
    )


def _batches(x, y, size=8, sw=None, forever=False):
    while True:
        for lo in range(0, len(x), size):
            if sw is None:
                yield x[lo : lo + size], y[lo : lo + size]
            else:
                yield x[lo : lo + size], y[lo : lo + size], sw[lo : lo + size]
        if not forever:
            return


def test_generator_matches_arrays(data):
    x, y = data
    ref = _regressor()
    ref.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
    model = _regressor()
    h = model.fit(
        _batches(x, y, forever=True), steps_per_epoch=5, epochs=3, verbose=0
    )
    assert h.params["steps"] == 5
    _same_weights(model, ref)
    sw = np.linspace(0.5, 1.5, 40).astype("float32")
    ref = _regressor()
    ref.fit(x, y, sample_weight=sw, batch_size=8, shuffle=False, verbose=0)
    model = _regressor()
    model.fit(_batches(x, y, sw=sw), verbose=0)
    _same_weights(model, ref)


def test_finite_generator_stops_when_it_runs_dry(data):
    x, y = data
    model = _regressor()
    with pytest.warns(UserWarning, match="ran out of data"):
        h = model.fit(_batches(x, y), epochs=3, verbose=0)
    assert h.epoch == [0]
    assert h.params["steps"] is None


class _Sequence:
    """A PyDataset-like sequence of batches."""

    def __init__(self, x, y, size):
        self.x, self.y, self.size = x, y, size
        self.epochs_ended = 0

    def __len__(self):
        return int(np.ceil(len(self.x) / self.size))

    def __getitem__(self, i):
        lo = i * self.size
        return self.x[lo : lo + self.size], self.y[lo : lo + self.size]

    def on_epoch_end(self):
        self.epochs_ended += 1


def test_sequence_of_batches(data):
    x, y = data
    seq = _Sequence(x, y, 8)
    model = _regressor()
    h = model.fit(seq, epochs=3, validation_data=_Sequence(x, y, 20), verbose=0)
    assert h.params["steps"] == 5 and seq.epochs_ended == 3
    ref = _regressor()
    ref.fit(
        x,
        y,
        batch_size=8,
        epochs=3,
        shuffle=False,
        verbose=0,
        validation_data=(x, y),
    )
    _same_weights(model, ref)
    np.testing.assert_allclose(
        h.history["val_loss"], ref.history.history["val_loss"], rtol=1e-6
    )
    assert model.predict(_Sequence(x, y, 16), verbose=0).shape == (40, 1)
    assert np.isclose(
        model.evaluate(seq, verbose=0)[0], ref.evaluate(x, y, verbose=0)[0]
    )


def test_steps_per_epoch_keras3_ends_the_epoch_with_the_pass(data):
    x, y = data
    model = _regressor()
    seen = []
    cb = kara.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: seen.append(
            int(model.optimizer.iterations.numpy())
        )
    )
    with pytest.warns(UserWarning, match="ran out of data"):
        model.fit(
            x,
            y,
            batch_size=10,
            steps_per_epoch=3,
            epochs=4,
            callbacks=[cb],
            verbose=0,
        )
    assert seen == [3, 4, 7, 8]  # 4 batches per pass: 3, 1, 3, 1
    with config.using_profile("keras2"):
        model = _regressor()
        seen.clear()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            model.fit(
                x,
                y,
                batch_size=10,
                steps_per_epoch=3,
                epochs=4,
                callbacks=[cb],
                verbose=0,
            )
        assert seen == [3, 6, 9, 12]  # one stream of 4 passes


def test_multi_input_dict_and_multi_output(rng):
    a = kara.Input((3,), name="a")
    b = kara.Input((2,), name="b")
    h = kara.layers.Concatenate()([a, b])
    out1 = kara.layers.Dense(1, name="out1")(h)
    out2 = kara.layers.Dense(2, activation="softmax", name="out2")(h)
    model = kara.Model({"a": a, "b": b}, [out1, out2])
    model.compile(
        "adam",
        loss={"out1": "mse", "out2": "sparse_categorical_crossentropy"},
        loss_weights=[1.0, 0.5],
        metrics={"out2": ["accuracy"]},
    )
    x = {"a": rng.normal(size=(20, 3)), "b": rng.normal(size=(20, 2))}
    y = {"out1": rng.normal(size=(20, 1)), "out2": rng.integers(0, 2, 20)}
    h = model.fit(x, y, epochs=2, batch_size=5, verbose=0)
    assert list(h.history) == [
        "loss",
        "out1_loss",
        "out2_accuracy",
        "out2_loss",
    ]
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    np.testing.assert_allclose(
        logs["loss"], logs["out1_loss"] + 0.5 * logs["out2_loss"], rtol=1e-6
    )
    # y as a list in output order gives the same
    values = model.evaluate(x, [y["out1"], y["out2"]], verbose=0)
    np.testing.assert_allclose(values[0], logs["loss"])
    pred = model.predict(x, batch_size=8, verbose=0)
    assert [p.shape for p in pred] == [(20, 1), (20, 2)]
    assert all(p.dtype == np.float32 for p in pred)


def test_float64_data_trains_in_float32(data):
    x, y = data
    model = _regressor()
    model.fit(x.astype("float64"), y.astype("float64"), verbose=0)
    assert all(w.dtype == np.float32 for w in model.get_weights())
    assert model.predict(x.astype("float64"), verbose=0).dtype == np.float32


def test_lists_of_numbers_and_no_effect_arguments(data):
    x, y = data
    model = _regressor()
    h = model.fit(
        x.tolist(),
        y.tolist(),
        verbose=0,
        max_queue_size=2,
        workers=4,
        use_multiprocessing=True,
    )
    assert h.params["steps"] == 2
    model.evaluate(x, y, verbose=0, workers=2)
    assert model.predict(x.tolist(), verbose=0).shape == (40, 1)


def test_evaluate_return_forms(data):
    x, y = data
    model = kara.Sequential([kara.Input((3,)), kara.layers.Dense(1)])
    model.compile("sgd", "mse")
    value = model.evaluate(x, y, verbose=0)
    assert isinstance(value, float)
    assert model.evaluate(x, y, verbose=0, return_dict=True) == {"loss": value}
    assert model.train_on_batch(x, y) == value
    model.compile("sgd", "mse", metrics=["mae", "mse"])
    values = model.evaluate(x, y, verbose=0)
    assert isinstance(values, list) and len(values) == 3
    assert values[0] == values[2]  # loss == mse


def test_verbose_output(data, capsys, monkeypatch):
    from kara.utils import progbar

    monkeypatch.setattr(progbar, "_dynamic_display", lambda s: False)
    x, y = data
    model = _regressor()
    capsys.readouterr()
    model.fit(x, y, epochs=2, verbose=0)
    assert capsys.readouterr().out == ""
    model.fit(x, y, epochs=2, verbose=2)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2"
    assert lines[1].startswith("2/2 - ") and " - loss: " in lines[1]
    model.fit(x, y, epochs=1, verbose="auto")
    out = capsys.readouterr().out
    assert out.startswith("2/2 ━━━━━━━━━━━━━━━━━━━━ ") and "Epoch" not in out
    model.predict(x, verbose=1)
    assert capsys.readouterr().out.startswith("2/2 ━")


def test_generator_validation_data(data):
    x, y = data
    model = _regressor()
    h = model.fit(
        x,
        y,
        validation_data=_batches(x, y, forever=True),
        validation_steps=5,
        epochs=2,
        verbose=0,
    )
    assert len(h.history["val_loss"]) == 2
    # a finite generator is used up by the first validation
    model = _regressor()
    with pytest.warns(UserWarning, match="ran out of data"):
        h = model.fit(x, y, validation_data=_batches(x, y), epochs=2, verbose=0)
    assert len(h.history["val_loss"]) == 1 and len(h.history["loss"]) == 2
    np.testing.assert_allclose(
        h.history["val_loss"][0],
        _regressor()
        .fit(x, y, validation_data=(x, y), verbose=0, batch_size=32)
        .history["val_loss"][0],
        rtol=1e-6,
    )
