"""The `Optimizer` base: arguments, the step pipeline, state, dtypes."""

import tracemalloc
import warnings

import numpy as np
import pytest

import kara
from kara import optimizers as O

ALL = [
    "SGD",
    "RMSprop",
    "Adagrad",
    "Adadelta",
    "Adam",
    "AdamW",
    "Adamax",
    "Nadam",
    "Lion",
    "Ftrl",
    "Adafactor",
    "Lamb",
]
# options that add slots or code paths
VARIANTS = [
    ("SGD", {"momentum": 0.9, "nesterov": True}),
    ("RMSprop", {"momentum": 0.5, "centered": True}),
    (
        "Adam",
        {
            "amsgrad": True,
            "use_ema": True,
            "weight_decay": 0.01,
            "clipnorm": 1.0,
        },
    ),
]


def _var(value, name=None, dtype="float32"):
    return kara.Variable(np.array(value, dtype), name=name, dtype=dtype)


def _grad(shape, seed=0, dtype="float32"):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


# ------------------------------------------------------------- arguments
def test_unknown_argument_suggests_the_right_name():
    with pytest.raises(
        TypeError, match="'learnig_rate'. Did you mean 'learning_rate'"
    ):
        O.Adam(learnig_rate=0.1)
    with pytest.raises(ValueError, match="Did you mean 'beta_1'"):
        O.Adam(beta1=0.5)  # also a ValueError, as Keras 3 raises


def test_lr_is_a_deprecated_alias_that_works():
    with pytest.warns(DeprecationWarning, match="`lr` argument is deprecated"):
        opt = O.Adam(lr=0.05)
    assert float(opt.learning_rate.numpy()) == np.float32(0.05)
    with pytest.warns(DeprecationWarning):
        assert float(opt.lr.numpy()) == np.float32(0.05)


def test_decay_is_ignored_with_advice():
    with pytest.warns(UserWarning, match="InverseTimeDecay"):
        opt = O.SGD(0.1, decay=0.01)
    assert "decay" not in opt.get_config()


def test_jit_compile_is_accepted():
    assert O.SGD(jit_compile=True).get_config()[
        "learning_rate"
    ] == pytest.approx(0.01)


@pytest.mark.parametrize("bad", ["0.1", None, True, [0.1]])
def test_bad_learning_rate(bad):
    with pytest.raises(
        ValueError, match="`learning_rate` should be a float.*Received"
    ):
        O.SGD(learning_rate=bad)


def test_int_learning_rate_is_accepted():
    opt = O.SGD(learning_rate=1)
    v = _var([1.0])
    opt.apply([np.array([0.5], "float32")], [v])
    np.testing.assert_allclose(v.numpy(), [0.5])


def test_only_one_clipping_argument():
    with pytest.raises(
        ValueError,
        match="Only one of `clipnorm`, `clipvalue` and `global_clipnorm`",
    ):
        O.SGD(clipnorm=0.1, clipvalue=0.1)
    with pytest.raises(ValueError, match="Only one of"):
        O.SGD(clipnorm=0.1, global_clipnorm=0.1)


def test_argument_ranges():
    with pytest.raises(
        ValueError, match="`momentum` must be a float between \\[0, 1\\]"
    ):
        O.SGD(momentum=1.5)
    with pytest.raises(ValueError, match="ema_momentum=1.5"):
        O.Adam(use_ema=True, ema_momentum=1.5)
    with pytest.raises(ValueError, match="gradient_accumulation_steps=1"):
        O.Adam(gradient_accumulation_steps=1)
    with pytest.raises(ValueError, match="weight_decay=None"):
        O.AdamW(weight_decay=None)
    with pytest.raises(ValueError, match="beta_1=0"):
        O.Lion(beta_1=0)
    with pytest.raises(ValueError, match="initial_accumulator_value"):
        O.Ftrl(initial_accumulator_value=-1.0)
    with pytest.raises(ValueError, match="learning_rate_power"):
        O.Ftrl(learning_rate_power=0.5)


def test_positional_arguments_as_in_keras():
    opt = O.Adam(0.001, 0.9, 0.999)  # seed 002
    assert (opt.beta_1, opt.beta_2, opt.epsilon) == (0.9, 0.999, 1e-7)
    assert O.SGD(0.1, 0.9, True).nesterov is True
    assert O.RMSprop(0.01, 0.8).rho == 0.8


