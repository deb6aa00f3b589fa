"""Every optimizer against trajectories recorded from real Keras.

`tests/golden/optimizers_keras3.json` (Keras 3.15) and `..._keras2.json`
(tf.keras 2.15) hold 8 steps of random gradients on three variables and
every variable's value after every step, for each optimizer and option
(see `tools/golden_optimizers.py`). kara must follow them to rtol 1e-5.
"""

import numpy as np
import pytest

from kara import config
from kara import optimizers
from kara.optimizers import schedules
from tests.optimizers import _golden

RTOL, ATOL = 1e-5, 1e-6


def _cases(profile):
    data = _golden.load(profile)
    return [name for name in data["cases"] if not name.endswith("[eager]")]


@pytest.fixture(params=["keras3", "keras2"])
def profile(request):
    with config.using_profile(request.param):
        yield request.param


def _case_ids():
    return [(p, n) for p in ("keras3", "keras2") for n in _cases(p)]


@pytest.mark.parametrize("profile_name,case_name", _case_ids())
def test_trajectory(profile_name, case_name):
    data = _golden.load(profile_name)
    case = data["cases"][case_name]
    with config.using_profile(profile_name):
        opt, variables, trajectory = _golden.replay(data, case)
        assert len(trajectory) == len(case["trajectory"])
        for step, (mine, ref) in enumerate(zip(trajectory, case["trajectory"])):
            for k, (a, b) in enumerate(zip(mine, ref)):
                assert a.dtype == np.float32
                np.testing.assert_allclose(
                    a,
                    np.asarray(b, np.float32),
                    rtol=RTOL,
                    atol=ATOL,
                    err_msg=f"{case_name}: step {step}, variable {k}",
                )
        # the optimizer's own state, as Keras lists it
        assert len(opt.variables) == case["n_variables"]
        assert [list(v.shape) for v in opt.variables] == case["variable_shapes"]
        assert int(opt.iterations) == case["iterations"]
        np.testing.assert_allclose(
            float(np.asarray(opt.learning_rate)),
            case["final_learning_rate"],
            rtol=1e-6,
        )
        if "finalized" in case:
            opt.finalize_variable_values(variables)
            for v, ref in zip(variables, case["finalized"]):
                np.testing.assert_allclose(v.numpy(), ref, rtol=RTOL, atol=ATOL)


def test_keras2_eager_nadam_is_the_keras3_rule():
    """tf.keras 2.15 outside tf.function advances u_product once a step."""
    data = _golden.load("keras2")
    case = data["cases"]["Nadam[eager]"]
    with config.using_profile("keras3"):
        _, _, trajectory = _golden.replay(data, case)
    for mine, ref in zip(trajectory, case["trajectory"]):
        for a, b in zip(mine, ref):
            np.testing.assert_allclose(a, b, rtol=RTOL, atol=ATOL)


def test_keras2_fit_nadam_differs_from_keras3():
    data = _golden.load("keras2")
    case = data["cases"]["Nadam"]
    with config.using_profile("keras3"):
        _, _, trajectory = _golden.replay(data, case)
    assert not np.allclose(
        trajectory[-1][2], case["trajectory"][-1][2], rtol=1e-3
    )


def _classes(profile):
    return [(profile, c) for c in _golden.load(profile)["defaults"]]


@pytest.mark.parametrize(
    "profile_name,cls_name", _classes("keras3") + _classes("keras2")
)
def test_default_config(profile_name, cls_name):
    ref = dict(_golden.load(profile_name)["defaults"][cls_name])
    with config.using_profile(profile_name):
        mine = getattr(optimizers, cls_name)().get_config()
    assert list(mine) == list(ref)
    ref_lr, mine_lr = ref.pop("learning_rate"), mine.pop("learning_rate")
    np.testing.assert_allclose(mine_lr, ref_lr, rtol=1e-7)
    ref.pop("name"), mine.pop("name")
    assert mine == ref


def test_serialize_matches_keras(profile):
    ref = _golden.load(profile)["serialized"]
    opt = optimizers.Adam(
        learning_rate=schedules.ExponentialDecay(
            0.1, decay_steps=10, decay_rate=0.9
        )
    )
    mine = optimizers.serialize(opt)
    assert mine["config"].pop("name") and ref["config"].get("name")
    ref = {
        **ref,
        "config": {k: v for k, v in ref["config"].items() if k != "name"},
    }
    assert mine == ref


@pytest.mark.parametrize("index", range(14))
def test_schedule_values(profile, index):
    data = _golden.load(profile)
    ref = data["schedules"][index]
    s = getattr(schedules, ref["class"])(**ref["config"])
    values = [s(step) for step in data["schedule_steps"]]
    assert all(np.asarray(v).dtype == np.float32 for v in values)
    np.testing.assert_allclose(
        np.array(values, np.float64), ref["values"], rtol=1e-6, atol=1e-9
    )
    assert s.get_config() == ref["get_config"]
