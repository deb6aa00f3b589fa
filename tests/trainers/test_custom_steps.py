"""Subclassed models that override train_step / test_step / predict_step /
compute_loss, as in Keras's "customizing fit" guides."""

import numpy as np
import pytest

import kara


@pytest.fixture
def data(rng):
    x = rng.normal(size=(32, 3)).astype("float32")
    y = (x.sum(axis=1, keepdims=True) * 0.5).astype("float32")
    return x, y


class ManualStep(kara.Model):
    """Keras 3 guide (torch backend style): own trackers, own step."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = kara.layers.Dense(1)
        self.loss_tracker = kara.metrics.Mean(name="loss")
        self.mae_metric = kara.metrics.MeanAbsoluteError(name="mae")

    def call(self, x):
        return self.dense(x)

    def train_step(self, data):
        x, y = data
        self.zero_grad()
        y_pred = self(x, training=True)
        loss = kara.ops.mean(kara.ops.square(y_pred - y))
        loss.backward()
        weights = self.trainable_weights
        self.optimizer.apply([w.grad for w in weights], weights)
        self.loss_tracker.update_state(loss)
        self.mae_metric.update_state(y, y_pred)
        return {
            "loss": self.loss_tracker.result(),
            "mae": self.mae_metric.result(),
        }

    def test_step(self, data):
        x, y = data
        y_pred = self(x, training=False)
        self.loss_tracker.update_state(
            kara.ops.mean(kara.ops.square(y_pred - y))
        )
        self.mae_metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


def test_custom_train_step_without_compiled_loss(data):
    x, y = data
    model = ManualStep()
    model.compile(optimizer=kara.optimizers.SGD(0.1))
    # metrics set as attributes are tracked (and reset every epoch)
    assert [m.name for m in model.metrics] == ["loss", "loss", "mae"]
    first = {}

    def on_batch_begin(batch, logs):
        if batch == 0:  # the loss the first step of the epoch will see
            pred = model.predict_on_batch(x[:8])
            first["expected"] = float(np.mean((pred - y[:8]) ** 2))

    def on_batch_end(batch, logs):
        if batch == 0:
            first.setdefault("pairs", []).append(
                (logs["loss"], first["expected"])
            )

    cb = kara.callbacks.LambdaCallback(
        on_train_batch_begin=on_batch_begin, on_train_batch_end=on_batch_end
    )
    h = model.fit(
        x, y, batch_size=8, epochs=3, shuffle=False, callbacks=[cb], verbose=0
    )
    assert list(h.history) == ["loss", "mae"]
    assert h.history["loss"][2] < h.history["loss"][0]
    # reset each epoch: after one batch the running mean is that batch's
    for got, expected in first["pairs"]:
        np.testing.assert_allclose(got, expected, rtol=1e-5)
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert set(logs) == {"loss", "mae"}


class KerasStyleMetrics(kara.Model):
    """Uses the compiled loss and `self.metrics` like Keras 3's guide."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = kara.layers.Dense(1)

    def call(self, x):
        return self.dense(x)

    def train_step(self, data):
        x, y = data
        self.zero_grad()
        y_pred = self(x, training=True)
        loss = self.compute_loss(y=y, y_pred=y_pred)
        loss.backward()
        weights = self.trainable_weights
        self.optimizer.apply([w.grad for w in weights], weights)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


def test_keras_guide_step_matches_the_default_step(data):
    x, y = data
    results = []
    for cls in (KerasStyleMetrics, DefaultModel):
        kara.utils.set_random_seed(1)
        model = cls()
        model.compile(kara.optimizers.SGD(0.05), "mse", metrics=["mae"])
        h = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
        results.append((h.history, model.get_weights()))
    (h1, w1), (h2, w2) = results
    assert set(h1) == set(h2) == {"loss", "mae"}
    np.testing.assert_allclose(h1["mae"], h2["mae"], rtol=1e-6)
    # the guide's tracker weighs batches equally (no batch size)
    np.testing.assert_allclose(h1["loss"], h2["loss"], rtol=1e-5)
    for a, b in zip(w1, w2):
        np.testing.assert_allclose(a, b, rtol=1e-6)


class DefaultModel(kara.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = kara.layers.Dense(1)

    def call(self, x):
        return self.dense(x)


class OldComputeLoss(DefaultModel):
    """A compute_loss override without `training` (Keras < 3.3)."""

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None):
        self.calls = getattr(self, "calls", 0) + 1
        return 2.0 * super().compute_loss(x, y, y_pred, sample_weight)


def test_compute_loss_override_without_training_argument(data):
    x, y = data
    model = OldComputeLoss()
    model.compile("sgd", "mse")
    h = model.fit(x, y, batch_size=8, verbose=0)
    assert model.calls == 4
    plain = model.evaluate(x, y, verbose=0)
    ref = kara.losses.mean_squared_error(y, model.predict(x, verbose=0))
    np.testing.assert_allclose(plain, 2 * ref.numpy().mean(), rtol=1e-5)
    assert h.history["loss"][0] > 0


class DoublePredict(DefaultModel):
    def predict_step(self, data):
        return 2.0 * super().predict_step(data)


def test_predict_step_override(data):
    x, _ = data
    model = DoublePredict()
    out = model.predict(x, batch_size=5, verbose=0)
    # other batch sizes may take other BLAS kernel paths: last-bit differences
    np.testing.assert_allclose(out, model.predict_on_batch(x), rtol=1e-6)
    np.testing.assert_allclose(out, 2 * model(x).numpy(), rtol=1e-6)


def test_add_loss_only_model(data):
    """No compiled loss: the model's own losses are minimized."""
    x, _ = data

    class Shrink(DefaultModel):
        def call(self, x):
            out = self.dense(x)
            self.add_loss(kara.ops.mean(kara.ops.square(out)))
            return out

    model = Shrink()
    model.compile(kara.optimizers.SGD(0.1))
    h = model.fit(x, None, batch_size=8, epochs=3, verbose=0)
    assert h.history["loss"][-1] < h.history["loss"][0]
