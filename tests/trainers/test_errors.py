"""Data problems are caught before the first batch, with a fix in the
message; an exception or Ctrl-C leaves the model usable."""

import os
import signal

import numpy as np
import pytest

import kara
from kara import config


def _model(
    units=3, activation="softmax", loss="sparse_categorical_crossentropy"
):
    model = kara.Sequential(
        [kara.Input((4,)), kara.layers.Dense(units, activation=activation)]
    )
    model.compile("sgd", loss, metrics=["accuracy"])
    return model


@pytest.fixture
def data(rng):
    x = rng.random((40, 4)).astype("float32")
    y = rng.integers(0, 3, 40)
    return x, y


def _unchanged(model, before):
    for a, b in zip(model.get_weights(), before):
        np.testing.assert_array_equal(a, b)


def _fit_raises(model, match, *args, **kwargs):
    before = model.get_weights()
    with pytest.raises(ValueError, match=match):
        kwargs.setdefault("verbose", 0)
        model.fit(*args, **kwargs)
    _unchanged(model, before)  # raised before the first step
    assert model.optimizer.iterations.numpy() == 0


def test_different_sample_counts(data):
    x, y = data
    _fit_raises(_model(), r"same number of samples.*y: 30, x: 40", x, y[:30])
    _fit_raises(
        _model(),
        r"sample_weight: 39",
        x,
        y,
        sample_weight=np.ones(39),
    )


def test_empty_data(data):
    x, y = data
    _fit_raises(_model(), r"data is empty .*at least one sample", x[:0], y[:0])


@pytest.mark.parametrize("split", [0.99, 1e-17])
def test_validation_split_leaving_nothing(data, split):
    x, y = data
    _fit_raises(
        _model(),
        r"validation_split=.* both need at least one sample",
        x,
        y,
        validation_split=split,
    )


def test_validation_split_needs_arrays(data):
    x, y = data
    gen = ((x[i : i + 8], y[i : i + 8]) for i in range(0, 40, 8))
    with pytest.raises(ValueError, match="pass `validation_data`"):
        _model().fit(gen, validation_split=0.2, verbose=0)


def test_class_weight_keys_that_are_not_classes(data):
    x, y = data
    _fit_raises(
        _model(),
        r"keys \[5\] that are not classes.*0\.\.2",
        x,
        y,
        class_weight={0: 1.0, 5: 2.0},
    )
    _fit_raises(_model(), r"class indices.*'a'", x, y, class_weight={"a": 1.0})
    _fit_raises(_model(), r"must be a dict", x, y, class_weight=[1.0, 2.0, 3.0])


def test_class_weight_with_sample_weight_keras3(data):
    x, y = data
    _fit_raises(
        _model(),
        r"either `class_weight` or `sample_weight`, not both",
        x,
        y,
        class_weight={0: 1.0, 1: 1.0, 2: 1.0},
        sample_weight=np.ones(40),
    )


def test_missing_class_weight_gets_one_with_a_warning(data):
    x, y = data
    with pytest.warns(UserWarning, match=r"no entry for the classes \[2\]"):
        _model().fit(x, y, class_weight={0: 2.0, 1: 0.5}, verbose=0)
    with config.using_profile("keras2"):
        _fit_raises(
            _model(),
            r"no entry in `class_weight`",
            x,
            y,
            class_weight={0: 2.0, 1: 0.5},
        )


def test_label_out_of_range_in_last_row(data):
    x, y = data
    y = y.copy()
    y[-1] = 3
    _fit_raises(
        _model(),
        r"found before training.*class id 3 at index 39.*give the last "
        r"layer 4 or more units",
        x,
        y,
    )
    y = y.copy()
    y[-1] = 0
    _fit_raises(
        _model(),
        r"validation y does not fit the loss.*class id 3",
        x,
        y,
        validation_data=(x, np.where(y == 0, 3, y)),
    )


def test_labels_of_the_wrong_kind(data):
    x, y = data
    onehot = np.eye(3, dtype="float32")[y]
    _fit_raises(_model(), r"looks one-hot.*categorical_crossentropy", x, onehot)
    _fit_raises(
        _model(loss="categorical_crossentropy"),
        r"integer class ids.*to_categorical",
        x,
        y,
    )
    _fit_raises(
        _model(1, "sigmoid", "binary_crossentropy"),
        r"binary_crossentropy: y_true has shape \(40, 3\)",
        x,
        onehot,
    )


def test_nan_and_inf_name_the_first_bad_row_and_column(data):
    x, y = data
    x = x.copy()
    x[5, 2] = np.nan
    x[7, 1] = np.inf
    _fit_raises(
        _model(), r"`x` contains nan at row 5, column 2 \(2 non-finite", x, y
    )
    reg = _model(2, None, "mse")
    target = np.zeros((40, 2), "float32")
    target[3, 1] = -np.inf
    _fit_raises(reg, r"`y` contains -inf at row 3, column 1", data[0], target)


