"""The benchmark workloads in tf.keras (TensorFlow 2.21, Keras 3).

Run by `bench/run.py` with the TensorFlow venv's python (this file never
imports kara, and kara never imports TensorFlow):

    /root/venvs/tf221/bin/python bench/tf_bench.py SPEC.json

SPEC.json says which workloads to run and how often (see `run.py`); the
results are printed as one JSON object on the last line of stdout. The
code is the plain Keras a user writes: `compile`, then `fit`, `predict`
and `model(x)`, with TensorFlow's default settings (graph-compiled
`fit`, default thread pools).
"""

import json
import os
import resource
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

keras = tf.keras


def seed002(input_shape=(28, 28), dropout=False, hidden=(128,)):
    """The seed 002 model (or the deeper MLP with dropout)."""
    layers = [keras.Input(shape=input_shape), keras.layers.Flatten()]
    for h in hidden:
        layers.append(keras.layers.Dense(h, activation="relu"))
        if dropout:
            layers.append(keras.layers.Dropout(0.2))
    layers.append(keras.layers.Dense(10, activation="softmax"))
    model = keras.Sequential(layers)
    model.compile(
        optimizer="adam",
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def synthetic(n, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.random((n, 28, 28), dtype=np.float32)
    y = rng.integers(0, 10, n)
    return x, y


def best_of(fn, repeats):
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def fit_times(spec, x, y):
    out = {}
    for bs in spec["batch_sizes"]:
        keras.utils.set_random_seed(0)
        model = seed002()
        # warm-up: traces and compiles the train function
        model.fit(x[:4096], y[:4096], batch_size=bs, epochs=1, verbose=0)
        out[str(bs)] = best_of(
            lambda: model.fit(x, y, batch_size=bs, epochs=1, verbose=0),
            spec["repeats"],
        )
    return out


def deep_time(spec, x, y):
    bs = spec["deep_batch_size"]
    keras.utils.set_random_seed(0)
    model = seed002(dropout=True, hidden=(512, 512))
    model.fit(x[:4096], y[:4096], batch_size=bs, epochs=1, verbose=0)
    return best_of(
        lambda: model.fit(x, y, batch_size=bs, epochs=1, verbose=0),
        spec["repeats"],
    )


def predict_times(spec, x):
    model = seed002()
    out = {}
    for bs in spec["predict_batch_sizes"]:
        model.predict(x[:4096], batch_size=bs, verbose=0)
        out[str(bs)] = best_of(
            lambda: model.predict(x, batch_size=bs, verbose=0),
            spec["repeats"],
        )
    return out


def latency(spec):
    """Seconds per eager `model(x)` call on one sample."""
    model = seed002()
    x1 = np.random.default_rng(0).random((1, 28, 28), dtype=np.float32)
    calls = max(spec["latency_calls"] // 10, 50)  # TF is slow here
    for _ in range(20):
        model(x1)

    def run():
        for _ in range(calls):
            model(x1)

    return best_of(run, spec["repeats"]) / calls


def peak_memory(spec):
    """(RSS before fit, peak RSS during fit) in bytes, fresh process."""
    x, y = synthetic(spec["n"])
    keras.utils.set_random_seed(0)
    model = seed002()
    before = _rss_now()
    model.fit(x, y, batch_size=spec["memory_batch_size"], epochs=1, verbose=0)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {"before": before, "peak": peak, "data": x.nbytes + y.nbytes}


def _rss_now():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()


def accuracy(spec):
    """Test accuracy after training from the shared initial weights."""
    d = np.load(spec["accuracy_npz"])
    model = seed002(input_shape=d["x_train"].shape[1:])
    model.set_weights([d["w1"], d["b1"], d["w2"], d["b2"]])
    model.fit(
        d["x_train"],
        d["y_train"],
        batch_size=spec["accuracy_batch_size"],
        epochs=spec["accuracy_epochs"],
        shuffle=False,  # the same batches, in the same order, as kara
        verbose=0,
    )
    pred = model.predict(d["x_test"], verbose=0).argmax(axis=1)
    return float(np.mean(pred == d["y_test"]))


def main():
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    work = spec["workloads"]
    res = {"version": tf.__version__, "keras": keras.__version__}
    if "memory" in work:  # alone, in its own process (ru_maxrss)
        res["memory"] = peak_memory(spec)
        print(json.dumps(res))
        return
    x, y = synthetic(spec["n"])
    if "fit" in work:
        res["fit"] = fit_times(spec, x, y)
    if "deep" in work:
        res["deep"] = deep_time(spec, x, y)
    if "predict" in work:
        res["predict"] = predict_times(spec, x)
    if "latency" in work:
        res["latency"] = latency(spec)
    if "accuracy" in work:
        res["accuracy"] = accuracy(spec)
    print(json.dumps(res))


if __name__ == "__main__":
    main()
