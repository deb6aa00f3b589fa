"""`AdamW`: Adam with decoupled weight decay."""

from kara.optimizers.adam import Adam


class AdamW(Adam):
    """Adam with decoupled weight decay (on by default).

    Formula:
        w -= w * weight_decay * lr      (before the Adam step)
        then the `Adam` update.

    Args:
        learning_rate: a float, a schedule or a callable (default 0.001).
        weight_decay: the decay rate (0.004); must not be None.
        beta_1, beta_2, epsilon, amsgrad: as in `Adam`.
        **kwargs: the base arguments (see `Optimizer`).

    Example:
    >>> import numpy as np, kara
    >>> w = kara.Variable([1.0, 2.0, 3.0, 4.0])
    >>> g = np.array([1.0, 6.0, 7.0, 2.0], "float32")
    >>> AdamW(learning_rate=0.5).apply([g], [w])
    >>> np.round(w.numpy(), 3)
    array([0.498, 1.496, 2.494, 3.492], dtype=float32)
    """

    def __init__(
        self,
        learning_rate=0.001,
        weight_decay=0.004,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
        amsgrad=False,
        **kwargs,
    ):
        if weight_decay is None:
            raise ValueError(
                "Argument `weight_decay` must be a float. Received: "
                "weight_decay=None (use Adam for no weight decay)."
            )
        super().__init__(
            learning_rate=learning_rate,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            amsgrad=amsgrad,
            weight_decay=weight_decay,
            **kwargs,
        )
