"""The errors and warnings that teach: each one's message is checked."""

import warnings

import numpy as np
import pytest

import kara
from kara import config
from kara import losses


def _probs(n, c, rng):
    p = rng.uniform(0.1, 1.0, (n, c)).astype("float32")
    return p / p.sum(axis=1, keepdims=True)


# ---------------------------------------------- one-hot vs class ids
@pytest.mark.parametrize("shape", [(4,), (4, 1)])
def test_class_ids_given_to_categorical(shape, rng):
    y_true = np.array([0, 2, 1, 9]).reshape(shape)
    with pytest.raises(ValueError) as err:
        losses.CategoricalCrossentropy()(y_true, _probs(4, 10, rng))
    msg = str(err.value)
    assert f"y_true has shape {shape}" in msg
    assert "(4, 10)" in msg
    assert "integer class ids (values in [0, 9])" in msg
    assert "sparse_categorical_crossentropy" in msg
    assert "to_categorical(y_true, num_classes=10)" in msg
    assert msg.startswith("CategoricalCrossentropy:")


def test_class_ids_given_to_categorical_function(rng):
    with pytest.raises(ValueError, match=r"^categorical_crossentropy: .*"):
        losses.categorical_crossentropy([0, 1], _probs(2, 3, rng))
    with pytest.raises(ValueError, match=r"SparseCategoricalCrossentropy"):
        losses.CategoricalFocalCrossentropy()([0, 1], _probs(2, 3, rng))


def test_one_hot_given_to_sparse(rng):
    y_true = np.eye(3)[[0, 2, 1, 1]]
    with pytest.raises(ValueError) as err:
        losses.SparseCategoricalCrossentropy()(y_true, _probs(4, 3, rng))
    msg = str(err.value)
    assert "y_true has shape (4, 3), the shape of y_pred" in msg
    assert "looks one-hot" in msg
    assert "integer class ids of shape (4,) or (4, 1)" in msg
    assert "categorical_crossentropy" in msg
    assert "np.argmax(y_true, axis=-1)" in msg


def test_sparse_labels_of_a_wrong_shape(rng):
    with pytest.raises(ValueError, match=r"shape \(2,\) but y_pred has shape"):
        losses.sparse_categorical_crossentropy([0, 1], _probs(3, 4, rng))


# ------------------------------------------------- class id range
def test_one_based_labels(rng):
    with pytest.raises(ValueError) as err:
        losses.SparseCategoricalCrossentropy()([1, 2, 3, 3], _probs(4, 3, rng))
    msg = str(err.value)
    assert "class id 3 at index 2 of y_true" in msg
    assert "outside the valid range [0, 3)" in msg
    assert "3 classes" in msg
    assert "look 1-based; subtract 1" in msg


def test_label_too_large(rng):
    with pytest.raises(ValueError) as err:
        losses.sparse_categorical_crossentropy(
            [[0, 1], [7, 2]], _probs(4, 3, rng).reshape(2, 2, 3)
        )
    msg = str(err.value)
    assert "class id 7 at index (1, 0)" in msg
    assert "[0, 3)" in msg
    assert "8 or more units" in msg


def test_negative_label_suggests_ignore_class(rng):
    with pytest.raises(ValueError, match=r"pass ignore_class=-1"):
        losses.SparseCategoricalCrossentropy(from_logits=True)(
            [0, -1], rng.normal(size=(2, 3))
        )
    # with ignore_class the same labels are fine
    out = losses.SparseCategoricalCrossentropy(ignore_class=-1)(
        [0, -1], _probs(2, 3, rng)
    )
    assert np.isfinite(out.numpy())


def test_ignored_class_does_not_hide_a_bad_label(rng):
    with pytest.raises(ValueError, match=r"class id 5 at index 2"):
        losses.sparse_categorical_crossentropy(
            [0, -1, 5], _probs(3, 3, rng), ignore_class=-1
        )


def test_non_integral_labels_are_refused(rng):
    with pytest.raises(ValueError, match=r"holds 0.5 at index 1"):
        losses.sparse_categorical_crossentropy([0.0, 0.5], _probs(2, 3, rng))


def test_generalized_cross_entropy_checks_range(rng):
    with pytest.raises(ValueError, match=r"class id 3 .*\[0, 3\)"):
        losses.CategoricalGeneralizedCrossEntropy()([0, 3], _probs(2, 3, rng))


def test_ctc_label_out_of_range(rng):
    with pytest.raises(ValueError, match=r"ctc: label 7 .*\[0, 5\)"):
        losses.ctc([[1, 7, 0]], rng.normal(size=(1, 6, 5)))


