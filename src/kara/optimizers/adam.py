"""`Adam`: adaptive moment estimation (Keras's "epsilon hat" form)."""

import numpy as np

from kara.optimizers._helpers import update_moments
from kara.optimizers._small_weights import SmallWeights
from kara.optimizers.optimizer import Optimizer


class Adam(Optimizer):
    """The Adam optimizer.

    Formula:
        alpha = lr * sqrt(1 - beta_2**t) / (1 - beta_1**t)     (t from 1)
        m += (g - m) * (1 - beta_1)
        v += (g**2 - v) * (1 - beta_2)
        amsgrad: v_hat = max(v_hat, v), used instead of v below
        w -= alpha * m / (sqrt(v) + epsilon)

    Epsilon is added to `sqrt(v)` of the *uncorrected* `v` (the paper's
    "epsilon hat"), not to `sqrt(v / (1 - beta_2**t))` as in PyTorch.

    Args:
        learning_rate: a float, a schedule or a callable (default 0.001).
        beta_1: the decay of the first moment (0.9).
        beta_2: the decay of the second moment (0.999).
        epsilon: the "epsilon hat" (1e-7).
        amsgrad: whether to use the AMSGrad variant.
        **kwargs: the base arguments (see `Optimizer`).

    Example:
    >>> import numpy as np, kara
    >>> w = kara.Variable([1.0, 2.0, 3.0, 4.0])
    >>> g = np.array([1.0, 6.0, 7.0, 2.0], "float32")
    >>> Adam(learning_rate=0.5).apply([g], [w])
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
        amsgrad=False,
        **kwargs,
    ):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.amsgrad = amsgrad

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(
            var_list, ["momentum", "velocity"]
        )
        if self.amsgrad:
            self._velocity_hats = self.add_optimizer_variables(
                var_list, "velocity_hat"
            )
        # biases and other small weights: one pass over all of them
        self._small = None
        if not self.amsgrad:
            self._small = SmallWeights.of(
                var_list, [self._momentums, self._velocities], 2
            )

    def _compute_constants(self, f, learning_rate, step):
        t = f(step)
        beta_1_power = f(self.beta_1) ** t
        beta_2_power = f(self.beta_2) ** t
        one = f(1)
        alpha = (
            f(learning_rate)
            * np.sqrt(one - beta_2_power)
            / (one - beta_1_power)
        )
        return alpha, f(1 - self.beta_1), f(1 - self.beta_2), f(self.epsilon)

    def update_step(self, gradient, variable, learning_rate):
        i = self._get_variable_index(variable)
        t1, t2 = self._scratch_views[i]
        v_hat = self._velocity_hats[i].data if self.amsgrad else None
        m = self._momentums[i].data
        v = self._velocities[i].data
        self._update(gradient, m, v, v_hat, t1, t2, variable.dtype)
        variable.data -= t2

    def _backend_update_step(self, grads, trainable_variables, learning_rate):
        small = self._small
        flat = None
        if small is not None:
            flat, grads, trainable_variables = small.gather(
                grads, trainable_variables
            )
        super()._backend_update_step(grads, trainable_variables, learning_rate)
        if flat is not None:
            # the same passes as update_step, over the small weights' flat
            # arrays at once (elementwise: the same numbers)
            m, v = small.slots
            t1, t2 = small.scratch
            self._update(flat, m, v, None, t1, t2, flat.dtype)
            small.subtract()  # the update is in t2, its last scratch

    def _update(self, gradient, m, v, v_hat, t1, t2, dtype):
        """Adam's passes over one weight's arrays (or the small weights'
        flat ones): updates the moments in place and leaves the step
        `alpha * m / (sqrt(v) + epsilon)` in `t2`."""
        alpha, one_minus_b1, one_minus_b2, eps = self._constants(dtype)
        update_moments(gradient, m, v, one_minus_b1, one_minus_b2, t1)
        if v_hat is not None:
            np.maximum(v_hat, v, out=v_hat)
            v = v_hat
        np.sqrt(v, out=t1)
        t1 += eps
        np.multiply(m, alpha, out=t2)
        t2 /= t1

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "beta_1": self.beta_1,
                "beta_2": self.beta_2,
                "epsilon": self.epsilon,
                "amsgrad": self.amsgrad,
            }
        )
        return config
