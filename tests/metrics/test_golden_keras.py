"""Every metric against real Keras, across two `update_state` calls.

The numbers come from `tests/golden/metrics_keras3.json` (Keras 3.15) and
`metrics_keras2.json` (tf.keras 2.15), written by
`tools/golden_metrics.py`. Each case is replayed in kara under the matching
profile: result after the first and after the second batch, unweighted and
with sample weights of shape (N,), (N, 1), scalar or element-wise.
"""

import re

import numpy as np
import pytest

from kara import config
from kara import metrics

from . import _golden as gu

RTOL, ATOL = 2e-5, 1e-6

# Cases where Keras raises and kara deliberately returns a value.
LENIENT = {
    # Keras 3's binary_crossentropy metric does not align (N,) labels with
    # (N, 1) predictions; kara aligns them as its losses do.
    ("keras3", "BinaryCrossentropy,@binary_flat"),
    # tf.keras 2 has no PRGAIN curve; kara accepts it in both profiles.
    ("keras2", "AUC,curve=PRGAIN,@multilabel"),
    # tf.keras 2's confusion metrics fail on (N,) labels, (N, 1) scores and
    # weights; kara aligns them (giving Keras 3's numbers).
    ("keras2", "AUC,@binary_flat"),
    ("keras2", "AUC,curve=PR,num_thresholds=50,@binary_flat"),
    ("keras2", "Precision,@binary_flat"),
    ("keras2", "Recall,thresholds=[0.3, 0.6],@binary_flat"),
}


def _params():
    params = []
    for profile in ("keras3", "keras2"):
        golden, cases = gu.case_params(profile)
        for case, weight, expected in cases:
            params.append(
                pytest.param(
                    profile,
                    golden,
                    case,
                    weight,
                    expected,
                    id=f"{profile}:{case['id']}:{weight}",
                )
            )
    return params


@pytest.mark.parametrize("profile,golden,case,weight,expected", _params())
def test_matches_keras(profile, golden, case, weight, expected):
    with config.using_profile(profile):
        if isinstance(expected, dict):  # Keras raised
            if (profile, case["id"]) in LENIENT:
                _check_lenient(profile, golden, case, weight)
                return
            with pytest.raises(ValueError):
                gu.replay(golden, case, weight)
            return
        _, results = gu.replay(golden, case, weight)
    assert len(results) == 2
    for got, want in zip(results, expected):
        want = np.asarray(want, dtype=np.float64)
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=RTOL, atol=ATOL)


def _check_lenient(profile, golden, case, weight):
    _, results = gu.replay(golden, case, weight)
    if profile == "keras2":
        # the Keras 3 golden value of the same case
        k3 = {c["id"]: c for c in gu.load("keras3")["cases"]}[case["id"]]
        want = k3["results"][weight]
    else:
        # the same inputs with y_true reshaped to (N, 1) by hand
        aligned = {**case, "inputs": case["inputs"]}
        metric = getattr(metrics, case["class"])(**case["kwargs"])
        want = []
        for b in gu.batches(golden, aligned["inputs"]):
            sw = None if weight == "none" else b[weight]
            metric.update_state(b["y_true"][:, None], b["y_pred"], sw)
            want.append(float(metric.result()))
    np.testing.assert_allclose(
        np.asarray(results, np.float64), want, rtol=RTOL, atol=ATOL
    )


def _base_name(name):
    # Keras numbers default names per session ("auc_48"); drop the number
    return re.sub(r"_\d+$", "", name)


@pytest.mark.parametrize("profile", ["keras3", "keras2"])
def test_default_names_and_configs(profile):
    golden = gu.load(profile)
    with config.using_profile(profile):
        for cls_name, want in golden["defaults"].items():
            args = {
                "SensitivityAtSpecificity": {"specificity": 0.5},
                "SpecificityAtSensitivity": {"sensitivity": 0.5},
                "PrecisionAtRecall": {"recall": 0.5},
                "RecallAtPrecision": {"precision": 0.5},
            }.get(cls_name, {})
            m = getattr(metrics, cls_name)(**args)
            assert _base_name(m.name) == _base_name(want["name"]), cls_name
            got_cfg = dict(m.get_config())
            want_cfg = dict(want["config"])
            got_cfg["name"] = _base_name(got_cfg["name"])
            want_cfg["name"] = _base_name(want_cfg["name"])
            if cls_name == "CosineSimilarity":
                # Keras 3 drops `axis` from the config; kara keeps it
                want_cfg.setdefault("axis", -1)
            assert got_cfg == want_cfg, cls_name
            if profile == "keras3":
                assert m._direction == want["direction"], cls_name
                names = [v.name for v in m.variables]
                assert names == want["variables"], cls_name


def test_get_matches_keras3_table():
    golden = gu.load("keras3")
    keras2_only = set(metrics.KERAS2_ALIASES)
    for identifier, want in golden["get"].items():
        if "error" in want:
            if identifier in keras2_only:
                continue  # accepted by kara (tf.keras 2 name)
            with pytest.raises((ValueError, TypeError)):
                metrics.get(identifier)
            continue
        got = metrics.get(identifier)
        assert type(got).__name__ == want["class"], identifier
        assert _base_name(got.name) == _base_name(want["name"]), identifier


def test_keras2_only_names_resolve_like_tf_keras2():
    golden = gu.load("keras2")
    for identifier in metrics.KERAS2_ALIASES:
        if identifier in ("acc", "ACC"):
            continue  # resolved by shape in compile, see test_resolve
        want = golden["get"][identifier]
        got = metrics.get(identifier)
        assert got._fn.__name__ == want["fn"], identifier
