"""Layer outputs and configs against real Keras 3 (tests/golden/
layers_keras3.json, written by tools/golden_layers.py)."""

import json
import os

import numpy as np
import pytest

from kara import layers

GOLDEN = os.path.join(
    os.path.dirname(__file__), "..", "golden", "layers_keras3.json"
)
with open(GOLDEN) as f:
    CASES = json.load(f)["cases"]


def _decode(value):
    if isinstance(value, dict) and "array" in value:
        return np.asarray(value["array"], dtype=value["dtype"])
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return [_decode(v) for v in value]
    if isinstance(value, dict):
        return {k: _decode(v) for k, v in value.items()}
    return value


def _kwargs(case):
    kwargs = dict(case["kwargs"])
    for key in ("target_shape", "dims"):
        if key in kwargs:
            kwargs[key] = tuple(kwargs[key])
    if case["class_name"] == "Softmax" and isinstance(kwargs.get("axis"), list):
        kwargs["axis"] = tuple(kwargs["axis"])
    return kwargs


def _config(layer):
    cfg = layer.get_config()
    for key in ("name", "dtype", "trainable"):
        cfg.pop(key, None)
    return json.loads(json.dumps(cfg, default=list))


@pytest.mark.parametrize("name", sorted(CASES))
def test_output_and_config_match_keras(name):
    case = CASES[name]
    layer = getattr(layers, case["class_name"])(**_kwargs(case))
    if "adapt" in case:
        data = _decode(case["adapt"])
        layer.adapt([data[:1], data[1:]] if case["adapt_batches"] else data)
    inputs = _decode(case["inputs"])
    call_kwargs = _decode(case["call_kwargs"])
    out = layer(inputs, **call_kwargs)
    assert out.dtype == np.float32
    assert list(out.shape) == case["output_shape"]
    np.testing.assert_allclose(
        out.numpy().ravel(), case["output"], rtol=2e-6, atol=2e-6
    )
    if "weights" in case:
        for w, expected in zip(layer.get_weights(), case["weights"]):
            np.testing.assert_allclose(w.ravel(), expected, rtol=1e-6)
    assert _config(layer) == case["config"]
