"""Every loss is differentiable: float64 finite-difference gradient checks.

Inputs are drawn away from kinks (|error| = delta in Huber, margins of 0
in the hinges, ties in max) and, for probabilities, away from the clip
bounds, where the true derivative jumps. With logits, values reach 8.
"""

import numpy as np
import pytest

import kara
from kara import config
from kara import losses
from kara import ops
from kara.losses import _fused
from kara.testing import check_grad

N, C = 4, 3


def _probs(rng, shape=(N, C)):
    return rng.uniform(0.05, 0.95, shape)


def _simplex(rng, shape=(N, C), axis=-1):
    p = rng.uniform(0.1, 1.0, shape)
    return p / p.sum(axis=axis, keepdims=True)


def _away(rng, shape, low=0.2, high=2.0):
    return rng.uniform(low, high, shape) * rng.choice([-1.0, 1.0], shape)


def _binary(rng, shape=(N, C)):
    return (rng.uniform(size=shape) > 0.5).astype("float64")


def _onehot(rng, n=N, c=C):
    return np.eye(c)[rng.integers(0, c, n)]


def _check_pred(fn, y_true, y_pred, **kwargs):
    """Checks d fn(y_true, y_pred) / d y_pred (labels held constant)."""
    return check_grad(lambda p: fn(y_true, p, **kwargs), y_pred)


# -------------------------------------------------- per-sample functions
def test_mean_squared_error(rng):
    _check_pred(
        losses.mean_squared_error,
        rng.normal(size=(N, C)),
        rng.normal(size=(N, C)),
    )


def test_mean_absolute_error(rng):
    t = rng.normal(size=(N, C))
    _check_pred(losses.mean_absolute_error, t, t + _away(rng, (N, C)))


def test_mean_absolute_percentage_error(rng):
    t = _away(rng, (N, C), 0.5, 3.0)
    _check_pred(
        losses.mean_absolute_percentage_error, t, t + _away(rng, (N, C))
    )


def test_mean_squared_logarithmic_error(rng):
    _check_pred(
        losses.mean_squared_logarithmic_error,
        rng.uniform(0, 3, (N, C)),
        rng.uniform(0.1, 3, (N, C)),
    )


@pytest.mark.parametrize("delta", [0.5, 1.0, 2.0])
def test_huber(delta, rng):
    t = rng.normal(size=(N, C))
    err = rng.uniform(0.05, 3.0, (N, C)) * rng.choice([-1, 1], (N, C))
    err[np.abs(np.abs(err) - delta) < 0.1] += 0.3  # off the kink
    _check_pred(losses.huber, t, t + err, delta=delta)


def test_log_cosh_including_large_errors(rng):
    t = rng.normal(size=(N, C))
    p = t + rng.normal(scale=20.0, size=(N, C))
    _check_pred(losses.log_cosh, t, p)


@pytest.mark.parametrize("axis", [-1, 0])
def test_cosine_similarity(axis, rng):
    _check_pred(
        losses.cosine_similarity,
        rng.normal(size=(N, C)),
        rng.normal(size=(N, C)),
        axis=axis,
    )


def test_cosine_similarity_wrt_both(rng):
    check_grad(
        losses.cosine_similarity,
        rng.normal(size=(N, C)),
        rng.normal(size=(N, C)),
    )


def test_hinge_and_squared_hinge(rng):
    t = rng.choice([-1.0, 1.0], (N, C))
    # margins 1 - t * p away from 0
    p = t * (1.0 + _away(rng, (N, C), 0.2, 1.5))
    _check_pred(losses.hinge, t, p)
    _check_pred(losses.squared_hinge, t, p)
    _check_pred(losses.hinge, (t + 1) / 2, p)  # 0/1 labels are converted


def test_categorical_hinge(rng):
    t = _onehot(rng)
    p = rng.permuted(np.tile([0.1, 0.9, 1.7], (N, 1)), axis=1)
    p += rng.uniform(-0.05, 0.05, p.shape)
    _check_pred(losses.categorical_hinge, t, p)


def test_kl_divergence(rng):
    check_grad(losses.kl_divergence, _simplex(rng), _simplex(rng))


def test_poisson(rng):
    _check_pred(
        losses.poisson, rng.uniform(0, 5, (N, C)), rng.uniform(0.1, 5, (N, C))
    )


