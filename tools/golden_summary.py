"""Captures the real `model.summary()` text of Keras 3 and tf.keras 2.15.

Run from the repository root, once per Keras generation:

    /root/venvs/tf221/bin/python tools/golden_summary.py   # Keras 3.15
    /root/venvs/tf215/bin/python tools/golden_summary.py   # tf.keras 2.15

The first writes `tests/golden/summary/keras3/<case>.txt`, the second
`tests/golden/summary/keras2/<case>.txt`; each also writes
`tests/golden/summary/<profile>.json` with, per case, the layer names Keras
gave (auto-naming), the weight shapes in `get_weights()` order, how many
times a custom `print_fn` was called, the text (the same as the .txt),
and, for Keras 3 Sequential and functional models, `model.get_config()`
(kara must rebuild the same model from Keras's own config).

How: `COLUMNS=80` is set before Keras is imported, so the output is what
Keras prints when stdout is not a terminal (a log file, a pipe, pytest,
CI: `shutil.get_terminal_size()` and rich both fall back to 80 columns
there). stdout is redirected into a buffer while `model.summary()` runs
with its default `print_fn=None`. Keras 3 renders with `rich`; without a
terminal rich writes no colour codes, so the text is plain box drawing.
`keras.utils.clear_session()` runs before every case, so auto-names start
from `dense`, `input_layer` / `input_1` again. A case that raises (tf.keras
2 refuses to summarize an unbuilt model) stores `<ExceptionType>: message`.
"""

import contextlib
import io
import json
import os
import sys

os.environ["COLUMNS"] = "80"
os.environ["LINES"] = "24"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

import numpy as np  # noqa: E402

try:  # tf.keras 2.15 lives inside TensorFlow; Keras 3 is its own package
    import tensorflow as tf

    if tf.__version__.startswith("2.15"):
        keras = tf.keras
        PROFILE = "keras2"
    else:
        import keras

        PROFILE = "keras3"
except ImportError:  # pragma: no cover
    import keras

    PROFILE = "keras3"

L = keras.layers
OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "golden")
OUT = os.path.join(OUT, "summary")


def seed002():
    return keras.Sequential(
        [
            L.Flatten(input_shape=(28, 28)),
            L.Dense(128, activation="relu"),
            L.Dense(10, activation="softmax"),
        ]
    )


def seed000():
    model = keras.Sequential()
    model.add(L.Input(shape=(1,)))
    model.add(L.Dense(64, activation="relu"))
    model.add(L.Dense(64, activation="relu"))
    model.add(L.Dense(2, activation="softmax"))
    return model


def functional_chain():
    inputs = L.Input(shape=(784,))
    x = L.Dense(64, activation="relu")(inputs)
    outputs = L.Dense(10, activation="softmax")(x)
    return keras.Model(inputs, outputs)


def functional_multi_input():
    in_a = L.Input(shape=(4,))
    in_b = L.Input(shape=(3,))
    a = L.Dense(8, activation="relu")(in_a)
    b = L.Dense(8, activation="relu")(in_b)
    c = L.Concatenate()([a, b])
    out = L.Dense(1, activation="sigmoid")(c)
    return keras.Model([in_a, in_b], out)


def functional_multi_output():
    inputs = L.Input(shape=(5,))
    h = L.Dense(16, activation="relu")(inputs)
    o1 = L.Dense(3, activation="softmax", name="class_out")(h)
    o2 = L.Dense(1, name="reg_out")(h)
    return keras.Model(inputs, [o1, o2])


def _nested():
    inner = keras.Sequential(
        [L.Input(shape=(16,)), L.Dense(8, activation="relu"), L.Dense(4)],
        name="inner",
    )
    return keras.Sequential([L.Input(shape=(16,)), inner, L.Dense(1)])


def unbuilt():
    return keras.Sequential([L.Dense(64, activation="relu"), L.Dense(10)])


def compiled():
    model = keras.Sequential([L.Input(shape=(2,)), L.Dense(3)])
    model.compile(optimizer="adam", loss="mse", metrics=["mse"])
    model.fit(np.zeros((4, 2)), np.zeros((4, 3)), verbose=0)
    return model


def compiled_not_fit():
    model = keras.Sequential([L.Input(shape=(2,)), L.Dense(3)])
    model.compile(optimizer="adam", loss="mse")
    return model


def frozen():
    return keras.Sequential(
        [L.Input(shape=(4,)), L.Dense(3), L.Dense(2, trainable=False)]
    )


def zoo():
    layers = [
        L.Input(shape=(12,)),
        L.Dense(16),
        L.ReLU(),
        L.LeakyReLU(),
        L.ELU(),
        L.PReLU(),
        L.Softmax(),
        L.Activation("tanh"),
        L.Dropout(0.5),
        L.Reshape((4, 4)),
        L.Permute((2, 1)),
        L.Dense(3),
        L.Flatten(),
        L.RepeatVector(2),
        L.Rescaling(0.5),
        L.Identity(),
        L.Lambda(lambda x: x * 2.0),
        L.Dense(1),
    ]
    return keras.Sequential(layers)


