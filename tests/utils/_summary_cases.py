"""The models whose `summary()` text is compared with real Keras's.

One definition serves both sides: `tools/golden_summary.py` builds them
with Keras 3 or tf.keras 2.15 to write the goldens, and
`tests/utils/test_summary.py` builds them with kara. The module imports
neither: `make_cases` takes the library (`keras`, `tf.keras` or `kara`),
so the tests stay free of TensorFlow.

Example:
>>> import kara
>>> cases = make_cases(kara)
>>> factory, kwargs = cases["nested_expanded"]
>>> kwargs
{'expand_nested': True}
"""

import warnings

import numpy as np


def make_cases(keras):
    """Returns `{case name: (model factory, summary() kwargs)}`.

    Args:
        keras: a module with `Sequential`, `Model` and `layers`, as Keras
            has (`keras`, `tf.keras` or `kara`).

    Returns:
        A dict; each factory builds a fresh model when called.
    """
    L = keras.layers

    def seed002():
        with warnings.catch_warnings():  # the `input_shape=` warning
            warnings.simplefilter("ignore")
            return keras.Sequential(
                [
                    L.Flatten(input_shape=(28, 28)),
                    L.Dense(128, activation="relu"),
                    L.Dense(10, activation="softmax"),
                ]
            )

    def seed000():
        model = keras.Sequential()
        model.add(L.Input(shape=(1,)))
        model.add(L.Dense(64, activation="relu"))
        model.add(L.Dense(64, activation="relu"))
        model.add(L.Dense(2, activation="softmax"))
        return model

    def functional_chain():
        inputs = L.Input(shape=(784,))
        x = L.Dense(64, activation="relu")(inputs)
        return keras.Model(inputs, L.Dense(10, activation="softmax")(x))

    def functional_multi_input():
        in_a, in_b = L.Input(shape=(4,)), L.Input(shape=(3,))
        a = L.Dense(8, activation="relu")(in_a)
        b = L.Dense(8, activation="relu")(in_b)
        c = L.Concatenate()([a, b])
        return keras.Model([in_a, in_b], L.Dense(1, activation="sigmoid")(c))

    def functional_multi_output():
        inputs = L.Input(shape=(5,))
        h = L.Dense(16, activation="relu")(inputs)
        o1 = L.Dense(3, activation="softmax", name="class_out")(h)
        o2 = L.Dense(1, name="reg_out")(h)
        return keras.Model(inputs, [o1, o2])

    def nested():
        inner = keras.Sequential(
            [L.Input(shape=(16,)), L.Dense(8, activation="relu"), L.Dense(4)],
            name="inner",
        )
        return keras.Sequential([L.Input(shape=(16,)), inner, L.Dense(1)])

    def unbuilt():
        return keras.Sequential([L.Dense(64, activation="relu"), L.Dense(10)])

    def compiled():
        model = keras.Sequential([L.Input(shape=(2,)), L.Dense(3)])
        model.compile(optimizer="adam", loss="mse", metrics=["mse"])
        model.fit(np.zeros((4, 2)), np.zeros((4, 3)), verbose=0)
        return model

    def compiled_not_fit():
        model = keras.Sequential([L.Input(shape=(2,)), L.Dense(3)])
        model.compile(optimizer="adam", loss="mse")
        return model

    def frozen():
        return keras.Sequential(
            [L.Input(shape=(4,)), L.Dense(3), L.Dense(2, trainable=False)]
        )

    def zoo():
        return keras.Sequential(
            [
                L.Input(shape=(12,)),
                L.Dense(16),
                L.ReLU(),
                L.LeakyReLU(),
                L.ELU(),
                L.PReLU(),
                L.Softmax(),
                L.Activation("tanh"),
                L.Dropout(0.5),
                L.Reshape((4, 4)),
                L.Permute((2, 1)),
                L.Dense(3),
                L.Flatten(),
                L.RepeatVector(2),
                L.Rescaling(0.5),
                L.Identity(),
                L.Lambda(lambda x: x * 2.0),
                L.Dense(1),
            ]
        )

    def normalization():
        norm = L.Normalization()
        model = keras.Sequential([L.Input(shape=(4,)), norm, L.Dense(2)])
        norm.adapt(np.arange(20, dtype="float32").reshape(5, 4))
        return model

    def merging():
        a, b = L.Input(shape=(4,)), L.Input(shape=(4,))
        merged = [
            L.Add()([a, b]),
            L.Subtract()([a, b]),
            L.Multiply()([a, b]),
            L.Average()([a, b]),
            L.Maximum()([a, b]),
            L.Minimum()([a, b]),
        ]
        return keras.Model([a, b], L.Concatenate()(merged))

    def dense_3d():
        return keras.Sequential([L.Input(shape=(5, 3)), L.Dense(4)])

    def big_counts():
        return keras.Sequential(
            [L.Input(shape=(1000,)), L.Dense(2000), L.Dense(1000)]
        )

    class MLP(keras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.hidden = L.Dense(32, activation="relu")
            self.out = L.Dense(2)

        def call(self, inputs):
            return self.out(self.hidden(inputs))

    class Net(keras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.d1 = L.Dense(4)

        def call(self, inputs):
            return self.d1(inputs)

    def subclassed():
        model = MLP()
        model(np.zeros((1, 8), "float32"))
        return model

    def built_by_call():
        model = unbuilt()
        model(np.zeros((3, 784), "float32"))
        return model

    def built_by_build():
        model = unbuilt()
        model.build((None, 784))
        return model

    def functional_with_nested():
        inner = keras.Sequential(
            [L.Input(shape=(6,)), L.Dense(4, activation="relu")], name="block"
        )
        inputs = L.Input(shape=(6,))
        return keras.Model(inputs, L.Dense(2)(inner(inputs)), name="outer")

    return {
        "seed002": (seed002, {}),
        "seed000": (seed000, {}),
        "functional_chain": (functional_chain, {}),
        "functional_multi_input": (functional_multi_input, {}),
        "functional_multi_output": (functional_multi_output, {}),
        "nested": (nested, {}),
        "nested_expanded": (nested, {"expand_nested": True}),
        "unbuilt": (unbuilt, {}),
        "compiled": (compiled, {}),
        "compiled_not_fit": (compiled_not_fit, {}),
        "show_trainable": (frozen, {"show_trainable": True}),
        "zoo": (zoo, {}),
        "normalization": (normalization, {}),
        "merging": (merging, {}),
        "dense_3d": (dense_3d, {}),
        "big_counts": (big_counts, {}),
        "subclassed": (subclassed, {}),
        "subclassed_unbuilt": (Net, {}),
        "built_by_call": (built_by_call, {}),
        "built_by_build": (built_by_build, {}),
        "functional_with_nested": (functional_with_nested, {}),
        "functional_with_nested_expanded": (
            functional_with_nested,
            {"expand_nested": True},
        ),
        "line_length_100": (seed002, {"line_length": 100}),
        "line_length_50": (functional_multi_input, {"line_length": 50}),
        "positions": (seed002, {"positions": [0.5, 0.7, 1.0]}),
    }
