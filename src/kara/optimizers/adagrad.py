"""`Adagrad`: per-parameter learning rates from the sum of squared grads."""

import numpy as np

from kara.optimizers.optimizer import Optimizer


class Adagrad(Optimizer):
    """The Adagrad optimizer.

    Formula:
        acc += g**2                     (acc starts at
                                         initial_accumulator_value)
        w -= lr * g / sqrt(acc + epsilon)

    Args:
        learning_rate: a float, a schedule or a callable (default 0.001).
        initial_accumulator_value: the accumulators' start value (0.1).
        epsilon: added inside the square root (1e-7).
        **kwargs: the base arguments (see `Optimizer`).

    Example:
    >>> import numpy as np, kara
    >>> w = kara.Variable([1.0, 2.0, 3.0, 4.0])
    >>> g = np.array([1.0, 6.0, 7.0, 2.0], "float32")
    >>> Adagrad(learning_rate=0.5).apply([g], [w])
    >>> np.round(w.numpy(), 4)
    array([0.5233, 1.5007, 2.5005, 3.5061], dtype=float32)
    """

    _n_scratch = 2

    def __init__(
        self,
        learning_rate=0.001,
        initial_accumulator_value=0.1,
        epsilon=1e-7,
        **kwargs,
    ):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._accumulators = self.add_optimizer_variables(
            var_list, "accumulator", initializer=self.initial_accumulator_value
        )

    def _compute_constants(self, f, learning_rate, step):
        return f(learning_rate), f(self.epsilon)

    def update_step(self, gradient, variable, learning_rate):
        lr, eps = self._constants(variable.dtype)
        i = self._get_variable_index(variable)
        t1, t2 = self._scratch_views[i]
        acc = self._accumulators[i].data
        np.multiply(gradient, gradient, out=t1)
        acc += t1
        np.add(acc, eps, out=t1)
        np.sqrt(t1, out=t1)
        np.multiply(gradient, lr, out=t2)
        t2 /= t1
        variable.data -= t2

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "initial_accumulator_value": self.initial_accumulator_value,
                "epsilon": self.epsilon,
            }
        )
        return config
