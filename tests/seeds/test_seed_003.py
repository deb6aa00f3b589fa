"""Seed 003, a Korean note on categorical vs sparse cross-entropy, on kara.

The snippets are the note's code with `import tensorflow as tf` changed
to `import kara.tf as tf`. (The note's web page ran each snippet onto one
line; the line breaks are restored.) Its printed results are checked in
both profiles (they are the same in tf.keras 2 and Keras 3), against the
note's numbers and real Keras's (tests/golden/seeds_*.json):

- `cce(y_true, y_pred).numpy()`: 1.177;
- `sparse_categorical_crossentropy`: `[0.0513, 2.303]` (the note passes
  Python lists; tf.keras 2 and kara take them, Keras 3.15 raises);
- from_logits=False vs True on the same values: `[0.05129344,
  2.3025851]` vs `[0.5840635, 1.3897266]` (the note shows these as
  pictures; the code is rebuilt from its text);
- the clip-and-log step of `from_logits=False`, by hand;
- `reduction=SUM` and `NONE`;
- the 3x10 logits: `[2.0077198 0.00928146 0.6800677]`, sum
  `2.697068929672241`, from the loss and from the hand-made one-hot /
  softmax / -log computation.
"""

import numpy as np
import pytest

import kara.tf as tf
from kara import config
from tests.seeds._support import golden
from tests.seeds._support import printed_floats

PROFILES = ["keras2", "keras3"]


@pytest.mark.parametrize("profile", PROFILES)
def test_categorical_crossentropy(profile):
    with config.using_profile(profile):
        y_true = [[0, 1, 0], [0, 0, 1]]
        y_pred = [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]
        # Using 'auto'/'sum_over_batch_size' reduction type.
        cce = tf.keras.losses.CategoricalCrossentropy()
        # 결과값
        value = cce(y_true, y_pred).numpy()
    assert round(float(value), 3) == 1.177  # the note
    assert value == pytest.approx(golden(profile)["seed003"]["cce"], rel=1e-6)


@pytest.mark.parametrize("profile", PROFILES)
def test_sparse_categorical_crossentropy_on_lists(profile):
    with config.using_profile(profile):
        y_true = [1, 2]
        y_pred = [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]
        loss = tf.keras.losses.sparse_categorical_crossentropy(y_true, y_pred)
        assert loss.shape == (2,)
        value = loss.numpy()
        # 결과값 array([0.0513,2.303], dtype = float32)
    assert value.dtype == np.float32
    assert (round(float(value[0]), 4), round(float(value[1]), 3)) == (
        0.0513,
        2.303,
    )
    np.testing.assert_allclose(
        value, golden(profile)["seed003"]["sparse"], rtol=1e-6
    )


def test_keras3_rejects_the_lists_kara_and_tf_keras2_accept():
    assert golden("keras3")["seed003"]["sparse_lists_error"].startswith(
        "AttributeError: 'list' object has no attribute 'shape'"
    )
    assert golden("keras2")["seed003"]["sparse_lists_error"] is None


@pytest.mark.parametrize("profile", PROFILES)
def test_from_logits_false_and_true(profile):
    y_true = [1, 2]
    y_pred = [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]
    with config.using_profile(profile):
        as_probabilities = tf.keras.losses.sparse_categorical_crossentropy(
            y_true, y_pred, from_logits=False
        ).numpy()
        as_logits = tf.keras.losses.sparse_categorical_crossentropy(
            y_true, y_pred, from_logits=True
        ).numpy()
    # the note: [0.05129344, 2.3025851] and [0.5840635, 1.3897266]
    np.testing.assert_allclose(
        as_probabilities, [0.05129344, 2.3025851], rtol=1e-6
    )
    np.testing.assert_allclose(as_logits, [0.5840635, 1.3897266], rtol=1e-6)
    expected = golden(profile)["seed003"]
    np.testing.assert_allclose(
        as_logits, expected["sparse_from_logits"], rtol=1e-6
    )


def test_the_clip_and_log_of_from_logits_false():
    # the note quotes tf.keras's backend: clip to [eps, 1 - eps], then log
    epsilon_ = 1e-7
    output = tf.constant([[0.05, 0.95, 0], [0.1, 0.8, 0.1]])
    output = tf.clip_by_value(output, epsilon_, 1 - epsilon_)
    output = tf.math.log(output)
    loss = -tf.reduce_sum(tf.one_hot([1, 2], 3) * output, axis=-1)
    # -log(0.95) is 0.0512933; the loss gives 0.05129344 because it also
    # renormalizes after clipping: the 0 became 1e-7, the row sums to
    # 1 + 1e-7, and -log p grows by 1e-7
    np.testing.assert_allclose(loss.numpy(), [0.05129344, 2.3025851], rtol=3e-6)
    assert float(output.numpy()[0, 2]) == pytest.approx(np.log(1e-7), rel=1e-6)


