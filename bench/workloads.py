"""The benchmark's workloads, written once for every Keras-API framework.

`kara_bench.py` runs them with `kara`, `tf_bench.py` with `tf.keras`: the
same model code, data and timing, so the two columns measure the same
thing. The helpers at the top (`synthetic`, `best_of`, `rss_now`) need
only NumPy and serve `torch_bench.py` too. This file imports neither
kara nor TensorFlow: each caller passes its `keras` module in.
"""

import resource
import time

import numpy as np


# ---------------------------------------------------------------- helpers
def synthetic(n, seed=0):
    """Random images and labels of the real shapes (speed only)."""
    rng = np.random.default_rng(seed)
    x = rng.random((n, 28, 28), dtype=np.float32)
    y = rng.integers(0, 10, n)
    return x, y


def best_of(fn, repeats):
    """The shortest of `repeats` wall-clock times of `fn()`, in seconds.

    The machine may be shared: the minimum is the run least disturbed.
    """
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def rss_now():
    """This process's resident memory now, in bytes (Linux)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()


def peak_rss():
    """This process's peak resident memory so far, in bytes (Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


# ------------------------------------------------------ Keras-API workloads
def seed002(keras, input_shape=(28, 28), dropout=False, hidden=(128,)):
    """Flatten, Dense(128, relu), Dense(10, softmax); Adam; sparse CE (or
    the deeper MLP with dropout)."""
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


def fit_times(keras, spec, x, y):
    """Seconds of one epoch of the seed 002 model per batch size (after a
    warm-up fit, which lets TensorFlow trace and compile)."""
    out = {}
    for bs in spec["batch_sizes"]:
        keras.utils.set_random_seed(0)
        model = seed002(keras)
        model.fit(x[:4096], y[:4096], batch_size=bs, epochs=1, verbose=0)
        out[str(bs)] = best_of(
            lambda: model.fit(x, y, batch_size=bs, epochs=1, verbose=0),
            spec["repeats"],
        )
    return out


def deep_time(keras, spec, x, y):
    """Seconds of one epoch of the 784-512-512-10 MLP with dropout."""
    bs = spec["deep_batch_size"]
    keras.utils.set_random_seed(0)
    model = seed002(keras, dropout=True, hidden=(512, 512))
    model.fit(x[:4096], y[:4096], batch_size=bs, epochs=1, verbose=0)
    return best_of(
        lambda: model.fit(x, y, batch_size=bs, epochs=1, verbose=0),
        spec["repeats"],
    )


def predict_times(keras, spec, x):
    """Seconds of `predict` on all of `x`, per batch size."""
    model = seed002(keras)
    out = {}
    for bs in spec["predict_batch_sizes"]:
        model.predict(x[:4096], batch_size=bs, verbose=0)
        out[str(bs)] = best_of(
            lambda: model.predict(x, batch_size=bs, verbose=0),
            spec["repeats"],
        )
    return out


def evaluate_time(keras, spec, x, y):
    """Seconds of `evaluate` (the loss and accuracy) on all of `x`."""
    model = seed002(keras)
    bs = spec["evaluate_batch_size"]
    model.evaluate(x[:4096], y[:4096], batch_size=bs, verbose=0)
    return best_of(
        lambda: model.evaluate(x, y, batch_size=bs, verbose=0),
        spec["repeats"],
    )


def latency(keras, spec, calls, warmup):
    """Seconds per eager `model(x)` call on one sample."""
    model = seed002(keras)
    x1 = np.random.default_rng(0).random((1, 28, 28), dtype=np.float32)
    for _ in range(warmup):
        model(x1)

    def run():
        for _ in range(calls):
            model(x1)

    return best_of(run, spec["repeats"]) / calls


def peak_memory(keras, spec):
    """RSS before `fit` and peak RSS during it, in bytes (run it in a
    fresh process: the peak counts everything the process did)."""
    x, y = synthetic(spec["n"])
    keras.utils.set_random_seed(0)
    model = seed002(keras)
    before = rss_now()
    model.fit(x, y, batch_size=spec["memory_batch_size"], epochs=1, verbose=0)
    return {"before": before, "peak": peak_rss(), "data": x.nbytes + y.nbytes}


def accuracy(keras, spec):
    """Test accuracy after training from the shared initial weights, on
    the same batches in the same order in every framework."""
    d = np.load(spec["accuracy_npz"])
    model = seed002(keras, input_shape=d["x_train"].shape[1:])
    model.set_weights([d["w1"], d["b1"], d["w2"], d["b2"]])
    model.fit(
        d["x_train"],
        d["y_train"],
        batch_size=spec["accuracy_batch_size"],
        epochs=spec["accuracy_epochs"],
        shuffle=False,
        verbose=0,
    )
    pred = model.predict(d["x_test"], verbose=0).argmax(axis=1)
    return float(np.mean(pred == d["y_test"]))
