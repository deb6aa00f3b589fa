"""Initializers: Keras's distributions, fans, seeds, configs and names.

kara's random numbers are not TensorFlow's (no framework shares another's
RNG), so these tests check what Keras defines: bounds, means, standard
deviations (with the truncated normal's 0.8796 correction), fans, and
that a seed reproduces values exactly.
"""

import math

import numpy as np
import pytest

import kara
from kara import initializers
from kara import random

TRUNC = 0.87962566103423978  # std of a standard normal cut at +-2


@pytest.mark.parametrize(
    "shape, fans",
    [
        ((), (1, 1)),
        ((7,), (7, 7)),
        ((3, 5), (3, 5)),
        ((4, 3, 5), (12, 20)),  # Conv1D (width, in, out)
        ((3, 3, 16, 32), (144, 288)),  # Conv2D
        ((2, 3, 3, 4, 8), (72, 144)),  # Conv3D
    ],
)
def test_compute_fans_for_any_rank(shape, fans):
    assert initializers.compute_fans(shape) == fans


def test_compute_fans_with_explicit_axes():
    # EinsumDense-style kernel (in_a, in_b, out): both axes given win
    assert initializers.compute_fans((4, 5, 6), [0, 1], [2]) == (20, 6)
    # only one of the two given: ignored, as in Keras
    assert initializers.compute_fans((4, 5, 6), [0, 1]) == (20, 24)


def _stats(w):
    w = w.astype("float64")
    return w.min(), w.max(), w.mean(), w.std()


SHAPE = (800, 500)  # 400k draws: std known to ~0.2%


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_random_normal(dtype):
    w = initializers.RandomNormal(seed=1)(SHAPE, dtype=dtype)
    assert w.dtype == dtype and w.shape == SHAPE
    _, _, mean, std = _stats(w)
    assert abs(mean) < 5e-4 and std == pytest.approx(0.05, rel=5e-3)
    w = initializers.RandomNormal(mean=1.0, stddev=2.0, seed=1)(SHAPE)
    assert _stats(w)[2] == pytest.approx(1.0, abs=0.02)
    assert _stats(w)[3] == pytest.approx(2.0, rel=5e-3)


def test_random_uniform():
    lo, hi, mean, std = _stats(initializers.RandomUniform(seed=2)(SHAPE))
    assert -0.05 <= lo < -0.0499 and 0.0499 < hi < 0.05
    assert abs(mean) < 3e-4
    assert std == pytest.approx(0.1 / math.sqrt(12), rel=5e-3)
    w = initializers.RandomUniform(minval=2.0, maxval=3.0, seed=2)((1000,))
    assert w.min() >= 2.0 and w.max() < 3.0


def test_truncated_normal_is_cut_at_two_stddev():
    lo, hi, mean, std = _stats(initializers.TruncatedNormal(seed=3)(SHAPE))
    assert -0.1 <= lo < -0.0995 and 0.0995 < hi <= 0.1
    assert abs(mean) < 5e-4
    assert std == pytest.approx(0.05 * TRUNC, rel=5e-3)


def _expected_std(scale, mode, shape):
    fan_in, fan_out = initializers.compute_fans(shape)
    n = {
        "fan_in": fan_in,
        "fan_out": fan_out,
        "fan_avg": (fan_in + fan_out) / 2,
    }[mode]
    return math.sqrt(scale / max(1.0, n))


@pytest.mark.parametrize("mode", ["fan_in", "fan_out", "fan_avg"])
@pytest.mark.parametrize(
    "distribution", ["truncated_normal", "untruncated_normal", "uniform"]
)
@pytest.mark.parametrize("shape", [(400, 900), (5, 5, 64, 128)])
def test_variance_scaling_has_the_target_std(mode, distribution, shape):
    init = initializers.VarianceScaling(
        scale=2.0, mode=mode, distribution=distribution, seed=4
    )
    w = init(shape)
    target = _expected_std(2.0, mode, shape)
    lo, hi, mean, std = _stats(w)
    assert std == pytest.approx(target, rel=6e-3)
    assert abs(mean) < 0.01 * target
    if distribution == "uniform":
        limit = math.sqrt(3) * target
        assert -limit <= lo and hi <= limit and hi > 0.999 * limit
    elif distribution == "truncated_normal":
        cut = 2 * target / TRUNC  # 2 stddev of the normal before the cut
        assert -cut <= lo and hi <= cut and hi > 0.999 * cut
    else:
        assert hi > 4 * target  # a plain normal has tails


def test_variance_scaling_normal_is_truncated_normal():
    init = initializers.VarianceScaling(distribution="normal")
    assert init.distribution == "truncated_normal"


def test_keras_variance_scaling_case():
    # keras/src/initializers/random_initializers_test.py, atol=1e-1
    w = initializers.VarianceScaling(scale=2.0, mode="fan_in", seed=0)((25, 20))
    np.testing.assert_allclose(w.std(), math.sqrt(2 / 25), atol=1e-1)


