"""The metric acceptance cases of keras_semantics.md §9.

They come from Keras's own tests (`keras/src/metrics/*_test.py`): a fresh
metric, one `update_state`, then `result()`.
"""

import numpy as np
import pytest

from kara import metrics

T = [[1, 9, 2], [-5, -2, 6]]
P = [[4, 8, 12], [8, 1, 3]]
BT = np.array([1, 0, 1, 0]).reshape(2, 2)
BP = np.array([1.0, 1.0, 1.0, 0.0]).reshape(2, 2)
BLT = [[1, 0, 1], [0, 1, 1]]
BLP = [[10.0, -10.0, 10.0], [10.0, 10.0, -10.0]]
A = [[0, 1, 0, 1, 0], [0, 0, 1, 1, 1], [1, 1, 1, 1, 0], [0, 0, 0, 0, 1]]
B = [[0, 0, 1, 1, 0], [1, 1, 1, 1, 1], [0, 1, 0, 1, 0], [1, 1, 1, 1, 1]]
W4 = [1.0, 1.5, 2.0, 2.5]
KT = [[0.5, 0.8, 0.12], [0.7, 0.43, 0.8]]
KP = [[0.4, 0.9, 0.12], [0.36, 0.3, 0.4]]
PT = [[4, 8, 12], [8, 1, 3]]
PP = [[1, 9, 2], [5, 2, 6]]
CT = [[0, 1, 0], [0, 0, 1]]
CP = [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]
CL = [[1, 9, 0], [1, 8, 1]]
SP3 = [[0.8, 0.1, 0.1], [0.05, 0.95, 0], [0.1, 0.8, 0.1]]


def squared_error(t, p):
    return (t - p) ** 2


