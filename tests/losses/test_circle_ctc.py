"""Circle and CTC against the numbers of Keras's own tests
(keras/src/losses/losses_test.py, Keras 3.15), and CTC against a
brute-force sum over all alignments."""

import itertools

import numpy as np
import pytest

from kara import losses

Y_TRUE = np.array([1, 1, 2, 2, 3])
Y_PRED = np.array(
    [
        [0.70014004, -0.42008403, 0.14002801, 0.56011203],
        [0.17609018, 0.70436073, -0.52827054, 0.44022545],
        [-0.34050261, 0.25537696, -0.68100522, 0.59587957],
        [0.32163376, -0.75047877, 0.53605627, -0.21442251],
        [0.51261459, -0.34174306, 0.17087153, 0.76892189],
    ]
)
REF_LABELS = np.array([1, 1, 2, 2, 3, 4])
REF_EMBEDDINGS = np.array(
    [
        [0.40824829, -0.54433105, 0.27216553, 0.68041382],
        [0.76376261, 0.10910895, -0.54554473, 0.32732684],
        [-0.74420841, 0.24806947, 0.49613894, -0.3721042],
        [0.52981294, -0.13245324, 0.79471941, -0.26490647],
        [0.54554473, -0.32732684, 0.10910895, 0.76376261],
        [-0.27216553, 0.68041382, 0.40824829, -0.54433105],
    ]
)


def test_circle_correctness():
    out = losses.Circle(gamma=80.0, margin=0.4)(Y_TRUE, Y_PRED)
    np.testing.assert_allclose(out.numpy(), 188.3883, atol=1.5e-3)
    out = losses.Circle(gamma=256, margin=0.25)(Y_TRUE, Y_PRED)
    np.testing.assert_allclose(out.numpy(), 652.7617, atol=1.5e-3)


def test_circle_with_references():
    out = losses.circle(
        Y_TRUE,
        Y_PRED,
        ref_labels=REF_LABELS,
        ref_embeddings=REF_EMBEDDINGS,
        gamma=80.0,
        margin=0.4,
        remove_diagonal=False,
    )
    np.testing.assert_allclose(
        out.numpy(), [61.5844, 94.3465, 276.9344, 90.9873, 48.8963], atol=1e-3
    )


def test_circle_weighted_and_reductions():
    sw = np.array([2.0, 2.0, 1.0, 1.0, 0.5])
    out = losses.Circle(gamma=80.0, margin=0.4)(
        Y_TRUE, Y_PRED, sample_weight=sw
    )
    np.testing.assert_allclose(out.numpy(), 244.91918, atol=1.5e-3)
    out = losses.Circle(reduction="mean_with_sample_weight")(
        Y_TRUE, Y_PRED, sample_weight=sw
    )
    np.testing.assert_allclose(out.numpy(), 163.27948, atol=1.5e-3)
    out = losses.Circle(reduction=None)(REF_LABELS, REF_EMBEDDINGS)
    np.testing.assert_allclose(
        out.numpy(), [82.9116, 36.7942, 92.4590, 52.6798, 0.0, 0.0], atol=1e-3
    )
    out = losses.Circle(reduction="sum")(REF_LABELS, REF_EMBEDDINGS)
    np.testing.assert_allclose(out.numpy(), 264.845, atol=1.5e-3)


def test_circle_rows_without_positives_are_masked_out():
    # labels 3 and 4 have no partner: their loss is 0 and the mean is over
    # the 4 others (Keras masks losses that are not > 0)
    per_sample = losses.Circle(reduction=None)(REF_LABELS, REF_EMBEDDINGS)
    mean = losses.Circle()(REF_LABELS, REF_EMBEDDINGS)
    np.testing.assert_allclose(
        mean.numpy(), per_sample.numpy().sum() / 4, rtol=1e-6
    )


def test_circle_config_round_trip():
    loss = losses.Circle(name="mycircle", gamma=80.0, margin=0.4)
    clone = losses.Circle.from_config(loss.get_config())
    assert clone.get_config() == loss.get_config()


# ------------------------------------------------------------------ CTC
def _brute_force_ctc(labels, logits):
    """-log of the sum over all frame paths that collapse to `labels`."""
    logp = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    steps, classes = logp.shape
    total = 0.0
    for path in itertools.product(range(classes), repeat=steps):
        collapsed = [k for k, _ in itertools.groupby(path) if k != 0]
        if collapsed == list(labels):
            total += np.exp(sum(logp[t, k] for t, k in enumerate(path)))
    return -np.log(total)


@pytest.mark.parametrize(
    "labels", [[1], [1, 2], [2, 2], [1, 2, 1], []], ids=str
)
def test_ctc_matches_brute_force(labels, rng):
    logits = rng.normal(size=(5, 3))
    padded = np.zeros((1, 4), "int32")
    padded[0, : len(labels)] = labels
    out = losses.ctc(padded, logits[None].astype("float64"))
    np.testing.assert_allclose(
        out.numpy()[0], _brute_force_ctc(labels, logits), rtol=1e-9
    )


def test_ctc_keras_value():
    logits = (np.arange(24).reshape(2, 4, 3).astype("float32") - 12) / 100
    out = losses.CTC()([[1, 2, 1, 0], [1, 2, 0, 2]], logits)
    np.testing.assert_allclose(out.numpy(), 2.448645, atol=1e-6)