def test_bad_arguments(data):
    x, y = data
    cases = [
        ({"batch_size": 0}, r"`batch_size` must be a positive integer"),
        ({"epochs": -1}, r"`epochs` must be an integer >= 0"),
        ({"verbose": 3}, r"`verbose` must be 'auto', 0"),
        ({"validation_freq": 0}, r"`validation_freq` must be"),
        ({"shuffle": "yes"}, r"`shuffle` must be True, False or 'batch'"),
        ({"steps_per_epoch": 0}, r"`steps_per_epoch` must be an integer"),
        ({"validation_data": (x,)}, r"tuple of 1 elements"),
        ({"validation_split": 1.5}, r"between 0 and 1"),
    ]
    for kwargs, match in cases:
        _fit_raises(_model(), match, x, y, **kwargs)


def test_generator_with_y_and_fit_before_compile(data):
    x, y = data
    with pytest.raises(ValueError, match="do not pass `y`"):
        _model().fit(iter([(x, y)]), y, verbose=0)
    with pytest.raises(RuntimeError, match=r"call `compile\(\)` before `fit"):
        kara.Sequential([kara.layers.Dense(1)]).fit(x, y)


def test_compile_errors():
    model = _model()
    with pytest.raises(ValueError, match=r"must be a list.*metrics=\["):
        model.compile("sgd", "mse", metrics="accuracy")
    with pytest.raises(ValueError, match="Did you mean 'mse'"):
        model.compile("sgd", "msee")
    with pytest.raises(TypeError, match="unexpected keyword"):
        model.compile("sgd", "mse", metric=["mae"])


# ------------------------------------------------------------ interrupted


class _Raise(kara.callbacks.Callback):
    """Raises (or sends Ctrl-C) during epoch `epoch`, batch `batch`."""

    def __init__(self, epoch, batch, sigint=False):
        super().__init__()
        self.at = (epoch, batch)
        self.sigint = sigint
        self.epoch = None
        self.weights = None

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_begin(self, batch, logs=None):
        if (self.epoch, batch) == self.at and self.sigint:
            os.kill(os.getpid(), signal.SIGINT)  # arrives mid-step

    def on_train_batch_end(self, batch, logs=None):
        self.weights = self.model.get_weights()
        if (self.epoch, batch) == self.at and not self.sigint:
            raise RuntimeError("boom")


def test_exception_keeps_last_weights_and_finished_epochs(data):
    x, y = data
    model = _model()
    cb = _Raise(epoch=2, batch=1)
    with pytest.raises(RuntimeError, match="boom"):
        model.fit(x, y, batch_size=8, epochs=5, callbacks=[cb], verbose=0)
    assert model.history.epoch == [0, 1]
    assert len(model.history.history["loss"]) == 2
    _unchanged(model, cb.weights)  # the last completed step's weights
    # the model still works: predict, evaluate and fit again
    assert model.predict(x, verbose=0).shape == (40, 3)
    model.evaluate(x, y, verbose=0)
    assert model.fit(x, y, epochs=1, verbose=0).epoch == [0]


@pytest.mark.skipif(
    signal.getsignal(signal.SIGINT) is not signal.default_int_handler,
    reason="another SIGINT handler is installed",
)
def test_ctrl_c_waits_for_the_step_to_finish(data):
    x, y = data
    model = _model()
    cb = _Raise(epoch=1, batch=2, sigint=True)
    with pytest.raises(KeyboardInterrupt):
        model.fit(x, y, batch_size=8, epochs=4, callbacks=[cb], verbose=0)
    assert model.history.epoch == [0]
    # the interrupted step was completed: 5 steps in epoch 0, 3 in epoch 1
    assert int(model.optimizer.iterations.numpy()) == 8
    _unchanged(model, cb.weights)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    assert np.isfinite(model.predict(x, verbose=0)).all()


def test_class_weight_for_sequences_asks_for_sample_weight():
    from kara.trainers.data_adapter import class_weight_to_sample_weight

    with pytest.raises(NotImplementedError, match=r"one class per sample"):
        class_weight_to_sample_weight(np.array([[0, 2], [1, 1]]), {0: 1.0})
    with pytest.raises(NotImplementedError, match=r"\(2, 3, 4\)"):
        class_weight_to_sample_weight(np.zeros((2, 3, 4)), {0: 1.0})
    # one-hot (N, C) and (N, 1) labels are one class per sample
    np.testing.assert_array_equal(
        class_weight_to_sample_weight(
            np.array([[1.0], [0.0]]), {0: 2.0, 1: 3.0}
        ),
        [3.0, 2.0],
    )
