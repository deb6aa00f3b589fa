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
(kara must rebuild the same model from Keras's own config). The models
are defined once, in `tests/utils/_summary_cases.py`, for this script and
for the tests.

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

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
from tests.utils._summary_cases import make_cases  # noqa: E402

OUT = os.path.join(ROOT, "tests", "golden", "summary")


# (case name -> (model factory, summary kwargs)), shared with the tests
CASES = make_cases(keras)


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
    for name, (factory, kwargs) in CASES.items():
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