@pytest.mark.parametrize("profile", PROFILES)
def test_reduction_sum_and_none(profile):
    y_true = [[0, 1, 0], [0, 0, 1]]
    y_pred = [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]
    expected = golden(profile)["seed003"]
    with config.using_profile(profile):
        total = tf.keras.losses.CategoricalCrossentropy(
            reduction=tf.keras.losses.Reduction.SUM
        )(y_true, y_pred)
        each = tf.keras.losses.CategoricalCrossentropy(
            reduction=tf.keras.losses.Reduction.NONE
        )(y_true, y_pred)
    assert float(total) == pytest.approx(expected["cce_sum"], rel=1e-6)
    np.testing.assert_allclose(each.numpy(), expected["cce_none"], rtol=1e-6)
    # the note says SUM is the default; it is the mean (sum_over_batch_size)
    default = tf.keras.losses.CategoricalCrossentropy()
    assert default.reduction == tf.keras.losses.Reduction.SUM_OVER_BATCH_SIZE


@pytest.mark.parametrize("profile", PROFILES)
def test_logits_loss_and_the_hand_made_version(profile, capsys):
    # fmt: off
    with config.using_profile(profile):
        logits = tf.constant([[-3.27133679, -22.6687183, -4.15501118, -5.14916372, -5.94609261, -6.93373299, -5.72364092, -9.75725174, -3.15748906, -4.84012318], [-11.7642536, -45.3370094, -3.17252636, 4.34527206, -17.7164974, -0.595088899, -17.6322937, -2.36941719, -6.82157373, -3.47369862], [-4.55468369, -1.07379043, -3.73261762, -7.08982277, -0.0288562477, -5.46847963, -0.979336262, -3.03667569, -3.29502845, -2.25880361]])  # noqa: E501
        labels = tf.constant([2, 3, 4])
        # logits 를 각 함수가 예측한 값 즉, from_logits = True로 적용되어야함.
        loss_object = tf.keras.losses.SparseCategoricalCrossentropy( from_logits=True, reduction='none')  # noqa: E501
        loss = loss_object(labels, logits)
        print(f'{loss.numpy()}\n{tf.math.reduce_sum(loss).numpy()}')
        ''' 예측값 loss.numpy() : [2.0077198 0.00928146 0.6800677 ] tf.math.reduce_sum(loss).numpy() : 2.697068929672241 '''  # noqa: E501
        # 우선 one_hot_labeling을 시켜준다.
        one_hot_labels = tf.one_hot(labels, 10)
        # multi label 이므로 softmax함수를 그대로 적용시켜서, 확률값으로 변경해준다.  # noqa: E501
        preds = tf.nn.softmax(logits)
        preds /= tf.math.reduce_sum(preds, axis=-1, keepdims=True)
        # crossentropy 값은 label 된 확률값에 -log() 취해주어 값을 더해준다.
        loss = tf.math.reduce_sum(tf.math.multiply(one_hot_labels, -tf.math.log(preds)), axis=-1)  # noqa: E501
        print(f'{loss.numpy()}\n{tf.math.reduce_sum(loss).numpy()}')
        ''' 손으로 구현 한 값 loss.numpy() : [2.0077198 0.00928146 0.6800677 ] tf.math.reduce_sum(loss).numpy() : 2.697068929672241 '''  # noqa: E501
    # fmt: on

    values = printed_floats(capsys.readouterr().out)
    assert len(values) == 8  # two prints of 3 losses and their sum
    seed = [2.0077198, 0.00928146, 0.6800677, 2.697068929672241]
    expected = golden(profile)["seed003"]
    for printed, reference in (
        (values[:4], expected["logits_loss"] + [expected["logits_loss_sum"]]),
        (values[4:], expected["manual_loss"] + [expected["manual_loss_sum"]]),
    ):
        # float32: the sum near 1 inside log-sum-exp costs up to 2e-7 on
        # the small loss (0.00928); both match the note's and Keras's
        np.testing.assert_allclose(printed, seed, rtol=1e-6, atol=3e-7)
        np.testing.assert_allclose(printed, reference, rtol=1e-6, atol=3e-7)
    assert one_hot_labels.numpy().tolist() == np.eye(10)[[2, 3, 4]].tolist()
    np.testing.assert_allclose(
        preds.numpy(), expected["preds"], rtol=1e-6, atol=1e-12
    )
