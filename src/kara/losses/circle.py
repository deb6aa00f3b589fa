"""Circle loss (Sun et al., 2020) for metric learning on embeddings.

Each embedding is compared with every reference embedding (by default the
batch itself). Pairs with the same label should be close, pairs with
different labels far apart; each pair is weighted by how far it is from
its optimum, so hard pairs count most.
"""

import numpy as np

from kara import ops
from kara.losses.loss import as_input
from kara.losses.wrapper import LossFunctionWrapper
from kara.losses.wrapper import prepare

# Stands in for -inf in a masked log-sum-exp: exp(-1e30 - m) is exactly 0,
# and unlike -inf it never makes a 0 * inf = NaN gradient.
_MASKED = -1e30


def _labels(x, name):
    data = np.asarray(getattr(x, "data", x))
    if data.ndim == 2 and data.shape[-1] == 1:
        data = data[:, 0]
    return data.astype(np.int64).reshape(-1)


def circle(
    y_true,
    y_pred,
    ref_labels=None,
    ref_embeddings=None,
    remove_diagonal=True,
    gamma=80,
    margin=0.4,
):
    """Circle loss of each embedding against the reference embeddings.

    Formula:

    ```python
    d = maximum(1 - y_pred @ ref_embeddings.T, 0)     # cosine distances
    a_p = maximum(margin + d, 0)        # positive pairs (same label)
    a_n = maximum(1 + margin - d, 0)    # negative pairs
    p_loss = logsumexp(-gamma * a_p * (margin - d))       over positives
    n_loss = logsumexp(gamma * a_n * (1 - margin - d))    over negatives
    loss = softplus(p_loss + n_loss)
    ```

    Embeddings should be L2-normalised. Rows with no positive pair give 0
    and are masked out of the average (their Keras mask is False).

    Args:
        y_true: integer labels, shape `(N,)`.
        y_pred: embeddings, shape `(N, D)`.
        ref_labels: labels of the references (`y_true` by default).
        ref_embeddings: references, shape `(M, D)` (`y_pred` by default).
        remove_diagonal: ignore each embedding's pair with itself.
        gamma: the scale (80).
        margin: the relaxation margin (0.4).

    Returns:
        The per-sample losses, shape `(N,)`.
    """
    y_true, y_pred = prepare(y_true, y_pred, labels="keep")
    query = _labels(y_true, "y_true")
    keys = query if ref_labels is None else _labels(ref_labels, "ref_labels")
    if ref_embeddings is None:
        ref = y_pred
    else:
        ref = as_input(ref_embeddings, y_pred.data.dtype, "ref_embeddings")
    positive = query[:, None] == keys[None, :]
    negative = ~positive
    if remove_diagonal:
        positive &= ~np.eye(query.size, keys.size, dtype=bool)
    dist = ops.maximum(1.0 - ops.matmul(y_pred, ops.transpose(ref)), 0.0)
    pos_weights = ops.maximum((margin + dist) * positive, 0.0)
    neg_weights = ops.maximum((1.0 + margin - dist) * negative, 0.0)
    pos_terms = -gamma * pos_weights * (margin - dist)
    neg_terms = gamma * neg_weights * ((1.0 - margin) - dist)
    p_loss = ops.logsumexp(ops.where(positive, pos_terms, _MASKED), axis=1)
    n_loss = ops.logsumexp(ops.where(negative, neg_terms, _MASKED), axis=1)
    loss = ops.softplus(p_loss + n_loss)
    loss._keras_mask = loss.data > 0
    return loss


class Circle(LossFunctionWrapper):
    """Circle loss (see `circle`).

    Formula:

    ```python
    loss = softplus(logsumexp(positive terms) + logsumexp(negative terms))
    ```

    Args:
        gamma: the scale (80.0).
        margin: the relaxation margin (0.4).
        remove_diagonal: ignore each embedding's pair with itself.
        reduction, name, dtype: see `Loss`.
    """

    _integer_labels = True

    def __init__(
        self,
        gamma=80.0,
        margin=0.4,
        remove_diagonal=True,
        reduction="sum_over_batch_size",
        name="circle",
        dtype=None,
    ):
        super().__init__(
            circle,
            name=name,
            reduction=reduction,
            dtype=dtype,
            gamma=gamma,
            margin=margin,
            remove_diagonal=remove_diagonal,
        )
        self.gamma = gamma
        self.margin = margin
        self.remove_diagonal = remove_diagonal

    def get_config(self):
        return {
            "name": self.name,
            "reduction": self.reduction,
            "gamma": self.gamma,
            "margin": self.margin,
            "remove_diagonal": self.remove_diagonal,
        }