# ------------------------------------------------------- cross-entropy
@pytest.mark.parametrize("label_smoothing", [0.0, 0.2])
@pytest.mark.parametrize("axis", [-1, 0])
def test_binary_crossentropy_probabilities(label_smoothing, axis, rng):
    check_grad(
        lambda t, p: losses.binary_crossentropy(
            t, p, label_smoothing=label_smoothing, axis=axis
        ),
        rng.uniform(0, 1, (N, C)),  # soft labels: also differentiated
        _probs(rng),
    )


@pytest.mark.parametrize("profile", ["keras3", "keras2"])
def test_binary_crossentropy_profiles(profile, rng):
    with config.using_profile(profile):
        _check_pred(losses.binary_crossentropy, _binary(rng), _probs(rng))


def test_binary_crossentropy_logits(rng):
    logits = rng.normal(scale=3.0, size=(N, C))
    check_grad(
        lambda t, p: losses.binary_crossentropy(t, p, from_logits=True),
        rng.uniform(0, 1, (N, C)),
        logits,
    )


@pytest.mark.parametrize("from_logits", [False, True])
@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"gamma": 0.0},
        {"gamma": 3.5},
        {"apply_class_balancing": True, "alpha": 0.4},
        {"label_smoothing": 0.1},
    ],
)
def test_binary_focal_crossentropy(from_logits, kwargs, rng):
    y_pred = rng.normal(scale=3, size=(N, C)) if from_logits else _probs(rng)
    _check_pred(
        losses.binary_focal_crossentropy,
        _binary(rng),
        y_pred,
        from_logits=from_logits,
        **kwargs,
    )


@pytest.mark.parametrize("from_logits", [False, True])
@pytest.mark.parametrize("label_smoothing", [0.0, 0.3])
def test_categorical_crossentropy(from_logits, label_smoothing, rng):
    y_pred = rng.normal(scale=3, size=(N, C)) if from_logits else _probs(rng)
    check_grad(
        lambda t, p: losses.categorical_crossentropy(
            t, p, from_logits=from_logits, label_smoothing=label_smoothing
        ),
        _simplex(rng),  # soft targets: differentiated too
        y_pred,
    )


@pytest.mark.parametrize("from_logits", [False, True])
def test_categorical_crossentropy_channels_first(from_logits, rng):
    t = np.moveaxis(np.eye(3)[rng.integers(0, 3, (2, 4))], -1, 1)
    y_pred = (
        rng.normal(size=(2, 3, 4))
        if from_logits
        else _simplex(rng, (2, 3, 4), axis=1)
    )
    _check_pred(
        losses.categorical_crossentropy,
        t,
        y_pred,
        from_logits=from_logits,
        axis=1,
    )


@pytest.mark.parametrize("from_logits", [False, True])
@pytest.mark.parametrize(
    "kwargs",
    [{}, {"gamma": 0.0, "alpha": 1.0}, {"gamma": 3.0, "label_smoothing": 0.1}],
)
def test_categorical_focal_crossentropy(from_logits, kwargs, rng):
    y_pred = rng.normal(scale=2, size=(N, C)) if from_logits else _probs(rng)
    _check_pred(
        losses.categorical_focal_crossentropy,
        _onehot(rng),
        y_pred,
        from_logits=from_logits,
        **kwargs,
    )


@pytest.mark.parametrize("from_logits", [False, True])
@pytest.mark.parametrize("ignore_class", [None, -1])
def test_sparse_categorical_crossentropy(from_logits, ignore_class, rng):
    labels = rng.integers(0, C, N)
    if ignore_class is not None:
        labels[1] = ignore_class
    y_pred = rng.normal(scale=3, size=(N, C)) if from_logits else _probs(rng)
    _check_pred(
        losses.sparse_categorical_crossentropy,
        labels,
        y_pred,
        from_logits=from_logits,
        ignore_class=ignore_class,
    )


@pytest.mark.parametrize("from_logits", [False, True])
def test_sparse_categorical_crossentropy_sequences(from_logits, rng):
    labels = rng.integers(0, 5, (2, 3))
    y_pred = (
        rng.normal(size=(2, 3, 5)) if from_logits else _probs(rng, (2, 3, 5))
    )
    _check_pred(
        losses.sparse_categorical_crossentropy,
        labels,
        y_pred,
        from_logits=from_logits,
    )


