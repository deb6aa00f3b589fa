"""The fused training step gives the general step's numbers, bit for bit.

`fit` runs `kara.trainers.fused_step` for a Sequential of Flatten, Dense
and Dropout layers trained with a cross-entropy. Every case here trains
the same model twice, once with the fused step switched off, and wants
identical histories and weights; the golden fits
(`test_golden_fit.py`) also run through it against Keras's numbers.
"""

import numpy as np
import pytest

import kara
from kara.trainers import fused_step
from kara.trainers.trainer import Trainer

N, CLASSES = 96, 5


def _data(labels):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((N, 3, 4)).astype("float32")
    ids = rng.integers(0, CLASSES, N)
    if labels == "onehot":
        return x, kara.utils.to_categorical(ids, CLASSES)
    if labels == "column":
        return x, ids.reshape(-1, 1)
    if labels == "float":
        return x, ids.astype("float32")
    if labels == "binary column":
        return x, (ids % 2).astype("float32").reshape(-1, 1)
    if labels == "binary":
        return x, (ids % 2).astype("float32")
    if labels == "binary ints":
        return x, ids % 2
    if labels == "multi-hot":
        return x, (rng.random((N, CLASSES)) < 0.4).astype("float32")
    return x, ids


def _model(
    hidden="relu",
    out="softmax",
    dropout=0.0,
    use_bias=True,
    units=CLASSES,
    activation_layers=False,
):
    """Flatten, Dense(8, hidden), [Dropout], Dense(6, tanh), Dense(units,
    out); with `activation_layers`, the first and last Dense layers are
    linear and followed by `Activation(hidden)` and `Activation(out)`."""

    def dense(n, act):
        if not activation_layers:
            return [kara.layers.Dense(n, act, use_bias=use_bias)]
        return [
            kara.layers.Dense(n, use_bias=use_bias),
            kara.layers.Activation(act),
        ]

    layers = [kara.Input((3, 4)), kara.layers.Flatten()]
    layers += dense(8, hidden)
    if dropout:
        layers.append(kara.layers.Dropout(dropout))
    layers.append(kara.layers.Dense(6, "tanh"))
    layers += dense(units, out)
    return kara.Sequential(layers)


def _train(enabled, monkeypatch, case):
    monkeypatch.setattr(fused_step, "ENABLED", enabled)
    kara.utils.set_random_seed(1)
    model = _model(**case.get("model", {}))
    for i in case.get("frozen", ()):
        model.layers[i].trainable = False
    loss = case.get("loss", "sparse_categorical_crossentropy")
    if callable(loss) and not isinstance(loss, kara.losses.Loss):
        loss = loss()
    model.compile(
        optimizer=case.get("optimizer", lambda: "adam")(),
        loss=loss,
        metrics=case.get("metrics", ["accuracy"]),
    )
    x, y = _data(case.get("labels", "ids"))
    history = model.fit(
        x,
        y,
        batch_size=case.get("batch_size", 16),
        epochs=3,
        verbose=0,
        validation_split=case.get("validation_split", 0.0),
        shuffle=case.get("shuffle", True),
        **case.get("fit", {}),
    )
    return history.history, model.get_weights(), model


def _logits_loss(name):
    cls = {
        "sparse": kara.losses.SparseCategoricalCrossentropy,
        "categorical": kara.losses.CategoricalCrossentropy,
    }[name]
    return cls(from_logits=True)


