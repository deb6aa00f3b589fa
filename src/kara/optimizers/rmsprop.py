"""`RMSprop`: divide the gradient by a running RMS of past gradients."""

import numpy as np

from kara.optimizers import profiles
from kara.optimizers.optimizer import Optimizer


class RMSprop(Optimizer):
    """The RMSprop optimizer (epsilon inside the square root).

    Formula:
        v = rho * v + (1 - rho) * g**2
        centered:  a = rho * a + (1 - rho) * g;  d = v - a**2 + epsilon
        otherwise: d = v + epsilon
        inc = lr * g / sqrt(d)
        momentum > 0:  mom = momentum * mom + inc;  w -= mom
        otherwise:     w -= inc

    Args:
        learning_rate: a float, a schedule or a callable (default 0.001).
        rho: the discounting factor of the gradient history (0.9).
        momentum: the momentum (0.0: none).
        epsilon: added inside the square root (1e-7).
        centered: if True, normalize by the estimated variance instead of
            the second moment.
        **kwargs: the base arguments (see `Optimizer`);
            `ema_overwrite_frequency` defaults to 100 under the keras2
            profile, as in tf.keras 2.15.

    Example:
    >>> import numpy as np, kara
    >>> w = kara.Variable([1.0, 2.0, 3.0, 4.0])
    >>> g = np.array([1.0, 6.0, 7.0, 2.0], "float32")
    >>> RMSprop(learning_rate=0.5).apply([g], [w])
    >>> np.round(w.numpy(), 4)
    array([-0.5811,  0.4189,  1.4189,  2.4189], dtype=float32)
    """

    _n_scratch = 2

    def __init__(
        self,
        learning_rate=0.001,
        rho=0.9,
        momentum=0.0,
        epsilon=1e-7,
        centered=False,
        **kwargs,
    ):
        kwargs.setdefault(
            "ema_overwrite_frequency",
            profiles.rules().rmsprop_ema_overwrite_frequency,
        )
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._velocities = self.add_optimizer_variables(var_list, "velocity")
        self._momentums = []
        if self.momentum > 0:
            self._momentums = self.add_optimizer_variables(var_list, "momentum")
        self._average_gradients = []
        if self.centered:
            self._average_gradients = self.add_optimizer_variables(
                var_list, "average_gradient"
            )

    def _compute_constants(self, f, learning_rate, step):
        return (
            f(learning_rate),
            f(self.rho),
            f(1 - self.rho),
            f(self.epsilon),
            f(self.momentum),
        )

    def update_step(self, gradient, variable, learning_rate):
        lr, rho, one_minus_rho, eps, momentum = self._constants(variable.dtype)
        i = self._get_variable_index(variable)
        t1, t2 = self._scratch_views[i]
        v = self._velocities[i].data
        np.multiply(gradient, gradient, out=t1)
        t1 *= one_minus_rho
        v *= rho
        v += t1
        if self.centered:
            a = self._average_gradients[i].data
            np.multiply(gradient, one_minus_rho, out=t1)
            a *= rho
            a += t1
            np.multiply(a, a, out=t1)
            np.subtract(v, t1, out=t1)
            t1 += eps
        else:
            np.add(v, eps, out=t1)
        np.sqrt(t1, out=t1)
        np.multiply(gradient, lr, out=t2)
        t2 /= t1  # inc = lr * g / sqrt(d)
        if self.momentum > 0:
            mom = self._momentums[i].data
            mom *= momentum
            mom += t2
            variable.data -= mom
        else:
            variable.data -= t2

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "rho": self.rho,
                "momentum": self.momentum,
                "epsilon": self.epsilon,
                "centered": self.centered,
            }
        )
        return config
