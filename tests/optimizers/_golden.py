"""Replays the trajectories recorded by `tools/golden_optimizers.py`.

Shared by the golden tests: loads `tests/golden/optimizers_<profile>.json`
and runs a case (same optimizer arguments, same float32 inputs) in kara.
"""

import json
import os

import numpy as np

import kara
from kara import optimizers
from kara.optimizers import schedules

GOLDEN_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "golden")
_CACHE = {}


def load(profile):
    if profile not in _CACHE:
        path = os.path.join(GOLDEN_DIR, f"optimizers_{profile}.json")
        with open(path) as f:
            _CACHE[profile] = json.load(f)
    return _CACHE[profile]


def build_optimizer(cls_name, kwargs):
    kwargs = dict(kwargs)
    args = kwargs.pop("args", [])
    lr = kwargs.get("learning_rate")
    if isinstance(lr, dict):
        kwargs["learning_rate"] = getattr(schedules, lr["schedule"])(
            **lr["config"]
        )
    return getattr(optimizers, cls_name)(*args, **kwargs)


def replay(data, case):
    """Runs `case` in kara; returns (optimizer, variables, trajectory)."""
    inputs = data["inputs"]
    variables = [
        kara.Variable(np.asarray(x, "float32"), name=n)
        for x, n in zip(inputs["init"], inputs["names"])
    ]
    opt = build_optimizer(case["class"], case["kwargs"])
    if "exclude" in case["options"]:
        opt.exclude_from_weight_decay(var_names=case["options"]["exclude"])
    trajectory = []
    for step in inputs["grads"]:
        grads = [np.asarray(g, "float32") for g in step]
        opt.apply_gradients(zip(grads, variables))
        trajectory.append([v.numpy() for v in variables])
    return opt, variables, trajectory