@pytest.mark.parametrize(
    "cls, scale, mode, uniform",
    [
        (initializers.GlorotUniform, 1.0, "fan_avg", True),
        (initializers.GlorotNormal, 1.0, "fan_avg", False),
        (initializers.HeUniform, 2.0, "fan_in", True),
        (initializers.HeNormal, 2.0, "fan_in", False),
        (initializers.LecunUniform, 1.0, "fan_in", True),
        (initializers.LecunNormal, 1.0, "fan_in", False),
    ],
)
def test_presets(cls, scale, mode, uniform):
    shape = (300, 700)
    w = cls(seed=5)(shape)
    target = _expected_std(scale, mode, shape)
    lo, hi, _, std = _stats(w)
    assert std == pytest.approx(target, rel=6e-3)
    bound = math.sqrt(3) * target if uniform else 2 * target / TRUNC
    assert -bound <= lo and hi <= bound
    assert cls().get_config() == {
        "seed": None,
        "input_axes": None,
        "output_axes": None,
    }


def test_glorot_uniform_limit_for_a_dense_kernel():
    w = initializers.GlorotUniform(seed=0)((784, 128))
    limit = math.sqrt(6 / (784 + 128))
    assert np.abs(w).max() <= limit and np.abs(w).max() > 0.99 * limit


# ----------------------------------------------------------------- seeds
@pytest.mark.parametrize(
    "name",
    [
        "random_normal",
        "random_uniform",
        "truncated_normal",
        "glorot_uniform",
        "glorot_normal",
        "he_normal",
        "he_uniform",
        "lecun_normal",
        "lecun_uniform",
        "orthogonal",
        "variance_scaling",
    ],
)
def test_same_seed_same_values(name):
    cls = initializers.ALL_OBJECTS_DICT[name]
    a = cls(seed=42)((6, 5))
    b = cls(seed=42)((6, 5))
    c = cls(seed=43)((6, 5))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    # an instance gives the same values on every call, as in Keras
    init = cls(seed=42)
    np.testing.assert_array_equal(init((6, 5)), init((6, 5)))
    np.testing.assert_array_equal(init.clone()((6, 5)), a)


def test_unseeded_initializers_follow_set_random_seed():
    random.set_random_seed(123)
    a = initializers.GlorotUniform()((4, 4))
    b = initializers.GlorotUniform()((4, 4))
    assert not np.array_equal(a, b)  # two instances, two seeds
    random.set_random_seed(123)
    np.testing.assert_array_equal(initializers.GlorotUniform()((4, 4)), a)
    np.testing.assert_array_equal(initializers.GlorotUniform()((4, 4)), b)


def test_seed_generator_gives_new_values_each_call():
    init = initializers.RandomNormal(seed=random.SeedGenerator(7))
    a, b = init((5,)), init((5,))
    assert not np.array_equal(a, b)
    init2 = initializers.RandomNormal(seed=random.SeedGenerator(7))
    np.testing.assert_array_equal(init2((5,)), a)


def test_bad_seed_is_refused():
    with pytest.raises(ValueError, match="seed.*integer.*seed='abc'"):
        initializers.RandomNormal(seed="abc")
    with pytest.raises(ValueError, match="non-negative.*seed=-1"):
        initializers.RandomNormal(seed=-1)


# ------------------------------------------------------------- constants
def test_zeros_ones_constant():
    assert initializers.Zeros()((2, 3)).dtype == np.float32
    np.testing.assert_array_equal(initializers.Ones()((2,), "int32"), [1, 1])
    np.testing.assert_array_equal(initializers.Constant(0.5)((2,)), [0.5, 0.5])
    np.testing.assert_array_equal(
        initializers.Constant([1.0, 2.0])((3, 2)), [[1, 2]] * 3
    )
    with pytest.raises(ValueError, match=r"shape \(3,\) cannot fill.*\(2,\)"):
        initializers.Constant([1.0, 2.0, 3.0])((2,))


def test_constant_config_is_json_friendly_and_reads_keras_numpy_form():
    init = initializers.Constant(np.array([1.0, 2.0]))
    assert init.get_config() == {"value": [1.0, 2.0]}
    keras_form = {
        "value": {
            "class_name": "__numpy__",
            "config": {"value": [1.0, 2.0], "dtype": "float64"},
        }
    }
    again = initializers.Constant.from_config(keras_form)
    np.testing.assert_array_equal(again((2,)), [1.0, 2.0])


def test_identity():
    np.testing.assert_array_equal(
        initializers.Identity(2.0)((2, 3)), [[2, 0, 0], [0, 2, 0]]
    )
    with pytest.raises(ValueError, match=r"2D matrices.*\(2, 3, 4\)"):
        initializers.Identity()((2, 3, 4))