def normalization():
    norm = L.Normalization()
    model = keras.Sequential([L.Input(shape=(4,)), norm, L.Dense(2)])
    norm.adapt(np.arange(20, dtype="float32").reshape(5, 4))
    return model


def merging():
    a = L.Input(shape=(4,))
    b = L.Input(shape=(4,))
    merged = [
        L.Add()([a, b]),
        L.Subtract()([a, b]),
        L.Multiply()([a, b]),
        L.Average()([a, b]),
        L.Maximum()([a, b]),
        L.Minimum()([a, b]),
    ]
    out = L.Concatenate()(merged)
    return keras.Model([a, b], out)


def dense_3d():
    return keras.Sequential([L.Input(shape=(5, 3)), L.Dense(4)])


def big_counts():
    return keras.Sequential(
        [L.Input(shape=(1000,)), L.Dense(2000), L.Dense(1000)]
    )


def subclassed():
    class MLP(keras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.hidden = L.Dense(32, activation="relu")
            self.out = L.Dense(2)

        def call(self, inputs):
            return self.out(self.hidden(inputs))

    model = MLP()
    model(np.zeros((1, 8), "float32"))
    return model


def built_by_call():
    model = keras.Sequential([L.Dense(64, activation="relu"), L.Dense(10)])
    model(np.zeros((3, 784), "float32"))
    return model


def built_by_build():
    model = keras.Sequential([L.Dense(64, activation="relu"), L.Dense(10)])
    model.build((None, 784))
    return model


def functional_with_nested():
    inner = keras.Sequential(
        [L.Input(shape=(6,)), L.Dense(4, activation="relu")], name="block"
    )
    inputs = L.Input(shape=(6,))
    x = inner(inputs)
    outputs = L.Dense(2)(x)
    return keras.Model(inputs, outputs, name="outer")


def subclassed_unbuilt():
    class Net(keras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.d1 = L.Dense(4)

        def call(self, inputs):
            return self.d1(inputs)

    return Net()


# (case name, model factory, summary kwargs)
CASES = [
    ("seed002", seed002, {}),
    ("seed000", seed000, {}),
    ("functional_chain", functional_chain, {}),
    ("functional_multi_input", functional_multi_input, {}),
    ("functional_multi_output", functional_multi_output, {}),
    ("nested", _nested, {}),
    ("nested_expanded", _nested, {"expand_nested": True}),
    ("unbuilt", unbuilt, {}),
    ("compiled", compiled, {}),
    ("compiled_not_fit", compiled_not_fit, {}),
    ("show_trainable", frozen, {"show_trainable": True}),
    ("zoo", zoo, {}),
    ("normalization", normalization, {}),
    ("merging", merging, {}),
    ("dense_3d", dense_3d, {}),
    ("big_counts", big_counts, {}),
    ("subclassed", subclassed, {}),
    ("subclassed_unbuilt", subclassed_unbuilt, {}),
    ("built_by_call", built_by_call, {}),
    ("built_by_build", built_by_build, {}),
    ("functional_with_nested", functional_with_nested, {}),
    (
        "functional_with_nested_expanded",
        functional_with_nested,
        {"expand_nested": True},
    ),
    ("line_length_100", seed002, {"line_length": 100}),
    ("line_length_50", functional_multi_input, {"line_length": 50}),
    ("positions", seed002, {"positions": [0.5, 0.7, 1.0]}),
]


def run_case(factory, kwargs):
    clear = getattr(keras.utils, "clear_session", None)
    (clear or keras.backend.clear_session)()
    model = factory()
    buf = io.StringIO()
    try:
        with contextlib.redirect_stdout(buf):
            model.summary(**kwargs)
        text = buf.getvalue()
    except Exception as e:  # tf.keras 2 refuses unbuilt models
        text = f"{type(e).__name__}: {e}\n"
    calls = []
    try:
        model.summary(print_fn=lambda s, **kw: calls.append(s), **kwargs)
    except Exception:
        pass
    names = [layer.name for layer in model.layers]
    try:
        shapes = [list(w.shape) for w in model.get_weights()]
    except Exception:
        shapes = None
    config = None
    if PROFILE == "keras3" and type(model).__name__ in (
        "Sequential",
        "Functional",
    ):
        config = json.loads(json.dumps(model.get_config(), default=list))
    return {
        "text": text,
        "config": config,
        "print_fn_calls": len(calls),
        "model_name": model.name,
        "layer_names": names,
        "weight_shapes": shapes,
    }


def _keras_version():
    from importlib import metadata

    return getattr(keras, "__version__", None) or metadata.version("keras")


def main():
    folder = os.path.join(OUT, PROFILE)
    os.makedirs(folder, exist_ok=True)
    results = {}
    for name, factory, kwargs in CASES:
        results[name] = run_case(factory, kwargs)
        with open(os.path.join(folder, name + ".txt"), "w") as f:
            f.write(results[name]["text"])
        sys.stderr.write(f"{name}: ok\n")
    doc = {
        "keras_version": _keras_version(),
        "profile": PROFILE,
        "columns": 80,
        "cases": results,
    }
    with open(os.path.join(OUT, PROFILE + ".json"), "w") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
