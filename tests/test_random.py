"""kara.random: the global generator, seeds and samplers."""

import random as python_random

import numpy as np
import pytest

from kara import random


def test_int_seed_repeats_none_seed_advances():
    a = random.normal((4,), seed=3).numpy()
    np.testing.assert_array_equal(a, random.normal((4,), seed=3).numpy())
    b, c = random.uniform((4,)).numpy(), random.uniform((4,)).numpy()
    assert not np.array_equal(b, c)


def test_set_random_seed_seeds_everything():
    random.set_random_seed(5)
    first = (
        random.uniform((3,)).numpy(),
        python_random.random(),
        np.random.rand(),
        random.draw_seed(),
    )
    random.set_random_seed(5)
    second = (
        random.uniform((3,)).numpy(),
        python_random.random(),
        np.random.rand(),
        random.draw_seed(),
    )
    np.testing.assert_array_equal(first[0], second[0])
    assert first[1:] == second[1:]
    assert random.get_random_seed() == 5


def test_make_rng():
    g = np.random.default_rng(0)
    assert random.make_rng(g) is g
    assert random.make_rng(None) is random.global_generator()
    a = random.make_rng(1).random(3)
    np.testing.assert_array_equal(a, random.make_rng(1).random(3))
    gen = random.SeedGenerator(1)
    assert random.make_rng(gen) is gen.generator


def test_seed_generator_sequence_repeats():
    g1, g2 = random.SeedGenerator(9), random.SeedGenerator(9)
    assert [g1.next() for _ in range(3)] == [g2.next() for _ in range(3)]
    assert random.SeedGenerator.from_config(g1.get_config())._initial_seed == 9


def test_dtypes_and_shapes():
    assert random.normal((2, 3)).dtype == np.float32
    assert random.normal(5, dtype="float64").shape == (5,)
    assert random.randint((10,), 0, 3, seed=0).dtype == np.int32
    assert set(random.randint((100,), 0, 3, seed=0).numpy()) == {0, 1, 2}
    t = random.truncated_normal((10000,), stddev=2.0, seed=0).numpy()
    assert np.abs(t).max() <= 4.0
    assert t.std() == pytest.approx(2 * 0.8796, rel=0.02)


def test_shuffle_is_a_permutation():
    x = np.arange(10)
    y = random.shuffle(x, seed=0).numpy()
    assert sorted(y) == list(x) and not np.array_equal(x, y)


def test_errors():
    with pytest.raises(ValueError, match=r"`seed` to be an integer.*1\.5"):
        random.set_random_seed(1.5)
    with pytest.raises(ValueError, match="non-negative.*seed=-3"):
        random.make_rng(-3)
    with pytest.raises(ValueError, match="floating-point.*'int32'"):
        random.normal((2,), dtype="int32")
    with pytest.raises(ValueError, match="non-negative dimensions"):
        random.uniform((2, -1))


def test_shape_errors_name_the_sampler():
    # an int shape is checked like a tuple (it used to reach NumPy as is)
    with pytest.raises(
        ValueError, match=r"normal: `shape` must have non-negative .*\(-3,\)"
    ):
        random.normal(-3)
    with pytest.raises(ValueError, match=r"randint: `shape` must be a tuple"):
        random.randint("ab", 0, 3)
    assert random.uniform(3, seed=1).shape == (3,)