# ------------------------------------------------------- learning rate
def test_learning_rate_settable_during_training():
    v = _var([1.0, 1.0])
    g = np.ones(2, "float32")
    opt = O.SGD(learning_rate=0.1)
    lr_var = opt.learning_rate
    opt.apply([g], [v])
    opt.learning_rate = 0.5  # assigned in place
    assert opt.learning_rate is lr_var
    assert opt.learning_rate.dtype == np.float32
    opt.apply([g], [v])
    np.testing.assert_allclose(v.numpy(), [0.4, 0.4], rtol=1e-6)
    opt.learning_rate.assign(0.0)
    opt.apply([g], [v])
    np.testing.assert_allclose(v.numpy(), [0.4, 0.4], rtol=1e-6)


def test_schedule_learning_rate_reads_and_refuses_floats():
    sched = O.schedules.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.5)
    opt = O.SGD(learning_rate=sched)
    assert len(opt.variables) == 1
    v = _var([0.0])
    for expected_lr in (0.1, 0.05, 0.025):
        assert float(opt.learning_rate) == pytest.approx(expected_lr)
        before = v.numpy()
        opt.apply([np.ones(1, "float32")], [v])
        np.testing.assert_allclose(before - v.numpy(), expected_lr, rtol=1e-6)
    with pytest.raises(TypeError, match="not settable"):
        opt.learning_rate = 0.1


def test_fit_lr_correctness_schedule_values():
    """keras_semantics §9 (b): lr at step k is 0.05 * 0.9**k."""
    sched = O.schedules.ExponentialDecay(
        initial_learning_rate=0.05, decay_steps=1, decay_rate=0.9
    )
    opt = O.Adam(learning_rate=sched)
    assert len(opt.variables) == 1
    v = _var([0.0])
    for k in range(12):
        assert float(opt.learning_rate) == pytest.approx(
            0.05 * 0.9**k, rel=1e-6
        )
        opt.apply([np.ones(1, "float32")], [v])
    assert int(opt.variables[0].numpy()) == 12


# --------------------------------------------------------- the pipeline
def test_none_gradients_warn_and_all_none_raises():
    v1, v2 = _var([[3.0, 4.0]]), _var([[3.0, 4.0]])
    opt = O.SGD(learning_rate=1.0)
    with pytest.raises(
        ValueError, match="No gradients provided for any variable"
    ):
        opt.apply_gradients([(None, v1)])
    opt = O.SGD(learning_rate=1.0)
    with pytest.warns(UserWarning, match="Gradients do not exist"):
        opt.apply_gradients([(None, v1), (np.ones((1, 2), "float32"), v2)])
    np.testing.assert_allclose(v1.numpy(), [[3.0, 4.0]])
    np.testing.assert_allclose(v2.numpy(), [[2.0, 3.0]])


def test_unknown_variable_and_shape_errors():
    v, other = _var([1.0, 2.0], "w"), _var([1.0], "other")
    opt = O.Adam()
    opt.apply([np.ones(2, "float32")], [v])
    with pytest.raises(
        ValueError, match="Unknown variable: 'other'.*optimizer.build"
    ):
        opt.apply([np.ones(1, "float32")], [other])
    with pytest.raises(
        ValueError,
        match="gradient for variable 'w' has shape \\(3,\\).*shape \\(2,\\)",
    ):
        opt.apply([np.ones(3, "float32")], [v])
    with pytest.raises(
        ValueError, match="Received 2 gradients for 1 variables"
    ):
        opt.apply([np.ones(2, "float32")] * 2, [v])


def test_apply_without_variables():
    v = _var([1.0, 2.0])
    opt = O.SGD(1.0)
    with pytest.raises(ValueError, match="must already be built"):
        opt.apply([np.ones(2, "float32")])
    opt.build([v])
    opt.apply([np.ones(2, "float32")])
    np.testing.assert_allclose(v.numpy(), [0.0, 1.0])
    assert opt.apply([]) is None  # no gradients: a no-op
    assert int(opt.iterations) == 1


def test_apply_gradients_returns_iterations():
    v = _var([1.0])
    opt = O.Adam()
    it = opt.apply_gradients(zip([np.ones(1, "float32")], [v]))
    assert it is opt.iterations and int(it) == 1
    assert it.dtype == np.int64


