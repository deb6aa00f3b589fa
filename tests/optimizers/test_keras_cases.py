"""The optimizer acceptance cases of keras_semantics.md §9 (Keras's tests).

Single steps, the 5-step golden trajectories of Keras's own
`test_correctness_with_golden`, weight decay with exclusions, clipping,
EMA, gradient accumulation and loss scaling.
"""

import numpy as np
import pytest

import kara
from kara import optimizers as O

V0, G0 = [1.0, 2.0, 3.0, 4.0], [1.0, 6.0, 7.0, 2.0]

SINGLE_STEP = {
    "SGD": [0.5, -1.0, -0.5, 3.0],
    "Adam": [0.5, 1.5, 2.5, 3.5],
    "Adamax": [0.5, 1.5, 2.5, 3.5],
    "Lion": [0.5, 1.5, 2.5, 3.5],
    "RMSprop": [-0.5811, 0.4189, 1.4189, 2.4189],
    "Adagrad": [0.5233, 1.5007, 2.5005, 3.5061],
    "Adadelta": [0.9993, 1.9993, 2.9993, 3.9993],
    "Nadam": [0.4686, 1.4686, 2.4686, 3.4686],
    "AdamW": [0.4980, 1.4960, 2.494, 3.492],
    "Ftrl": [0.2218, 1.3954, 2.3651, 2.8814],
}


def _var(value, name=None):
    return kara.Variable(np.array(value, "float32"), name=name)


@pytest.mark.parametrize("name", sorted(SINGLE_STEP))
def test_single_step(name):
    opt = getattr(O, name)(learning_rate=0.5)
    v = _var(V0)
    opt.apply_gradients(zip([np.array(G0, "float32")], [v]))
    np.testing.assert_allclose(
        v.numpy(), SINGLE_STEP[name], rtol=1e-4, atol=1e-4
    )
    assert v.dtype == np.float32


def test_sgd_variables():
    opt = O.SGD(learning_rate=0.5)
    v = _var(V0)
    opt.apply_gradients(zip([np.array(G0, "float32")], [v]))
    assert len(opt.variables) == 2
    assert int(opt.variables[0].numpy()) == 1
    assert float(opt.variables[1].numpy()) == 0.5


@pytest.mark.parametrize("name", sorted(SINGLE_STEP) + ["Lamb", "Adafactor"])
def test_weight_decay_with_exclusions(name):
    grads = np.zeros((), "float32")
    var1, var2, var3 = _var(2.0), _var(2.0, "exclude"), _var(2.0)
    kwargs = {"learning_rate": 1.0, "weight_decay": 0.004}
    cls = getattr(O, name)
    cls(**kwargs).apply_gradients(zip([grads], [var1]))
    opt_2 = cls(**kwargs)
    opt_2.exclude_from_weight_decay(var_names=["exclude"])
    opt_2.apply_gradients(zip([grads, grads], [var1, var2]))
    opt_3 = cls(**kwargs)
    opt_3.exclude_from_weight_decay(var_list=[var3])
    opt_3.apply_gradients(zip([grads, grads], [var1, var3]))
    if name in ("Ftrl", "Adafactor"):
        return  # their own update moves a zero-gradient variable
    np.testing.assert_allclose(var1.numpy(), 2 * 0.996**3, atol=1.5e-6)
    np.testing.assert_allclose(var2.numpy(), 2.0, atol=1.5e-6)
    np.testing.assert_allclose(var3.numpy(), 2.0, atol=1.5e-6)


def test_clip_norm_value_and_global():
    big = np.array([100.0, 100.0], "float32")
    clipped = O.SGD(clipnorm=1.0)._clip_gradients([big])[0]
    np.testing.assert_allclose(clipped, [2**0.5 / 2] * 2, rtol=1e-6)
    np.testing.assert_allclose(
        O.SGD(clipvalue=1.0)._clip_gradients([big])[0], [1.0, 1.0]
    )
    g = np.array([50.0, 100.0], "float32")
    out = O.SGD(global_clipnorm=1.0)._clip_gradients([g])[0]
    np.testing.assert_allclose(out, g / np.linalg.norm(g), rtol=1e-6)
    assert big.tolist() == [100.0, 100.0]  # inputs untouched


def test_clip_small_gradients_pass_unchanged():
    g = np.array([0.3, -0.4], "float32")  # norm 0.5
    np.testing.assert_array_equal(
        O.SGD(clipnorm=1.0)._clip_gradients([g])[0], g
    )
    out = O.SGD(global_clipnorm=1.0)._clip_gradients([g, g])
    np.testing.assert_allclose(out[0], g, rtol=1e-7)


