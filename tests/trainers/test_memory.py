"""Models built and trained in a loop do not pile up in memory.

Hyper-parameter searches and teaching notebooks build many models in one
process; with Keras on TensorFlow that leaked (a global graph, name
counters, registries holding the models). kara keeps no reference to a
model once the user drops it.
"""

import gc
import tracemalloc
import weakref

import numpy as np

import kara

X = np.random.default_rng(0).random((64, 4), dtype=np.float32)
Y = np.arange(64) % 3


def _train_one(optimizer="adam"):
    model = kara.Sequential(
        [
            kara.Input((4,)),
            kara.layers.Dense(8, "relu"),
            kara.layers.Dropout(0.1),
            kara.layers.Dense(3, "softmax"),
        ]
    )
    model.compile(optimizer, "sparse_categorical_crossentropy", ["accuracy"])
    model.fit(X, Y, epochs=2, verbose=0, validation_split=0.25)
    model.evaluate(X, Y, verbose=0)
    model.predict(X, verbose=0)
    return model


def test_a_dropped_model_is_freed():
    for optimizer in ("adam", "sgd"):
        model = _train_one(optimizer)
        refs = [weakref.ref(model), weakref.ref(model.optimizer)]
        refs += [weakref.ref(w) for w in model.weights]
        del model
        gc.collect()
        assert [r() for r in refs] == [None] * len(refs)


def test_training_many_models_keeps_memory_flat():
    for _ in range(20):  # caches, first-call imports
        _train_one()
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(200):
            _train_one()
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    # a model of this size holds about 30 KB; 200 leaked ones would be
    # several MB
    assert grown < 300_000, f"{grown} bytes more after 200 models"