CASES = {
    "seed002": {},
    "last batch smaller": {"batch_size": 20},
    "tanh and linear hidden": {"model": {"hidden": "linear"}},
    "no bias": {"model": {"use_bias": False}},
    "dropout": {"model": {"dropout": 0.4}},
    "labels (N, 1)": {"labels": "column"},
    "float labels": {"labels": "float"},
    "one-hot": {"loss": "categorical_crossentropy", "labels": "onehot"},
    "sparse from logits": {
        "loss": _logits_loss("sparse"),
        "model": {"out": None},
    },
    "one-hot from logits": {
        "loss": _logits_loss("categorical"),
        "labels": "onehot",
        "model": {"out": "linear"},
    },
    "first layer frozen": {"frozen": (1,)},
    "last layer frozen": {"frozen": (3,)},
    "sgd with momentum, clipnorm": {
        "optimizer": lambda: kara.optimizers.SGD(
            0.05, momentum=0.9, clipnorm=0.5
        )
    },
    "adamw": {
        "optimizer": lambda: kara.optimizers.AdamW(0.01, weight_decay=0.1)
    },
    "rmsprop": {"optimizer": lambda: "rmsprop"},
    "validation split, more metrics": {
        "validation_split": 0.25,
        "metrics": [
            "accuracy",
            "sparse_top_k_categorical_accuracy",
            "sparse_categorical_crossentropy",  # the probabilities, exactly
        ],
    },
    "no shuffle": {"shuffle": False},
    # any other loss or activation: through the compiled loss / autograd
    "sigmoid hidden": {"model": {"hidden": "sigmoid"}},
    "gelu hidden, softplus output, mse": {
        "model": {"hidden": "gelu", "out": "softplus"},
        "loss": "mse",
        "labels": "onehot",
    },
    "binary cross-entropy, sigmoid outputs": {
        "model": {"out": "sigmoid"},
        "loss": "binary_crossentropy",
        "labels": "multi-hot",
        "metrics": ["binary_accuracy", "auc"],
    },
    "one sigmoid unit, (N,) targets": {
        "model": {"out": "sigmoid", "units": 1},
        "loss": "binary_crossentropy",
        "labels": "binary",
        "metrics": ["accuracy"],
    },
    "one sigmoid unit, (N,) int targets": {
        "model": {"out": "sigmoid", "units": 1},
        "loss": "binary_crossentropy",
        "labels": "binary ints",
        "metrics": ["binary_accuracy"],
    },
    "binary cross-entropy from logits": {
        "model": {"out": "linear"},
        "loss": lambda: kara.losses.BinaryCrossentropy(from_logits=True),
        "labels": "multi-hot",
        "metrics": ["binary_accuracy"],
    },
    "binary cross-entropy, label smoothing": {
        "model": {"out": "sigmoid"},
        "loss": lambda: kara.losses.BinaryCrossentropy(label_smoothing=0.2),
        "labels": "multi-hot",
    },
    "binary cross-entropy, sample weights": {
        "model": {"out": "sigmoid", "units": 1},
        "loss": "binary_crossentropy",
        "labels": "binary",
        "fit": {"sample_weight": np.linspace(0.5, 1.5, N, dtype="float32")},
    },
    "label smoothing": {
        "loss": lambda: kara.losses.CategoricalCrossentropy(
            label_smoothing=0.1
        ),
        "labels": "onehot",
    },
    "huber, linear output": {
        "model": {"out": "linear"},
        "loss": "huber",
        "labels": "onehot",
        "metrics": ["mae"],
    },
    # the mean squared error of outputs without a separate activation:
    # its own direct route, unless the targets need lining up or weights
    "mse, linear output": {
        "model": {"out": "linear"},
        "loss": "mse",
        "labels": "onehot",
        "metrics": ["mae"],
    },
    "mse, one relu unit, (N, 1) targets": {
        "model": {"out": "relu", "units": 1},
        "loss": "mean_squared_error",
        "labels": "binary column",
    },
    "mse, one unit, (N,) targets": {
        "model": {"out": "linear", "units": 1},
        "loss": "mse",
        "labels": "binary",
    },
    "mse, sample weights": {
        "model": {"out": "tanh"},
        "loss": "mse",
        "labels": "onehot",
        "fit": {"sample_weight": np.linspace(0.5, 1.5, N, dtype="float32")},
    },
    # Activation layers: stages of their own, the last one next to the loss
    "activation layers": {"model": {"activation_layers": True}},
    "activation layers, dropout, from logits": {
        "model": {
            "activation_layers": True,
            "dropout": 0.3,
            "hidden": "gelu",
            "out": "linear",
        },
        "loss": _logits_loss("sparse"),
    },
    "activation layers, sigmoid outputs": {
        "model": {"activation_layers": True, "out": "sigmoid"},
        "loss": "binary_crossentropy",
        "labels": "multi-hot",
        "metrics": ["binary_accuracy"],
    },
    "activation layers, softplus output, mse": {
        "model": {"activation_layers": True, "out": "softplus"},
        "loss": "mse",
        "labels": "onehot",
    },
    "sample weights": {
        "fit": {"sample_weight": np.linspace(0.5, 1.5, N, dtype="float32")}
    },
    "class weights": {
        "fit": {"class_weight": {0: 2.0, 1: 1.0, 2: 1.0, 3: 0.5, 4: 1.0}}
    },
}