def test_global_clipnorm_non_finite_gives_nan():
    g = np.array([np.inf, 1.0], "float32")
    out = O.SGD(global_clipnorm=1.0)._clip_gradients([g])
    assert np.isnan(out[0]).all()


# Keras's test_correctness_with_golden: x = ones(10); one step with
# grads = full(10, 0.01); then 5 times: compare, then step with
# grads = arange(0.1, 1.1, 0.1). Tolerance 5e-4 as in Keras.
GOLDEN = {
    "SGD(nesterov=True)": (
        {"nesterov": True},
        [
            [0.9999] * 10,
            [
                0.9989,
                0.9979,
                0.9969,
                0.9959,
                0.9949,
                0.9939,
                0.9929,
                0.9919,
                0.9909,
                0.9899,
            ],
            [
                0.9979,
                0.9959,
                0.9939,
                0.9919,
                0.9899,
                0.9879,
                0.9859,
                0.9839,
                0.9819,
                0.9799,
            ],
            [
                0.9969,
                0.9939,
                0.9909,
                0.9879,
                0.9849,
                0.9819,
                0.9789,
                0.9759,
                0.9729,
                0.9699,
            ],
            [
                0.9959,
                0.9919,
                0.9879,
                0.9839,
                0.9799,
                0.9759,
                0.9719,
                0.9679,
                0.9639,
                0.9599,
            ],
        ],
    ),
    "Adam(amsgrad=True)": (
        {"amsgrad": True},
        [
            [0.999] * 10,
            [0.9982] * 10,
            [0.9974] * 10,
            [0.9965] * 10,
            [0.9955] * 10,
        ],
    ),
    "RMSprop(centered=True)": (
        {"centered": True},
        [
            [0.9967] * 10,
            [0.9933] * 10,
            [0.9908] * 10,
            [0.9885] * 10,
            [0.9864] * 10,
        ],
    ),
    "Adadelta": (
        {"learning_rate": 1.0, "rho": 0.8, "epsilon": 1e-6},
        [
            [0.9978] * 10,
            [0.9947] * 10,
            [0.9915] * 10,
            [0.9882] * 10,
            [0.9849] * 10,
        ],
    ),
    "Lion": (
        {},
        [[0.999] * 10, [0.998] * 10, [0.997] * 10, [0.996] * 10, [0.995] * 10],
    ),
    "Adagrad": (
        {
            "learning_rate": 0.2,
            "initial_accumulator_value": 0.3,
            "epsilon": 1e-6,
        },
        [
            [0.9963] * 10,
            [
                0.9604,
                0.9278,
                0.9003,
                0.8784,
                0.8615,
                0.8487,
                0.8388,
                0.8313,
                0.8255,
                0.8209,
            ],
            [
                0.9251,
                0.8629,
                0.8137,
                0.7768,
                0.7497,
                0.7298,
                0.7151,
                0.704,
                0.6956,
                0.6891,
            ],
            [
                0.8903,
                0.8012,
                0.7342,
                0.6862,
                0.6521,
                0.6277,
                0.6099,
                0.5967,
                0.5867,
                0.579,
            ],
            [
                0.856,
                0.7422,
                0.6604,
                0.6037,
                0.5644,
                0.5367,
                0.5168,
                0.5021,
                0.491,
                0.4825,
            ],
        ],
    ),
    "Adamax": (
        {"learning_rate": 0.2, "beta_1": 0.85, "beta_2": 0.95, "epsilon": 1e-6},
        [
            [0.8] * 10,
            [
                0.6827,
                0.6873,
                0.6888,
                0.6896,
                0.6901,
                0.6904,
                0.6906,
                0.6908,
                0.6909,
                0.691,
            ],
            [
                0.5333,
                0.5407,
                0.5431,
                0.5444,
                0.5451,
                0.5456,
                0.546,
                0.5462,
                0.5464,
                0.5466,
            ],
            [
                0.368,
                0.3773,
                0.3804,
                0.382,
                0.3829,
                0.3835,
                0.384,
                0.3843,
                0.3846,
                0.3848,
            ],
            [
                0.1933,
                0.204,
                0.2076,
                0.2094,
                0.2105,
                0.2112,
                0.2117,
                0.2121,
                0.2124,
                0.2126,
            ],
        ],
    ),
    "Nadam": (
        {"learning_rate": 0.5, "beta_1": 0.5, "beta_2": 0.67, "epsilon": 1e-5},
        [
            [0.4281] * 10,
            [
                -0.1738,
                -0.1731,
                -0.1726,
                -0.1723,
                -0.1721,
                -0.172,
                -0.1719,
                -0.1718,
                -0.1718,
                -0.1717,
            ],
            [
                -0.7115,
                -0.7103,
                -0.7096,
                -0.7092,
                -0.709,
                -0.7088,
                -0.7086,
                -0.7085,
                -0.7085,
                -0.7084,
            ],
            [
                -1.2335,
                -1.2322,
                -1.2313,
                -1.2309,
                -1.2306,
                -1.2304,
                -1.2302,
                -1.2301,
                -1.23,
                -1.2299,
            ],
            [
                -1.7492,
                -1.7478,
                -1.7469,
                -1.7464,
                -1.7461,
                -1.7459,
                -1.7457,
                -1.7456,
                -1.7455,
                -1.7454,
            ],
        ],
    ),
    "AdamW": (
        {"learning_rate": 1.0, "weight_decay": 0.5, "epsilon": 2},
        [
            [0.4998] * 10,
            [
                0.2486,
                0.2475,
                0.2463,
                0.2451,
                0.244,
                0.2428,
                0.2417,
                0.2405,
                0.2394,
                0.2382,
            ],
            [
                0.1223,
                0.1198,
                0.1174,
                0.1149,
                0.1124,
                0.11,
                0.1075,
                0.1051,
                0.1027,
                0.1003,
            ],
            [
                0.0586,
                0.0549,
                0.0512,
                0.0475,
                0.0439,
                0.0402,
                0.0366,
                0.033,
                0.0294,
                0.0258,
            ],
            [
                0.0263,
                0.0215,
                0.0167,
                0.012,
                0.0073,
                0.0026,
                -0.0021,
                -0.0067,
                -0.0113,
                -0.0159,
            ],
        ],
    ),
    "Ftrl": (
        {
            "learning_rate": 0.05,
            "learning_rate_power": -0.2,
            "initial_accumulator_value": 0.4,
            "l1_regularization_strength": 0.05,
            "l2_regularization_strength": 0.15,
            "l2_shrinkage_regularization_strength": 0.01,
            "beta": 0.3,
        },
        [
            [0.0] * 10,
            [
                -0.0034,
                -0.0077,
                -0.0118,
                -0.0157,
                -0.0194,
                -0.023,
                -0.0263,
                -0.0294,
                -0.0325,
                -0.0354,
            ],
            [
                -0.0078,
                -0.0162,
                -0.0242,
                -0.0317,
                -0.0387,
                -0.0454,
                -0.0516,
                -0.0575,
                -0.0631,
                -0.0685,
            ],
            [
                -0.0121,
                -0.0246,
                -0.0363,
                -0.0472,
                -0.0573,
                -0.0668,
                -0.0757,
                -0.0842,
                -0.0922,
                -0.0999,
            ],
            [
                -0.0164,
                -0.0328,
                -0.0481,
                -0.0623,
                -0.0753,
                -0.0875,
                -0.099,
                -0.1098,
                -0.1201,
                -0.1299,
            ],
        ],
    ),
}


