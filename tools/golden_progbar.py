"""Captures the real progress-bar output of Keras 3 and tf.keras 2.15.

Run from the repository root, once per Keras generation:

    /root/venvs/tf221/bin/python tools/golden_progbar.py   # Keras 3.15
    /root/venvs/tf215/bin/python tools/golden_progbar.py   # tf.keras 2.15

The first writes `tests/golden/progbar/keras3.json`, the second
`tests/golden/progbar/keras2.json`.

How: the script starts itself again as a child process once per
(verbose, output kind) pair, verbose in {1, 2} and output kind in
{"tty", "pipe"}:

- "tty": the child's stdout is the slave end of a pseudo-terminal (with
  the terminal's "\\n" -> "\\r\\n" translation switched off), so the bytes
  are exactly what Keras wrote when it believed it was on a terminal;
- "pipe": the child's stdout is a plain pipe, as in a log file or CI.

The child runs five small cases on CPU (`fit` for 2 epochs with
validation data, `fit` with a loss of exactly 0 (scientific notation),
`fit` with a negative loss (cosine similarity), `evaluate`, `predict`) and
prints a marker line `@@@ case=<name> @@@` before each, so the parent can
cut the capture into cases. A callback sleeps 30 ms after every batch so
that the bar redraws a few times mid-epoch (Keras redraws at most every
0.05 s). A second callback, placed before Keras's own ProgbarLogger,
records every hook call with its `logs` (the exact floats the bar shows)
and `params`; kara's tests replay these events through kara's own
`CallbackList`/`ProgbarLogger` and compare the text with the timings
masked. TensorFlow's C++ and Python logging go to stderr, which the parent
discards.

Each JSON file holds `{"keras_version", "profile", "captures": {"v1_tty":
{case: raw_text}, "v1_pipe": ..., "v2_tty": ..., "v2_pipe": ...},
"events": {"v1": {case: [event, ...]}, "v2": ...}}`; an event is
`[hook, index_or_null, logs_or_null]`, plus a first `["params", null,
params]` event. Raw text keeps every control byte (`\\b`, `\\r`, the ANSI
colour codes).
"""

import json
import os
import subprocess
import sys

CASES = ("fit", "fit_tiny", "fit_negative", "evaluate", "predict")
MARKER = "@@@ case={} @@@"
SLEEP_S = 0.03


def _quiet_env():
    env = dict(os.environ)
    env.update(
        TF_CPP_MIN_LOG_LEVEL="3",
        TF_ENABLE_ONEDNN_OPTS="0",
        CUDA_VISIBLE_DEVICES="",
        KERAS_BACKEND="tensorflow",
        PYTHONHASHSEED="0",
        PYTHONIOENCODING="utf-8",
        PYTHONUNBUFFERED="1",
    )
    return env


