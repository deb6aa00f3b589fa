"""Callbacks with a real model and a real `fit` (the unit tests next to this
file drive them through a fake loop)."""

import os
import warnings

import numpy as np
import pytest

import kara
from kara import callbacks


@pytest.fixture
def data(rng):
    x = rng.normal(size=(48, 4)).astype("float32")
    y = (x @ np.array([[1.0], [-1.0], [0.5], [2.0]], "float32")).astype(
        "float32"
    )
    return x, y


def _model(lr=0.05, seed=0):
    kara.utils.set_random_seed(seed)
    model = kara.Sequential(
        [
            kara.Input((4,)),
            kara.layers.Dense(8, activation="tanh"),
            kara.layers.Dense(1),
        ]
    )
    model.compile(kara.optimizers.SGD(lr), "mse", metrics=["mae"])
    return model


class _Snapshots(callbacks.Callback):
    """Keeps the weights at the end of every epoch."""

    def __init__(self):
        super().__init__()
        self.weights = {}

    def on_epoch_end(self, epoch, logs=None):
        self.weights[epoch] = self.model.get_weights()


def test_early_stopping_restores_the_best_weights(data):
    x, y = data
    # validation targets that the training drives away from: val_loss
    # falls for a while, then rises
    y_val = -y
    model = _model(lr=0.02)
    snaps = _Snapshots()
    stop = callbacks.EarlyStopping(patience=2, restore_best_weights=True)
    history = model.fit(
        x,
        y,
        validation_data=(x, y_val + 3.0),
        epochs=50,
        callbacks=[snaps, stop],
        verbose=0,
    )
    val = history.history["val_loss"]
    best = int(np.argmin(val))
    assert len(history.epoch) == best + 3  # patience 2 after the best
    assert stop.stopped_epoch == history.epoch[-1]
    assert stop.best_epoch == best
    for got, kept in zip(model.get_weights(), snaps.weights[best]):
        np.testing.assert_array_equal(got, kept)
    np.testing.assert_allclose(
        model.evaluate(x, y_val + 3.0, verbose=0)[0], val[best], rtol=1e-6
    )


def test_model_checkpoint_weights_and_best_only(data, tmp_path):
    x, y = data
    model = _model()
    snaps = _Snapshots()
    every = str(tmp_path / "w-{epoch:02d}.weights.h5")
    best = str(tmp_path / "best.weights.h5")
    cbs = [
        snaps,
        callbacks.ModelCheckpoint(every, save_weights_only=True),
        callbacks.ModelCheckpoint(
            best,
            monitor="val_mae",
            save_best_only=True,
            save_weights_only=True,
        ),
    ]
    history = model.fit(
        x, y, validation_split=0.25, epochs=4, callbacks=cbs, verbose=0
    )
    files = sorted(os.listdir(tmp_path))
    assert files == [
        "best.weights.h5",
        "w-01.weights.h5",
        "w-02.weights.h5",
        "w-03.weights.h5",
        "w-04.weights.h5",
    ]
    restored = _model(seed=7)
    restored.load_weights(str(tmp_path / "w-02.weights.h5"))
    for got, kept in zip(restored.get_weights(), snaps.weights[1]):
        np.testing.assert_array_equal(got, kept)
    restored.load_weights(best)
    best_epoch = int(np.argmin(history.history["val_mae"]))
    np.testing.assert_array_equal(
        restored.predict(x, verbose=0),
        _predict_with(snaps.weights[best_epoch], x),
    )


def _predict_with(weights, x):
    model = _model(seed=3)
    model.set_weights(weights)
    return model.predict(x, verbose=0)


def test_model_checkpoint_whole_model(data, tmp_path):
    x, y = data
    model = _model()
    path = str(tmp_path / "model.keras")
    model.fit(
        x,
        y,
        epochs=2,
        verbose=0,
        callbacks=[callbacks.ModelCheckpoint(path)],
    )
    loaded = kara.models.load_model(path)
    np.testing.assert_allclose(
        loaded.predict(x, verbose=0), model.predict(x, verbose=0)
    )


