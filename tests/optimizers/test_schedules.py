"""Learning-rate schedules: Keras's expected values, errors, serialization.

(The values of every schedule at 29 steps, recorded from real Keras, are
checked in test_golden.py.)
"""

import numpy as np
import pytest

import kara
from kara import config
from kara import optimizers
from kara.optimizers import schedules as S

# keras_semantics.md §9, from Keras's learning_rate_schedule_test.py
SCHED_CASES = [
    (S.ExponentialDecay(0.05, 10, 0.96), 5, 0.05 * 0.96**0.5),
    (S.ExponentialDecay(0.1, 3, 0.96, staircase=True), 1, 0.1),
    (S.ExponentialDecay(0.1, 3, 0.96, staircase=True), 2, 0.1),
    (S.ExponentialDecay(0.1, 3, 0.96, staircase=True), 100, 0.1 * 0.96**33),
    (
        S.PiecewiseConstantDecay([100, 110, 120], [1.0, 0.1, 0.01, 0.001]),
        -999,
        1.0,
    ),
    (
        S.PiecewiseConstantDecay([100, 110, 120], [1.0, 0.1, 0.01, 0.001]),
        100,
        1.0,
    ),
    (
        S.PiecewiseConstantDecay([100, 110, 120], [1.0, 0.1, 0.01, 0.001]),
        105,
        0.1,
    ),
    (
        S.PiecewiseConstantDecay([100, 110, 120], [1.0, 0.1, 0.01, 0.001]),
        110,
        0.1,
    ),
    (
        S.PiecewiseConstantDecay([100, 110, 120], [1.0, 0.1, 0.01, 0.001]),
        120,
        0.01,
    ),
    (
        S.PiecewiseConstantDecay([100, 110, 120], [1.0, 0.1, 0.01, 0.001]),
        999,
        0.001,
    ),
    (S.PiecewiseConstantDecay([1, 2, 3], [0.4, 0.5, 0.6, 0.7]), 0, 0.4),
    (S.PiecewiseConstantDecay([1, 2, 3], [0.4, 0.5, 0.6, 0.7]), 1, 0.4),
    (S.PiecewiseConstantDecay([1, 2, 3], [0.4, 0.5, 0.6, 0.7]), 2, 0.5),
    (S.PiecewiseConstantDecay([1, 2, 3], [0.4, 0.5, 0.6, 0.7]), 3, 0.6),
    (S.PiecewiseConstantDecay([1, 2, 3], [0.4, 0.5, 0.6, 0.7]), 4, 0.7),
    (S.PolynomialDecay(0.05, 10, 0.0), 5, 0.025),
    (S.PolynomialDecay(0.05, 10, 0.001), 10, 0.001),
    (S.PolynomialDecay(0.05, 10, 0.001), 5, 0.0255),
    (S.PolynomialDecay(0.05, 10, 0.001), 15, 0.001),
    (
        S.PolynomialDecay(0.05, 10, 0.001, cycle=True),
        15,
        (0.05 - 0.001) * 0.25 + 0.001,
    ),
    (S.PolynomialDecay(0.05, 10, 0.0, power=0.5), 5, 0.05 * 0.5**0.5),
]


@pytest.mark.parametrize("schedule,step,expected", SCHED_CASES)
def test_keras_cases(schedule, step, expected):
    value = schedule(step)
    assert np.asarray(value).dtype == np.float32
    np.testing.assert_allclose(float(value), expected, rtol=1e-6)


def test_cosine_decay_with_warmup_shape():
    s = S.CosineDecay(
        0.0, decay_steps=10, alpha=0.1, warmup_target=1.0, warmup_steps=4
    )
    values = [float(s(k)) for k in range(20)]
    np.testing.assert_allclose(
        values[:5], [0.0, 0.25, 0.5, 0.75, 1.0], rtol=1e-6
    )
    # then cosine from 1.0 down to alpha * 1.0, constant after
    np.testing.assert_allclose(
        values[9], 0.1 + 0.9 * 0.5 * (1 + np.cos(np.pi * 5 / 10)), rtol=1e-6
    )
    np.testing.assert_allclose(values[14:], [0.1] * 6, rtol=1e-6)


def test_cosine_decay_restarts_periods():
    s = S.CosineDecayRestarts(1.0, first_decay_steps=2, t_mul=2.0, m_mul=0.5)
    # periods: [0, 2), [2, 6), [6, 14): each restart halves the peak
    np.testing.assert_allclose(
        [float(s(k)) for k in (0, 1, 2, 4, 6)],
        [1.0, 0.5, 0.5, 0.25, 0.25],
        atol=1e-6,
    )


