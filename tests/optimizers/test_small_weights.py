"""Adam updates its small weights together, with the same numbers.

`kara.optimizers._small_weights` keeps the slots of small float32 weights
in flat buffers and runs Adam's passes once over all of them. Each test
runs the same steps with the grouping switched off (`_small = None`) and
wants every weight and slot equal, bit for bit.
"""

import numpy as np
import pytest

import kara
from kara import optimizers

SHAPES = [(200, 90), (30,), (30, 4), (4,), (200, 100), (1, 1)]


def _weights(seed=0):
    rng = np.random.default_rng(seed)
    return [
        kara.Variable(rng.standard_normal(s).astype("float32"), name=f"w{i}")
        for i, s in enumerate(SHAPES)
    ]


def _grads(step, drop=()):
    rng = np.random.default_rng(100 + step)
    return [
        None if i in drop else rng.standard_normal(s).astype("float32")
        for i, s in enumerate(SHAPES)
    ]


def _run(make, grouped, steps=5, drop_at=None, edit=None):
    weights = _weights()
    opt = make()
    opt.build(weights)
    if not grouped:
        opt._small = None
    for t in range(steps):
        drop = (1,) if t == drop_at else ()
        if edit is not None and t == 2:
            opt = edit(opt, weights)
        grads = _grads(t, drop)
        with pytest.warns(UserWarning) if drop else _no_warning():
            opt.apply(grads, weights)
    return [w.numpy() for w in weights], [v.numpy() for v in opt.variables]


class _no_warning:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _assert_same(a, b):
    for x, y in zip(a[0] + a[1], b[0] + b[1]):
        np.testing.assert_array_equal(x, y)


OPTIMIZERS = {
    "adam": lambda: optimizers.Adam(0.01),
    "adamw": lambda: optimizers.AdamW(0.01, weight_decay=0.1),
    "adam, clipnorm, schedule": lambda: optimizers.Adam(
        optimizers.schedules.ExponentialDecay(0.01, 2, 0.5), clipnorm=1.0
    ),
    "adam, ema": lambda: optimizers.Adam(0.01, use_ema=True),
}


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_grouped_updates_give_the_same_numbers(name):
    make = OPTIMIZERS[name]
    grouped = _run(make, True)
    _assert_same(grouped, _run(make, False))
    # and the grouping was in use: the four small weights, not the large
    opt = make()
    opt.build(_weights())
    assert [v.name for v in opt._small.variables] == ["w1", "w2", "w3", "w5"]


def test_a_step_without_a_small_weights_gradient_updates_one_by_one():
    make = OPTIMIZERS["adam"]
    _assert_same(_run(make, True, drop_at=2), _run(make, False, drop_at=2))


def test_slots_stay_the_optimizers_variables():
    weights = _weights()
    opt = optimizers.Adam(0.01)
    opt.build(weights)
    opt.apply(_grads(0), weights)
    # the slot Variables read (and are) the flat buffers' numbers
    m = opt._small.slots[0]
    first = opt._momentums[1].data
    assert first.base is m
    np.testing.assert_array_equal(first, m[:30])
    # assigning a slot writes into the buffer the next step reads
    opt._momentums[1].assign(np.ones(30, "float32"))
    assert m[:30].tolist() == [1.0] * 30


def test_a_slot_given_a_new_array_is_bound_again():
    def run(grouped):
        weights = _weights()
        opt = optimizers.Adam(0.01)
        opt.build(weights)
        if not grouped:
            opt._small = None
        for t in range(5):
            if t == 2:  # code that replaces a slot's array (not in place)
                slot = opt._velocities[3]
                slot.data = slot.data * np.float32(2.0)
                if grouped:
                    assert not opt._small._bound()
            opt.apply(_grads(t), weights)
        if grouped:
            assert opt._small._bound()
        return [w.numpy() for w in weights], [v.numpy() for v in opt.variables]

    _assert_same(run(True), run(False))


def test_amsgrad_and_float64_weights_are_not_grouped():
    opt = optimizers.Adam(amsgrad=True)
    opt.build(_weights())
    assert opt._small is None
    opt = optimizers.Adam()
    opt.build(
        [
            kara.Variable(np.zeros(3), dtype="float64"),
            kara.Variable(np.zeros(4), dtype="float64"),
        ]
    )
    assert opt._small is None  # float64
