"""Each update rule against a plain float64 NumPy re-derivation.

The references below restate the formulas of each optimizer's docstring,
independently of kara's in-place float32 code, over 6 steps on a (3, 4)
weight (Adafactor also on a (4,) weight, unfactored).
"""

import numpy as np
import pytest

import kara
from kara import optimizers as O

STEPS = 6


def _sgd(w, gs, lr=0.05, mom=0.9, nesterov=True):
    m = np.zeros_like(w)
    for g in gs:
        m = mom * m - lr * g
        w = w + (mom * m - lr * g if nesterov else m)
        yield w


def _rmsprop(w, gs, lr=0.01, rho=0.9, mom=0.5, eps=1e-7, centered=True):
    v, a, mm = np.zeros_like(w), np.zeros_like(w), np.zeros_like(w)
    for g in gs:
        v = rho * v + (1 - rho) * g * g
        a = rho * a + (1 - rho) * g
        d = v - a * a + eps if centered else v + eps
        mm = mom * mm + lr * g / np.sqrt(d)
        w = w - mm
        yield w


def _adagrad(w, gs, lr=0.1, init=0.1, eps=1e-7):
    acc = np.full_like(w, init)
    for g in gs:
        acc = acc + g * g
        w = w - lr * g / np.sqrt(acc + eps)
        yield w


def _adadelta(w, gs, lr=1.0, rho=0.95, eps=1e-7):
    eg, ed = np.zeros_like(w), np.zeros_like(w)
    for g in gs:
        eg = rho * eg + (1 - rho) * g * g
        delta = -np.sqrt(ed + eps) * g / np.sqrt(eg + eps)
        ed = rho * ed + (1 - rho) * delta * delta
        w = w + lr * delta
        yield w


def _adam(w, gs, lr=0.01, b1=0.9, b2=0.999, eps=1e-7, amsgrad=True, wd=0.0):
    m, v, vh = np.zeros_like(w), np.zeros_like(w), np.zeros_like(w)
    for t, g in enumerate(gs, start=1):
        w = w - w * wd * lr
        m = m + (g - m) * (1 - b1)
        v = v + (g * g - v) * (1 - b2)
        vh = np.maximum(vh, v) if amsgrad else v
        alpha = lr * np.sqrt(1 - b2**t) / (1 - b1**t)
        w = w - alpha * m / (np.sqrt(vh) + eps)
        yield w


def _adamax(w, gs, lr=0.01, b1=0.9, b2=0.999, eps=1e-7):
    m, u = np.zeros_like(w), np.zeros_like(w)
    for t, g in enumerate(gs, start=1):
        m = m + (g - m) * (1 - b1)
        u = np.maximum(b2 * u, np.abs(g))
        w = w - lr * m / ((1 - b1**t) * (u + eps))
        yield w


def _nadam(w, gs, lr=0.01, b1=0.9, b2=0.999, eps=1e-7):
    m, v, u_prod = np.zeros_like(w), np.zeros_like(w), 1.0
    for t, g in enumerate(gs, start=1):
        u_t = b1 * (1 - 0.5 * 0.96**t)
        u_next = b1 * (1 - 0.5 * 0.96 ** (t + 1))
        u_prod = u_prod * u_t
        m = m + (g - m) * (1 - b1)
        v = v + (g * g - v) * (1 - b2)
        m_hat = u_next * m / (1 - u_prod * u_next) + (1 - u_t) * g / (
            1 - u_prod
        )
        v_hat = v / (1 - b2**t)
        w = w - lr * m_hat / (np.sqrt(v_hat) + eps)
        yield w


def _lion(w, gs, lr=0.01, b1=0.9, b2=0.99):
    m = np.zeros_like(w)
    for g in gs:
        w = w - lr * np.sign(b1 * m + (1 - b1) * g)
        m = b2 * m + (1 - b2) * g
        yield w


def _ftrl(
    w, gs, lr=0.1, p=-0.5, init=0.1, l1=0.01, l2=0.02, shrink=0.01, beta=0.1
):
    n, z = np.full_like(w, init), np.zeros_like(w)
    l2_ = l2 + beta / (2 * lr)
    for g in gs:
        g_ = g + 2 * shrink * w
        n_new = n + g * g
        z = z + g_ - (n_new ** (-p) - n ** (-p)) / lr * w
        w = (np.clip(z, -l1, l1) - z) / (n_new ** (-p) / lr + 2 * l2_)
        n = n_new
        yield w


