"""Loads the Keras golden files of the metrics and replays their cases."""

import json
import pathlib

import numpy as np

from kara import metrics

GOLDEN_DIR = pathlib.Path(__file__).resolve().parents[1] / "golden"


def load(profile):
    with open(GOLDEN_DIR / f"metrics_{profile}.json") as f:
        return json.load(f)


def batches(golden, name):
    """The two input batches of input set `name`, as NumPy arrays."""
    spec = golden["inputs"][name]
    out = []
    for b in spec["batches"]:
        d = {}
        for key, value in b.items():
            if key == "y_true":
                d[key] = np.asarray(value, dtype=spec["dtype_true"])
            elif key == "scalar":
                d[key] = float(value)
            else:
                d[key] = np.asarray(value, dtype="float32")
        out.append(d)
    return out


def replay(golden, case, weight):
    """Runs a case in kara: result after each of the two updates."""
    metric = getattr(metrics, case["class"])(**case["kwargs"])
    results = []
    for b in batches(golden, case["inputs"]):
        sw = None if weight == "none" else b[weight]
        if "values" in b:
            metric.update_state(b["values"], sample_weight=sw)
        else:
            metric.update_state(b["y_true"], b["y_pred"], sample_weight=sw)
        results.append(np.asarray(metric.result().numpy(), dtype=np.float64))
    return metric, results


def case_params(profile):
    golden = load(profile)
    params = []
    for case in golden["cases"]:
        for weight, expected in case["results"].items():
            params.append((case, weight, expected))
    return golden, params