def test_sparse_categorical_crossentropy_axis_1(rng):
    labels = rng.integers(0, 3, (2, 4))
    _check_pred(
        losses.sparse_categorical_crossentropy,
        labels,
        rng.normal(size=(2, 3, 4)),
        from_logits=True,
        axis=1,
    )


@pytest.mark.parametrize("q", [0.2, 0.5, 0.9])
def test_categorical_generalized_cross_entropy(q, rng):
    _check_pred(
        losses.categorical_generalized_cross_entropy,
        rng.integers(0, C, N),
        _simplex(rng),
        q=q,
    )


@pytest.mark.parametrize("axis", [None, -1, (1, 2)])
def test_dice_and_tversky(axis, rng):
    t = _binary(rng, (2, 3, 4))
    p = rng.uniform(0.05, 0.95, (2, 3, 4))
    check_grad(lambda a, b: losses.dice(a, b, axis=axis), t, p)
    check_grad(
        lambda a, b: losses.tversky(a, b, alpha=0.3, beta=0.7, axis=axis),
        t,
        p,
    )


@pytest.mark.parametrize("remove_diagonal", [True, False])
def test_circle(remove_diagonal, rng):
    emb = rng.normal(size=(6, 4))
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    labels = np.array([0, 1, 0, 2, 1, 0])
    _check_pred(
        losses.circle, labels, emb, gamma=10.0, remove_diagonal=remove_diagonal
    )


def test_ctc(rng):
    labels = np.array([[1, 2, 2, 0], [3, 1, 0, 0]])
    check_grad(lambda p: losses.ctc(labels, p), rng.normal(size=(2, 6, 5)))


# ----------------------------------------------------------- the classes
CLASS_CASES = [
    (losses.MeanSquaredError, {}, "reg"),
    (losses.BinaryCrossentropy, {"from_logits": True}, "logit"),
    (losses.BinaryCrossentropy, {}, "prob"),
    (losses.CategoricalCrossentropy, {}, "prob"),
    (losses.CategoricalCrossentropy, {"from_logits": True}, "logit"),
    (losses.SparseCategoricalCrossentropy, {}, "sparse"),
    (losses.SparseCategoricalCrossentropy, {"from_logits": True}, "sparse"),
]


@pytest.mark.parametrize("cls,kwargs,kind", CLASS_CASES)
@pytest.mark.parametrize(
    "reduction",
    ["sum_over_batch_size", "sum", "none", "mean_with_sample_weight"],
)
def test_loss_classes_with_weights(cls, kwargs, kind, reduction, rng):
    y_true = {
        "reg": rng.normal(size=(N, C)),
        "logit": _binary(rng),
        "prob": _onehot(rng)
        if cls is losses.CategoricalCrossentropy
        else _binary(rng),
        "sparse": rng.integers(0, C, N),
    }[kind]
    y_pred = (
        rng.normal(size=(N, C)) if kind in ("reg", "logit") else (_probs(rng))
    )
    if kind == "sparse" and kwargs.get("from_logits"):
        y_pred = rng.normal(scale=3, size=(N, C))
    loss = cls(reduction=reduction, dtype="float64", **kwargs)
    sw = rng.uniform(0.5, 2.0, (N, 1))
    check_grad(lambda p: loss(y_true, p, sample_weight=sw), y_pred)


def test_gradient_through_gradient_tape():
    w = kara.Variable(np.array([[0.5, -0.25], [0.1, 0.3]], "float32"))
    x = np.array([[1.0, 2.0], [3.0, -1.0]], "float32")
    with kara.GradientTape() as tape:
        logits = ops.matmul(x, w)
        loss = losses.SparseCategoricalCrossentropy(from_logits=True)(
            [0, 1], logits
        )
    (g,) = tape.gradient(loss, [w])
    assert g.dtype == np.float32 and g.shape == (2, 2)
    # d/dlogits = (softmax - onehot) / N; d/dw = x^T @ that
    z = x @ w.numpy()
    s = np.exp(z - z.max(1, keepdims=True))
    s /= s.sum(1, keepdims=True)
    expected = x.T @ ((s - np.eye(2)) / 2)
    np.testing.assert_allclose(np.asarray(g), expected, rtol=1e-5, atol=1e-7)


# ------------------------------------------------- fused vs composed ops
def _composed_cce(t, p, eps, axis):
    q = p / ops.sum(p, axis=axis, keepdims=True)
    return -ops.sum(t * ops.log(ops.clip(q, eps, 1 - eps)), axis=axis)


