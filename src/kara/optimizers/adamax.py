"""`Adamax`: Adam with the infinity norm in place of the second moment."""

import numpy as np

from kara.optimizers.optimizer import Optimizer


class Adamax(Optimizer):
    """The Adamax optimizer.

    Formula:
        m += (g - m) * (1 - beta_1)
        u = max(beta_2 * u, |g|)
        w -= lr * m / ((1 - beta_1**t) * (u + epsilon))      (t from 1)

    Args:
        learning_rate: a float, a schedule or a callable (default 0.001).
        beta_1: the decay of the first moment (0.9).
        beta_2: the decay of the infinity norm (0.999).
        epsilon: added to the norm (1e-7).
        **kwargs: the base arguments (see `Optimizer`).

    Example:
    >>> import numpy as np, kara
    >>> w = kara.Variable([1.0, 2.0, 3.0, 4.0])
    >>> g = np.array([1.0, 6.0, 7.0, 2.0], "float32")
    >>> Adamax(learning_rate=0.5).apply([g], [w])
    >>> np.round(w.numpy(), 4)
    array([0.5, 1.5, 2.5, 3.5], dtype=float32)
    """

    _n_scratch = 2

    def __init__(
        self,
        learning_rate=0.001,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
        **kwargs,
    ):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._m, self._u = self.add_optimizer_variables(
            var_list, ["momentum", "norm"]
        )

    def _compute_constants(self, f, learning_rate, step):
        bias_correction = f(1) - f(self.beta_1) ** f(step)
        return (
            f(learning_rate),
            f(1 - self.beta_1),
            f(self.beta_2),
            f(self.epsilon),
            bias_correction,
        )

    def update_step(self, gradient, variable, learning_rate):
        lr, one_minus_b1, beta_2, eps, correction = self._constants(
            variable.dtype
        )
        i = self._get_variable_index(variable)
        t1, t2 = self._scratch_views[i]
        m = self._m[i].data
        u = self._u[i].data
        np.subtract(gradient, m, out=t1)
        t1 *= one_minus_b1
        m += t1
        u *= beta_2
        np.abs(gradient, out=t1)
        np.maximum(u, t1, out=u)
        np.add(u, eps, out=t1)
        t1 *= correction
        np.multiply(m, lr, out=t2)
        t2 /= t1
        variable.data -= t2

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "beta_1": self.beta_1,
                "beta_2": self.beta_2,
                "epsilon": self.epsilon,
            }
        )
        return config
