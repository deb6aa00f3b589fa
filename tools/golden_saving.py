"""Golden files for saving: `.keras` files written by real Keras 3, and a
check that `.keras` files written by kara load in real Keras 3.

Run from the repository root with the Keras 3 venv (about a minute):

    /root/venvs/tf221/bin/python tools/golden_saving.py

Keras to kara. It writes, under `tests/golden/saving/`:

- `seq_mlp.keras`: Sequential (Input, Dense relu, Dropout, Dense softmax),
  compiled with Adam, sparse cross-entropy and accuracy, trained 2 epochs;
- `seq_adam.keras` and `seq_adam.weights.h5`: Sequential (Dense tanh,
  Dense) with Adam(0.01) and MSE, trained 2 epochs; Keras then trains it
  one more epoch and the predictions after that epoch are recorded, so
  kara can check that a resumed fit continues as Keras's does;
- `functional_all.keras`: one functional model holding every layer kara
  has (3 inputs; an adapted Normalization, a PReLU, a Lambda on
  `keras.ops.negative`, all merging layers);
- `multi_io.keras`: 2 inputs, 2 outputs, a layer shared by both branches
  and a nested Sequential;
- `subclassed.keras`: a subclassed model registered as `golden>TwoTower`
  (attributes `zeta`, `alpha`, a list `blocks`, a nested Sequential
  `head`), which kara must rebuild with its own `TwoTower`;
- `lambda_model.keras`: a Lambda holding a Python lambda (loads only with
  `safe_mode=False`; CPython 3.11 bytecode, as kara's test python);
- `unsupported.keras`: a Conv2D + BatchNormalization model, which kara
  must refuse naming both layers;
- `expected.json`: the input arrays and Keras's predictions (9
  significant digits).

kara to Keras. The script then imports kara from `src/`, builds the same
models with kara (`functional_all` with kara's own layers, `seq_adam`
trained by kara, `TwoTower` registered in kara), saves them with
`model.save`, loads them with `keras.models.load_model` and compares the
predictions; for `seq_adam` Keras also continues the training one epoch
from kara's optimizer state and kara does the same. The results are
written to `tests/golden/saving/kara_to_keras.json` and summarized in
`tests/golden/README.md`.
"""

import json
import os
import sys
import tempfile
import warnings

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
warnings.filterwarnings("ignore")

import keras  # noqa: E402
from keras import layers as KL  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "golden", "saving")
sys.path.insert(0, os.path.join(ROOT, "src"))


def r9(a):
    a = np.asarray(a, dtype=np.float64)
    return [float(f"{v:.9g}") for v in a.ravel()], list(a.shape)


def data():
    rng = np.random.default_rng(0)

    def u(*shape):
        return np.round(rng.uniform(-1, 1, shape), 6).astype("float32")

    return {
        "x4": u(16, 4),
        "y_sparse": rng.integers(0, 3, 16).astype("int64"),
        "y3": u(16, 3),
        "a": u(5, 6),
        "b": u(5, 6),
        "c": u(5, 2, 3),
        "norm_data": u(32, 2, 4),
        "p": u(5, 4),
        "q": u(5, 3),
        "x3": u(5, 3),
    }


# ------------------------------------------------------------- the models
def functional_all(L, ops, name="functional_all", prelu=None, norm=None):
    """Every layer kara has, in one graph (L: keras.layers or kara's)."""
    a = L.Input((6,), name="a")
    b = L.Input((6,), name="b")
    c = L.Input((2, 3), name="c")
    d = L.Dense(6, activation="tanh")(a)
    e = L.Activation("sigmoid")(b)
    relu = L.ReLU(max_value=2.0, negative_slope=0.1, threshold=0.05)(d)
    lrelu = L.LeakyReLU(negative_slope=0.2)(e)
    elu = L.ELU(alpha=0.5)(d)
    prelu_layer = L.PReLU()
    pr = prelu_layer(e)
    sm = L.Softmax()(d)
    drop = L.Dropout(0.5)(sm)
    added = L.Add()([relu, lrelu])
    sub = L.Subtract()([elu, pr])
    mul = L.Multiply()([added, sub])
    avg = L.Average()([mul, drop])
    mx = L.Maximum()([avg, d])
    mn = L.Minimum()([mx, e])
    r = L.Reshape((2, 3))(mn)
    p = L.Permute((2, 1))(r)
    fl = L.Flatten()(p)
    cc = L.Concatenate()([fl, L.Flatten()(c)])
    rv = L.RepeatVector(2)(L.Dense(4)(cc))
    idn = L.Identity()(rv)
    resc = L.Rescaling(0.5, offset=0.1)(idn)
    norm_layer = L.Normalization(axis=-1)
    if norm is not None:
        norm_layer.adapt(norm)
    nz = norm_layer(resc)
    fixed = L.Normalization(mean=1.0, variance=4.0)(nz)
    lam = L.Lambda(ops.negative)(fixed)
    out = L.Dense(2)(L.Flatten()(lam))
    model = keras_or_kara_model(L, [a, b, c], out, name)
    if prelu is not None:
        prelu_layer.set_weights([prelu])
    return model