def test_frozen_variables_are_skipped():
    v, frozen = _var([1.0]), _var([1.0])
    opt = O.SGD(1.0)
    opt.build([v, frozen])
    frozen.trainable = False
    opt.apply([np.ones(1, "float32")] * 2, [v, frozen])
    np.testing.assert_allclose(v.numpy(), [0.0])
    np.testing.assert_allclose(frozen.numpy(), [1.0])


def test_constraint_is_applied_after_the_update():
    v = _var([[-0.5, 0.2], [0.3, -0.1]])
    v.constraint = lambda x: np.maximum(x, 0.0)
    O.SGD(learning_rate=0.0001).apply([np.zeros((2, 2), "float32")], [v])
    assert v.numpy().min() == 0.0
    assert v.dtype == np.float32


@pytest.mark.parametrize("name", ALL)
def test_tensor_and_float64_gradients_are_accepted(name):
    v32, v64 = _var([[1.0, 2.0]]), _var([[1.0, 2.0]])
    g = _grad((1, 2))
    getattr(O, name)().apply([g], [v32])
    getattr(O, name)().apply([kara.Tensor(g.astype(np.float64))], [v64])
    np.testing.assert_array_equal(v32.numpy(), v64.numpy())
    assert v64.dtype == np.float32


@pytest.mark.parametrize("name,kwargs", [(n, {}) for n in ALL] + VARIANTS)
def test_float32_in_place_and_gradients_untouched(name, kwargs):
    shapes = [(3,), (4, 5), (2, 3, 2), ()]
    variables = [
        _var(_grad(s, seed=i), name=f"v{i}") for i, s in enumerate(shapes)
    ]
    arrays = [v.data for v in variables]
    opt = getattr(O, name)(**kwargs)
    for step in range(3):
        grads = [_grad(s, seed=10 * step + i) for i, s in enumerate(shapes)]
        copies = [g.copy() for g in grads]
        opt.apply(grads, variables)
        for g, c in zip(grads, copies):
            np.testing.assert_array_equal(g, c)  # never written into
    for v, a in zip(variables, arrays):
        assert v.data is a  # updated in place
        assert v.dtype == np.float32
        assert np.isfinite(v.data).all()
    for s in opt.variables[1:]:
        assert s.dtype in (np.float32, np.int32), (s.name, s.dtype)


@pytest.mark.parametrize("name", ["SGD", "Adam", "RMSprop", "Nadam"])
def test_float64_variables_stay_float64(name):
    v = _var([1.0, 2.0], dtype="float64")
    opt = getattr(O, name)(learning_rate=0.1)
    opt.apply([np.array([0.5, -0.5])], [v])
    assert v.dtype == np.float64
    assert all(s.dtype == np.float64 for s in opt.variables[2:])


def test_sgd_float64_is_exact():
    v = _var([1.0, 2.0], dtype="float64")
    opt = O.SGD(learning_rate=0.1, momentum=0.9)
    g = np.array([0.3, -0.7])
    m, w = np.zeros(2), np.array([1.0, 2.0])
    lr = float(np.float32(0.1))  # the learning rate is a floatx Variable
    for _ in range(4):
        opt.apply([g], [v])
        m = 0.9 * m - lr * g
        w = w + m
    np.testing.assert_array_equal(v.numpy(), w)


@pytest.mark.parametrize("name", ["Adam", "SGD", "RMSprop", "Lion"])
def test_a_step_allocates_little(name):
    """In place: a step on a 1M-float weight allocates far below 4 MB."""
    v = _var(np.zeros(1_000_000))
    g = _grad(1_000_000)
    opt = getattr(O, name)(learning_rate=0.01)
    opt.apply([g], [v])  # build: slots and scratch are allocated here
    tracemalloc.start()
    try:
        opt.apply([g], [v])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 100_000, peak


# ------------------------------------------------------------- state
def test_variables_order_and_names():
    v = _var([1.0, 2.0], name="dense/kernel")
    v.path = "dense/kernel"
    opt = O.Adam(amsgrad=True)
    opt.build([v])
    assert [s.name for s in opt.variables] == [
        "iteration",
        "learning_rate",
        "dense_kernel_momentum",
        "dense_kernel_velocity",
        "dense_kernel_velocity_hat",
    ]


