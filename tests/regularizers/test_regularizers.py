"""Regularizers against Keras: penalties, their gradients, configs, names.

Golden numbers: `tests/golden/regularizers_keras{3,2}.json`, written by
`tools/golden_regularizers.py` (penalty and `tf.GradientTape` gradient).
"""

import json
import pathlib

import numpy as np
import pytest

import kara
from kara import regularizers
from kara.testing import check_grad

GOLDEN = pathlib.Path(__file__).parents[1] / "golden"


def _load(generation):
    with open(GOLDEN / f"regularizers_{generation}.json") as f:
        return json.load(f)


CASES = [
    (g, case) for g in ("keras3", "keras2") for case in _load(g)["regularizers"]
]


def _case_id(item):
    generation, case = item
    args = ",".join(f"{k}={v}" for k, v in case["kwargs"].items())
    return f"{generation}-{case['class_name']}({args})"


@pytest.mark.parametrize("item", CASES, ids=_case_id)
def test_penalty_and_gradient_match_keras(item):
    generation, case = item
    golden = _load(generation)
    reg = getattr(regularizers, case["class_name"])(**case["kwargs"])
    for wname, want in case["results"].items():
        w = kara.Variable(np.array(golden["weights"][wname], "float32"))
        penalty = reg(w)
        assert penalty.dtype == np.float32 and penalty.shape == ()
        np.testing.assert_allclose(
            penalty.numpy(), want["value"], rtol=1e-6, atol=1e-9
        )
        penalty.backward()
        grad = np.zeros_like(w.data) if w.grad is None else w.grad
        assert not np.isnan(grad).any()  # the zero row has a 0 gradient
        np.testing.assert_allclose(grad, want["grad"], rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("item", CASES, ids=_case_id)
def test_config_matches_keras(item):
    _, case = item
    reg = getattr(regularizers, case["class_name"])(**case["kwargs"])
    config = reg.get_config()
    assert config.keys() == case["config"].keys()
    for key, value in config.items():
        if isinstance(value, float):  # Keras stores some factors in float32
            assert value == pytest.approx(case["config"][key], rel=1e-7)
        else:
            assert value == case["config"][key]
    clone = regularizers.deserialize(regularizers.serialize(reg))
    assert type(clone) is type(reg) and clone.get_config() == config


@pytest.mark.parametrize(
    "reg",
    [
        regularizers.L1(0.3),
        regularizers.L2(0.2),
        regularizers.L1L2(0.1, 0.2),
        regularizers.OrthogonalRegularizer(0.5),
        regularizers.OrthogonalRegularizer(0.5, mode="columns"),
    ],
    ids=repr,
)
def test_backward_against_finite_differences(reg, rng):
    # away from 0, where |w| has its kink
    w = rng.uniform(0.2, 1.0, (4, 3)) * rng.choice([-1, 1], (4, 3))
    check_grad(reg, w)


def test_names_and_defaults():
    assert regularizers.get(None) is None
    assert regularizers.get("l1").get_config() == {"l1": 0.01}
    assert regularizers.get("l2").get_config() == {"l2": 0.01}
    assert regularizers.get("L1L2").get_config() == {"l1": 0.0, "l2": 0.0}
    # Keras documents "l1_l2" as 0.01 each (tf.keras 2 does that)
    assert regularizers.get("l1_l2").get_config() == {"l1": 0.01, "l2": 0.01}
    orth = regularizers.get("orthogonal_regularizer")
    assert orth.get_config() == {"factor": 0.01, "mode": "rows"}
    assert isinstance(regularizers.get(regularizers.L2), regularizers.L2)
    fn = lambda w: 0.0  # noqa: E731
    assert regularizers.get(fn) is fn


def test_keras2_style_config_dict():
    reg = regularizers.get(
        {"class_name": "L1L2", "config": {"l1": 0.1, "l2": 0.0}}
    )
    assert reg.get_config() == {"l1": 0.1, "l2": 0.0}


def test_helpful_errors():
    with pytest.raises(ValueError, match=r"'l3'\. Did you mean 'l2' or"):
        regularizers.get("l3")
    with pytest.raises(TypeError, match="Did you mean 'l2'"):
        regularizers.L2(l3=0.1)
    with pytest.raises(ValueError, match="non-negative float.*l1=-1"):
        regularizers.L1(-1)
    with pytest.raises(ValueError, match="mode.*Did you mean 'columns'"):
        regularizers.OrthogonalRegularizer(mode="column")
    with pytest.raises(ValueError, match=r"rank 2.*shape=\(2, 2, 2\)"):
        regularizers.OrthogonalRegularizer()(np.ones((2, 2, 2), "float32"))


def test_orthogonal_penalty_of_orthogonal_rows_is_zero():
    q = np.linalg.qr(np.random.default_rng(0).normal(size=(4, 4)))[0]
    reg = regularizers.OrthogonalRegularizer(1.0)
    assert abs(float(reg(q.astype("float32")))) < 1e-6
    assert float(reg(np.ones((1, 3), "float32"))) == 0.0  # no pairs


def test_integer_weights_and_lists_give_float32():
    assert regularizers.L2()([[1, 2]]).dtype == np.float32
    assert regularizers.L1()(np.array([1, 2], "int64")).dtype == np.float32
