"""The benchmark workloads in kara, plus the matrix-product floor.

`bench/run.py` calls `run(spec)` in its own interpreter (kara is what is
being measured, so it runs where the user would run it). The peak memory
of `fit` is measured in a fresh process, so that nothing else the
benchmark did counts in it:

    python bench/kara_bench.py SPEC.json      # prints one JSON object

SPEC.json is described in `run.py`. The Keras-API workloads are
`workloads.py`'s, the same code as the tf.keras column; `fit`, `predict`
and `model(x)` run with kara's defaults. Here are the kara-only ones: the
matrix-product floor, the hand-written NumPy loop and the step overhead.
"""

import json
import sys
import time

import numpy as np
import workloads as w

import kara
from kara.ops import runtime


def matmul_floor(spec, threads):
    """Seconds for the matrix products of one epoch of the seed 002 model.

    Per batch: the two forward products, and in backward the kernel
    gradients of both layers and the input gradient of the second (the
    first layer's input needs none), written into preallocated arrays.
    This is what no NumPy implementation can go below.
    """
    rng = np.random.default_rng(0)
    w1 = rng.standard_normal((784, 128), dtype=np.float32)
    w2 = rng.standard_normal((128, 10), dtype=np.float32)
    g1, g2 = np.empty_like(w1), np.empty_like(w2)
    out = {}
    with runtime.limit_threads(threads):
        for bs in spec["batch_sizes"]:
            x = rng.standard_normal((bs, 784), dtype=np.float32)
            h = np.empty((bs, 128), np.float32)
            z = np.empty((bs, 10), np.float32)
            gh = np.empty_like(h)
            steps, last = divmod(spec["n"], bs)

            def epoch():
                for _ in range(steps):
                    np.matmul(x, w1, out=h)
                    np.matmul(h, w2, out=z)
                    np.matmul(h.T, z, out=g2)
                    np.matmul(z, w2.T, out=gh)
                    np.matmul(x.T, gh, out=g1)
                if last:  # the smaller final batch, as fit has it
                    xs, hs, zs = x[:last], h[:last], z[:last]
                    np.matmul(xs, w1, out=hs)
                    np.matmul(hs, w2, out=zs)
                    np.matmul(hs.T, zs, out=g2)
                    np.matmul(zs, w2.T, out=gh[:last])
                    np.matmul(xs.T, gh[:last], out=g1)

            epoch()
            out[str(bs)] = w.best_of(epoch, spec["repeats"] + 2)
    return out


def numpy_epoch(spec, x, y, bs):
    """One epoch of the seed 002 model written by hand in NumPy.

    The reference the issue measures against: no framework, every array
    preallocated, the logits path and backward written out, and Adam in
    place with Keras's formula (the same 12 in-place operations per
    weight as kara's). It is about the fastest a NumPy program can train
    this model; the difference to kara is kara's own cost.
    """
    rng = np.random.default_rng(0)
    n, d = x.shape[0], 784
    x2 = x.reshape(n, d)
    params = [
        (rng.standard_normal((d, 128)) * 0.05).astype("float32"),
        np.zeros(128, "float32"),
        (rng.standard_normal((128, 10)) * 0.1).astype("float32"),
        np.zeros(10, "float32"),
    ]
    slots = [(np.zeros_like(p), np.zeros_like(p)) for p in params]
    scratch = [(np.empty_like(p), np.empty_like(p)) for p in params]
    b1, b2, eps, lr = 0.9, 0.999, 1e-7, 1e-3
    f = np.float32
    buf = {}

    def arrays(m):  # the buffers of a batch of m rows, made once
        if m not in buf:
            buf[m] = [
                np.empty((m, d), "float32"),
                np.empty((m, 128), "float32"),
                np.empty((m, 10), "float32"),
                np.empty((m, 128), "float32"),
                np.arange(m),
            ]
        return buf[m]

    def step(t, idx):
        xb, h, z, gh, rows = arrays(len(idx))
        w1, c1, w2, c2 = params
        np.take(x2, idx, axis=0, out=xb)
        yb = y[idx]
        np.matmul(xb, w1, out=h)
        h += c1
        np.maximum(h, 0, out=h)
        np.matmul(h, w2, out=z)
        z += c2
        z -= z.max(axis=1, keepdims=True)  # softmax cross-entropy
        np.exp(z, out=z)
        z /= z.sum(axis=1, keepdims=True)
        loss = -np.log(z[rows, yb]).mean()
        z[rows, yb] -= 1
        z /= f(len(idx))  # d loss / d logits, the mean over the batch
        g_w2, g_c2 = h.T @ z, z.sum(axis=0)
        np.matmul(z, w2.T, out=gh)
        gh *= h > 0  # through the relu
        grads = [xb.T @ gh, gh.sum(axis=0), g_w2, g_c2]
        alpha = f(lr) * np.sqrt(f(1) - f(b2) ** t) / (f(1) - f(b1) ** t)
        for p, g, (m, v), (t1, t2) in zip(params, grads, slots, scratch):
            np.subtract(g, m, out=t1)
            t1 *= f(1 - b1)
            m += t1
            np.multiply(g, g, out=t1)
            t1 -= v
            t1 *= f(1 - b2)
            v += t1
            np.sqrt(v, out=t1)
            t1 += f(eps)
            np.multiply(m, alpha, out=t2)
            t2 /= t1
            p -= t2
        return loss

    def epoch():
        order = rng.permutation(n)
        for t, lo in enumerate(range(0, n, bs), start=1):
            step(t, order[lo : lo + bs])

    epoch()
    return w.best_of(epoch, spec["repeats"])


