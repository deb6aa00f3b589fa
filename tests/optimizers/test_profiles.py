"""Where tf.keras 2.15 (profile "keras2") differs from Keras 3.

The trajectories themselves are compared with recorded tf.keras 2.15
numbers in test_golden.py; these tests pin the listed differences.
"""

import numpy as np
import pytest

import kara
from kara import config
from kara import optimizers as O
from kara.optimizers import profiles


@pytest.fixture
def keras2():
    with config.using_profile("keras2"):
        yield


def test_rules_come_from_the_current_profile():
    assert profiles.rules() is profiles.KERAS3
    with config.using_profile("keras2"):
        assert profiles.rules() is profiles.KERAS2
        assert O.Adam()._rules is profiles.KERAS2
    assert profiles.rules("keras2").lion_learning_rate == 0.0001


def test_the_profile_is_fixed_when_the_optimizer_is_created():
    with config.using_profile("keras2"):
        opt = O.SGD(0.1)
    opt.build([kara.Variable([1.0])])
    assert len(opt.variables) == 2  # keras2: iterations + momentum slot


def test_defaults(keras2):
    assert float(O.Lion().learning_rate.numpy()) == np.float32(1e-4)
    assert O.RMSprop().ema_overwrite_frequency == 100
    assert O.Adam().name == "Adam"
    config_ = O.Adam().get_config()
    assert config_["jit_compile"] is False
    assert "loss_scale_factor" not in config_


def test_keras3_defaults():
    assert float(O.Lion().learning_rate.numpy()) == np.float32(1e-3)
    assert O.RMSprop().ema_overwrite_frequency is None


def test_variables_exclude_the_learning_rate(keras2):
    v = kara.Variable([1.0, 2.0], name="w")
    opt = O.SGD(0.1)
    opt.build([v])
    assert [s.shape for s in opt.variables] == [(), (2,)]
    assert opt.variables[1].name == "w_momentum"


def test_schedule_reading_is_the_rate_of_the_last_step(keras2):
    sched = O.schedules.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.5)
    opt = O.SGD(learning_rate=sched)
    v = kara.Variable([0.0])
    assert float(opt.learning_rate) == pytest.approx(0.1)
    opt.apply([np.ones(1, "float32")], [v])
    opt.apply([np.ones(1, "float32")], [v])
    assert float(opt.learning_rate) == pytest.approx(0.05)  # step 1's
    with config.using_profile("keras3"):
        opt3 = O.SGD(learning_rate=sched)
    opt3.apply([np.ones(1, "float32")], [v])
    opt3.apply([np.ones(1, "float32")], [v])
    assert float(opt3.learning_rate) == pytest.approx(0.025)  # step 2's


def test_ema_starts_from_the_weights(keras2):
    v = kara.Variable([[3.0, 4.0], [5.0, 6.0]])
    opt = O.SGD(learning_rate=1.0, use_ema=True, ema_momentum=0.9)
    opt.apply_gradients([(np.ones((2, 2), "float32"), v)])
    # tf.keras 2: 0.9 * initial + 0.1 * updated (Keras 3: the updated value)
    np.testing.assert_allclose(
        opt._model_variables_moving_average[0].numpy(),
        0.9 * np.array([[3.0, 4.0], [5.0, 6.0]]) + 0.1 * v.numpy(),
        rtol=1e-6,
    )


def test_nadam_product_advances_per_variable(keras2):
    variables = [kara.Variable(np.ones(2, "float32")) for _ in range(3)]
    opt = O.Nadam()
    grads = [np.ones(2, "float32")] * 3
    u_t = [0.9 * (1 - 0.5 * 0.96**t) for t in (1, 2, 3, 4)]
    expected = 1.0
    for it in range(4):
        opt.apply(grads, variables)
        reuse = it + 1 - 3  # the variable that reuses the product
        expected *= u_t[it] ** (3 - (0 <= reuse < 3))
        np.testing.assert_allclose(opt._u_product.data, expected, rtol=1e-6)