def keras_or_kara_model(L, inputs, outputs, name):
    module = L.__name__.split(".")[0]
    if module == "keras":
        return keras.Model(inputs, outputs, name=name)
    import kara

    return kara.Model(inputs, outputs, name=name)


def multi_io(L, models_module):
    p = L.Input((4,), name="p")
    q = L.Input((3,), name="q")
    shared = L.Dense(5, activation="relu", name="shared")
    inner = models_module.Sequential(
        [L.Input((5,)), L.Dense(3), L.Dense(2)], name="inner"
    )
    hp = shared(L.Concatenate()([p, L.Dense(1)(q)]))
    hq = shared(L.Concatenate()([L.Dense(3)(p), L.Dense(2)(q)]))
    out1 = inner(hp)
    out2 = L.Dense(1, activation="sigmoid", name="out2")(L.Add()([hp, hq]))
    return models_module.Model([p, q], [out1, out2], name="multi_io")


def two_tower_class(base, L, register):
    @register(package="golden")
    class TwoTower(base):
        def __init__(self, units=5, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.zeta = L.Dense(units, activation="relu")
            self.alpha = L.Dense(3)
            self.blocks = [L.Dense(4), L.Dense(3)]
            self.head = sequential_of(L)([L.Dense(3), L.Dense(2)])

        def call(self, x):
            return self.head(
                self.alpha(self.zeta(x)) + self.blocks[1](self.blocks[0](x))
            )

        def get_config(self):
            return {**super().get_config(), "units": self.units}

    return TwoTower


def sequential_of(L):
    if L.__name__.split(".")[0] == "keras":
        return keras.Sequential
    import kara

    return kara.Sequential


# ---------------------------------------------------------- Keras -> kara
def keras_side(d):
    os.makedirs(OUT, exist_ok=True)
    expected = {"inputs": {}, "models": {}}
    for key in ("x4", "y3", "a", "b", "c", "p", "q", "x3"):
        expected["inputs"][key] = r9(d[key])

    keras.utils.set_random_seed(1)
    m = keras.Sequential(
        [
            keras.Input((4,)),
            KL.Dense(8, activation="relu"),
            KL.Dropout(0.25),
            KL.Dense(3, activation="softmax"),
        ],
        name="seq_mlp",
    )
    m.compile(
        keras.optimizers.Adam(0.01),
        "sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    m.fit(
        d["x4"], d["y_sparse"], epochs=2, batch_size=8, shuffle=False, verbose=0
    )
    m.save(os.path.join(OUT, "seq_mlp.keras"))
    expected["models"]["seq_mlp"] = {
        "inputs": ["x4"],
        "predict": [r9(m.predict(d["x4"], verbose=0))],
        "iterations": int(m.optimizer.iterations.numpy()),
    }

    keras.utils.set_random_seed(2)
    m = keras.Sequential(
        [keras.Input((4,)), KL.Dense(8, activation="tanh"), KL.Dense(3)],
        name="seq_adam",
    )
    m.compile(keras.optimizers.Adam(0.01), "mse")
    m.fit(d["x4"], d["y3"], epochs=2, batch_size=8, shuffle=False, verbose=0)
    m.save(os.path.join(OUT, "seq_adam.keras"))
    m.save_weights(os.path.join(OUT, "seq_adam.weights.h5"))
    before = m.predict(d["x4"], verbose=0)
    m.fit(d["x4"], d["y3"], epochs=1, batch_size=8, shuffle=False, verbose=0)
    expected["models"]["seq_adam"] = {
        "inputs": ["x4"],
        "predict": [r9(before)],
        "predict_after_one_more_epoch": r9(m.predict(d["x4"], verbose=0)),
        "iterations": 4,
    }

    keras.utils.set_random_seed(3)
    rng = np.random.default_rng(5)
    prelu = np.round(rng.uniform(0, 0.5, 6), 6).astype("float32")
    m = functional_all(KL, keras.ops, prelu=prelu, norm=d["norm_data"])
    m.save(os.path.join(OUT, "functional_all.keras"))
    expected["models"]["functional_all"] = {
        "inputs": ["a", "b", "c"],
        "predict": [r9(m.predict([d["a"], d["b"], d["c"]], verbose=0))],
    }

    keras.utils.set_random_seed(4)
    m = multi_io(KL, keras)
    m.save(os.path.join(OUT, "multi_io.keras"))
    expected["models"]["multi_io"] = {
        "inputs": ["p", "q"],
        "predict": [r9(o) for o in m.predict([d["p"], d["q"]], verbose=0)],
    }

    keras.utils.set_random_seed(5)
    TwoTower = two_tower_class(
        keras.Model, KL, keras.saving.register_keras_serializable
    )
    m = TwoTower(units=5)
    m(d["p"])
    m.save(os.path.join(OUT, "subclassed.keras"))
    expected["models"]["subclassed"] = {
        "inputs": ["p"],
        "predict": [r9(m.predict(d["p"], verbose=0))],
    }

    keras.utils.set_random_seed(6)
    m = keras.Sequential(
        [keras.Input((3,)), KL.Lambda(lambda x: x * 2.0 + 1.0), KL.Dense(2)],
        name="lambda_model",
    )
    m.save(os.path.join(OUT, "lambda_model.keras"))
    expected["models"]["lambda_model"] = {
        "inputs": ["x3"],
        "predict": [r9(m.predict(d["x3"], verbose=0))],
    }

    m = keras.Sequential(
        [
            keras.Input((6, 6, 1)),
            KL.Conv2D(2, 3, name="conv"),
            KL.BatchNormalization(name="bn"),
            KL.Flatten(),
            KL.Dense(1),
        ],
        name="unsupported",
    )
    m.save(os.path.join(OUT, "unsupported.keras"))

    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")
    for name in sorted(os.listdir(OUT)):
        size = os.path.getsize(os.path.join(OUT, name))
        print(f"  {name}: {size} bytes")
        assert size < 100_000, name


# ---------------------------------------------------------- kara -> Keras
def kara_side(d):
    import kara
    import kara.saving

    results = {"keras_version": keras.__version__, "cases": {}}
    folder = tempfile.mkdtemp()

    def check(name, model_k, inputs, custom=None, safe_mode=True):
        path = os.path.join(folder, f"{name}.keras")
        model_k.save(path)
        expected = model_k.predict(inputs, verbose=0)
        loaded = keras.models.load_model(
            path, custom_objects=custom, safe_mode=safe_mode
        )
        got = loaded.predict(inputs, verbose=0)
        if not isinstance(expected, list):
            expected, got = [expected], [got]
        diff = max(
            float(np.max(np.abs(np.asarray(g) - e)))
            for g, e in zip(got, expected)
        )
        results["cases"][name] = {"max_abs_diff": diff}
        print(f"  kara -> Keras {name}: max |diff| = {diff:.3g}")
        return loaded, path

    kara.utils.set_random_seed(3)
    rng = np.random.default_rng(5)
    prelu = np.round(rng.uniform(0, 0.5, 6), 6).astype("float32")
    m = functional_all(kara.layers, kara.ops, prelu=prelu, norm=d["norm_data"])
    # Keras cannot find `negative` by name even in its own files: pass it
    check(
        "functional_all",
        m,
        [d["a"], d["b"], d["c"]],
        custom={"negative": keras.ops.negative},
    )

    kara.utils.set_random_seed(4)
    check("multi_io", multi_io(kara.layers, kara.models), [d["p"], d["q"]])

    kara.utils.set_random_seed(5)
    KaraTower = two_tower_class(
        kara.Model, kara.layers, kara.saving.register_keras_serializable
    )
    m = KaraTower(units=5)
    m(d["p"])
    check("subclassed", m, d["p"])

    kara.utils.set_random_seed(6)
    m = kara.Sequential(
        [
            kara.Input((4,)),
            kara.layers.Dense(8, activation="relu"),
            kara.layers.Dropout(0.25),
            kara.layers.Dense(3, activation="softmax"),
        ]
    )
    # loss and metric objects: Keras rebuilds them from compile_config
    m.compile(
        kara.optimizers.Adam(0.01),
        kara.losses.SparseCategoricalCrossentropy(),
        metrics=[kara.metrics.SparseCategoricalAccuracy()],
    )
    m.fit(
        d["x4"], d["y_sparse"], epochs=2, batch_size=8, shuffle=False, verbose=0
    )
    loaded, _ = check("seq_mlp", m, d["x4"])
    want = m.evaluate(d["x4"], d["y_sparse"], verbose=0, return_dict=True)
    got = loaded.evaluate(d["x4"], d["y_sparse"], verbose=0, return_dict=True)
    results["cases"]["seq_mlp_evaluate"] = {
        "kara": {k: float(v) for k, v in sorted(want.items())},
        "keras": {k: float(v) for k, v in sorted(got.items())},
    }
    print(f"  kara -> Keras seq_mlp evaluate: kara {want}, Keras {got}")

    # resume: Keras continues kara's training from kara's optimizer state
    kara.utils.set_random_seed(7)
    m = kara.Sequential(
        [
            kara.Input((4,)),
            kara.layers.Dense(8, activation="tanh"),
            kara.layers.Dense(3),
        ]
    )
    m.compile(kara.optimizers.Adam(0.01), "mse")
    m.fit(d["x4"], d["y3"], epochs=2, batch_size=8, shuffle=False, verbose=0)
    loaded, path = check("seq_adam", m, d["x4"])
    # control: the same epoch from a fresh optimizer state ends elsewhere
    fresh = keras.models.load_model(path, compile=False)
    fresh.compile(keras.optimizers.Adam(0.01), "mse")
    fresh.fit(
        d["x4"], d["y3"], epochs=1, batch_size=8, shuffle=False, verbose=0
    )
    m.fit(d["x4"], d["y3"], epochs=1, batch_size=8, shuffle=False, verbose=0)
    loaded.fit(
        d["x4"], d["y3"], epochs=1, batch_size=8, shuffle=False, verbose=0
    )
    diff = float(
        np.max(
            np.abs(
                loaded.predict(d["x4"], verbose=0)
                - m.predict(d["x4"], verbose=0)
            )
        )
    )
    control = float(
        np.max(
            np.abs(
                fresh.predict(d["x4"], verbose=0)
                - m.predict(d["x4"], verbose=0)
            )
        )
    )
    results["cases"]["seq_adam_resumed_one_epoch"] = {
        "max_abs_diff": diff,
        "control_fresh_optimizer_max_abs_diff": control,
        "keras_iterations_after": int(loaded.optimizer.iterations.numpy()),
    }
    print(
        f"  kara -> Keras seq_adam, one more epoch in each: {diff:.3g} "
        f"(from a fresh optimizer state instead: {control:.3g})"
    )

    kara.utils.set_random_seed(8)
    m = kara.Sequential(
        [
            kara.Input((3,)),
            kara.layers.Lambda(lambda x: x * 2.0 + 1.0),
            kara.layers.Dense(2),
        ]
    )
    check("lambda_model", m, d["x3"], safe_mode=False)

    with open(os.path.join(OUT, "kara_to_keras.json"), "w") as f:
        json.dump(results, f, indent=1)
        f.write("\n")


def main():
    d = data()
    print("Keras", keras.__version__, "-> tests/golden/saving")
    keras_side(d)
    kara_side(d)


if __name__ == "__main__":
    main()
