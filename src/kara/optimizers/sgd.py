"""`SGD`: gradient descent, with optional (Nesterov) momentum."""

import numpy as np

from kara.optimizers import _helpers
from kara.optimizers.optimizer import Optimizer


class SGD(Optimizer):
    """Gradient descent with momentum.

    Formula:
        momentum == 0:   w -= lr * g
        otherwise:       m = momentum * m - lr * g
                         w += m                          (nesterov=False)
                         w += momentum * m - lr * g      (nesterov=True)

    Args:
        learning_rate: a float, a schedule or a callable (default 0.01).
        momentum: a float in [0, 1] (default 0.0).
        nesterov: whether to apply Nesterov momentum.
        **kwargs: the base arguments (`weight_decay`, `clipnorm`,
            `clipvalue`, `global_clipnorm`, `use_ema`, `ema_momentum`,
            `ema_overwrite_frequency`, `loss_scale_factor`,
            `gradient_accumulation_steps`, `name`).

    Example:
    >>> import numpy as np, kara
    >>> w = kara.Variable([1.0, 2.0, 3.0, 4.0])
    >>> g = np.array([1.0, 6.0, 7.0, 2.0], "float32")
    >>> opt = SGD(learning_rate=0.5)
    >>> opt.apply([g], [w])
    >>> w.numpy()
    array([ 0.5, -1. , -0.5,  3. ], dtype=float32)
    """

    _n_scratch = 2

    def __init__(
        self, learning_rate=0.01, momentum=0.0, nesterov=False, **kwargs
    ):
        super().__init__(learning_rate=learning_rate, **kwargs)
        _helpers.check_real_number(momentum, "momentum")
        if not 0 <= momentum <= 1:
            raise ValueError(
                "`momentum` must be a float between [0, 1]. Received: "
                f"momentum={momentum}"
            )
        self.momentum = momentum
        self.nesterov = nesterov

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._momentums = []
        if self.momentum != 0 or self._rules.sgd_always_momentum_slots:
            self._momentums = self.add_optimizer_variables(var_list, "momentum")

    def _compute_constants(self, f, learning_rate, step):
        return f(learning_rate), f(self.momentum)

    def update_step(self, gradient, variable, learning_rate):
        lr, momentum = self._constants(variable.dtype)
        i = self._get_variable_index(variable)
        w = variable.data
        t1, t2 = self._scratch_views[i]
        np.multiply(gradient, lr, out=t1)  # lr * g
        if self.momentum == 0:
            w -= t1
            return
        m = self._momentums[i].data
        m *= momentum
        m -= t1
        if self.nesterov:
            np.multiply(m, momentum, out=t2)
            t2 -= t1
            w += t2
        else:
            w += m

    def get_config(self):
        config = super().get_config()
        config.update({"momentum": self.momentum, "nesterov": self.nesterov})
        return config