@pytest.mark.parametrize("profile", ["keras3", "keras2"])
@pytest.mark.parametrize("name", list(CASES))
def test_fused_step_matches_the_general_step(name, profile, monkeypatch):
    case = CASES[name]
    calls = {"general": 0}
    general = Trainer.train_step

    def counting(self, data):
        calls["general"] += 1
        return general(self, data)

    monkeypatch.setattr(Trainer, "train_step", counting)
    with kara.config.using_profile(profile):
        h_fused, w_fused, model = _train(True, monkeypatch, case)
        assert isinstance(fused_step.plan_for(model), fused_step._Plan)
        # one general step per fit: the first batch builds the loss
        assert calls["general"] == 1
        h_general, w_general, _ = _train(False, monkeypatch, case)
    assert h_fused == h_general
    for a, b in zip(w_fused, w_general):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("profile", ["keras3", "keras2"])
@pytest.mark.parametrize("name", list(CASES))
def test_fused_evaluation_matches_the_general_one(name, profile, monkeypatch):
    case = CASES[name]
    steps = []
    fused = fused_step._Evaluation.step

    def counting(self, batch):
        logs = fused(self, batch)
        steps.append(logs is not None)
        return logs

    monkeypatch.setattr(fused_step._Evaluation, "step", counting)
    fit = case.get("fit", {})
    weights = (
        {"sample_weight": fit["sample_weight"]}
        if "sample_weight" in fit
        else {}
    )
    with kara.config.using_profile(profile):
        _, _, model = _train(False, monkeypatch, case)
        x, y = _data(case.get("labels", "ids"))
        results = []
        for enabled in (True, False):
            monkeypatch.setattr(fused_step, "ENABLED", enabled)
            results.append(
                model.evaluate(
                    x, y, batch_size=20, verbose=0, return_dict=True, **weights
                )
            )
    assert results[0] == results[1]
    # 5 batches: the first through test_step (it may build the loss), the
    # other 4 fused (weighted ones through the compiled loss)
    assert steps == [True] * 4


def test_validation_runs_the_fused_evaluation(monkeypatch):
    calls = []
    fused = fused_step._Evaluation.step
    monkeypatch.setattr(
        fused_step._Evaluation,
        "step",
        lambda self, batch: calls.append(1) or fused(self, batch),
    )
    _train(True, monkeypatch, CASES["validation split, more metrics"])
    # 3 epochs of 24 validation samples in batches of 16: the second batch
    # of each is fused
    assert len(calls) == 3


def test_batch_callbacks_get_the_general_steps_logs(monkeypatch):
    x, y = _data("ids")
    seen = []
    for enabled in (True, False):
        monkeypatch.setattr(fused_step, "ENABLED", enabled)
        kara.utils.set_random_seed(2)
        model = _model()
        model.compile("adam", "sparse_categorical_crossentropy", ["accuracy"])
        logs = []
        record = kara.callbacks.LambdaCallback(
            on_train_batch_end=lambda batch, lg: logs.append(("fit", lg)),
            on_test_batch_end=lambda batch, lg: logs.append(("val", lg)),
        )
        model.fit(
            x,
            y,
            batch_size=16,
            epochs=2,
            verbose=0,
            validation_split=0.25,
            callbacks=[record],
        )
        model.evaluate(x, y, batch_size=16, verbose=0, callbacks=[record])
        seen.append(logs)
    assert seen[0] == seen[1]
    assert all(isinstance(lg, dict) and lg for _, lg in seen[0])


def test_without_batch_callbacks_the_results_are_read_once_an_epoch(
    monkeypatch,
):
    reads = []
    results = Trainer.get_metrics_result
    monkeypatch.setattr(
        Trainer,
        "get_metrics_result",
        lambda self: reads.append(1) or results(self),
    )
    _train(True, monkeypatch, CASES["seed002"])
    # the first batch's train_step, then one read at each of 3 epoch ends
    # (not one a step: 18 steps)
    assert len(reads) == 4