# ------------------------------------------------------------------ child
def _child(verbose, events_path):
    """Runs every case, printing Keras's own output on stdout."""
    import logging
    import time
    import warnings

    import numpy as np

    warnings.filterwarnings("ignore")
    logging.disable(logging.WARNING)
    import tensorflow as tf

    tf.get_logger().setLevel("ERROR")
    keras = tf.keras
    keras.utils.set_random_seed(0)

    recorded = {}

    class Recorder(keras.callbacks.Callback):
        """Records each hook with plain-float logs."""

        def __init__(self, events):
            super().__init__()
            self.events = events
            self.params_seen = False

        def _log(self, hook, index, logs):
            if not self.params_seen:
                self.events.append(["params", None, dict(self.params)])
                self.params_seen = True
            if logs is not None and hook.startswith("predict_batch"):
                logs = None  # outputs are arrays; the bar ignores them
            if logs is not None:
                logs = {k: float(v) for k, v in logs.items()}
            self.events.append([hook, index, logs])

    for name in (
        "train_begin",
        "train_end",
        "test_begin",
        "test_end",
        "predict_begin",
        "predict_end",
    ):
        setattr(
            Recorder,
            "on_" + name,
            (lambda n: lambda self, logs=None: self._log(n, None, logs))(name),
        )
    for name in (
        "epoch_begin",
        "epoch_end",
        "train_batch_begin",
        "train_batch_end",
        "test_batch_begin",
        "test_batch_end",
        "predict_batch_begin",
        "predict_batch_end",
    ):
        setattr(
            Recorder,
            "on_" + name,
            (lambda n: lambda self, i, logs=None: self._log(n, i, logs))(name),
        )

    class Slow(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            time.sleep(SLEEP_S)

        def on_test_batch_end(self, batch, logs=None):
            time.sleep(SLEEP_S)

        def on_predict_batch_end(self, batch, logs=None):
            time.sleep(SLEEP_S)

    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 4)).astype("float32")
    y = (x[:, 0] > 0).astype("int32") + (x[:, 1] > 0.5).astype("int32")
    x_val = rng.normal(size=(40, 4)).astype("float32")
    y_val = (x_val[:, 0] > 0).astype("int32")

    classifier = keras.Sequential(
        [
            keras.Input(shape=(4,)),
            keras.layers.Dense(8, activation="relu"),
            keras.layers.Dense(3, activation="softmax"),
        ]
    )
    classifier.compile(
        optimizer="adam",
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )

    def run(case):
        events = recorded.setdefault(case, [])
        callbacks = [Recorder(events), Slow()]
        print(MARKER.format(case), flush=True)
        if case == "fit":
            classifier.fit(
                x,
                y,
                batch_size=16,
                epochs=2,
                validation_data=(x_val, y_val),
                shuffle=False,
                verbose=verbose,
                callbacks=callbacks,
            )
        elif case == "fit_tiny":
            # Zero weights and zero targets: the loss is exactly 0, which
            # Keras prints in scientific notation (0.0000e+00).
            model = keras.Sequential(
                [
                    keras.Input(shape=(4,)),
                    keras.layers.Dense(1, kernel_initializer="zeros"),
                ]
            )
            model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
            model.fit(
                x[:64],
                np.zeros((64, 1), "float32"),
                batch_size=16,
                epochs=1,
                shuffle=False,
                verbose=verbose,
                callbacks=callbacks,
            )
        elif case == "fit_negative":
            # cosine_similarity as a loss is negative: Keras 3's verbose=2
            # line prints it in scientific notation (its test is v > 1e-3).
            model = keras.Sequential(
                [
                    keras.Input(shape=(4,)),
                    keras.layers.Dense(2, kernel_initializer="ones"),
                ]
            )
            model.compile(
                optimizer="sgd", loss="cosine_similarity", metrics=["mse"]
            )
            xp = np.abs(x[:64]) + 0.1
            model.fit(
                xp,
                np.ones((64, 2), "float32"),
                batch_size=16,
                epochs=1,
                shuffle=False,
                verbose=verbose,
                callbacks=callbacks,
            )
        elif case == "evaluate":
            classifier.evaluate(
                x, y, batch_size=16, verbose=verbose, callbacks=callbacks
            )
        elif case == "predict":
            classifier.predict(
                x, batch_size=32, verbose=verbose, callbacks=callbacks
            )
        sys.stdout.flush()

    for case in CASES:
        run(case)
    with open(events_path, "w") as f:
        json.dump(recorded, f)


# ----------------------------------------------------------------- parent
def _run_child(verbose, kind, events_path):
    cmd = [sys.executable, os.path.abspath(__file__), "--child"]
    cmd += [str(verbose), events_path]
    env = _quiet_env()
    if kind == "pipe":
        done = subprocess.run(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            check=True,
        )
        return done.stdout.decode("utf-8")

    import pty
    import termios

    master, slave = pty.openpty()
    attrs = termios.tcgetattr(slave)
    attrs[1] &= ~termios.OPOST  # keep "\n" as "\n" (no "\r\n")
    termios.tcsetattr(slave, termios.TCSANOW, attrs)
    proc = subprocess.Popen(
        cmd, stdout=slave, stderr=subprocess.DEVNULL, env=env
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    if proc.wait() != 0:
        raise RuntimeError(f"child failed: {cmd}")
    return b"".join(chunks).decode("utf-8")


def _split_cases(text):
    out = {}
    pieces = text.split("@@@ case=")
    for piece in pieces[1:]:
        name, rest = piece.split(" @@@\n", 1)
        out[name] = rest
    return out


def main():
    import tempfile
    from importlib import metadata

    version = metadata.version("keras")
    profile = "keras3" if version.startswith("3") else "keras2"
    result = {
        "keras_version": version,
        "profile": profile,
        "captures": {},
        "events": {},
    }
    with tempfile.TemporaryDirectory() as tmp:
        for verbose in (1, 2):
            for kind in ("tty", "pipe"):
                events_path = os.path.join(tmp, f"events_{verbose}.json")
                text = _run_child(verbose, kind, events_path)
                result["captures"][f"v{verbose}_{kind}"] = _split_cases(text)
                if kind == "pipe":
                    with open(events_path) as f:
                        result["events"][f"v{verbose}"] = json.load(f)
    here = os.path.dirname(os.path.abspath(__file__))
    out_dir = os.path.join(here, "..", "tests", "golden", "progbar")
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, f"{profile}.json")
    with open(path, "w") as f:
        json.dump(result, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"wrote {os.path.normpath(path)}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(int(sys.argv[2]), sys.argv[3])
    else:
        main()