def test_inverse_time_decay():
    s = S.InverseTimeDecay(0.1, decay_steps=5, decay_rate=0.5, staircase=True)
    np.testing.assert_allclose(
        [float(s(k)) for k in (0, 4, 5, 12)],
        [0.1, 0.1, 0.1 / 1.5, 0.1 / 2.0],
        rtol=1e-6,
    )


def test_step_may_be_a_variable_or_float():
    s = S.ExponentialDecay(0.1, decay_steps=2, decay_rate=0.5)
    it = kara.Variable(np.array(4, dtype=np.int64), trainable=False)
    assert float(s(it)) == pytest.approx(0.025)
    assert float(s(4.0)) == pytest.approx(0.025)


def test_piecewise_float_boundaries_are_truncated_for_int_steps():
    # Keras casts the boundaries to the step's integer dtype: 2.5 -> 2
    s = S.PiecewiseConstantDecay([2.5], [1.0, 0.5])
    assert float(s(3)) == 0.5 and float(s(2)) == 1.0
    assert float(s(2.7)) == 0.5  # float steps compare as floats


@pytest.mark.parametrize(
    "cls,kwargs,arg",
    [
        (
            S.ExponentialDecay,
            dict(initial_learning_rate=0.1, decay_steps=0, decay_rate=0.5),
            "decay_steps",
        ),
        (
            S.PolynomialDecay,
            dict(initial_learning_rate=0.1, decay_steps=-1),
            "decay_steps",
        ),
        (
            S.InverseTimeDecay,
            dict(initial_learning_rate=0.1, decay_steps=0, decay_rate=0.5),
            "decay_steps",
        ),
        (
            S.CosineDecay,
            dict(initial_learning_rate=0.1, decay_steps=0),
            "decay_steps",
        ),
        (
            S.CosineDecayRestarts,
            dict(initial_learning_rate=0.1, first_decay_steps=0),
            "first_decay_steps",
        ),
    ],
)
def test_non_positive_steps_raise(cls, kwargs, arg):
    with pytest.raises(
        ValueError, match=f"`{arg}` must be > 0. Received: {arg}="
    ):
        cls(**kwargs)


def test_piecewise_lengths_must_match():
    with pytest.raises(
        ValueError,
        match="boundaries should be 1 less than the length of values",
    ):
        S.PiecewiseConstantDecay([1, 2], [0.1, 0.2])


def test_serialize_round_trip_and_errors():
    s = S.CosineDecayRestarts(0.1, 10, t_mul=1.5, m_mul=0.9, alpha=0.01)
    config_ = S.serialize(s)
    assert config_["module"] == "keras.optimizers.schedules"
    again = S.deserialize(config_)
    assert type(again) is S.CosineDecayRestarts
    assert again.get_config() == s.get_config()
    assert float(again(17)) == float(s(17))
    with pytest.raises(
        ValueError,
        match="Unknown learning-rate schedule: "
        "'CosineDecy'. Did you mean "
        "'CosineDecay'",
    ):
        S.deserialize({"class_name": "CosineDecy", "config": {}})


class Halving(S.LearningRateSchedule):
    def __init__(self, lr0):
        self.lr0 = lr0

    def __call__(self, step):
        return self.lr0 * 0.5 ** (int(step) // 2)

    def get_config(self):
        return {"lr0": self.lr0}


def test_custom_schedule_in_an_optimizer_and_serialized():
    v = kara.Variable([0.0])
    opt = optimizers.SGD(learning_rate=Halving(0.4))
    steps = []
    for _ in range(5):
        before = float(v.numpy()[0])
        opt.apply([np.ones(1, "float32")], [v])
        steps.append(before - float(v.numpy()[0]))
    np.testing.assert_allclose(steps, [0.4, 0.4, 0.2, 0.2, 0.1], rtol=1e-6)
    config_ = optimizers.serialize(opt)
    again = optimizers.deserialize(config_, custom_objects={"Halving": Halving})
    assert float(again.learning_rate) == pytest.approx(0.4)


def test_base_class_must_be_overridden():
    with pytest.raises(NotImplementedError, match="must override `__call__"):
        S.LearningRateSchedule()(1)


def test_default_names_follow_the_profile():
    assert S.ExponentialDecay(0.1, 1, 0.5).name == "ExponentialDecay"
    assert S.CosineDecayRestarts(0.1, 1).name == "SGDRDecay"
    with config.using_profile("keras2"):
        assert S.ExponentialDecay(0.1, 1, 0.5).name is None