def test_a_bad_label_in_evaluation_gets_the_same_error(monkeypatch):
    x, y = _data("ids")
    y = y.copy()
    y[50] = CLASSES  # out of range, in the fourth batch of 16
    model = _model()
    model.compile("adam", "sparse_categorical_crossentropy")
    messages = []
    for enabled in (True, False):
        monkeypatch.setattr(fused_step, "ENABLED", enabled)
        with pytest.raises(ValueError) as err:
            model.evaluate(x, y, batch_size=16, verbose=0)
        messages.append(str(err.value))
    assert messages[0] == messages[1]


def _fit_once(model, x, y, **kwargs):
    model.compile("adam", "sparse_categorical_crossentropy")
    model.fit(x, y, batch_size=16, epochs=1, verbose=0, **kwargs)
    return fused_step.plan_for(model)


@pytest.mark.parametrize(
    "make, reason",
    [
        (
            lambda: kara.Sequential(
                [
                    kara.Input((3, 4)),
                    kara.layers.Flatten(),
                    kara.layers.Dense(
                        CLASSES,
                        "softmax",
                        kernel_regularizer=kara.regularizers.L2(0.1),
                    ),
                ]
            ),
            "has a regularizer",
        ),
        (
            lambda: kara.Sequential(
                [
                    kara.Input((3, 4)),
                    kara.layers.Flatten(),
                    kara.layers.Dropout(0.5, noise_shape=(None, 1)),
                    kara.layers.Dense(CLASSES, "softmax"),
                ]
            ),
            "has a noise shape",
        ),
        (
            lambda: kara.Sequential(
                [
                    kara.Input((3, 4)),
                    kara.layers.Flatten(),
                    kara.layers.ReLU(),
                    kara.layers.Dense(CLASSES, "softmax"),
                ]
            ),
            "is not fused",
        ),
        (
            lambda: kara.Sequential(
                [kara.Input((3, 4)), kara.layers.Reshape((12,))]
                + [kara.layers.Dense(CLASSES, "softmax")]
            ),
            "is not fused",
        ),
        (  # two activations after the last kernel
            lambda: kara.Sequential(
                [
                    kara.Input((3, 4)),
                    kara.layers.Flatten(),
                    kara.layers.Dense(CLASSES, "sigmoid"),
                    kara.layers.Activation("softmax"),
                ]
            ),
            "does not end with a Dense layer",
        ),
        (
            lambda: kara.Sequential(
                [
                    kara.Input((3, 4)),
                    kara.layers.Flatten(),
                    kara.layers.Dense(CLASSES),
                    kara.layers.Activation(
                        "softmax",
                        activity_regularizer=kara.regularizers.L2(0.1),
                    ),
                ]
            ),
            "has a regularizer",
        ),
    ],
)
def test_models_it_does_not_fuse_say_why(make, reason):
    x, y = _data("ids")
    plan = _fit_once(make(), x, y)
    assert isinstance(plan, str) and reason in plan


def _functional(hidden="relu", dropout=0.0, out="softmax"):
    """`_model` written with the functional API: the same layers, chained."""
    inputs = kara.Input((3, 4))
    h = kara.layers.Flatten()(inputs)
    h = kara.layers.Dense(8, hidden)(h)
    if dropout:
        h = kara.layers.Dropout(dropout)(h)
    h = kara.layers.Dense(6, "tanh")(h)
    return kara.Model(inputs, kara.layers.Dense(CLASSES, out)(h))


