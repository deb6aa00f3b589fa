"""`Lamb`: layer-wise adaptive large-batch optimization (You et al.)."""

import numpy as np

from kara.optimizers._helpers import squared_norm
from kara.optimizers._helpers import update_moments
from kara.optimizers.optimizer import Optimizer


class Lamb(Optimizer):
    """The LAMB optimizer: Adam steps rescaled by a trust ratio per weight.

    Formula (t from 1):
        m += (g - m) * (1 - beta_1)
        v += (g**2 - v) * (1 - beta_2)
        update = (m / (1 - beta_1**t)) / (sqrt(v / (1 - beta_2**t)) + eps)
        ratio = ||w|| / ||update||   (1 if either norm is 0)
        w -= ratio * lr * update

    Args:
        learning_rate: a float, a schedule or a callable (default 0.001).
        beta_1: the decay of the first moment (0.9).
        beta_2: the decay of the second moment (0.999).
        epsilon: added to the corrected `sqrt(v)` (1e-7).
        **kwargs: the base arguments (see `Optimizer`).

    Example:
    >>> import numpy as np, kara
    >>> w = kara.Variable([1.0, 2.0, 3.0, 4.0])
    >>> g = np.array([1.0, 6.0, 7.0, 2.0], "float32")
    >>> Lamb(learning_rate=0.5).apply([g], [w])
    >>> np.round(w.numpy(), 4)
    array([-0.3693,  0.6307,  1.6307,  2.6307], dtype=float32)
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
        self._momentums, self._velocities = self.add_optimizer_variables(
            var_list, ["momentum", "velocity"]
        )

    def _compute_constants(self, f, learning_rate, step):
        t, one = f(step), f(1)
        return (
            f(learning_rate),
            f(1 - self.beta_1),
            f(1 - self.beta_2),
            one - f(self.beta_1) ** t,
            one - f(self.beta_2) ** t,
            f(self.epsilon),
        )

    def update_step(self, gradient, variable, learning_rate):
        lr, one_minus_b1, one_minus_b2, corr_1, corr_2, eps = self._constants(
            variable.dtype
        )
        f = variable.dtype.type
        i = self._get_variable_index(variable)
        t1, t2 = self._scratch_views[i]
        m = self._momentums[i].data
        v = self._velocities[i].data
        w = variable.data
        update_moments(gradient, m, v, one_minus_b1, one_minus_b2, t1)
        np.divide(v, corr_2, out=t2)
        np.sqrt(t2, out=t2)
        t2 += eps
        np.divide(m, corr_1, out=t1)
        t1 /= t2  # the Adam direction
        w_norm = np.sqrt(squared_norm(w))
        g_norm = np.sqrt(squared_norm(t1))
        ratio = w_norm / g_norm if (w_norm > 0 and g_norm > 0) else f(1)
        t1 *= ratio * lr
        w -= t1

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