@pytest.mark.parametrize("shape", [(6, 4), (4, 6), (3, 3, 4, 8), (5, 5)])
def test_orthogonal(shape):
    w = initializers.Orthogonal(gain=1.5, seed=0)(shape)
    assert w.shape == shape and w.dtype == np.float32
    m = w.reshape(-1, shape[-1]) / 1.5
    small = min(m.shape)
    gram = m.T @ m if m.shape[0] >= m.shape[1] else m @ m.T
    np.testing.assert_allclose(gram, np.eye(small), atol=1e-5)


def test_orthogonal_needs_two_axes():
    with pytest.raises(ValueError, match="at least two-dimensional"):
        initializers.Orthogonal()((5,))


def test_random_initializers_need_a_float_dtype():
    with pytest.raises(ValueError, match="dtype='int32'"):
        initializers.RandomNormal()((2,), dtype="int32")


def test_float16():
    w = initializers.GlorotUniform(seed=0)((10, 10), dtype="float16")
    assert w.dtype == np.float16


# ----------------------------------------------------------------- names
@pytest.mark.parametrize(
    "name, cls",
    [
        ("glorot_uniform", initializers.GlorotUniform),
        ("GlorotUniform", initializers.GlorotUniform),
        ("he_normal", initializers.HeNormal),
        ("normal", initializers.RandomNormal),
        ("uniform", initializers.RandomUniform),
        ("zero", initializers.Zeros),
        ("one", initializers.Ones),
        ("zeros", initializers.Zeros),
        ("truncated_normal", initializers.TruncatedNormal),
        ("variance_scaling", initializers.VarianceScaling),
        ("orthogonal", initializers.Orthogonal),
        ("identity", initializers.Identity),
        ("constant", initializers.Constant),
    ],
)
def test_get_by_name(name, cls):
    assert type(initializers.get(name)) is cls


def test_get_other_forms():
    assert initializers.get(None) is None
    assert type(initializers.get(initializers.HeUniform)) is (
        initializers.HeUniform
    )
    fn = lambda shape, dtype=None: np.zeros(shape)  # noqa: E731
    assert initializers.get(fn) is fn
    value = np.arange(6, dtype="float64").reshape(2, 3)
    init = initializers.get(value)
    assert init((2, 3)).dtype == np.float32
    np.testing.assert_array_equal(init((2, 3)), value)
    with pytest.raises(ValueError, match=r"Expected `shape` to be \(2, 3\)"):
        init((3, 2))
    v = kara.Variable(initializers.get("ones"), shape=(2,))
    np.testing.assert_array_equal(v.numpy(), [1.0, 1.0])


@pytest.mark.parametrize(
    "init",
    [
        initializers.VarianceScaling(
            scale=0.5, mode="fan_out", distribution="uniform", seed=3
        ),
        initializers.GlorotNormal(seed=1),
        initializers.RandomUniform(-1.0, 2.0, seed=9),
        initializers.Orthogonal(gain=2.0, seed=1),
        initializers.Constant(3.0),
        initializers.Identity(gain=0.5),
        initializers.Zeros(),
    ],
    ids=repr,
)
def test_serialize_round_trip(init):
    config = initializers.serialize(init)
    assert config["module"] == "keras.initializers"
    assert config["class_name"] == type(init).__name__
    again = initializers.deserialize(config)
    assert type(again) is type(init)
    assert again.get_config() == init.get_config()
    np.testing.assert_array_equal(again((3, 4)), init((3, 4)))


def test_keras_config_keys():
    assert initializers.VarianceScaling().get_config() == {
        "seed": None,
        "scale": 1.0,
        "mode": "fan_in",
        "distribution": "truncated_normal",
        "input_axes": None,
        "output_axes": None,
    }
    assert initializers.RandomNormal(seed=1).get_config() == {
        "seed": 1,
        "mean": 0.0,
        "stddev": 0.05,
    }
    assert initializers.Orthogonal().get_config() == {"seed": None, "gain": 1.0}


def test_helpful_errors():
    with pytest.raises(
        ValueError,
        match=r"'glorot_unifrom'\. Did you mean "
        r"'glorot_uniform'",
    ):
        initializers.get("glorot_unifrom")
    with pytest.raises(
        TypeError,
        match=r"GlorotUniform\(\) got an "
        r"unexpected keyword argument 'sed'\. Did you mean "
        r"'seed'",
    ):
        initializers.GlorotUniform(sed=1)
    with pytest.raises(ValueError, match="mode.*Did you mean 'fan_in'"):
        initializers.VarianceScaling(mode="fanin")
    with pytest.raises(
        ValueError, match="distribution.*Did you mean 'uniform'"
    ):
        initializers.VarianceScaling(distribution="unifrom")
    with pytest.raises(ValueError, match="scale.*positive.*scale=0"):
        initializers.VarianceScaling(scale=0)
    with pytest.raises(ValueError, match="non-negative dimensions"):
        initializers.Zeros()((2, -1))
