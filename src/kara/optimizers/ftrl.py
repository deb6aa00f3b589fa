"""`Ftrl`: Follow The Regularized Leader (McMahan et al., 2013)."""

import numpy as np

from kara.optimizers.optimizer import Optimizer


class Ftrl(Optimizer):
    """The FTRL-Proximal optimizer, with L1/L2 and shrinkage.

    Formula (p = learning_rate_power, n starts at initial_accumulator_value):
        l2' = l2 + beta / (2 * lr)
        g' = g + 2 * l2_shrinkage * w
        n' = n + g**2
        z += g' - (n'**(-p) - n**(-p)) / lr * w
        w = (clip(z, -l1, l1) - z) / (n'**(-p) / lr + 2 * l2')
        n = n'

    Args:
        learning_rate: a float, a schedule or a callable (default 0.001).
        learning_rate_power: <= 0 (-0.5).
        initial_accumulator_value: >= 0 (0.1).
        l1_regularization_strength: >= 0 (0.0).
        l2_regularization_strength: >= 0 (0.0).
        l2_shrinkage_regularization_strength: >= 0 (0.0), a magnitude
            penalty applied to the gradient.
        beta: the beta of the paper (0.0).
        **kwargs: the base arguments (see `Optimizer`).

    Example:
    >>> import numpy as np, kara
    >>> w = kara.Variable([1.0, 2.0, 3.0, 4.0])
    >>> g = np.array([1.0, 6.0, 7.0, 2.0], "float32")
    >>> Ftrl(learning_rate=0.5).apply([g], [w])
    >>> np.round(w.numpy(), 4)
    array([0.2218, 1.3954, 2.3651, 2.8814], dtype=float32)
    """

    _n_scratch = 3

    def __init__(
        self,
        learning_rate=0.001,
        learning_rate_power=-0.5,
        initial_accumulator_value=0.1,
        l1_regularization_strength=0.0,
        l2_regularization_strength=0.0,
        l2_shrinkage_regularization_strength=0.0,
        beta=0.0,
        **kwargs,
    ):
        super().__init__(learning_rate=learning_rate, **kwargs)
        for value, name, sign in (
            (initial_accumulator_value, "initial_accumulator_value", 1),
            (learning_rate_power, "learning_rate_power", -1),
            (l1_regularization_strength, "l1_regularization_strength", 1),
            (l2_regularization_strength, "l2_regularization_strength", 1),
            (
                l2_shrinkage_regularization_strength,
                "l2_shrinkage_regularization_strength",
                1,
            ),
        ):
            if value * sign < 0:
                word = "positive" if sign > 0 else "negative"
                raise ValueError(
                    f"`{name}` needs to be {word} or zero. Received: "
                    f"{name}={value}."
                )
        self.learning_rate_power = learning_rate_power
        self.initial_accumulator_value = initial_accumulator_value
        self.l1_regularization_strength = l1_regularization_strength
        self.l2_regularization_strength = l2_regularization_strength
        self.l2_shrinkage_regularization_strength = (
            l2_shrinkage_regularization_strength
        )
        self.beta = beta

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._accumulators, self._linears = self.add_optimizer_variables(
            var_list,
            ["accumulator", "linear"],
            initializer=[self.initial_accumulator_value, "zeros"],
        )

    def _compute_constants(self, f, learning_rate, step):
        lr = f(learning_rate)
        l2 = f(self.l2_regularization_strength) + f(self.beta) / (f(2) * lr)
        l1 = f(self.l1_regularization_strength)
        return (
            lr,
            f(-self.learning_rate_power),
            f(2 * self.l2_shrinkage_regularization_strength),
            f(2) * l2,
            -l1,
            l1,
        )

    def update_step(self, gradient, variable, learning_rate):
        lr, power, shrinkage, two_l2, low, high = self._constants(
            variable.dtype
        )
        i = self._get_variable_index(variable)
        new_n, t2, t3 = self._scratch_views[i]
        n = self._accumulators[i].data
        z = self._linears[i].data
        w = variable.data
        np.multiply(gradient, gradient, out=new_n)
        new_n += n  # n' = n + g**2
        np.power(new_n, power, out=t2)
        np.power(n, power, out=n)  # n is replaced by n' below
        np.subtract(t2, n, out=n)
        n /= lr
        n *= w
        if shrinkage:
            np.multiply(w, shrinkage, out=t3)
            t3 += gradient
        else:
            t3[...] = gradient
        t3 -= n
        z += t3
        t2 /= lr
        t2 += two_l2  # quadratic = n'**(-p) / lr + 2 * l2'
        np.clip(z, low, high, out=t3)
        t3 -= z
        np.divide(t3, t2, out=w)
        n[...] = new_n

    def get_config(self):
        shrinkage = self.l2_shrinkage_regularization_strength
        config = super().get_config()
        config.update(
            {
                "learning_rate_power": self.learning_rate_power,
                "initial_accumulator_value": self.initial_accumulator_value,
                "l1_regularization_strength": self.l1_regularization_strength,
                "l2_regularization_strength": self.l2_regularization_strength,
                "l2_shrinkage_regularization_strength": shrinkage,
                "beta": self.beta,
            }
        )
        return config