@pytest.mark.parametrize("key", sorted(GOLDEN))
def test_keras_golden_trajectory(key):
    kwargs, golden = GOLDEN[key]
    opt = getattr(O, key.split("(")[0])(**kwargs)
    x = kara.Variable(np.ones(10, "float32"))
    grads = np.arange(0.1, 1.1, 0.1).astype("float32")
    opt.apply_gradients(zip([np.full(10, 0.01, "float32")], [x]))
    for expected in golden:
        np.testing.assert_allclose(x.numpy(), expected, rtol=5e-4, atol=5e-4)
        opt.apply_gradients(zip([grads], [x]))


def test_adam_golden_float64_rederivation():
    """Adam over 10 steps against the formula evaluated in float64."""
    rng = np.random.default_rng(0)
    w0 = rng.standard_normal((3, 4)).astype("float32")
    grads = rng.standard_normal((10, 3, 4)).astype("float32")
    v = kara.Variable(w0)
    opt = O.Adam(learning_rate=0.01)
    w, m, s = w0.astype(np.float64), 0.0, 0.0
    for t, g in enumerate(grads.astype(np.float64), start=1):
        opt.apply([grads[t - 1]], [v])
        m = m + (g - m) * 0.1
        s = s + (g * g - s) * 0.001
        alpha = 0.01 * np.sqrt(1 - 0.999**t) / (1 - 0.9**t)
        w = w - alpha * m / (np.sqrt(s) + 1e-7)
        np.testing.assert_allclose(v.numpy(), w, rtol=2e-5, atol=1e-6)