@pytest.mark.parametrize(
    "kwargs, loss",
    [
        ({}, "sparse_categorical_crossentropy"),
        ({"dropout": 0.4, "hidden": "sigmoid"}, "categorical_hinge"),
        ({"out": "sigmoid"}, "binary_crossentropy"),
    ],
)
def test_a_functional_chain_is_fused_like_a_sequential(
    kwargs, loss, monkeypatch
):
    x, y = _data("ids")
    if loss != "sparse_categorical_crossentropy":
        y = np.eye(CLASSES, dtype="float32")[y]
    general, runs = Trainer.train_step, []
    calls = []
    monkeypatch.setattr(
        Trainer, "train_step", lambda m, d: calls.append(1) or general(m, d)
    )
    for enabled in (True, False):
        monkeypatch.setattr(fused_step, "ENABLED", enabled)
        kara.utils.set_random_seed(4)
        model = _functional(**kwargs)
        model.compile("adam", loss, metrics=["accuracy"])
        h = model.fit(x, y, batch_size=16, epochs=2, verbose=0)
        runs.append((h.history, model.get_weights(), model))
        if enabled:  # only the first batch ran the general step
            assert len(calls) == 1
    monkeypatch.setattr(fused_step, "ENABLED", True)
    assert isinstance(fused_step.plan_for(runs[0][2]), fused_step._Plan)
    assert isinstance(
        fused_step.predict_step_for(runs[0][2]), fused_step._Inference
    )
    assert runs[0][0] == runs[1][0]
    for a, b in zip(runs[0][1], runs[1][1]):
        np.testing.assert_array_equal(a, b)


def _branching():
    inputs = kara.Input((3, 4))
    h = kara.layers.Flatten()(inputs)
    a, b = kara.layers.Dense(CLASSES)(h), kara.layers.Dense(CLASSES)(h)
    return kara.Model(inputs, kara.layers.Add()([a, b]))


def _shared():
    inputs = kara.Input((3, 4))
    h = kara.layers.Flatten()(inputs)
    square = kara.layers.Dense(12, "relu")
    return kara.Model(inputs, kara.layers.Dense(CLASSES)(square(square(h))))


def _list_output():
    inputs = kara.Input((3, 4))
    h = kara.layers.Flatten()(inputs)
    return kara.Model(inputs, [kara.layers.Dense(CLASSES, "softmax")(h)])


@pytest.mark.parametrize(
    "make, reason",
    [
        (_branching, "not a single chain"),
        (_shared, "not a single chain"),
        (_list_output, "not a single chain"),
    ],
)
def test_functional_models_that_are_not_chains_say_why(make, reason):
    x, y = _data("ids")
    plan = _fit_once(make(), x, y)
    assert isinstance(plan, str) and reason in plan


def test_an_overridden_train_step_is_always_used():
    class Custom(kara.Sequential):
        steps = 0

        def train_step(self, data):
            Custom.steps += 1
            return super().train_step(data)

    model = Custom([kara.Input((3, 4)), kara.layers.Flatten()])
    model.add(kara.layers.Dense(CLASSES, "softmax"))
    assert fused_step.train_step_for(model) == model.train_step
    x, y = _data("ids")
    model.compile("adam", "sparse_categorical_crossentropy")
    model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    assert Custom.steps == 12


def test_weighted_batches_take_the_general_path(monkeypatch):
    x, y = _data("ids")
    weights = np.linspace(0.5, 1.5, N).astype("float32")
    results = []
    for enabled in (True, False):
        monkeypatch.setattr(fused_step, "ENABLED", enabled)
        kara.utils.set_random_seed(3)
        model = _model()
        model.compile("adam", "sparse_categorical_crossentropy")
        h = model.fit(
            x, y, sample_weight=weights, batch_size=16, epochs=2, verbose=0
        )
        results.append((h.history, model.get_weights()))
    assert results[0][0] == results[1][0]
    for a, b in zip(results[0][1], results[1][1]):
        np.testing.assert_array_equal(a, b)


def test_a_bad_label_mid_training_gets_the_same_error(monkeypatch):
    x, y = _data("ids")

    def batches():
        for i in range(0, N, 16):
            yb = y[i : i + 16].copy()
            if i == 48:
                yb[3] = CLASSES  # out of range, in the fourth batch
            yield x[i : i + 16], yb

    messages = []
    for enabled in (True, False):
        monkeypatch.setattr(fused_step, "ENABLED", enabled)
        model = _model()
        model.compile("adam", "sparse_categorical_crossentropy")
        with pytest.raises(ValueError) as err:
            model.fit(batches(), epochs=1, verbose=0)
        messages.append(str(err.value))
    assert messages[0] == messages[1]
    assert "class id" in messages[0] or "label" in messages[0]


