"""float32 end to end: no float64 array appears in a training step.

A float64 array in the hot path doubles its memory traffic and silently
changes the numbers. These tests watch every array a training step makes:

- the output of every graph op (`Function.__call__`),
- every gradient an op's `backward` returns (before the engine casts it to
  its input's dtype, which would hide a float64 gradient),
- the batches `train_step` receives,
- the weights, their `.grad`, the optimizer's slots and scratch buffers,
  and the metrics' state, after the step.

The inputs are given as float64 (NumPy's default), as users do: `fit`
must cast them once, when the data comes in.
"""

import numpy as np
import pytest

import kara
from kara.autograd.function import Function


@pytest.fixture
def watch(monkeypatch):
    """Records `(op, "forward"/"backward", shape)` of float64 arrays.

    Returns `(found, counts)`: the float64 arrays seen, and how many
    arrays were looked at in each direction (so a test can check the
    watch really saw the step).
    """
    found = []
    counts = {"forward": 0, "backward": 0}
    original = Function.__call__

    def look(name, where, arrays):
        for a in arrays:
            if a is None:
                continue
            counts[where] += 1
            if np.asarray(a).dtype == np.float64:
                found.append((name, where, np.shape(a)))

    def call(self, *inputs):
        out = original(self, *inputs)
        outs = out if isinstance(out, tuple) else (out,)
        look(type(self).__name__, "forward", [t.data for t in outs])
        if self.inputs is not None:  # recorded: watch its backward too
            backward = self.backward

            def watched_backward(*gys):
                gxs = backward(*gys)
                grads = gxs if isinstance(gxs, tuple) else (gxs,)
                look(type(self).__name__, "backward", grads)
                return gxs

            self.backward = watched_backward
        return out

    monkeypatch.setattr(Function, "__call__", call)
    return found, counts


def _float64_state(model):
    """Names of float64 arrays among weights, grads, slots and metrics."""
    bad = []
    for w in model.weights:
        if w.data.dtype == np.float64:
            bad.append(f"weight {w.path}")
        if w.grad is not None and w.grad.dtype == np.float64:
            bad.append(f"grad of {w.path}")
    opt = model.optimizer
    for v in opt.variables:
        if v.data.dtype == np.float64:
            bad.append(f"optimizer variable {v.name}")
    for views in opt._scratch_views:
        bad += ["optimizer scratch" for a in views if a.dtype == np.float64]
    metrics = []
    for m in model.metrics:  # the compiled metrics come in a container
        metrics += [m] if hasattr(m, "variables") else list(m.metrics)
    assert len(metrics) >= 2  # the loss tracker and accuracy
    for m in metrics:
        for v in m.variables:
            if v.data.dtype == np.float64:
                bad.append(f"metric variable {v.path}")
    return bad


def _watch_batches(model, monkeypatch):
    """Records the float dtypes of the batches train_step receives."""
    dtypes = set()
    original = type(model).train_step

    def train_step(self, data):
        for part in data if isinstance(data, tuple) else (data,):
            if isinstance(part, np.ndarray) and part.dtype.kind == "f":
                dtypes.add(part.dtype)
        return original(self, data)

    monkeypatch.setattr(type(model), "train_step", train_step)
    return dtypes


def _seed002(optimizer="adam", dropout=False):
    layers = [
        kara.Input(shape=(6, 6)),
        kara.layers.Flatten(),
        kara.layers.Dense(16, activation="relu"),
    ]
    if dropout:
        layers.append(kara.layers.Dropout(0.25))
    layers.append(kara.layers.Dense(4, activation="softmax"))
    model = kara.Sequential(layers)
    model.compile(
        optimizer=optimizer,
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


@pytest.mark.parametrize(
    "optimizer", ["adam", "sgd", "rmsprop", "adamw", "nadam"]
)
def test_seed002_step_is_float32(watch, rng, monkeypatch, optimizer):
    found, counts = watch
    x = rng.random((64, 6, 6))  # float64, as np.random gives it
    y = rng.integers(0, 4, 64)
    model = _seed002(optimizer, dropout=True)
    batches = _watch_batches(model, monkeypatch)
    model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    assert found == []
    assert batches == {np.dtype("float32")}
    assert _float64_state(model) == []
    # the watch saw the graph: Dense, softmax, loss and mean, both ways
    assert counts["forward"] >= 8 * 5
    assert counts["backward"] >= 8 * 4


@pytest.mark.parametrize(
    "head, loss, labels, metric",
    [
        ("softmax", "categorical_crossentropy", "one_hot", "accuracy"),
        ("sigmoid", "binary_crossentropy", "binary", "binary_accuracy"),
        (None, "mse", "binary", "mae"),
        ("softmax", "sparse_categorical_crossentropy", "ids", "accuracy"),
    ],
)
def test_other_heads_are_float32(watch, rng, head, loss, labels, metric):
    found, counts = watch
    x = rng.standard_normal((48, 5))
    ids = rng.integers(0, 3, 48)
    y = {
        "one_hot": np.eye(3)[ids],  # float64 one-hot rows
        "binary": (rng.random((48, 3)) > 0.5).astype("float64"),
        "ids": ids,
    }[labels]
    model = kara.Sequential(
        [
            kara.Input(shape=(5,)),
            kara.layers.Dense(8, activation="tanh"),
            kara.layers.Dense(3, activation=head),
        ]
    )
    model.compile(optimizer="adam", loss=loss, metrics=[metric])
    model.fit(x, y, batch_size=16, epochs=1, verbose=0)
    model.evaluate(x, y, verbose=0)
    assert found == []
    assert _float64_state(model) == []
    assert counts["backward"] > 0


def test_predict_and_call_are_float32(watch, rng):
    found, _ = watch
    model = _seed002()
    x = rng.random((10, 6, 6))
    assert model.predict(x, verbose=0).dtype == np.float32
    assert model(x).dtype == np.float32
    assert found == []


def test_the_watch_catches_float64(watch):
    # the negative control: an op fed float64 is reported, both ways
    found, _ = watch
    w = kara.Variable(np.ones((3, 2)), dtype="float64")
    out = kara.ops.dense(np.ones((4, 3)), w, activation="relu")
    out.sum().backward()
    assert ("Dense", "forward", (4, 2)) in found
    assert ("Dense", "backward", (3, 2)) in found
