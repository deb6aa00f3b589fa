"""The loss cases of keras_semantics.md section 9 (from Keras's own tests).

The inputs and expected values are copied from the reference; each case
is `(constructor, (y_true, y_pred), call kwargs, expected, tolerance)`.
Tversky's custom alpha/beta values are Keras 3.16's (the release that
stopped swapping alpha and beta); Keras 3.15 gives other numbers there.
"""

import numpy as np
import pytest

from kara import losses
from kara import ops

T = [[1, 9, 2], [-5, -2, 6]]
P = [[4, 8, 12], [8, 1, 3]]
T3 = np.array([1, 9, 2, -5, -2, 6]).reshape(2, 3, 1)
P3 = np.array([4, 8, 12, 8, 1, 3]).reshape(2, 3, 1)
SW3 = np.array([3, 6, 5, 0, 4, 2]).reshape(2, 3)
SW = np.array([[1.2], [3.4]])
I3 = [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
PC = [[0.9, 0.05, 0.05], [0.5, 0.89, 0.6], [0.05, 0.01, 0.94]]
LC = [[8.0, 1.0, 1.0], [0.0, 9.0, 1.0], [2.0, 3.0, 5.0]]
SWC = np.array([[1.2], [3.4], [5.6]])
HT, HP = [[0.0, 1.0], [0.0, 0.0]], [[0.6, 0.4], [0.4, 0.6]]
BT, BP = (
    np.array([1, 0, 1, 0]).reshape(2, 2),
    np.array([1.0, 1.0, 1.0, 0.0]).reshape(2, 2),
)
BLT, BLP = [[1, 0, 1], [0, 1, 1]], [[10.0, -10.0, 10.0], [10.0, 10.0, -10.0]]
FT, FP = (
    np.array([1, 0, 1, 0]).reshape(2, 2),
    np.array([0.9, 0.8, 0.7, 0.2]).reshape(2, 2),
)
FLT, FLP = [[1, 1, 0], [0, 1, 0]], [[1.5, -2.7, 2.9], [-3.8, 1.2, -4.5]]
SEG_T = [[1, 0, 1, 0], [0, 1, 0, 1], [1, 0, 1, 0], [0, 1, 0, 1]]
SEG_P = [[0, 1, 0, 1], [1, 0, 1, 1], [0, 1, 0, 1], [1, 0, 1, 1]]
AX_T = [[[[1.0], [1.0]], [[0.0], [0.0]]], [[[1.0], [1.0]], [[0.0], [0.0]]]]
AX_P = [[[[0.0], [1.0]], [[0.0], [1.0]]], [[[0.4], [0.0]], [[0.0], [0.9]]]]

LOSS_CASES = [
    ("MeanSquaredError()", (T, P), {}, 49.5, 1.5e-3),
    ("MeanSquaredError()", (T, P), {"sample_weight": 2.3}, 113.85, 1.5e-3),
    ("MeanSquaredError()", (T, P), {"sample_weight": SW}, 767.8 / 6, 1.5e-3),
    ("MeanSquaredError()", (T3, P3), {"sample_weight": SW3}, 97.833336, 1.5e-3),
    ("MeanSquaredError()", (T, P), {"sample_weight": 0}, 0.0, 1.5e-3),
    (
        "MeanSquaredError(reduction=None)",
        (T, P),
        {"sample_weight": 2.3},
        [84.3333, 143.3666],
        1.5e-3,
    ),
    (
        "MeanSquaredError(reduction='sum')",
        (T, P),
        {"sample_weight": 2.3},
        227.69998,
        1.5e-3,
    ),
    (
        "MeanSquaredError(reduction='mean_with_sample_weight')",
        (T, P),
        {"sample_weight": SW},
        (110 / 3 * 1.2 + 187 / 3 * 3.4) / 4.6,
        1.5e-3,
    ),
    ("MeanAbsoluteError()", (T, P), {}, 5.5, 1.5e-3),
    ("MeanAbsoluteError()", (T, P), {"sample_weight": 2.3}, 12.65, 1.5e-3),
    ("MeanAbsoluteError()", (T, P), {"sample_weight": SW}, 81.4 / 6, 1.5e-3),
    (
        "MeanAbsoluteError()",
        (T3, P3),
        {"sample_weight": SW3},
        13.833333,
        1.5e-3,
    ),
    (
        "MeanAbsoluteError(reduction=None)",
        (T, P),
        {"sample_weight": 2.3},
        [10.7333, 14.5666],
        1.5e-3,
    ),
    (
        "MeanAbsoluteError(reduction='sum')",
        (T, P),
        {"sample_weight": 2.3},
        25.29999,
        1.5e-3,
    ),
    ("MeanAbsolutePercentageError()", (T, P), {}, 211.8518, 1.5e-3),
    (
        "MeanAbsolutePercentageError()",
        (T, P),
        {"sample_weight": 2.3},
        487.259,
        1.5e-3,
    ),
    (
        "MeanAbsolutePercentageError()",
        (T, P),
        {"sample_weight": SW},
        422.8888,
        1.5e-3,
    ),
    (
        "MeanAbsolutePercentageError()",
        (T3, P3),
        {"sample_weight": SW3},
        694.4444,
        1.5e-3,
    ),
    (
        "MeanAbsolutePercentageError(reduction=None)",
        (T, P),
        {"sample_weight": 2.3},
        [621.8518, 352.6666],
        1.5e-3,
    ),
    (
        "MeanAbsolutePercentageError(reduction='mean_with_sample_weight')",
        (T, P),
        {"sample_weight": SW},
        183.865,
        1.5e-3,
    ),
    ("MeanSquaredLogarithmicError()", (T, P), {}, 1.4370, 1.5e-3),
    (
        "MeanSquaredLogarithmicError()",
        (T, P),
        {"sample_weight": 2.3},
        3.3051,
        1.5e-3,
    ),
    (
        "MeanSquaredLogarithmicError()",
        (T, P),
        {"sample_weight": SW},
        3.7856,
        1.5e-3,
    ),
    (
        "MeanSquaredLogarithmicError()",
        (T3, P3),
        {"sample_weight": SW3},
        2.647374,
        1.5e-3,
    ),
    (
        "MeanSquaredLogarithmicError(reduction='mean_with_sample_weight')",
        (T, P),
        {"sample_weight": SW},
        1.646,
        1.5e-3,
    ),
    ("Hinge()", (HT, HP), {}, 1.3, 1.5e-3),
    ("Hinge(reduction='sum')", (HT, HP), {}, 2.6, 1.5e-3),
    ("Hinge(reduction=None)", (HT, HP), {}, [1.1, 1.5], 1e-6),
    ("Hinge()", (HT, HP), {"sample_weight": [1, 0]}, 0.55, 1.5e-3),
    (
        "Hinge(reduction='sum')",
        (HT, HP),
        {"sample_weight": [1, 0]},
        1.1,
        1.5e-3,
    ),
    ("SquaredHinge()", (HT, HP), {}, 1.86, 1.5e-3),
    ("SquaredHinge(reduction=None)", (HT, HP), {}, [1.46, 2.26], 1e-6),
    ("SquaredHinge()", (HT, HP), {"sample_weight": [1, 0]}, 0.73, 1.5e-3),
    ("CategoricalHinge()", (HT, HP), {}, 1.4, 1.5e-3),
    ("CategoricalHinge(reduction=None)", (HT, HP), {}, [1.2, 1.6], 1e-6),
    ("CategoricalHinge()", (HT, HP), {"sample_weight": [1, 0]}, 0.6, 1.5e-3),
    ("CosineSimilarity()", (T, P), {}, -0.18721902, 1.5e-3),
    ("CosineSimilarity()", (T, P), {"sample_weight": 2.3}, -0.43060374, 1.5e-3),
    (
        "CosineSimilarity()",
        (T, P),
        {"sample_weight": [1.2, 3.4]},
        0.15599206,
        1.5e-3,
    ),
    ("CosineSimilarity()", (T3, P3), {"sample_weight": SW3}, -2.0, 1.5e-3),
    (
        "Huber()",
        (
            [[1.0, 0.0, 1.0], [1.0, 0.0, 0.0]],
            [[0.9, 0.2, 0.2], [0.8, 0.4, 0.6]],
        ),
        {},
        0.10416667,
        1.5e-3,
    ),
    (
        "Huber()",
        (
            [[1.0, 0.0, 1.0], [1.0, 0.0, 0.0]],
            [[0.9, 0.2, 0.2], [0.8, 0.4, 0.6]],
        ),
        {"sample_weight": 2.3},
        0.23958334,
        1.5e-3,
    ),
    (
        "Huber()",
        (
            [[1.0, 0.0, 1.0], [1.0, 0.0, 0.0]],
            [[0.9, 0.2, 0.2], [0.8, 0.4, 0.6]],
        ),
        {"sample_weight": SW},
        0.22766668,
        1.5e-3,
    ),
    ("LogCosh()", (T, P), {}, 4.8292456, 1.5e-3),
    ("LogCosh()", (T, P), {"sample_weight": 2.3}, 11.107264, 1.5e-3),
    ("LogCosh()", (T, P), {"sample_weight": [1.2, 3.4]}, 12.001115, 1.5e-3),
    (
        "KLDivergence()",
        (
            [[0.5, 0.8, 0.12], [0.7, 0.43, 0.8]],
            [[0.4, 0.9, 0.12], [0.36, 0.3, 0.4]],
        ),
        {},
        0.59607387,
        1.5e-3,
    ),
    (
        "KLDivergence()",
        (
            [[0.5, 0.8, 0.12], [0.7, 0.43, 0.8]],
            [[0.4, 0.9, 0.12], [0.36, 0.3, 0.4]],
        ),
        {"sample_weight": SW},
        2.0075712,
        1.5e-3,
    ),
    (
        "Poisson()",
        ([[4, 8, 12], [8, 1, 3]], [[1, 9, 2], [5, 2, 6]]),
        {},
        -3.3065822,
        1.5e-3,
    ),
    (
        "Poisson()",
        ([[4, 8, 12], [8, 1, 3]], [[1, 9, 2], [5, 2, 6]]),
        {"sample_weight": SW},
        -6.14734,
        1.5e-3,
    ),
    (
        "BinaryCrossentropy()",
        (I3, [[0.9, 0.1, 0.2], [0.3, 0.8, 0.1], [0.1, 0.2, 0.7]]),
        {},
        0.20046903,
        1e-6,
    ),
    ("BinaryCrossentropy()", (BT, BP), {}, 3.98559, 1.5e-3),
    ("BinaryCrossentropy()", (BT, BP), {"sample_weight": 2.3}, 9.1668, 1.5e-3),
    (
        "BinaryCrossentropy()",
        (BT, BP),
        {"sample_weight": [[1.2], [3.4]]},
        4.7827,
        1.5e-3,
    ),
    ("BinaryCrossentropy(from_logits=True)", (BLT, BLP), {}, 3.3333, 1.5e-3),
    (
        "BinaryCrossentropy(from_logits=True)",
        (BLT, BLP),
        {"sample_weight": 2.3},
        7.666,
        1.5e-3,
    ),
    (
        "BinaryCrossentropy(from_logits=True)",
        (BLT, BLP),
        {"sample_weight": [4, 3]},
        10.0,
        1.5e-3,
    ),
    (
        "BinaryCrossentropy(from_logits=True, reduction=None)",
        (BLT, BLP),
        {},
        [0.0, 6.666],
        1e-3,
    ),
    (
        "BinaryCrossentropy(from_logits=True, label_smoothing=0.1)",
        ([[1, 0, 1]], [[10.0, -10.0, -10.0]]),
        {},
        (10 + 5 * 0.1) / 3,
        1.5e-3,
    ),
    ("CategoricalCrossentropy()", (I3, PC), {}, 0.3239, 1.5e-3),
    ("CategoricalCrossentropy(from_logits=True)", (I3, LC), {}, 0.0573, 1.5e-3),
    (
        "CategoricalCrossentropy()",
        (I3, PC),
        {"sample_weight": 2.3},
        0.7449,
        1.5e-3,
    ),
    (
        "CategoricalCrossentropy(from_logits=True)",
        (I3, LC),
        {"sample_weight": 2.3},
        0.1317,
        1.5e-3,
    ),
    (
        "CategoricalCrossentropy()",
        (I3, PC),
        {"sample_weight": SWC},
        1.0696,
        1.5e-3,
    ),
    (
        "CategoricalCrossentropy(from_logits=True)",
        (I3, LC),
        {"sample_weight": SWC},
        0.31829,
        1.5e-3,
    ),
    (
        "CategoricalCrossentropy(from_logits=True, reduction=None)",
        (I3, LC),
        {},
        [0.001822, 0.000459, 0.169846],
        1e-6,
    ),
    (
        "CategoricalCrossentropy(from_logits=True, label_smoothing=0.1)",
        ([[1, 0, 0]], [[100.0, -100.0, -100.0]]),
        {},
        400 * 0.1 / 3,
        1.5e-3,
    ),
    ("SparseCategoricalCrossentropy()", ([0, 1, 2], PC), {}, 0.3239, 1.5e-3),
    (
        "SparseCategoricalCrossentropy(from_logits=True)",
        ([0, 1, 2], LC),
        {},
        0.0573,
        1.5e-3,
    ),
    (
        "SparseCategoricalCrossentropy()",
        ([[0], [1], [2]], PC),
        {"sample_weight": SWC},
        1.0696,
        1.5e-3,
    ),
    (
        "SparseCategoricalCrossentropy(from_logits=True)",
        ([[0], [1], [2]], LC),
        {"sample_weight": SWC},
        0.31829,
        1.5e-3,
    ),
    (
        "SparseCategoricalCrossentropy("
        "from_logits=True, ignore_class=-1, reduction=None)",
        ([[-1, 2]], [[[0.854, 0.698, 0.598], [0.088, 0.86, 0.018]]]),
        {},
        [[0.0, 1.480129]],
        1e-6,
    ),
    (
        "SparseCategoricalCrossentropy()",
        (
            [[0, 1, 1, 0], [1, 0, 1, 0], [0, 0, 1, 1], [1, 1, 0, 1]],
            [
                [[1, 0], [0, 1], [0, 1], [0.2, 0.8]],
                [[0, 1], [1, 0], [0, 1], [1, 0]],
                [[1, 0], [1, 0], [0, 1], [0, 1]],
                [[0, 1], [0, 1], [1, 0], [0.6, 0.4]],
            ],
        ),
        {},
        (-np.log(0.2) - np.log(0.4)) / 16,
        1e-6,
    ),
    ("BinaryFocalCrossentropy(gamma=2.0)", (FT, FP), {}, 0.268, 1.5e-3),
    (
        "BinaryFocalCrossentropy(gamma=3.0, from_logits=True)",
        (FLT, FLP),
        {},
        0.799,
        1.5e-3,
    ),
    (
        "BinaryFocalCrossentropy(gamma=2.0)",
        (FT, FP),
        {"sample_weight": 1.23},
        0.3296,
        1.5e-3,
    ),
    (
        "BinaryFocalCrossentropy(gamma=3.0, from_logits=True)",
        (FLT, FLP),
        {"sample_weight": 3.21},
        2.565,
        1.5e-3,
    ),
    (
        "BinaryFocalCrossentropy(gamma=2.0)",
        (FT, FP),
        {"sample_weight": [[1.2], [3.4]]},
        0.34415,
        1.5e-3,
    ),
    (
        "BinaryFocalCrossentropy(gamma=3.0, from_logits=True)",
        (FLT, FLP),
        {"sample_weight": [[1.2], [3.4]]},
        0.95977,
        1.5e-3,
    ),
    (
        "BinaryFocalCrossentropy(gamma=2.0, reduction=None)",
        (FT, FP),
        {},
        [0.515547, 0.020513],
        1e-6,
    ),
    ("CategoricalFocalCrossentropy()", (I3, PC), {}, 0.02059, 1.5e-3),
    (
        "CategoricalFocalCrossentropy(from_logits=True)",
        (I3, LC),
        {},
        0.000345,
        1.5e-3,
    ),
    (
        "CategoricalFocalCrossentropy()",
        (I3, PC),
        {"sample_weight": 2.3},
        0.047368,
        1.5e-3,
    ),
    (
        "CategoricalFocalCrossentropy(from_logits=True)",
        (I3, LC),
        {"sample_weight": 2.3},
        0.000794,
        1.5e-4,
    ),
    (
        "CategoricalFocalCrossentropy()",
        (I3, PC),
        {"sample_weight": SWC},
        0.06987,
        1.5e-3,
    ),
    (
        "CategoricalFocalCrossentropy(from_logits=True)",
        (I3, LC),
        {"sample_weight": SWC},
        0.001933,
        1.5e-3,
    ),
    (
        "CategoricalFocalCrossentropy(from_logits=True, reduction=None)",
        (I3, LC),
        {},
        [1.5096224e-09, 2.4136547e-11, 1.0360638e-03],
        1e-6,
    ),
    (
        "CategoricalFocalCrossentropy(from_logits=True, label_smoothing=0.1)",
        ([[1, 0, 0]], [[4.9, -0.5, 2.05]]),
        {},
        0.06685,
        1.5e-3,
    ),
    (
        "CTC()",
        (
            [[1, 2, 1, 0], [1, 2, 0, 2]],
            (np.arange(24).reshape(2, 4, 3).astype("float32") - 12) / 100,
        ),
        {},
        2.448645,
        1e-6,
    ),
    ("Dice()", ([[1, 2], [1, 2]], [[4, 1], [6, 1]]), {}, -0.55555546, 1e-6),
    ("Dice()", (SEG_T, SEG_P), {}, 0.77777773, 1e-6),
    (
        "Dice(axis=(1,2,3), reduction=None)",
        (AX_T, AX_P),
        {},
        [0.5, 0.75757575],
        1e-6,
    ),
    ("Tversky()", ([[1, 2], [1, 2]], [[4, 1], [6, 1]]), {}, -0.55555558, 1e-6),
    (
        "Tversky(alpha=0.2, beta=0.8)",
        ([[1, 2], [1, 2]], [[4, 1], [6, 1]]),
        {},
        -0.94444442,
        1e-6,
    ),
    ("Tversky()", (SEG_T, SEG_P), {}, 0.77777779, 1e-6),
    ("Tversky(alpha=0.2, beta=0.8)", (SEG_T, SEG_P), {}, 0.76190472, 1e-6),
    (
        "Tversky(alpha=0.2, beta=0.8, axis=(1,2,3), reduction=None)",
        (AX_T, AX_P),
        {},
        [0.5, 0.78494626],
        1e-6,
    ),
]


@pytest.mark.parametrize(
    "ctor,args,kwargs,expected,tol",
    LOSS_CASES,
    ids=[f"{i}-{c[0]}" for i, c in enumerate(LOSS_CASES)],
)
def test_keras_loss_case(ctor, args, kwargs, expected, tol):
    loss = eval(ctor, {}, vars(losses))
    out = loss(*args, **kwargs)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.numpy(), expected, rtol=0, atol=tol)


