"""`kara.utils.set_random_seed(s)` then the same training gives bit-identical
weights: initializers, shuffling, Dropout and validation_split included."""

import numpy as np

import kara


def _train(seed, x, y):
    kara.utils.set_random_seed(seed)
    model = kara.Sequential(
        [
            kara.Input((6,)),
            kara.layers.Dense(16, activation="relu"),
            kara.layers.Dropout(0.3),
            kara.layers.Dense(3, activation="softmax"),
        ]
    )
    model.compile("adam", "sparse_categorical_crossentropy", ["accuracy"])
    history = model.fit(
        x,
        y,
        batch_size=10,
        epochs=3,
        shuffle=True,
        validation_split=0.2,
        verbose=0,
    )
    return model.get_weights(), history.history


def test_same_seed_same_weights(rng):
    x = rng.normal(size=(50, 6)).astype("float32")
    y = rng.integers(0, 3, 50)
    w1, h1 = _train(0, x, y)
    w2, h2 = _train(0, x, y)
    for a, b in zip(w1, w2):
        np.testing.assert_array_equal(a, b)
    assert h1 == h2
    w3, _ = _train(1, x, y)
    assert not np.array_equal(w1[0], w3[0])


def test_shuffle_and_dropout_both_use_the_seeded_generator(rng):
    x = rng.normal(size=(50, 6)).astype("float32")
    y = rng.integers(0, 3, 50)
    kara.utils.set_random_seed(0)
    model = kara.Sequential(
        [kara.Input((6,)), kara.layers.Dropout(0.5), kara.layers.Dense(3)]
    )
    model.compile("sgd", "mse")
    init = model.get_weights()
    results = []
    for _ in range(2):
        kara.utils.set_random_seed(5)
        model.set_weights(init)
        model.fit(x, np.eye(3)[y], batch_size=10, epochs=2, verbose=0)
        results.append(model.get_weights())
    for a, b in zip(*results):
        np.testing.assert_array_equal(a, b)
