"""to_categorical and normalize against real Keras (goldens), plus the
documented differences and the error messages."""

import json
import os

import numpy as np
import pytest

import kara
from kara.testing import check_grad
from kara.utils.numerical_utils import ClassIdError
from kara.utils.numerical_utils import normalize
from kara.utils.numerical_utils import to_categorical

GOLDEN = os.path.join(os.path.dirname(__file__), "..", "golden")


def golden(profile):
    with open(os.path.join(GOLDEN, f"utils_{profile}.json")) as f:
        return json.load(f)


def cases(section):
    return [
        pytest.param(profile, case, id=f"{profile}-{i}")
        for profile in ("keras3", "keras2")
        for i, case in enumerate(golden(profile)[section])
    ]


# ------------------------------------------------------- to_categorical
@pytest.mark.parametrize("profile, case", cases("to_categorical"))
def test_to_categorical_matches_keras(profile, case):
    x = np.array(case["x"])
    if "error" in case:
        # Keras raises IndexError; kara's error is also a ValueError
        with pytest.raises(IndexError, match="must be below num_classes"):
            to_categorical(x, case["num_classes"])
        return
    out = to_categorical(x, case["num_classes"])
    expected = np.array(case["expected"], dtype=np.float64)
    assert out.shape == tuple(case["shape"])
    np.testing.assert_array_equal(out, expected.reshape(case["shape"]))
    # float32 always: Keras 3's NumPy path gives float64, tf.keras 2 float32
    assert out.dtype == np.float32


def test_to_categorical_accepts_lists_whole_floats_and_tensors():
    np.testing.assert_array_equal(
        to_categorical([1.0, 0.0], 2), [[0, 1], [1, 0]]
    )
    out = to_categorical(kara.Tensor(np.array([2, 0])), 3)
    assert isinstance(out, kara.Tensor)
    np.testing.assert_array_equal(out.numpy(), [[0, 0, 1], [1, 0, 0]])


def test_to_categorical_dtype_argument():
    assert to_categorical([0, 1], dtype="int32").dtype == np.int32
    assert to_categorical([0, 1], dtype="float64").dtype == np.float64


def test_out_of_range_with_1_based_labels_hint():
    with pytest.raises(ClassIdError) as info:
        to_categorical([1, 2, 3], num_classes=3)
    message = str(info.value)
    assert "holds the class id 3 (at flat index 2)" in message
    assert "they look 1-based" in message
    assert "to_categorical(x - 1, num_classes)" in message
    assert isinstance(info.value, ValueError)


def test_out_of_range_without_the_hint():
    with pytest.raises(ValueError, match="Pass num_classes=8 or more.") as info:
        to_categorical([0, 7], num_classes=5)
    assert "1-based" not in str(info.value)


def test_negative_class_id_is_an_error_not_the_last_class():
    # NumPy indexing (Keras) would silently set the last column for -1
    with pytest.raises(
        ValueError, match=r"ids >= 0, but x holds -1 at index \(1,\)"
    ):
        to_categorical([0, -1, 2], 3)


def test_non_integer_label_is_an_error_not_truncated():
    with pytest.raises(
        ValueError, match=r"holds 1\.5 at index \(0, 1\).*np.argmax\(x"
    ):
        to_categorical([[0.0, 1.5]], 3)


def test_strings_are_rejected():
    with pytest.raises(ValueError, match="needs integer class ids"):
        to_categorical(["cat", "dog"])


def test_empty_input():
    assert to_categorical([], 4).shape == (0, 4)
    with pytest.raises(ValueError, match="empty x. Pass num_classes"):
        to_categorical([])


@pytest.mark.parametrize("num_classes", [0, -2, 2.5, True, "3"])
def test_bad_num_classes(num_classes):
    with pytest.raises(ValueError, match="`num_classes` must be a positive"):
        to_categorical([0], num_classes)


# ------------------------------------------------------------ normalize
def _order(case):
    return np.inf if case["order"] == "inf" else case["order"]


@pytest.mark.parametrize("profile, case", cases("normalize"))
def test_normalize_matches_keras(profile, case):
    x = np.array(case["x"], dtype=np.float32)
    out = normalize(x, axis=case["axis"], order=_order(case))
    expected = np.array(case["expected"])
    assert out.dtype == np.float32
    if case["note"] == "ok":
        np.testing.assert_allclose(out, expected, rtol=1e-6, atol=1e-7)
    elif case["note"] == "rank1":
        # Keras returns (1, n) for an (n,) input; kara keeps (n,), same
        # values
        assert expected.shape == (1, 2) and out.shape == (2,)
        np.testing.assert_allclose(out, expected[0], rtol=1e-6)
    elif case["note"] == "axis0":
        # tf.keras 2 divides along axis 0, as kara; Keras 3's NumPy path
        # divides by the norms along -1 instead (its `axis or -1`)
        column_norms = np.sqrt((x**2).sum(axis=0, keepdims=True))
        np.testing.assert_allclose(out, x / column_norms, rtol=1e-6)
        if profile == "keras2":
            np.testing.assert_allclose(out, expected, rtol=1e-6)
        else:
            assert not np.allclose(out, expected)


def test_normalize_zero_rows_stay_zero_and_ints_become_float32():
    out = normalize(np.array([[0, 0], [3, 4]]))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, [[0.0, 0.0], [0.6, 0.8]])


def test_normalize_keeps_float64():
    assert normalize(np.array([[1.0, 2.0]])).dtype == np.float64


@pytest.mark.parametrize("order", [1, 2, 3, 0.5, np.inf])
def test_normalize_tensor_matches_numpy(order, rng):
    x = rng.normal(size=(3, 4)).astype(np.float32)
    x[1] = 0.0
    out = normalize(kara.Tensor(x), axis=0, order=order)
    assert isinstance(out, kara.Tensor) and out.dtype == np.float32
    np.testing.assert_allclose(
        out.numpy(), normalize(x, axis=0, order=order), rtol=1e-5
    )


@pytest.mark.parametrize("order", [1, 2, 3])
def test_normalize_tensor_gradient(order, rng):
    # away from kinks: |x| at 0
    x = rng.uniform(0.2, 1.0, (3, 4)) * rng.choice([-1, 1], (3, 4))
    check_grad(lambda t: normalize(t, axis=-1, order=order), x)


def test_normalize_tensor_gradient_with_a_zero_row_is_finite():
    x = kara.Tensor(np.array([[0.0, 0.0], [3.0, 4.0]], np.float32))
    x.requires_grad = True
    with kara.GradientTape() as tape:
        tape.watch(x)
        y = kara.ops.sum(normalize(x) * np.array([[1.0, 2.0], [3.0, 5.0]]))
    (grad,) = tape.gradient(y, [x])
    assert np.isfinite(np.asarray(grad)).all()


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"axis": 2}, r"`axis` 2 is out of range for x of rank 2"),
        ({"axis": (0, 1)}, r"`axis` must be an int"),
        ({"order": 0}, r"`order` must be a number > 0"),
        ({"order": "fro"}, r"`order` must be a number > 0"),
    ],
)
def test_normalize_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        normalize(np.ones((2, 2)), **kwargs)


def test_normalize_scalar():
    with pytest.raises(ValueError, match="at least one axis"):
        normalize(3.0)