# ---------------------------------------------------- logits warning
@pytest.mark.parametrize(
    "loss,y_true,activation",
    [
        (losses.BinaryCrossentropy(), [[0.0, 1.0]], "sigmoid"),
        (losses.BinaryFocalCrossentropy(), [[0.0, 1.0]], "sigmoid"),
        (losses.CategoricalCrossentropy(), [[0.0, 1.0]], "softmax"),
        (losses.CategoricalFocalCrossentropy(), [[0.0, 1.0]], "softmax"),
        (losses.SparseCategoricalCrossentropy(), [1], "softmax"),
    ],
    ids=lambda x: type(x).__name__ if isinstance(x, losses.Loss) else None,
)
def test_logits_with_from_logits_false_warn_once(loss, y_true, activation):
    y_pred = [[-3.25, 7.5]]
    with pytest.warns(UserWarning) as record:
        loss(y_true, y_pred)
        loss(y_true, y_pred)  # the same object warns only once
    msgs = [str(w.message) for w in record if "look like" in str(w.message)]
    assert len(msgs) == 1
    msg = msgs[0]
    assert msg.startswith(type(loss).__name__)
    assert "outside [0, 1] (min -3.25, max 7.5)" in msg
    assert "these look like logits" in msg
    assert "from_logits=True" in msg
    assert f"activation={activation!r}" in msg


def test_no_logits_warning_for_probabilities(rng):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        losses.BinaryCrossentropy()([[0.0, 1.0]], [[0.0, 1.0]])
        losses.CategoricalCrossentropy()([[0, 1]], [[0.3, 0.7]])
        losses.SparseCategoricalCrossentropy(from_logits=True)([1], [[-5, 9]])


def test_logits_warning_points_at_the_callers_line():
    with pytest.warns(UserWarning) as record:
        losses.binary_crossentropy([[1.0]], [[4.0]])
    assert record[0].filename == __file__


def test_from_logits_true_on_a_softmax_output_warns():
    logits = kara.Tensor(np.array([[1.0, 2.0, 0.5]], "float32"))
    probs = kara.ops.softmax(logits)
    probs._keras_logits = logits  # what a softmax layer records
    with pytest.warns(UserWarning, match="produced by a Softmax activation"):
        out = losses.CategoricalCrossentropy(from_logits=True)(
            [[0, 1, 0]], probs
        )
    expected = losses.CategoricalCrossentropy(from_logits=True)(
        [[0, 1, 0]], logits
    )
    np.testing.assert_allclose(out.numpy(), expected.numpy(), rtol=1e-6)


# ----------------------------------------------------- binary shapes
def test_one_hot_labels_against_one_sigmoid_output(rng):
    # seed 000 fits y_train_onehot (N, 2) to Dense(1, activation="sigmoid")
    y_true = np.eye(2)[[0, 1, 1, 0]]
    y_pred = rng.uniform(size=(4, 1))
    for profile in ("keras3", "keras2"):
        with config.using_profile(profile):
            with pytest.raises(ValueError) as err:
                losses.BinaryCrossentropy()(y_true, y_pred)
        msg = str(err.value)
        assert "y_true has shape (4, 2) but y_pred has shape (4, 1)" in msg
        assert "cannot mean the same thing" in msg
        assert "np.argmax(y_true, axis=-1)" in msg
        assert "Dense(2, activation='softmax')" in msg
        assert "categorical_crossentropy" in msg


def test_binary_shapes_of_different_sizes(rng):
    with pytest.raises(ValueError, match=r"must have the same shape"):
        losses.binary_crossentropy(np.zeros((4, 3)), np.full((4, 2), 0.5))


# ------------------------------------------------- silent broadcasts
@pytest.mark.parametrize(
    "loss",
    [
        losses.MeanSquaredError(),
        losses.MeanAbsoluteError(),
        losses.Huber(),
        losses.LogCosh(),
        losses.MeanSquaredLogarithmicError(),
    ],
    ids=lambda x: type(x).__name__,
)
def test_regression_broadcast_warns_and_gives_keras_result(loss, rng):
    y_true = rng.normal(size=(4, 2)).astype("float32")
    y_pred = rng.normal(size=(4, 1)).astype("float32")
    with pytest.warns(UserWarning) as record:
        out = loss(y_true, y_pred)
        loss(y_true, y_pred)
    msgs = [str(w.message) for w in record]
    assert len(msgs) == 1
    assert "y_true has shape (4, 2) and y_pred has shape (4, 1)" in msgs[0]
    assert "broadcasts them to (4, 2)" in msgs[0]
    # Keras's number: the broadcast computation
    fn = loss.fn
    expected = np.mean(fn(y_true, np.broadcast_to(y_pred, (4, 2))).numpy())
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-6)