def step_overhead(spec):
    """Seconds of one training step of a tiny model: kara's own cost.

    The seed 002 structure (Flatten, Dense relu, Dense softmax; Adam;
    sparse cross-entropy; accuracy) at batch 32 with 2x2 inputs and 4
    hidden units, so that the arithmetic is negligible and what remains
    is the Python of one step: forward, loss, backward, optimizer,
    metrics. The step is the one `fit` runs (the fused step, for this
    model). Measured in CPU time of this thread (less disturbed by other
    programs than wall time).
    """
    from kara.trainers import fused_step

    model = w.seed002(kara, input_shape=(2, 2), hidden=(4,))
    rng = np.random.default_rng(0)
    batch = (rng.random((32, 2, 2), dtype=np.float32), rng.integers(0, 10, 32))
    step = fused_step.train_step_for(model)
    step(batch)  # the first batch builds the loss and makes the plan
    calls = spec["latency_calls"]

    def run():
        for _ in range(calls):
            step(batch)

    best = float("inf")
    for _ in range(spec["repeats"] + 2):
        t = time.thread_time()
        run()
        best = min(best, time.thread_time() - t)
    return best / calls


def run(spec, threads=None):
    """Runs the workloads named in `spec["workloads"]`; returns a dict.

    Args:
        spec: the benchmark spec (see `run.py`).
        threads: BLAS threads for the run (`kara.ops.runtime`); None
            leaves NumPy's default.
    """
    work = spec["workloads"]
    res = {"version": kara.__version__}
    if "memory" in work:
        res["memory"] = w.peak_memory(kara, spec)
        return res
    previous = runtime.get_num_threads()
    if threads is not None:
        runtime.set_num_threads(threads)
    try:
        res["blas_threads"] = runtime.get_num_threads()
        x, y = w.synthetic(spec["n"])
        if "floor" in work:
            res["floor"] = {
                "1": matmul_floor(spec, 1),
                "default": matmul_floor(spec, None),
            }
        if "numpy" in work:
            res["numpy"] = {
                str(bs): numpy_epoch(spec, x, y, bs)
                for bs in spec["batch_sizes"]
            }
        if "fit" in work:
            res["fit"] = w.fit_times(kara, spec, x, y)
        if "deep" in work:
            res["deep"] = w.deep_time(kara, spec, x, y)
        if "predict" in work:
            res["predict"] = w.predict_times(kara, spec, x)
        if "evaluate" in work:
            res["evaluate"] = w.evaluate_time(kara, spec, x, y)
        if "latency" in work:
            res["latency"] = w.latency(
                kara, spec, spec["latency_calls"], warmup=100
            )
        if "overhead" in work:
            res["overhead"] = step_overhead(spec)
        if "accuracy" in work:
            res["accuracy"] = w.accuracy(kara, spec)
    finally:
        if threads is not None:  # back to NumPy's count before the run
            if previous is not None:
                runtime.set_num_threads(previous)
            runtime.set_num_threads(None)
    return res


if __name__ == "__main__":
    with open(sys.argv[1]) as f:
        print(json.dumps(run(json.load(f))))
