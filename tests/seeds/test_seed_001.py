"""Seed 001, a Japanese article on binary cross-entropy, run on kara.

The snippets are the article's code with `import tensorflow as tf`
changed to `import kara.tf as tf`. The article prints `[5.14164949]`
from its NumPy formula and `5.1416497230529785` from
`tf.keras.losses.BinaryCrossentropy`: tf.keras 2's number (it adds eps
inside the logs), which kara gives under the "keras2" profile. Keras 3
gives 5.3726983 (recorded from real Keras in tests/golden/seeds_*.json),
and so does kara under its default profile.
"""

import numpy as np
import pytest

from kara import config
from tests.seeds._support import golden
from tests.seeds._support import printed_floats


def test_numpy_formula(capsys):
    # fmt: off
    import numpy as np


    def BinaryCrossEntropy(y_true, y_pred):
        y_pred = np.clip(y_pred, 1e-7, 1 - 1e-7)
        term_0 = y_true * np.log(y_pred + 1e-7)
        term_1 = (1 - y_true) * np.log(1 - y_pred + 1e-7)
        return -np.mean(term_0 + term_1, axis=0)


    print(
        BinaryCrossEntropy(
            np.array([1, 0, 1]).reshape(-1, 1), np.array([0, 0, 1]).reshape(-1, 1)  # noqa: E501
        )
    )
    # fmt: on

    assert capsys.readouterr().out == "[5.14164949]\n"


def tensorflow_part():
    # fmt: off
    import kara.tf as tf  # noqa: I001  (the article's order)
    import numpy as np

    y_true = np.array([1.0, 1.0, 1.0]).reshape(-1, 1)
    y_pred = np.array([1.0, 1.0, 0.0]).reshape(-1, 1)

    bce = tf.keras.losses.BinaryCrossentropy(
        from_logits=False, reduction=tf.keras.losses.Reduction.SUM_OVER_BATCH_SIZE  # noqa: E501
    )
    loss = bce(y_true, y_pred)

    print(loss.numpy())
    # fmt: on
    return loss


def test_builtin_loss_under_tf_keras2_gives_the_articles_number(capsys):
    with config.using_profile("keras2"):
        loss = tensorflow_part()
    out = capsys.readouterr().out
    # the article: 5.1416497230529785, a float32 value printed in float64
    assert printed_floats(out) == [pytest.approx(5.1416497230529785, rel=1e-7)]
    assert float(loss.numpy()) == np.float32(5.1416497230529785)
    assert loss.dtype == np.float32  # float64 inputs, float32 result
    # real tf.keras 2.15 computes the float64 inputs in float64
    expected = golden("keras2")["seed001"]["loss"]
    assert float(loss.numpy()) == pytest.approx(expected, rel=1e-7)


def test_builtin_loss_under_keras3(capsys):
    with config.using_profile("keras3"):
        loss = tensorflow_part()
    assert capsys.readouterr().out == "5.3726983\n"
    expected = golden("keras3")["seed001"]["loss"]
    assert float(loss.numpy()) == pytest.approx(expected, rel=1e-7)


def test_the_articles_two_numbers_agree_only_in_tf_keras2():
    numpy_value = golden("keras2")["seed001"]["numpy_formula"][0]
    assert numpy_value == pytest.approx(5.14164949)
    with config.using_profile("keras2"):
        assert float(tensorflow_part().numpy()) == pytest.approx(
            numpy_value, rel=1e-7
        )
    with config.using_profile("keras3"):
        assert float(tensorflow_part().numpy()) != pytest.approx(
            numpy_value, rel=1e-3
        )
