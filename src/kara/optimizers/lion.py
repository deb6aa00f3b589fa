"""`Lion`: sign updates from an interpolated momentum (Chen et al., 2023)."""

import numpy as np

from kara.optimizers import profiles
from kara.optimizers.optimizer import Optimizer


class Lion(Optimizer):
    """The Lion optimizer.

    Formula:
        w -= lr * sign(beta_1 * m + (1 - beta_1) * g)
        m = beta_2 * m + (1 - beta_2) * g

    Args:
        learning_rate: a float, a schedule or a callable (default 0.001;
            0.0001 under the keras2 profile, as in tf.keras 2.15). Use a
            learning rate 3-10x smaller than for Adam.
        beta_1: the interpolation factor of the update (0.9), in (0, 1].
        beta_2: the decay of the momentum (0.99).
        **kwargs: the base arguments (see `Optimizer`).

    Example:
    >>> import numpy as np, kara
    >>> w = kara.Variable([1.0, 2.0, 3.0, 4.0])
    >>> g = np.array([1.0, 6.0, 7.0, 2.0], "float32")
    >>> Lion(learning_rate=0.5).apply([g], [w])
    >>> w.numpy()
    array([0.5, 1.5, 2.5, 3.5], dtype=float32)
    """

    _n_scratch = 2

    def __init__(self, learning_rate=None, beta_1=0.9, beta_2=0.99, **kwargs):
        if learning_rate is None:
            learning_rate = profiles.rules().lion_learning_rate
        super().__init__(learning_rate=learning_rate, **kwargs)
        if beta_1 <= 0 or beta_1 > 1:
            raise ValueError(
                "Argument `beta_1` must be in the (0, 1] range. Otherwise, "
                "the optimizer degenerates to SignSGD. Received: "
                f"beta_1={beta_1}."
            )
        self.beta_1 = beta_1
        self.beta_2 = beta_2

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._momentums = self.add_optimizer_variables(var_list, "momentum")

    def _compute_constants(self, f, learning_rate, step):
        beta_1, beta_2 = f(self.beta_1), f(self.beta_2)
        return (f(learning_rate), beta_1, f(1) - beta_1, beta_2, f(1) - beta_2)

    def update_step(self, gradient, variable, learning_rate):
        lr, beta_1, one_minus_b1, beta_2, one_minus_b2 = self._constants(
            variable.dtype
        )
        i = self._get_variable_index(variable)
        t1, t2 = self._scratch_views[i]
        m = self._momentums[i].data
        np.multiply(m, beta_1, out=t1)
        np.multiply(gradient, one_minus_b1, out=t2)
        t1 += t2
        np.sign(t1, out=t2)  # not in place: NumPy's in-place sign is slow
        t2 *= lr
        variable.data -= t2
        m *= beta_2
        np.multiply(gradient, one_minus_b2, out=t1)
        m += t1

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2})
        return config