@pytest.mark.parametrize(
    "out, dropout, batch_size, activation_layers",
    [
        ("softmax", 0.0, 32, False),
        ("softmax", 0.5, 7, False),
        ("sigmoid", 0.0, 32, False),
        ("linear", 0.0, 50, False),
        ("relu", 0.2, 32, False),
        ("tanh", 0.0, 1, False),
        ("softmax", 0.2, 32, True),
        ("gelu", 0.0, 20, True),
    ],
)
def test_fused_predict_matches_the_general_predict(
    out, dropout, batch_size, activation_layers, monkeypatch
):
    kara.utils.set_random_seed(2)
    model = _model(
        out=out, dropout=dropout, activation_layers=activation_layers
    )
    x, _ = _data("ids")
    step = fused_step.predict_step_for(model)
    assert isinstance(step, fused_step._Inference)
    fused = model.predict(x, batch_size=batch_size, verbose=0)
    monkeypatch.setattr(fused_step, "ENABLED", False)
    assert fused_step.predict_step_for(model) == model.predict_step
    general = model.predict(x, batch_size=batch_size, verbose=0)
    assert fused.dtype == general.dtype == np.float32
    np.testing.assert_array_equal(fused, general)


def test_predict_of_other_inputs_takes_the_general_path():
    model = _model()
    x, _ = _data("ids")
    expected = model.predict(x, verbose=0)
    # float64 and lists go through the model's own input handling
    np.testing.assert_allclose(
        model.predict(x.astype("float64"), verbose=0), expected, rtol=1e-6
    )
    with pytest.raises(ValueError, match="shape"):
        model.predict(x[:, :2], verbose=0)


@pytest.mark.parametrize(
    "name, direct",
    [
        ("seed002", "sparse"),
        ("one-hot", "categorical"),
        ("sparse from logits", "sparse"),
        ("one-hot from logits", "categorical"),
        ("label smoothing", None),
        ("binary cross-entropy, sigmoid outputs", "binary"),
        ("one sigmoid unit, (N,) targets", "binary"),
        ("binary cross-entropy from logits", "binary"),
        ("binary cross-entropy, label smoothing", None),
        ("activation layers", "sparse"),
        ("activation layers, dropout, from logits", "sparse"),
        ("activation layers, sigmoid outputs", "binary"),
        ("activation layers, softplus output, mse", None),
        ("huber, linear output", None),
        ("mse, linear output", "mse"),
        ("mse, one relu unit, (N, 1) targets", "mse"),
        ("gelu hidden, softplus output, mse", None),
    ],
)
def test_direct_losses_call_their_kernels(name, direct, monkeypatch):
    _, _, model = _train(True, monkeypatch, CASES[name])
    assert fused_step.plan_for(model).loss.direct == direct


@pytest.mark.parametrize(
    "route, name, direct_steps",
    [
        # 3 epochs x 6 batches, less the first (train_step builds the loss)
        ("_squared_error", "mse, linear output", 17),
        ("_squared_error", "mse, one relu unit, (N, 1) targets", 17),
        # lined up by the compiled loss
        ("_squared_error", "mse, one unit, (N,) targets", 0),
        ("_squared_error", "mse, sample weights", 0),
        ("_binary_cross_entropy", "binary cross-entropy, sigmoid outputs", 17),
        ("_binary_cross_entropy", "one sigmoid unit, (N,) targets", 17),
        # cast to float32, as the loss casts them
        ("_binary_cross_entropy", "one sigmoid unit, (N,) int targets", 17),
        ("_binary_cross_entropy", "binary cross-entropy from logits", 17),
        ("_binary_cross_entropy", "binary cross-entropy, sample weights", 0),
    ],
)
def test_a_direct_route_takes_only_targets_it_fits(
    route, name, direct_steps, monkeypatch
):
    calls = []
    kernel = getattr(fused_step._Loss, route)
    monkeypatch.setattr(
        fused_step._Loss,
        route,
        lambda loss, z, y, train: calls.append(1) or kernel(loss, z, y, train),
    )
    _train(True, monkeypatch, CASES[name])
    assert len(calls) == direct_steps