def test_set_weights_and_get_weights():
    x = _var([[1.0, 2.0], [3.0, 4.0]])
    grads = np.array([[1.0, 2.0], [3.0, 4.0]], "float32")
    opt_1 = O.Adam()
    opt_1.apply_gradients(zip([grads], [x]))
    opt_2 = O.Adam()
    with pytest.raises(ValueError, match="You are calling `set_weights"):
        opt_2.set_weights(opt_1.get_weights())
    opt_2.build([x])
    opt_2.set_weights(opt_1.get_weights())
    for a, b in zip(opt_1.variables, opt_2.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    with pytest.raises(ValueError, match="not compatible"):
        opt_2.set_weights([np.zeros(3)] * 5)


def test_save_and_load_own_variables():
    x = _var([1.0, 2.0])
    opt = O.RMSprop(momentum=0.5)
    opt.apply([np.ones(2, "float32")], [x])
    store = {}
    opt.save_own_variables(store)
    assert sorted(store) == ["0", "1", "2", "3"]
    opt_2 = O.RMSprop(momentum=0.5)
    opt_2.build([x])
    opt_2.load_own_variables(store)
    assert int(opt_2.iterations) == 1
    with pytest.warns(UserWarning, match="Skipping variable loading"):
        O.Adam().load_own_variables(store)


@pytest.mark.parametrize("name", ALL)
def test_config_round_trip(name):
    cls = getattr(O, name)
    opt = cls(learning_rate=0.05, clipnorm=2.0, name="custom")
    config = opt.get_config()
    again = cls.from_config(config)
    assert again.get_config() == config
    assert O.deserialize(O.serialize(opt)).get_config() == config


def test_config_round_trip_with_schedule():
    sched = O.schedules.CosineDecay(
        0.1, 100, warmup_target=0.2, warmup_steps=10
    )
    opt = O.SGD(learning_rate=sched, momentum=0.5)
    again = O.deserialize(O.serialize(opt))
    assert isinstance(again._learning_rate, O.schedules.CosineDecay)
    assert again.get_config() == opt.get_config()


def test_nadam_builds_on_an_empty_list():
    opt = O.Nadam()
    opt.build([])
    assert opt.built


# ------------------------------------------------- custom training loop
def test_gradient_tape_custom_loop():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((32, 3)).astype("float32")
    y = x @ np.array([[1.0], [-2.0], [0.5]], "float32")
    w = kara.Variable(np.zeros((3, 1), "float32"), name="w")
    opt = O.Adam(learning_rate=0.1)
    losses = []
    for _ in range(60):
        with kara.GradientTape() as tape:
            err = kara.ops.matmul(kara.ops.convert_to_tensor(x), w) - y
            loss = kara.ops.mean(err * err)
        grads = tape.gradient(loss, [w])
        opt.apply_gradients(zip(grads, [w]))
        losses.append(float(loss))
    assert losses[-1] < 1e-2 * losses[0]
    assert int(opt.iterations) == 60


def test_minimize_with_a_callable_loss():
    w = kara.Variable([3.0], name="w")
    opt = O.SGD(learning_rate=0.25)
    for _ in range(3):
        opt.minimize(lambda: kara.ops.sum(w * w), [w])
    np.testing.assert_allclose(w.numpy(), [3.0 * 0.5**3])
    with pytest.raises(ValueError, match="`tape` is required"):
        opt.minimize(kara.ops.sum(w * w), [w])


def test_repr():
    assert repr(O.SGD(0.5, name="s")) == (
        "<SGD name=s, learning_rate=0.5, built=False>"
    )


def test_no_warning_on_a_plain_step():
    v = _var([1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        O.Adam().apply([np.ones(1, "float32")], [v])


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_per_step_scalars_are_in_the_variable_dtype(name, dtype):
    """No float64 scalar sneaks into float32 math (NumPy 1.x promotes
    np.float32 * np.float64 to float64)."""
    opt = getattr(O, name)()
    opt.build([_var([1.0, 2.0], dtype=dtype)])
    opt._prepare_step(0.01)
    constants = opt._constants(np.dtype(dtype))
    constants = constants if isinstance(constants, tuple) else (constants,)
    for c in constants:
        assert isinstance(c, np.floating) and c.dtype == np.dtype(dtype), (
            name,
            c,
        )
