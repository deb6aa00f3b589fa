"""`Adadelta`: step sizes from running averages of grads and updates."""

import numpy as np

from kara.optimizers.optimizer import Optimizer


class Adadelta(Optimizer):
    """The Adadelta optimizer.

    Formula:
        Eg = rho * Eg + (1 - rho) * g**2
        delta = -sqrt(Ed + epsilon) * g / sqrt(Eg + epsilon)
        Ed = rho * Ed + (1 - rho) * delta**2
        w += lr * delta

    Args:
        learning_rate: a float, a schedule or a callable (default 0.001;
            the paper uses 1.0).
        rho: the decay rate (0.95).
        epsilon: added inside the square roots (1e-7).
        **kwargs: the base arguments (see `Optimizer`).

    Example:
    >>> import numpy as np, kara
    >>> w = kara.Variable([1.0, 2.0, 3.0, 4.0])
    >>> g = np.array([1.0, 6.0, 7.0, 2.0], "float32")
    >>> Adadelta(learning_rate=0.5).apply([g], [w])
    >>> np.round(w.numpy(), 4)
    array([0.9993, 1.9993, 2.9993, 3.9993], dtype=float32)
    """

    _n_scratch = 2

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.rho = rho
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._accumulated_grads, self._accumulated_delta_vars = (
            self.add_optimizer_variables(
                var_list, ["accumulated_grad", "accumulated_delta_var"]
            )
        )

    def _compute_constants(self, f, learning_rate, step):
        return (f(learning_rate), f(self.rho), f(1 - self.rho), f(self.epsilon))

    def update_step(self, gradient, variable, learning_rate):
        lr, rho, one_minus_rho, eps = self._constants(variable.dtype)
        i = self._get_variable_index(variable)
        t1, t2 = self._scratch_views[i]
        eg = self._accumulated_grads[i].data
        ed = self._accumulated_delta_vars[i].data
        np.multiply(gradient, gradient, out=t1)
        t1 *= one_minus_rho
        eg *= rho
        eg += t1
        # t1 = sqrt(Ed + eps) * g / sqrt(Eg + eps)  (delta = -t1)
        np.add(ed, eps, out=t1)
        np.sqrt(t1, out=t1)
        t1 *= gradient
        np.add(eg, eps, out=t2)
        np.sqrt(t2, out=t2)
        t1 /= t2
        np.multiply(t1, t1, out=t2)
        t2 *= one_minus_rho
        ed *= rho
        ed += t2
        t1 *= lr
        variable.data -= t1

    def get_config(self):
        config = super().get_config()
        config.update({"rho": self.rho, "epsilon": self.epsilon})
        return config
