"""`Nadam`: Adam with Nesterov momentum (Dozat's momentum schedule)."""

import numpy as np

from kara.optimizers._helpers import update_moments
from kara.optimizers.optimizer import Optimizer


class Nadam(Optimizer):
    """The Nadam optimizer.

    Formula:
        u_t = beta_1 * (1 - 0.5 * 0.96**t)        (t from 1)
        u_prod *= u_t   (once per step, before the updates; starts at 1)
        m += (g - m) * (1 - beta_1)
        v += (g**2 - v) * (1 - beta_2)
        m_hat = u_{t+1} * m / (1 - u_prod * u_{t+1})
                + (1 - u_t) * g / (1 - u_prod)
        v_hat = v / (1 - beta_2**t)
        w -= lr * m_hat / (sqrt(v_hat) + epsilon)

    Under the keras2 profile, `u_prod` advances as tf.keras 2.15's
    `model.fit` advances it (see `profiles.ProfileRules`): once per
    variable per step, except for the variable at position
    `iterations + 1 - n` (n variables), which reuses the product.

    Args:
        learning_rate: a float, a schedule or a callable (default 0.001).
        beta_1: the decay of the first moment (0.9).
        beta_2: the decay of the second moment (0.999).
        epsilon: added to `sqrt(v_hat)` (1e-7).
        **kwargs: the base arguments (see `Optimizer`).

    Example:
    >>> import numpy as np, kara
    >>> w = kara.Variable([1.0, 2.0, 3.0, 4.0])
    >>> g = np.array([1.0, 6.0, 7.0, 2.0], "float32")
    >>> Nadam(learning_rate=0.5).apply([g], [w])
    >>> np.round(w.numpy(), 4)
    array([0.4686, 1.4686, 2.4686, 3.4686], dtype=float32)
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
        var_list = list(var_list)
        dtype = var_list[0].dtype if var_list else np.dtype("float32")
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(
            var_list, ["momentum", "velocity"]
        )
        if self._rules.track_nadam_u_product:
            self._u_product = self.add_variable(
                (), "ones", dtype=dtype, name="u_product"
            )
        else:
            self._u_product = _Untracked(np.ones((), dtype))

    def _backend_update_step(self, grads, trainable_variables, learning_rate):
        self._prepare_step(learning_rate)
        u_prod = self._u_product.data
        f = u_prod.dtype.type
        step = f(self._step)
        if not self._rules.nadam_trace_counter:
            # Keras 3: (u_prod * beta_1) * (1 - 0.5 * 0.96**t), once a step
            u_prod[...] = (
                u_prod * f(self.beta_1) * (f(1) - f(0.5) * f(0.96) ** step)
            )
            for g, v in zip(grads, trainable_variables):
                self.update_step(g, v, learning_rate)
            return
        # tf.keras 2.15 in model.fit: a Python counter, read when the
        # train function is traced (twice: the first trace creates the
        # slots), makes variable k reuse the product only when
        # 1 + n + k == iterations + 2; every other variable multiplies it.
        u_t = f(self.beta_1) * (f(1) - f(0.5) * f(0.96) ** step)
        reuse = self._step - len(grads)  # iterations + 1 - n
        for k, (g, v) in enumerate(zip(grads, trainable_variables)):
            if k != reuse:
                u_prod[...] = u_prod * u_t
            self._constants_cache = {}
            self.update_step(g, v, learning_rate)

    def _compute_constants(self, f, learning_rate, step):
        beta_1 = f(self.beta_1)
        one, half, decay = f(1), f(0.5), f(0.96)
        u_t = beta_1 * (one - half * decay ** f(step))
        u_t_1 = beta_1 * (one - half * decay ** f(step + 1))
        u_product_t = f(self._u_product.data)
        u_product_t_1 = u_product_t * u_t_1
        beta_2_power = f(self.beta_2) ** f(step)
        return (
            f(learning_rate),
            one - beta_1,
            one - f(self.beta_2),
            u_t_1,
            one - u_product_t_1,
            one - u_t,
            one - u_product_t,
            one - beta_2_power,
            f(self.epsilon),
        )

    def update_step(self, gradient, variable, learning_rate):
        (
            lr,
            one_minus_b1,
            one_minus_b2,
            u_t_1,
            denom_m,
            one_minus_u_t,
            denom_g,
            denom_v,
            eps,
        ) = self._constants(variable.dtype)
        i = self._get_variable_index(variable)
        t1, t2 = self._scratch_views[i]
        m = self._momentums[i].data
        v = self._velocities[i].data
        update_moments(gradient, m, v, one_minus_b1, one_minus_b2, t1)
        # m_hat = u_{t+1} m / (1 - u_prod u_{t+1}) + (1 - u_t) g / (1 - u_prod)
        np.multiply(m, u_t_1, out=t1)
        t1 /= denom_m
        np.multiply(gradient, one_minus_u_t, out=t2)
        t2 /= denom_g
        t1 += t2
        np.divide(v, denom_v, out=t2)
        np.sqrt(t2, out=t2)
        t2 += eps
        t1 *= lr
        t1 /= t2
        variable.data -= t1

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


class _Untracked:
    """A state array kept out of `optimizer.variables` (tf.keras 2)."""

    def __init__(self, data):
        self.data = data
