"""Constraints against Keras: projected weights, configs, names."""

import json
import pathlib

import numpy as np
import pytest

import kara
from kara import constraints

GOLDEN = pathlib.Path(__file__).parents[1] / "golden"


def _load(generation):
    with open(GOLDEN / f"regularizers_{generation}.json") as f:
        return json.load(f)


CASES = [
    (g, case) for g in ("keras3", "keras2") for case in _load(g)["constraints"]
]


def _case_id(item):
    generation, case = item
    args = ",".join(f"{k}={v}" for k, v in case["kwargs"].items())
    return f"{generation}-{case['class_name']}({args})"


@pytest.mark.parametrize("item", CASES, ids=_case_id)
def test_output_matches_keras(item):
    generation, case = item
    golden = _load(generation)
    con = getattr(constraints, case["class_name"])(**case["kwargs"])
    assert con.get_config() == case["config"]
    for wname, want in case["results"].items():
        w = np.array(golden["weights"][wname], "float32")
        out = con(w)
        assert isinstance(out, np.ndarray) and out.dtype == np.float32
        np.testing.assert_allclose(out, want, rtol=1e-6, atol=1e-7)


def test_tensors_and_variables_give_tensors_and_stay_unchanged():
    v = kara.Variable(np.array([[3.0], [4.0]], "float32"))
    out = constraints.UnitNorm()(v)
    assert isinstance(out, kara.Tensor) and not isinstance(out, kara.Variable)
    np.testing.assert_allclose(out.numpy(), [[0.6], [0.8]], rtol=1e-6)
    np.testing.assert_allclose(v.numpy(), [[3.0], [4.0]])
    v.assign(out)  # what a layer does after an optimizer step
    np.testing.assert_allclose(v.numpy(), [[0.6], [0.8]], rtol=1e-6)


def test_max_norm_leaves_small_weights_alone():
    w = np.array([[0.3, 3.0], [0.4, 4.0]], "float32")
    np.testing.assert_allclose(
        constraints.MaxNorm(2)(w), [[0.3, 1.2], [0.4, 1.6]], rtol=1e-6
    )


def test_min_max_norm_rate_moves_part_of_the_way():
    w = np.array([[3.0], [4.0]], "float32")  # norm 5
    out = constraints.MinMaxNorm(0.0, 1.0, rate=0.5)(w)
    np.testing.assert_allclose(np.linalg.norm(out), 3.0, rtol=1e-6)


def test_names_and_round_trip():
    assert constraints.get(None) is None
    for name, cls in [
        ("max_norm", constraints.MaxNorm),
        ("MaxNorm", constraints.MaxNorm),
        ("min_max_norm", constraints.MinMaxNorm),
        ("non_neg", constraints.NonNeg),
        ("unit_norm", constraints.UnitNorm),
        ("nonneg", constraints.NonNeg),
    ]:
        assert type(constraints.get(name)) is cls
    con = constraints.MinMaxNorm(0.5, 1.5, rate=0.7, axis=[0, 1])
    config = constraints.serialize(con)
    assert config == {
        "module": "keras.constraints",
        "class_name": "MinMaxNorm",
        "config": {
            "min_value": 0.5,
            "max_value": 1.5,
            "rate": 0.7,
            "axis": [0, 1],
        },
        "registered_name": None,
    }
    assert constraints.deserialize(config).get_config() == con.get_config()


def test_helpful_errors():
    with pytest.raises(ValueError, match=r"Did you mean 'max_norm'"):
        constraints.get("maxnrom")
    with pytest.raises(TypeError, match="Did you mean 'max_value'"):
        constraints.MaxNorm(max_val=3)
    with pytest.raises(ValueError, match="min_value.*must not exceed"):
        constraints.MinMaxNorm(min_value=2.0, max_value=1.0)
    with pytest.raises(ValueError, match="`axis` must be a number"):
        constraints.UnitNorm(axis="rows")