class SquaredError(losses.Loss):
    def call(self, y_true, y_pred):
        return (y_true - y_pred) ** 2


Y_TRUE = np.array([1.0, 0.0, 1.0, 0.0], "float32")
Y_PRED = np.array([0.1, 0.2, 0.3, 0.4], "float32")
SQ = (Y_TRUE - Y_PRED) ** 2


@pytest.mark.parametrize(
    "reduction,expected",
    [
        (None, SQ),
        ("none", SQ),
        ("sum", SQ.sum()),
        ("sum_over_batch_size", SQ.sum() / 4),
    ],
)
def test_loss_base_reductions(reduction, expected):
    out = SquaredError(reduction=reduction)(Y_TRUE, Y_PRED)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-6)


def _masked(y_pred, mask):
    t = ops.convert_to_tensor(y_pred)
    t._keras_mask = np.array(mask)
    return t


def test_loss_base_mask_averages_over_valid_entries():
    mask = [True, False, True, True]
    out = SquaredError()(Y_TRUE, _masked(Y_PRED, mask))
    np.testing.assert_allclose(out.numpy(), SQ[mask].sum() / 3, rtol=1e-6)


def test_loss_base_all_masked_gives_zero():
    out = SquaredError()(Y_TRUE, _masked(Y_PRED, [False] * 4))
    assert float(out) == 0.0


def test_loss_base_mask_and_sample_weight():
    mask = [True, False, True, True]
    sw = np.array([0.4, 0.3, 0.2, 0.1], "float32")
    out = SquaredError()(Y_TRUE, _masked(Y_PRED, mask), sample_weight=sw)
    expected = np.sum(sw[mask] * SQ[mask]) / 3
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-6)


def test_loss_base_sample_weight():
    sw = np.array([0.4, 0.3, 0.2, 0.1], "float32")
    out = SquaredError()(Y_TRUE, Y_PRED, sample_weight=sw)
    np.testing.assert_allclose(out.numpy(), np.sum(sw * SQ) / 4, rtol=1e-6)


def test_loss_base_all_zero_weights_give_zero():
    out = SquaredError()(Y_TRUE, Y_PRED, sample_weight=np.zeros(4))
    assert float(out) == 0.0


def test_zero_weight_still_counts_in_the_denominator():
    # section 1.2: Hinge with sample_weight=[1, 0] is half the weighted sum
    out = losses.Hinge()(HT, HP, sample_weight=[1, 0])
    np.testing.assert_allclose(out.numpy(), 0.55, rtol=1e-6)
