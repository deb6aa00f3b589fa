"""The benchmark workloads in tf.keras (TensorFlow 2.21, Keras 3).

Run by `bench/run.py` with the TensorFlow venv's python (this file never
imports kara, and kara never imports TensorFlow):

    /root/venvs/tf221/bin/python bench/tf_bench.py SPEC.json

SPEC.json says which workloads to run and how often (see `run.py`); the
results are printed as one JSON object on the last line of stdout. The
workloads are `workloads.py`'s, the same code as kara's column: the plain
Keras a user writes, with TensorFlow's default settings (graph-compiled
`fit`, default thread pools).
"""

import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import tensorflow as tf  # noqa: E402
import workloads as w  # noqa: E402

keras = tf.keras


def main():
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    work = spec["workloads"]
    res = {"version": tf.__version__, "keras": keras.__version__}
    if "memory" in work:  # alone, in its own process (ru_maxrss)
        res["memory"] = w.peak_memory(keras, spec)
        print(json.dumps(res))
        return
    x, y = w.synthetic(spec["n"])
    if "fit" in work:
        res["fit"] = w.fit_times(keras, spec, x, y)
    if "deep" in work:
        res["deep"] = w.deep_time(keras, spec, x, y)
    if "predict" in work:
        res["predict"] = w.predict_times(keras, spec, x)
    if "evaluate" in work:
        res["evaluate"] = w.evaluate_time(keras, spec, x, y)
    if "latency" in work:
        # TF's eager call is slow: fewer calls, fewer warm-ups
        calls = max(spec["latency_calls"] // 10, 50)
        res["latency"] = w.latency(keras, spec, calls, warmup=20)
    if "accuracy" in work:
        res["accuracy"] = w.accuracy(keras, spec)
    print(json.dumps(res))


if __name__ == "__main__":
    main()