def _adafactor(w, gs, lr=0.05, decay=-0.8, eps1=1e-30, eps2=1e-3, clip=1.0):
    r = np.zeros(w.shape[:-1])
    c = np.zeros(w.shape[:-2] + w.shape[-1:])
    v = np.zeros_like(w)
    rms = lambda x: np.sqrt(np.mean(x * x))  # noqa: E731
    for t, g in enumerate(gs, start=1):
        rho_t = min(lr, 1 / np.sqrt(t))
        alpha = max(eps2, rms(w)) * rho_t
        s = g * g + eps1
        b = 1 - t**decay
        if w.ndim >= 2:
            r = b * r + (1 - b) * s.mean(axis=-1)
            c = b * c + (1 - b) * s.mean(axis=-2)
            v = (r / r.mean(axis=-1, keepdims=True))[..., None] * c[
                ..., None, :
            ]
        else:
            v = b * v + (1 - b) * s
        u = g / np.sqrt(v)
        w = w - alpha * u / max(1.0, rms(u) / clip)
        yield w


def _lamb(w, gs, lr=0.01, b1=0.9, b2=0.999, eps=1e-7):
    m, v = np.zeros_like(w), np.zeros_like(w)
    for t, g in enumerate(gs, start=1):
        m = m + (g - m) * (1 - b1)
        v = v + (g * g - v) * (1 - b2)
        update = (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
        w_norm, u_norm = np.linalg.norm(w), np.linalg.norm(update)
        ratio = w_norm / u_norm if w_norm > 0 and u_norm > 0 else 1.0
        w = w - ratio * lr * update
        yield w


CASES = [
    (O.SGD(0.05, momentum=0.9, nesterov=True), _sgd),
    (O.RMSprop(0.01, momentum=0.5, centered=True), _rmsprop),
    (O.Adagrad(0.1), _adagrad),
    (O.Adadelta(1.0), _adadelta),
    (O.Adam(0.01, amsgrad=True), _adam),
    (
        O.AdamW(0.01, weight_decay=0.1, amsgrad=False),
        lambda w, gs: _adam(w, gs, amsgrad=False, wd=0.1),
    ),
    (O.Adamax(0.01), _adamax),
    (O.Nadam(0.01), _nadam),
    (O.Lion(0.01), _lion),
    (
        O.Ftrl(
            0.1,
            l1_regularization_strength=0.01,
            l2_regularization_strength=0.02,
            l2_shrinkage_regularization_strength=0.01,
            beta=0.1,
        ),
        _ftrl,
    ),
    (O.Adafactor(0.05), _adafactor),
    (O.Lamb(0.01), _lamb),
]


@pytest.mark.parametrize("shape", [(3, 4), (4,)])
@pytest.mark.parametrize(
    "opt,reference", CASES, ids=[type(o).__name__ for o, _ in CASES]
)
def test_against_float64_reference(opt, reference, shape):
    opt = type(opt).from_config(opt.get_config())  # fresh state per shape
    rng = np.random.default_rng(7)
    w0 = rng.uniform(-1, 1, shape).astype("float32")
    grads = rng.standard_normal((STEPS,) + shape).astype("float32")
    v = kara.Variable(w0)
    expected = reference(w0.astype(np.float64), grads.astype(np.float64))
    for g, w in zip(grads, expected):
        opt.apply([g], [v])
        # float32 arithmetic against float64: a few ulps per step
        np.testing.assert_allclose(v.numpy(), w, rtol=2e-5, atol=2e-6)


def test_sgd_without_momentum_has_no_slots():
    opt = O.SGD(0.1)
    opt.build([kara.Variable([1.0])])
    assert len(opt.variables) == 2


def test_ftrl_l1_makes_weights_exactly_zero():
    v = kara.Variable(np.zeros(3, "float32"))
    opt = O.Ftrl(0.1, l1_regularization_strength=10.0)
    opt.apply([np.array([0.5, -0.2, 3.0], "float32")], [v])
    np.testing.assert_array_equal(v.numpy(), [0.0, 0.0, 0.0])


def test_adafactor_factors_the_last_two_axes():
    v = kara.Variable(np.ones((2, 3, 4), "float32"))
    opt = O.Adafactor()
    opt.build([v])
    shapes = [tuple(s.shape) for s in opt.variables[2:]]
    assert shapes == [(2, 3), (2, 4), (2, 3, 4)]


def test_lamb_trust_ratio_is_one_for_zero_weights():
    v = kara.Variable(np.zeros(2, "float32"))
    O.Lamb(0.1).apply([np.array([1.0, -1.0], "float32")], [v])
    np.testing.assert_allclose(v.numpy(), [-0.1, 0.1], rtol=1e-5)


def test_lion_moves_every_weight_by_lr():
    v = kara.Variable(np.zeros(3, "float32"))
    O.Lion(0.01).apply([np.array([1e-6, -3.0, 0.0], "float32")], [v])
    np.testing.assert_allclose(v.numpy(), [-0.01, 0.01, 0.0])
