"""`Adafactor`: Adam-like steps with a factored second moment."""

import numpy as np

from kara.optimizers._helpers import squared_norm
from kara.optimizers.optimizer import Optimizer


class Adafactor(Optimizer):
    """The Adafactor optimizer (Shazeer & Stern, 2018).

    For a variable of rank >= 2, the second moment of the last two axes is
    stored as a row vector `r` and a column vector `c` (memory O(n + m)
    instead of O(n * m)).

    Formula (t from 1):
        lr_t = min(lr, 1 / sqrt(t))    (relative_step; lr is not a schedule)
        rho_t = min(lr_t, 1 / sqrt(t))
        alpha_t = max(epsilon_2, rms(w)) * rho_t
        s = g**2 + epsilon_1;  beta_2_t = 1 - t**beta_2_decay
        rank >= 2: r = beta_2_t r + (1 - beta_2_t) mean(s, axis=-1)
                   c = beta_2_t c + (1 - beta_2_t) mean(s, axis=-2)
                   v = (r / mean(r, axis=-1))[..., None] * c[..., None, :]
        otherwise: v = beta_2_t v + (1 - beta_2_t) s
        u = g / sqrt(v);  u_hat = u / max(1, rms(u) / clip_threshold)
        w -= alpha_t * u_hat

    Args:
        learning_rate: a float, a schedule or a callable (default 0.001).
        beta_2_decay: the decay exponent of the second moment (-0.8).
        epsilon_1: added to the squared gradients (1e-30).
        epsilon_2: the minimum of the relative scale (1e-3).
        clip_threshold: the update-clipping threshold (1.0).
        relative_step: whether to cap the learning rate by `1/sqrt(t)`.
        **kwargs: the base arguments (see `Optimizer`).

    Example:
    >>> import numpy as np, kara
    >>> w = kara.Variable([[1.0, 2.0], [3.0, 4.0]])
    >>> g = np.array([[1.0, 6.0], [7.0, 2.0]], "float32")
    >>> Adafactor(learning_rate=0.5).apply([g], [w])
    >>> np.round(w.numpy(), 4)
    array([[ 0.7007, -0.0081],
           [ 1.2492,  3.4407]], dtype=float32)
    """

    _n_scratch = 1

    def __init__(
        self,
        learning_rate=0.001,
        beta_2_decay=-0.8,
        epsilon_1=1e-30,
        epsilon_2=1e-3,
        clip_threshold=1.0,
        relative_step=True,
        **kwargs,
    ):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_2_decay = beta_2_decay
        self.epsilon_1 = epsilon_1
        self.epsilon_2 = epsilon_2
        self.clip_threshold = clip_threshold
        self.relative_step = relative_step

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._r, self._c, self._v = [], [], []
        track = self._rules.track_adafactor_placeholders
        for var in var_list:
            shape = tuple(var.shape)
            if len(shape) < 2:
                # unfactored: Keras 3 still lists two scalar placeholders
                for slots in (self._r, self._c):
                    slots.append(
                        self.add_variable((), dtype="int32", name=var.name)
                        if track
                        else None
                    )
            else:
                self._r.append(
                    self.add_variable(
                        shape[:-1], dtype=var.dtype, name=var.name
                    )
                )
                self._c.append(
                    self.add_variable(
                        shape[:-2] + shape[-1:], dtype=var.dtype, name=var.name
                    )
                )
            self._v.append(self.add_variable_from_reference(var, "velocity"))

    def _compute_constants(self, f, learning_rate, step):
        lr, t, one = f(learning_rate), f(step), f(1)
        inv_sqrt_t = one / np.sqrt(t)
        if self.relative_step and not callable(self._learning_rate):
            lr = min(lr, inv_sqrt_t)
        rho_t = min(lr, inv_sqrt_t)
        beta_2_t = one - t ** f(self.beta_2_decay)
        return (
            rho_t,
            f(self.epsilon_1),
            f(self.epsilon_2),
            beta_2_t,
            one - beta_2_t,
            f(self.clip_threshold),
        )

    def update_step(self, gradient, variable, learning_rate):
        rho_t, eps_1, eps_2, beta_2_t, one_minus, clip = self._constants(
            variable.dtype
        )
        f = variable.dtype.type
        i = self._get_variable_index(variable)
        (tmp,) = self._scratch_views[i]
        w = variable.data
        v = self._v[i].data
        alpha_t = max(eps_2, _rms(w)) * rho_t
        np.multiply(gradient, gradient, out=tmp)
        tmp += eps_1
        if w.ndim >= 2:
            r, c = self._r[i].data, self._c[i].data
            r *= beta_2_t
            r += one_minus * np.mean(tmp, axis=-1)
            c *= beta_2_t
            c += one_minus * np.mean(tmp, axis=-2)
            row = r / np.mean(r, axis=-1, keepdims=True)
            np.multiply(row[..., None], c[..., None, :], out=v)
        else:
            v *= beta_2_t
            tmp *= one_minus
            v += tmp
        np.sqrt(v, out=tmp)
        np.divide(gradient, tmp, out=tmp)  # u = g / sqrt(v)
        tmp /= max(f(1), _rms(tmp) / clip)
        tmp *= alpha_t
        w -= tmp

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "beta_2_decay": self.beta_2_decay,
                "epsilon_1": self.epsilon_1,
                "epsilon_2": self.epsilon_2,
                "clip_threshold": self.clip_threshold,
                "relative_step": self.relative_step,
            }
        )
        return config


def _rms(x):
    """sqrt(mean(x**2)) in the dtype of x."""
    return np.sqrt(squared_norm(x) / x.dtype.type(max(x.size, 1)))