CASES = [
    (
        "Accuracy",
        {},
        ([[1], [2], [3], [4]], [[0], [2], [3], [4]]),
        {},
        0.75,
        1e-3,
    ),
    (
        "Accuracy",
        {},
        ([[1], [2], [3], [4]], [[0], [2], [3], [4]]),
        {"sample_weight": [1, 1, 0, 0]},
        0.5,
        1e-3,
    ),
    (
        "Accuracy",
        {},
        ([[1, 2], [3, 4]], [[0, 2], [3, 4]]),
        {"sample_weight": [[1, 0]]},
        0.5,
        1e-3,
    ),
    (
        "BinaryAccuracy",
        {},
        ([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]]),
        {},
        0.75,
        1e-3,
    ),
    (
        "BinaryAccuracy",
        {},
        ([1, 1, 0, 0], [[0.98], [1], [0], [0.6]]),
        {},
        0.75,
        1e-3,
    ),
    (
        "BinaryAccuracy",
        {},
        ([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]]),
        {"sample_weight": [1, 0, 0, 1]},
        0.5,
        1e-3,
    ),
    (
        "BinaryAccuracy",
        {},
        ([[1, 1], [0, 0]], [[0.98, 1], [0, 0.6]]),
        {"sample_weight": [[1, 0]]},
        1.0,
        1e-3,
    ),
    (
        "BinaryAccuracy",
        {"threshold": 0.3},
        ([[1], [1], [0], [0]], [[0.98], [0.5], [0.1], [0.2]]),
        {},
        1.0,
        1e-6,
    ),
    (
        "BinaryAccuracy",
        {"threshold": 0.9},
        ([[1], [1], [0], [0]], [[0.98], [0.5], [0.1], [0.2]]),
        {},
        0.75,
        1e-6,
    ),
    (
        "CategoricalAccuracy",
        {},
        ([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]),
        {},
        0.5,
        1e-3,
    ),
    (
        "CategoricalAccuracy",
        {},
        ([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]),
        {"sample_weight": [0.7, 0.3]},
        0.3,
        1e-3,
    ),
    (
        "SparseCategoricalAccuracy",
        {},
        ([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]]),
        {},
        0.5,
        1e-3,
    ),
    (
        "SparseCategoricalAccuracy",
        {},
        ([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]]),
        {"sample_weight": [0.7, 0.3]},
        0.3,
        1e-3,
    ),
    ("Sum", {}, ([1, 3, 5, 7],), {}, 16.0, 1e-3),
    ("Sum", {}, ([1, 3, 5, 7],), {"sample_weight": [1, 1, 0, 0]}, 4.0, 1e-3),
    (
        "Sum",
        {},
        ([[1, 3], [5, 7]],),
        {"sample_weight": [[1, 1], [1, 0]]},
        9.0,
        1e-3,
    ),
    ("Sum", {}, ([[1, 3], [5, 7]],), {"sample_weight": [[1, 0]]}, 6.0, 1e-3),
    ("Mean", {}, ([1, 3, 5, 7],), {}, 4.0, 1e-3),
    ("Mean", {}, ([1, 3, 5, 7],), {"sample_weight": [1, 1, 0, 0]}, 2.0, 1e-3),
    ("Mean", {}, ([1, 3, 5, 7],), {"sample_weight": [-1, -1, 0, 0]}, 2.0, 1e-3),
    (
        "Mean",
        {},
        ([[1, 3], [5, 7]],),
        {"sample_weight": [[1, 1], [1, 0]]},
        3.0,
        1e-3,
    ),
    ("Mean", {}, ([[1, 3], [5, 7]],), {"sample_weight": [[1, 0]]}, 3.0, 1e-3),
    (
        "MeanMetricWrapper",
        {"fn": squared_error},
        (A, B),
        {"sample_weight": W4},
        0.54285,
        1e-5,
    ),
    (
        "MeanMetricWrapper",
        {"fn": squared_error},
        (A, B),
        {"sample_weight": [[1.0, 0.0, 0.5, 0.0, 1.0]]},
        0.45,
        1e-5,
    ),
    ("MeanSquaredError", {}, (A, B), {}, 0.5, 1e-5),
    ("MeanSquaredError", {}, (A, B), {"sample_weight": W4}, 0.54285, 1e-5),
    ("MeanAbsoluteError", {}, (A, B), {}, 0.5, 1e-5),
    ("MeanAbsoluteError", {}, (A, B), {"sample_weight": W4}, 0.54285, 1e-5),
    ("MeanAbsolutePercentageError", {}, (A, B), {}, 35e7, 1e-5 * 35e7),
    (
        "MeanAbsolutePercentageError",
        {},
        (A, B),
        {"sample_weight": W4},
        40e7,
        1e-5 * 40e7,
    ),
    ("MeanSquaredLogarithmicError", {}, (A, B), {}, 0.24022, 1e-5),
    (
        "MeanSquaredLogarithmicError",
        {},
        (A, B),
        {"sample_weight": W4},
        0.26082,
        1e-5,
    ),
    ("RootMeanSquaredError", {}, ([2, 4, 6], [1, 3, 2]), {}, 6**0.5, 1e-3),
    (
        "RootMeanSquaredError",
        {},
        ([2, 4, 6, 8], [1, 3, 2, 3]),
        {"sample_weight": [0, 1, 0, 1]},
        13**0.5,
        1e-3,
    ),
    ("CosineSimilarity", {}, (T, P), {}, 0.18721902, 1.5e-3),
    (
        "CosineSimilarity",
        {},
        (T, P),
        {"sample_weight": [1.2, 3.4]},
        -0.06782263,
        1.5e-3,
    ),
    ("LogCoshError", {}, (T, P), {}, 4.8292456, 1e-3),
    (
        "LogCoshError",
        {},
        (T, P),
        {"sample_weight": [[1.2], [3.4]]},
        5.2178755,
        1e-3,
    ),
    ("KLDivergence", {}, (KT, KP), {}, 0.59607387, 1e-3),
    (
        "KLDivergence",
        {},
        (KT, KP),
        {"sample_weight": [[1.2], [3.4]]},
        0.872857,
        1e-3,
    ),
    ("Poisson", {}, (PT, PP), {}, -3.3065822, 1e-3),
    (
        "Poisson",
        {},
        (PT, PP),
        {"sample_weight": [[1.2], [3.4]]},
        -2.6727562,
        1e-3,
    ),
    ("BinaryCrossentropy", {}, (BT, BP), {}, 3.9855, 1e-3),
    ("BinaryCrossentropy", {"from_logits": True}, (BLT, BLP), {}, 3.333, 1e-3),
    (
        "BinaryCrossentropy",
        {},
        (BT, BP),
        {"sample_weight": [1.5, 2.0]},
        3.4162,
        1e-3,
    ),
    (
        "BinaryCrossentropy",
        {"from_logits": True},
        (BLT, BLP),
        {"sample_weight": [2.0, 2.5]},
        3.7037,
        1e-3,
    ),
    (
        "BinaryCrossentropy",
        {"from_logits": True, "label_smoothing": 0.1},
        ([[1, 0, 1]], [[10.0, -10.0, -10.0]]),
        {},
        3.5,
        1e-3,
    ),
    ("CategoricalCrossentropy", {}, (CT, CP), {}, 1.176, 1e-3),
    (
        "CategoricalCrossentropy",
        {"from_logits": True},
        (CT, CL),
        {},
        3.5011,
        1e-3,
    ),
    (
        "CategoricalCrossentropy",
        {},
        (CT, CP),
        {"sample_weight": [1.5, 2.0]},
        1.338,
        1e-3,
    ),
    (
        "CategoricalCrossentropy",
        {"from_logits": True},
        (CT, CL),
        {"sample_weight": [1.5, 2.0]},
        4.0012,
        1e-3,
    ),
    (
        "CategoricalCrossentropy",
        {"from_logits": True, "label_smoothing": 0.1},
        (CT, CL),
        {},
        3.667,
        1e-3,
    ),
    ("SparseCategoricalCrossentropy", {}, ([1, 2], CP), {}, 1.176, 1e-3),
    (
        "SparseCategoricalCrossentropy",
        {"from_logits": True},
        ([1, 2], CL),
        {"sample_weight": [1.5, 2.0]},
        4.0012,
        1e-3,
    ),
    (
        "SparseCategoricalCrossentropy",
        {"ignore_class": 0},
        ([0, 1, 2], SP3),
        {},
        0.78462,
        1e-3,
    ),
    (
        "SparseCategoricalCrossentropy",
        {"ignore_class": 0},
        ([0, 1, 2], SP3),
        {"sample_weight": [0.5, 1.5, 2.0]},
        1.33774646,
        1e-3,
    ),
    (
        "SparseCategoricalCrossentropy",
        {"from_logits": True, "ignore_class": 0},
        ([0, 1, 2], [[10, 1, 1], [1, 9, 0], [1, 8, 1]]),
        {},
        2.33409,
        1e-3,
    ),
]


@pytest.mark.parametrize(
    "cls_name,kwargs,args,call_kwargs,expected,tol",
    CASES,
    ids=[f"{i}-{c[0]}" for i, c in enumerate(CASES)],
)
def test_keras_metric_case(cls_name, kwargs, args, call_kwargs, expected, tol):
    metric = getattr(metrics, cls_name)(**kwargs)
    metric.update_state(*args, **call_kwargs)
    result = metric.result()
    assert result.dtype == np.float32
    assert abs(float(result) - expected) < tol
