"""A fit resumed from a saved model matches an uninterrupted fit bit for
bit: weights, optimizer state (and, for BackupAndRestore, the random
state of shuffling and dropout) are all restored."""

import numpy as np
import pytest

import kara
import kara.saving
from kara import layers as L
from kara import random

OPTIMIZERS = [
    ("SGD", {"learning_rate": 0.05, "momentum": 0.9, "nesterov": True}),
    ("RMSprop", {"learning_rate": 0.01, "momentum": 0.5, "centered": True}),
    ("Adam", {"learning_rate": 0.01, "amsgrad": True}),
    ("AdamW", {"learning_rate": 0.01}),
    ("Adamax", {"learning_rate": 0.01}),
    ("Nadam", {"learning_rate": 0.01}),
    ("Adagrad", {"learning_rate": 0.05}),
    ("Adadelta", {"learning_rate": 1.0}),
    ("Ftrl", {"learning_rate": 0.05}),
    ("Lion", {"learning_rate": 0.001}),
    ("Lamb", {"learning_rate": 0.01}),
    ("Adafactor", {"learning_rate": 0.01}),
    ("SGD", {"learning_rate": 0.05, "clipnorm": 1.0, "weight_decay": 0.01}),
]
# (use_ema=True is left out on purpose: `fit` ends by copying the moving
# averages into the weights, as in Keras, so two fits differ from one.)


def _data(n=24):
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (n, 5)).astype("float32")
    y = rng.integers(0, 3, n)
    return x, y


def _model(optimizer, dropout=None):
    layers = [L.Input((5,)), L.Dense(8, activation="relu")]
    if dropout is not None:
        layers.append(dropout)
    layers += [L.Normalization(mean=0.5, variance=2.0), L.Dense(3)]
    model = kara.Sequential(layers)
    model.compile(
        optimizer=optimizer,
        loss=kara.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model


def _fit(model, epochs, initial_epoch=0, callbacks=None, shuffle=False):
    x, y = _data()
    return model.fit(
        x,
        y,
        batch_size=8,
        epochs=epochs,
        initial_epoch=initial_epoch,
        shuffle=shuffle,
        verbose=0,
        callbacks=callbacks,
    )


def _assert_same_state(a, b):
    for wa, wb in zip(a.weights, b.weights):
        np.testing.assert_array_equal(wa.numpy(), wb.numpy())
    assert len(a.optimizer.variables) == len(b.optimizer.variables)
    for va, vb in zip(a.optimizer.variables, b.optimizer.variables):
        np.testing.assert_array_equal(va.numpy(), vb.numpy())


@pytest.mark.parametrize(
    "name, kwargs",
    OPTIMIZERS,
    ids=[f"{n}-{i}" for i, (n, _) in enumerate(OPTIMIZERS)],
)
def test_fit_resumed_from_keras_file_is_bit_identical(name, kwargs, tmp_path):
    random.set_random_seed(0)
    reference = _model(getattr(kara.optimizers, name)(**kwargs))
    _fit(reference, 4)

    random.set_random_seed(0)
    first = _model(getattr(kara.optimizers, name)(**kwargs))
    _fit(first, 2)
    first.save(tmp_path / "mid.keras")
    del first

    resumed = kara.models.load_model(tmp_path / "mid.keras")
    assert int(resumed.optimizer.iterations.numpy()) == 2 * 3
    history = _fit(resumed, 4, initial_epoch=2)
    assert history.epoch == [2, 3]
    _assert_same_state(resumed, reference)


def test_fit_resumed_from_weights_file_is_bit_identical(tmp_path):
    random.set_random_seed(0)
    reference = _model(kara.optimizers.Adam(0.01))
    _fit(reference, 3)

    random.set_random_seed(0)
    first = _model(kara.optimizers.Adam(0.01))
    _fit(first, 1)
    first.save_weights(tmp_path / "mid.weights.h5")

    random.set_random_seed(99)  # other initial weights: all get replaced
    resumed = _model(kara.optimizers.Adam(0.01))
    resumed.load_weights(tmp_path / "mid.weights.h5")
    _fit(resumed, 3, initial_epoch=1)
    _assert_same_state(resumed, reference)


class _StopAt(kara.callbacks.Callback):
    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.epoch:
            raise RuntimeError("simulated crash")


@pytest.mark.parametrize("seeded_dropout", [False, True])
def test_backup_and_restore_resumes_bit_for_bit(tmp_path, seeded_dropout):
    """Shuffled batches, dropout masks and Adam's moments all continue as
    in the uninterrupted run (the random state is in the backup)."""

    def dropout():
        return L.Dropout(0.3, seed=5 if seeded_dropout else None)

    random.set_random_seed(0)
    reference = _model(kara.optimizers.Adam(0.01), dropout())
    _fit(reference, 5, shuffle=True)

    backup = str(tmp_path / "backup")
    random.set_random_seed(0)
    crashed = _model(kara.optimizers.Adam(0.01), dropout())
    with pytest.raises(RuntimeError, match="simulated crash"):
        _fit(
            crashed,
            5,
            callbacks=[kara.callbacks.BackupAndRestore(backup), _StopAt(3)],
            shuffle=True,
        )

    random.set_random_seed(12345)  # a new process: another random state
    resumed = _model(kara.optimizers.Adam(0.01), dropout())
    history = _fit(
        resumed,
        5,
        callbacks=[kara.callbacks.BackupAndRestore(backup)],
        shuffle=True,
    )
    assert history.epoch == [3, 4]
    _assert_same_state(resumed, reference)


def test_backup_file_is_a_keras_weights_file(tmp_path):
    backup = str(tmp_path / "backup")
    model = _model(kara.optimizers.Adam(0.01))
    _fit(
        model,
        1,
        callbacks=[
            kara.callbacks.BackupAndRestore(backup, delete_checkpoint=False)
        ],
    )
    other = _model(kara.optimizers.Adam(0.01))
    other.load_weights(f"{backup}/latest.weights.h5")
    _assert_same_state(other, model)


def test_model_checkpoint_writes_loadable_files(tmp_path):
    model = _model(kara.optimizers.Adam(0.01))
    template = str(tmp_path / "ckpt-{epoch:02d}.keras")
    _fit(model, 2, callbacks=[kara.callbacks.ModelCheckpoint(template)])
    loaded = kara.models.load_model(tmp_path / "ckpt-02.keras")
    _assert_same_state(loaded, model)
    weights = str(tmp_path / "w-{epoch}.weights.h5")
    _fit(
        model,
        1,
        callbacks=[
            kara.callbacks.ModelCheckpoint(weights, save_weights_only=True)
        ],
    )
    other = _model(kara.optimizers.Adam(0.01))
    other.load_weights(tmp_path / "w-1.weights.h5")
    _assert_same_state(other, model)


def test_model_checkpoint_rejects_other_extensions_before_training():
    with pytest.raises(ValueError, match=r"must end in one of \.keras"):
        kara.callbacks.ModelCheckpoint("model.h5")
    with pytest.raises(ValueError, match=r"must end in one of \.weights\.h5"):
        kara.callbacks.ModelCheckpoint("w.npz", save_weights_only=True)
