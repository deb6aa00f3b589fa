"""The numbers of the learner notes in /work/shared/seeds come out.

Each test replays the note's code with `kara` in place of `tf.keras`.
"""

import numpy as np

import kara
from kara import config
from kara import losses


def test_seed_001_binary_crossentropy_both_profiles():
    y_true = np.array([1.0, 1.0, 1.0]).reshape(-1, 1)
    y_pred = np.array([1.0, 1.0, 0.0]).reshape(-1, 1)
    bce = losses.BinaryCrossentropy(
        from_logits=False, reduction=losses.Reduction.SUM_OVER_BATCH_SIZE
    )
    with config.using_profile("keras2"):
        np.testing.assert_allclose(
            bce(y_true, y_pred).numpy(), 5.1416497, rtol=1e-7
        )
    with config.using_profile("keras3"):
        np.testing.assert_allclose(
            bce(y_true, y_pred).numpy(), 5.3726983, rtol=1e-7
        )


def test_seed_001_handwritten_formula_agrees_with_keras2():
    # the note's NumPy version: clip to [1e-7, 1 - 1e-7], then eps in logs
    def numpy_bce(y_true, y_pred):
        y_pred = np.clip(y_pred, 1e-7, 1 - 1e-7)
        term_0 = y_true * np.log(y_pred + 1e-7)
        term_1 = (1 - y_true) * np.log(1 - y_pred + 1e-7)
        return -np.mean(term_0 + term_1, axis=0)

    y_true = np.array([1, 0, 1]).reshape(-1, 1)
    y_pred = np.array([0, 0, 1]).reshape(-1, 1)
    np.testing.assert_allclose(numpy_bce(y_true, y_pred), [5.14164949])
    with config.using_profile("keras2"):
        out = losses.BinaryCrossentropy()(y_true, y_pred.astype("float32"))
    np.testing.assert_allclose(out.numpy(), 5.14164949, rtol=1e-6)


def test_seed_003_sparse_from_probabilities_and_logits():
    y_true = [1, 2]
    y_pred = [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]
    loss = losses.sparse_categorical_crossentropy(y_true, y_pred)
    assert loss.shape == (2,)
    np.testing.assert_allclose(loss.numpy(), [0.05129344, 2.3025851], rtol=1e-6)
    loss = losses.sparse_categorical_crossentropy(
        y_true, y_pred, from_logits=True
    )
    np.testing.assert_allclose(loss.numpy(), [0.5840635, 1.3897266], rtol=1e-6)


def test_seed_003_categorical_example():
    cce = losses.CategoricalCrossentropy()
    out = cce([[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])
    np.testing.assert_allclose(out.numpy(), 1.1769392, rtol=1e-6)


def test_seed_003_logits_and_the_hand_made_version():
    logits = kara.Tensor(
        np.array(
            [
                [
                    -3.27133679,
                    -22.6687183,
                    -4.15501118,
                    -5.14916372,
                    -5.94609261,
                    -6.93373299,
                    -5.72364092,
                    -9.75725174,
                    -3.15748906,
                    -4.84012318,
                ],
                [
                    -11.7642536,
                    -45.3370094,
                    -3.17252636,
                    4.34527206,
                    -17.7164974,
                    -0.595088899,
                    -17.6322937,
                    -2.36941719,
                    -6.82157373,
                    -3.47369862,
                ],
                [
                    -4.55468369,
                    -1.07379043,
                    -3.73261762,
                    -7.08982277,
                    -0.0288562477,
                    -5.46847963,
                    -0.979336262,
                    -3.03667569,
                    -3.29502845,
                    -2.25880361,
                ],
            ],
            "float32",
        )
    )
    labels = kara.Tensor(np.array([2, 3, 4], "int32"))
    loss_object = losses.SparseCategoricalCrossentropy(
        from_logits=True, reduction="none"
    )
    loss = loss_object(labels, logits)
    # the note's (older TensorFlow) printout; 0.00928 is -log(1 - 0.0092),
    # so float32 rounding of the log-softmax moves it by ~1e-7
    np.testing.assert_allclose(
        loss.numpy(), [2.0077198, 0.00928146, 0.6800677], rtol=1e-5, atol=2e-7
    )
    np.testing.assert_allclose(loss.numpy().round(4), [2.0077, 0.0093, 0.6801])
    np.testing.assert_allclose(
        float(loss.numpy().sum()), 2.697068929672241, rtol=1e-6
    )
    # the note's hand-made version: one-hot, softmax, -sum(t * log p)
    one_hot = kara.ops.one_hot(labels, 10)
    preds = kara.ops.softmax(logits)
    by_hand = kara.ops.sum(-one_hot * kara.ops.log(preds), axis=-1)
    np.testing.assert_allclose(by_hand.numpy(), loss.numpy(), rtol=1e-5)


def test_seed_000_loss_curves():
    # the note plots the three losses for predictions from 0 to 1
    cce = losses.CategoricalCrossentropy()
    bce = losses.BinaryCrossentropy()
    mse = losses.MeanSquaredError()
    eps = np.float32(1e-7)
    for x in np.linspace(0, 1, 11):
        c = cce(np.array([[0.0, 1.0]]), np.array([[x, 1 - x]])).numpy()
        b = bce(np.array([0.0]), np.array([x])).numpy()
        m = mse(np.array([0.0]), np.array([x])).numpy()
        q = np.clip(np.float32(1 - x), eps, 1 - eps)
        np.testing.assert_allclose(c, -np.log(q), rtol=1e-5)
        p = np.clip(np.float32(x), eps, 1 - eps)
        np.testing.assert_allclose(b, -np.log(1 - p), rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(m, np.float32(x) ** 2, rtol=1e-6)
        assert np.isfinite(c) and np.isfinite(b)