def test_ema_keras_case():
    v = kara.Variable([[3.0, 4.0], [5.0, 6.0]])
    grads = np.ones((2, 2), "float32")
    opt = O.SGD(
        learning_rate=1.0,
        use_ema=True,
        ema_momentum=0.9,
        ema_overwrite_frequency=3,
    )
    opt.apply_gradients([(grads, v)])
    np.testing.assert_allclose(v.numpy(), [[2.0, 3.0], [4.0, 5.0]])
    np.testing.assert_allclose(
        opt._model_variables_moving_average[0].numpy(), [[2.0, 3.0], [4.0, 5.0]]
    )
    opt.apply_gradients([(grads, v)])
    np.testing.assert_allclose(v.numpy(), [[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_allclose(
        opt._model_variables_moving_average[0].numpy(),
        [[1.9, 2.9], [3.9, 4.9]],
        rtol=1e-6,
    )
    opt.apply_gradients([(grads, v)])  # overwritten with the average
    np.testing.assert_allclose(
        v.numpy(), [[1.71, 2.71], [3.71, 4.71]], rtol=1e-6
    )


def test_gradient_accumulation_keras_case():
    v = kara.Variable([[1.0, 2.0], [3.0, 4.0]])
    grads = np.ones((2, 2), "float32")
    opt = O.SGD(learning_rate=1.0, gradient_accumulation_steps=3)
    expected_v = [[[1, 2], [3, 4]]] * 2 + [[[0, 1], [2, 3]]] * 2
    expected_acc = [1, 2, 0, 1]
    for step in range(4):
        opt.apply_gradients([(grads, v)])
        np.testing.assert_allclose(v.numpy(), expected_v[step])
        np.testing.assert_allclose(
            opt._accumulated_gradients[0].numpy(),
            np.full((2, 2), expected_acc[step]),
        )
        assert int(opt._iterations) == step + 1
        assert int(opt.iterations) == (step + 1) // 3


@pytest.mark.parametrize(
    "name",
    [
        "adam",
        "sgd",
        "adamw",
        "adagrad",
        "rmsprop",
        "adadelta",
        "adamax",
        "lion",
        "nadam",
        "ftrl",
        "adafactor",
        "lamb",
    ],
)
def test_gradient_accumulation_with_weight_decay(name):
    """Accumulating 3 micro-batches equals one step on their mean."""
    opt1 = O.get({"class_name": name, "config": {"weight_decay": 0.05}})
    opt3 = O.get(
        {
            "class_name": name,
            "config": {"weight_decay": 0.05, "gradient_accumulation_steps": 3},
        }
    )
    v1 = kara.Variable([[0.9], [0.5]])
    v3 = kara.Variable([[0.9], [0.5]])
    rng = np.random.default_rng(1)
    for _ in range(8):
        g3 = rng.random((3, 2, 1)).astype("float32")
        opt1.apply_gradients([(g3.mean(axis=0), v1)])
        for batch in range(3):
            opt3.apply_gradients([(g3[batch], v3)])
    np.testing.assert_allclose(v1.numpy(), v3.numpy(), rtol=1e-5, atol=1e-6)


def test_static_loss_scaling():
    v = kara.Variable([[1.0, 2.0], [3.0, 4.0]])
    grads = np.array([[1.0, 2.0], [3.0, 4.0]], "float32") * 1024.0
    opt = O.SGD(learning_rate=1.0, loss_scale_factor=1024.0)
    opt.apply_gradients([(grads, v)])
    assert opt.scale_loss(1.0) == 1024.0
    np.testing.assert_allclose(v.numpy(), np.zeros((2, 2)))


def test_setting_lr_to_schedule_untracks_lr_variable():
    adam = O.Adam(learning_rate=0.001)
    assert len(adam.variables) == 2
    adam.learning_rate = O.schedules.PolynomialDecay(adam.learning_rate, 4)
    assert len(adam.variables) == 1


def test_callable_learning_rate():
    v = kara.Variable([[1.0, 2.0], [3.0, 4.0]])
    opt = O.SGD(learning_rate=lambda: 0.1)
    opt.apply_gradients([(np.ones((2, 2), "float32"), v)])
    np.testing.assert_allclose(v.numpy(), [[0.9, 1.9], [2.9, 3.9]])
    assert int(opt.iterations) == 1
    assert len(opt.variables) == 1


def test_auto_naming_and_serialization_keeps_names():
    from kara.utils import naming

    naming.clear_session()
    adam_1, adam_2 = O.Adam(), O.Adam()
    adamw_1, adamw_2 = O.AdamW(), O.AdamW()
    assert (adam_1.name, adam_2.name) == ("adam", "adam_1")
    assert (adamw_1.name, adamw_2.name) == ("adam_w", "adam_w_1")
    assert O.RMSprop().name == "rm_sprop"
    assert O.Adam(name="my_adam").name == "my_adam"
    assert O.deserialize(O.serialize(adam_2)).name == "adam_1"
