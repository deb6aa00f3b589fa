"""`fit` against real Keras: History, final weights, evaluate, predict.

`tests/golden/fit_keras3.json` (Keras 3, TF backend) and `fit_keras2.json`
(tf.keras 2.15) were made by `tools/golden_fit.py`: the same small models
(5 -> Dense(4, tanh) -> head), the same initial weights (stored in the
file), 3 epochs of batch 16 on 64 samples with `shuffle=False`, for every
optimizer and head, and runs with validation_split, validation_data,
class_weight, sample_weight, L2, several inputs/outputs, steps_per_epoch,
initial_epoch, validation_freq and validation_steps. `_golden.py` rebuilds
each case in kara.

Tolerance: rtol 1e-4 (atol 1e-6 for weights near zero). The measured
worst cases are around 1e-6 relative: float32 sums in another order.
"""

import io
import re
import warnings

import numpy as np
import pytest

from kara import config
from kara.utils import progbar
from tests.trainers import _golden

PROFILES = ("keras3", "keras2")


def _case_ids(profile):
    return list(_golden.load(profile)["cases"])


def _params():
    return [
        pytest.param(p, name, id=f"{p}-{name}")
        for p in PROFILES
        for name in _case_ids(p)
    ]


@pytest.mark.parametrize("profile, name", _params())
def test_fit_matches_keras(profile, name):
    golden = _golden.load(profile)
    case = golden["cases"][name]
    if "error" in case:
        with pytest.raises(ValueError):
            _golden.run(profile, name)
        return
    with warnings.catch_warnings():
        # "ran out of data" (steps_per_epoch) and "no class_weight entry"
        # are tested on their own
        warnings.simplefilter("ignore")
        model, history, x, y = _golden.run(profile, name)
    # keys in Keras's order (sorted in Keras 3, compile order in tf.keras 2)
    assert list(history.history) == case["history_keys"]
    for key, expected in case["history"].items():
        np.testing.assert_allclose(
            history.history[key], expected, rtol=1e-4, err_msg=key
        )
    assert history.epoch == case["epoch"]
    assert history.params == case["params"]
    for got, expected in zip(model.get_weights(), case["weights"]):
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-6)
    with config.using_profile(profile):
        logs = model.evaluate(x, y, batch_size=16, verbose=0, return_dict=True)
        values = model.evaluate(x, y, batch_size=16, verbose=0)
        pred = model.predict(_first_rows(x), verbose=0)
    assert list(logs) == list(case["evaluate_dict"])
    np.testing.assert_allclose(
        list(logs.values()), list(case["evaluate_dict"].values()), rtol=1e-4
    )
    np.testing.assert_allclose(values, case["evaluate"], rtol=1e-4)
    if isinstance(pred, dict):
        for k, v in case["predict"].items():
            np.testing.assert_allclose(pred[k], v, rtol=1e-4, atol=1e-6)
    else:
        np.testing.assert_allclose(pred, case["predict"], rtol=1e-4, atol=1e-6)


def _first_rows(x, n=4):
    if isinstance(x, list):
        return [a[:n] for a in x]
    return x[:n]


def test_every_optimizer_and_head_is_covered():
    cases3 = _golden.load("keras3")["cases"]
    cases2 = _golden.load("keras2")["cases"]
    optimizers = _golden.load("keras3")["config"]["optimizers"]
    assert len(optimizers) == 14
    for opt in optimizers:
        for head in ("sparse", "onehot", "binary", "regression"):
            assert f"{opt}/{head}" in cases3
            # tf.keras 2.15 has no Lamb
            assert (f"{opt}/{head}" in cases2) == (opt != "lamb")


def test_keras2_nadam_differs_from_keras3():
    """tf.keras 2's Nadam (inside fit) is not Keras 3's: both reproduced."""
    w3 = _golden.load("keras3")["cases"]["nadam/regression"]["weights"]
    w2 = _golden.load("keras2")["cases"]["nadam/regression"]["weights"]
    assert not np.allclose(w3[0], w2[0], rtol=1e-4)


def test_steps_per_epoch_differs_between_profiles():
    """3 steps of 4 batches: Keras 3 runs 3, 1, 3; tf.keras 2 3, 3, 3."""
    l3 = _golden.load("keras3")["cases"]["steps_per_epoch/regression"]
    l2 = _golden.load("keras2")["cases"]["steps_per_epoch/regression"]
    assert not np.allclose(l3["weights"][0], l2["weights"][0], rtol=1e-3)


# ------------------------------------------------------------ progress bar
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_TIME = re.compile(r"(?<![\d.:])(?:\d+:\d\d(?::\d\d)?|\d+(?:s|ms|us))(?![\w:])")


def _mask(text):
    return _TIME.sub("T", text)


def _screen(text):
    """What `text` looks like on a terminal: lines after \\r and \\b."""
    lines, col = [[]], 0
    for ch in _ANSI.sub("", text):
        if ch == "\n":
            lines.append([])
            col = 0
        elif ch == "\r":
            col = 0
        elif ch == "\b":
            col = max(col - 1, 0)
        else:
            line = lines[-1]
            if col < len(line):
                line[col] = ch
            else:
                line.append(ch)
            col += 1
    return [_mask("".join(line)).rstrip() for line in lines]


def _progbar_run(profile, verbose, monkeypatch, dynamic):
    """kara's stdout for the golden progbar run (fit, then evaluate)."""
    monkeypatch.setattr(progbar, "_dynamic_display", lambda s: dynamic)
    golden = _golden.load(profile)
    d = _golden.data(golden)
    case = {"model": "sparse", "optimizer": "adam"}
    out = io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    with config.using_profile(profile):
        model = _golden.build(case)
        model.set_weights(
            [np.asarray(w, "float32") for w in golden["init"]["sparse"]]
        )
        model.compile(
            optimizer=_golden.optimizer(golden, "adam"),
            **_golden.compile_args(case),
        )
        x, y = d["x"], d["y"]["sparse"]
        model.fit(
            x,
            y,
            batch_size=16,
            epochs=2,
            validation_split=0.25,
            shuffle=False,
            verbose=verbose,
        )
        model.evaluate(x, y, batch_size=16, verbose=verbose)
    return out.getvalue()


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("verbose", [1, 2])
@pytest.mark.parametrize("dynamic", [True, False])
def test_progress_output_matches_keras(profile, verbose, dynamic, monkeypatch):
    expected = _golden.load(profile)["progbar"][f"v{verbose}"]
    out = _progbar_run(profile, verbose, monkeypatch, dynamic)
    # the same screen, numbers included (timings masked)
    assert _screen(out) == _screen(expected)
    if verbose == 2 or not dynamic:
        # finished lines only: the text itself is Keras's
        assert _mask(out) == "\n".join(_screen(expected))


def test_progress_golden_looks_as_documented():
    k3 = _screen(_golden.load("keras3")["progbar"]["v2"])
    k2 = _screen(_golden.load("keras2")["progbar"]["v2"])
    assert k3[0] == "Epoch 1/2"
    assert k3[1].startswith("3/3 - T - T/step - accuracy: ")
    assert k3[-2].startswith("4/4 - T - T/step - accuracy: ")
    assert k2[1].startswith("3/3 - T - loss: ")
    assert k2[1].endswith(" - T/epoch - T/step")
