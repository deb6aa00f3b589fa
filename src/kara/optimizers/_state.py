"""Reading and writing an optimizer's state (a mixin of `Optimizer`).

`optimizer.variables` lists the state in Keras's order (iterations, the
learning rate, then the slots per variable); these methods copy it to and
from NumPy arrays, for checkpoints and for `model.save`.
"""

import warnings

import numpy as np


class OptimizerStateMixin:
    """Copies of the state: `get_weights`, `set_weights`, ...

    ... `save_own_variables` and `load_own_variables`.
    """

    def get_weights(self):
        """The values of `variables`, as a list of NumPy arrays."""
        return [v.numpy() for v in self._variables]

    def set_weights(self, weights):
        """Sets the values of `variables` (after `build`)."""
        if not self.built:
            raise ValueError(
                "You are calling `set_weights()` on an optimizer that has "
                "not yet been built. Please call "
                "`optimizer.build(trainable_variables)` to create the "
                "optimizer weights before calling `set_weights()`."
            )
        for variable, weight in zip(self._variables, weights):
            weight = np.asarray(weight)
            if variable.shape != weight.shape:
                raise ValueError(
                    f"Optimizer variable {variable.name!r} has shape "
                    f"{variable.shape} not compatible with provided weight "
                    f"shape {weight.shape}."
                )
            variable.assign(weight)

    def save_own_variables(self, store):
        """Writes the variables into `store` under keys "0", "1", ..."""
        for i, variable in enumerate(self._variables):
            store[str(i)] = variable.numpy()

    def load_own_variables(self, store):
        """Reads the variables written by `save_own_variables`."""
        if len(store.keys()) != len(self._variables):
            warnings.warn(
                f"Skipping variable loading for optimizer '{self.name}', "
                f"because it has {len(self._variables)} variables whereas "
                f"the saved optimizer has {len(store.keys())} variables.",
                stacklevel=2,
            )
            return
        for i, variable in enumerate(self._variables):
            variable.assign(store[str(i)])