def test_mse_broadcast_value_matches_keras():
    # golden: Keras 3 MeanSquaredError((4, 2), (4, 1), reduction="none")
    import json
    import os

    path = os.path.join(
        os.path.dirname(__file__), "..", "golden", "losses_keras3.json"
    )
    doc = json.load(open(path))
    case = next(
        c
        for c in doc["cases"]
        if c["loss"] == "MeanSquaredError" and c["y_true"] == "reg_t_n2"
    )
    yt = np.array(doc["arrays"]["reg_t_n2"]["value"], "float32")
    yp = np.array(doc["arrays"]["reg_p1"]["value"], "float32")
    with pytest.warns(UserWarning, match=r"\(4, 2\) and y_pred has shape"):
        out = losses.MeanSquaredError(reduction="none")(yt, yp)
    np.testing.assert_allclose(out.numpy(), case["expected"], rtol=1e-5)


def test_unbroadcastable_regression_shapes():
    with pytest.raises(ValueError) as err:
        losses.MeanSquaredError()(np.zeros((4, 3)), np.zeros((4, 2)))
    assert "y_true has shape (4, 3) and y_pred has shape (4, 2)" in str(
        err.value
    )


def test_keras2_arrays_of_shape_n_and_n1_warn():
    # tf.keras 2 lines up (N,) with (N, 1) only for tensors; with arrays it
    # broadcasts to (N, N). kara reproduces the number and says so.
    with config.using_profile("keras2"):
        with pytest.warns(UserWarning, match=r"broadcasts them to \(3, 3\)"):
            losses.MeanSquaredError()(np.zeros(3), np.ones((3, 1)))


# ---------------------------------------------------- unknown names
def test_unknown_loss_name_lists_closest():
    with pytest.raises(ValueError) as err:
        losses.get("mean_sqared_error")
    msg = str(err.value)
    assert "Could not interpret loss identifier: 'mean_sqared_error'" in msg
    assert "Did you mean 'mean_squared_error'" in msg
    assert "Valid names are:" in msg and "mse" in msg


def test_unknown_loss_name_typo_in_crossentropy():
    with pytest.raises(ValueError, match=r"Did you mean 'binary_crossentropy'"):
        losses.get("binary_crossentrophy")


def test_uninterpretable_identifier():
    with pytest.raises(
        ValueError, match=r"Could not interpret loss identifier"
    ):
        losses.get(42)


# ---------------------------------------------------------- arguments
def test_invalid_reduction_names_the_choices():
    with pytest.raises(ValueError) as err:
        losses.MeanSquaredError(reduction="sum_over_batch")
    msg = str(err.value)
    assert "Invalid value for argument `reduction`" in msg
    assert "reduction='sum_over_batch'" in msg
    assert "'sum_over_batch_size'" in msg


def test_bad_sample_weight_shape():
    with pytest.raises(ValueError) as err:
        losses.MeanSquaredError()(
            np.zeros((4, 3)), np.zeros((4, 3)), sample_weight=np.ones(3)
        )
    msg = str(err.value)
    assert "sample_weight has shape (3,)" in msg
    assert "per-sample losses of shape (4,)" in msg


def test_bool_axis_is_refused():
    with pytest.raises(ValueError, match=r"`axis` must be of type `int`"):
        losses.categorical_crossentropy([[0, 1]], [[0.5, 0.5]], axis=True)


def test_generalized_cross_entropy_q_range():
    with pytest.raises(ValueError, match=r"q must be in the interval \(0, 1\)"):
        losses.CategoricalGeneralizedCrossEntropy(q=1.5)


def test_ctc_ranks():
    with pytest.raises(ValueError, match=r"`\(batch_size, max_length\)`"):
        losses.ctc([1, 2], np.zeros((1, 3, 4)))
    with pytest.raises(ValueError, match=r"num_classes\)`"):
        losses.ctc([[1, 2]], np.zeros((3, 4)))


def test_single_class_categorical_gives_keras_syntax_warning():
    with pytest.warns(
        SyntaxWarning, match="Consider using 'binary_crossentropy'"
    ):
        losses.categorical_crossentropy([[1.0]], [[0.5]])


def test_string_inputs_are_refused():
    with pytest.raises(TypeError, match="y_pred"):
        losses.MeanSquaredError()([1.0], "0.5")