def _composed_bce(t, p, eps, log_eps):
    c = ops.clip(p, eps, 1 - eps)
    return -(t * ops.log(c + log_eps) + (1 - t) * ops.log(1 - c + log_eps))


def _composed_scce(labels, p, eps):
    c = ops.clip(p, eps, 1 - eps)
    return ops.sparse_softmax_cross_entropy_with_logits(labels, ops.log(c))


def _values_and_grads(fn, *arrays):
    ts = [kara.Tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays]
    out = fn(*ts)
    gy = np.linspace(0.5, 1.5, out.size).reshape(out.shape)
    out.backward(gy.astype(out.dtype))
    return out.numpy(), [t.grad for t in ts if t.requires_grad]


# probabilities with exact 0 and 1: the clipped entries get no gradient
P_EDGE = np.array(
    [[0.0, 1.0, 0.0], [0.2, 0.3, 0.5], [1e-9, 0.5, 0.5], [0.3, 0.3, 0.9]],
    "float32",
)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_fused_categorical_matches_composed(dtype):
    t = np.eye(3, dtype=dtype)[[0, 1, 2, 2]]
    p = P_EDGE.astype(dtype)
    eps = 1e-7
    fused = _fused.ClippedCategoricalCrossentropy(eps, 1)
    got, g1 = _values_and_grads(fused, t, p)
    want, g2 = _values_and_grads(lambda a, b: _composed_cce(a, b, eps, 1), t, p)
    np.testing.assert_allclose(got, want, rtol=1e-6)
    for a, b in zip(g1, g2):
        assert a.dtype == np.dtype(dtype)
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("log_eps", [False, True])
def test_fused_binary_matches_composed(log_eps):
    t = np.array([[1, 0, 1], [0, 1, 0.3], [1, 1, 0], [0, 0, 1]], "float32")
    eps = 1e-7
    fused = _fused.ClippedBinaryCrossentropy(eps, log_eps)
    got, g1 = _values_and_grads(fused, t, P_EDGE)
    want, g2 = _values_and_grads(
        lambda a, b: _composed_bce(a, b, eps, eps if log_eps else 0.0),
        t,
        P_EDGE,
    )
    np.testing.assert_allclose(got, want, rtol=1e-6)
    for a, b in zip(g1, g2):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)


def test_fused_sparse_matches_composed():
    labels = np.array([0, 1, 2, 2])
    eps = 1e-7
    fused = _fused.ClippedSparseCrossentropy(eps, labels)
    got, g1 = _values_and_grads(fused, P_EDGE)
    want, g2 = _values_and_grads(
        lambda p: _composed_scce(labels, p, eps), P_EDGE
    )
    np.testing.assert_allclose(got, want, rtol=1e-6)
    np.testing.assert_allclose(g1[0], g2[0], rtol=1e-5, atol=1e-6)
    assert g1[0][0, 1] == 0 and g1[0][0, 0] == 0  # clipped: no gradient


@pytest.mark.parametrize("from_logits", [False, True])
def test_sparse_predictions_of_any_memory_layout(from_logits, rng):
    # a transposed (non-contiguous) y_pred must get the right gradient
    labels = rng.integers(0, 3, 4)
    y_pred = rng.normal(size=(3, 4)) if from_logits else _probs(rng, (3, 4))
    check_grad(
        lambda a: losses.sparse_categorical_crossentropy(
            labels, ops.transpose(a), from_logits=from_logits
        ),
        y_pred,
    )


def test_training_a_logistic_regression_lowers_the_loss(rng):
    x = rng.normal(size=(64, 2)).astype("float32")
    y = (x[:, :1] + x[:, 1:] > 0).astype("float32")
    w = kara.Variable(np.zeros((2, 1), "float32"))
    b = kara.Variable(np.zeros(1, "float32"))
    loss_fn = losses.BinaryCrossentropy(from_logits=True)
    history = []
    for _ in range(30):
        with kara.GradientTape() as tape:
            loss = loss_fn(y, ops.matmul(x, w) + b)
        gw, gb = tape.gradient(loss, [w, b])
        w.assign_sub(1.0 * np.asarray(gw))
        b.assign_sub(1.0 * np.asarray(gb))
        history.append(float(loss))
    np.testing.assert_allclose(history[0], np.log(2), rtol=1e-6)
    assert history[-1] < 0.35 * history[0]
    assert all(b <= a + 1e-6 for a, b in zip(history, history[1:]))