def test_reduce_lr_on_plateau(data):
    x, y = data
    model = _model(lr=0.1)
    # a validation set the model cannot improve on: constant targets and
    # min_delta large enough that every epoch is a plateau
    reduce = callbacks.ReduceLROnPlateau(
        monitor="val_loss", factor=0.5, patience=1, min_delta=1e9, min_lr=0.01
    )
    history = model.fit(
        x,
        y,
        validation_data=(x, y),
        epochs=6,
        callbacks=[reduce],
        verbose=0,
    )
    # epoch 0 sets the best; each later epoch is a plateau of 1 epoch, so
    # the rate halves after it (the logs show the rate the epoch used)
    lrs = history.history["learning_rate"]
    np.testing.assert_allclose(
        lrs, [0.1, 0.1, 0.05, 0.025, 0.0125, 0.01], rtol=1e-6
    )
    np.testing.assert_allclose(
        float(model.optimizer.learning_rate), 0.01, rtol=1e-6
    )


def test_terminate_on_nan_stops_in_the_bad_batch(data):
    x, y = data
    model = _model(lr=1e6)  # the loss overflows within a few steps
    batches = []

    class Count(callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            batches.append((batch, logs["loss"]))

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # NumPy overflow
        model.fit(
            x,
            y,
            batch_size=8,
            epochs=5,
            callbacks=[callbacks.TerminateOnNaN(), Count()],
            verbose=0,
        )
    finite = [np.isfinite(loss) for _, loss in batches]
    assert not finite[-1] and all(finite[:-1])  # stopped at the first bad
    assert len(batches) < 5 * 6
    assert model.stop_training


def test_learning_rate_scheduler_trains_with_the_schedule(data):
    x, y = data
    model = _model(lr=0.1)
    seen = []

    class Record(callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            seen.append(float(self.model.optimizer.learning_rate))

    sched = callbacks.LearningRateScheduler(lambda epoch, lr: 0.1 / (epoch + 1))
    history = model.fit(
        x,
        y,
        batch_size=16,
        epochs=3,
        callbacks=[sched, Record()],
        verbose=0,
    )
    np.testing.assert_allclose(
        history.history["learning_rate"], [0.1, 0.05, 0.1 / 3], rtol=1e-6
    )
    np.testing.assert_allclose(
        seen, [0.1] * 3 + [0.05] * 3 + [0.1 / 3] * 3, rtol=1e-6
    )
    np.testing.assert_allclose(
        float(model.optimizer.learning_rate), 0.1 / 3, rtol=1e-6
    )


def test_backup_and_restore_resumes_an_interrupted_fit(data, tmp_path):
    x, y = data

    class Crash(callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            if epoch == 3:
                raise RuntimeError("crash")

    reference = _model()
    reference.fit(x, y, epochs=5, shuffle=False, verbose=0)

    backup = callbacks.BackupAndRestore(str(tmp_path / "backup"))
    model = _model()
    with pytest.raises(RuntimeError, match="crash"):
        model.fit(
            x,
            y,
            epochs=5,
            shuffle=False,
            callbacks=[backup, Crash()],
            verbose=0,
        )
    resumed = _model(seed=9)  # a fresh process would start from scratch
    history = resumed.fit(
        x, y, epochs=5, shuffle=False, callbacks=[backup], verbose=0
    )
    assert history.epoch == [3, 4]
    for a, b in zip(resumed.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    assert not os.path.exists(
        str(tmp_path / "backup" / "training_metadata.json")
    )


def test_csv_logger_writes_every_epoch(data, tmp_path):
    x, y = data
    path = str(tmp_path / "log.csv")
    model = _model()
    model.fit(
        x,
        y,
        validation_split=0.25,
        epochs=3,
        callbacks=[callbacks.CSVLogger(path)],
        verbose=0,
    )
    with open(path) as f:
        lines = f.read().splitlines()
    assert lines[0] == "epoch,loss,mae,val_loss,val_mae"
    assert [line.split(",")[0] for line in lines[1:]] == ["0", "1", "2"]
    np.testing.assert_allclose(
        float(lines[-1].split(",")[1]),
        model.history.history["loss"][-1],
        rtol=1e-6,
    )
