"""Binary cross-entropy by hand and built in (seed 001, a Japanese article).

The article computes binary cross-entropy twice, once with a NumPy
formula and once with `tf.keras.losses.BinaryCrossentropy`, and finds the
same number, 5.1416. This script redoes both with kara and shows why the
number depends on the Keras version:

    loss = -mean(y log(p) + (1 - y) log(1 - p)),  p clipped to [eps, 1 - eps]

with eps = 1e-7. One prediction out of three is completely wrong (p = 0
for y = 1), so the loss is dominated by -log(eps) / 3:

- tf.keras 2 (the article's TensorFlow) also adds eps inside the logs:
  -log(eps + eps) / 3 = 5.1416, as the article's NumPy formula does;
- Keras 3 does not: -log(eps) / 3 = 5.3727.

kara gives either, by profile: `kara.config.set_profile("keras2")` or
`KARA_PROFILE=keras2`.

Run it:

    python examples/binary_crossentropy_by_hand.py
"""

import numpy as np

import kara
import kara.tf as tf


def BinaryCrossEntropy(y_true, y_pred):
    """The article's NumPy formula (clip, then eps inside the logs)."""
    y_pred = np.clip(y_pred, 1e-7, 1 - 1e-7)
    term_0 = y_true * np.log(y_pred + 1e-7)
    term_1 = (1 - y_true) * np.log(1 - y_pred + 1e-7)
    return -np.mean(term_0 + term_1, axis=0)


def binary_cross_entropy_tf(y_true, y_pred):
    """The same formula with `kara.tf` operations (differentiable)."""
    y_pred = tf.clip_by_value(tf.cast(y_pred, tf.float32), 1e-7, 1 - 1e-7)
    y_true = tf.cast(y_true, tf.float32)
    term_0 = y_true * tf.math.log(y_pred + 1e-7)
    term_1 = (1 - y_true) * tf.math.log(1 - y_pred + 1e-7)
    return -tf.reduce_mean(term_0 + term_1)


def main():
    # The article feeds its two versions different labels, each with one
    # of three predictions completely wrong: the loss is the same.
    cases = {
        "NumPy part": (np.array([1, 0, 1]), np.array([0, 0, 1])),
        "TensorFlow part": (
            np.array([1.0, 1.0, 1.0]),
            np.array([1.0, 1.0, 0.0]),
        ),
    }
    print("Seed 001: binary cross-entropy, one of three predictions wrong\n")
    for label, (y_true, y_pred) in cases.items():
        y_true, y_pred = y_true.reshape(-1, 1), y_pred.reshape(-1, 1)
        print(f"{label}: y_true {y_true.ravel()}, y_pred {y_pred.ravel()}")
        numpy_value = BinaryCrossEntropy(y_true, y_pred)
        by_hand = binary_cross_entropy_tf(y_true, y_pred).numpy()
        print(f"  {'NumPy formula':<31} {numpy_value}")
        print(f"  {'kara.tf formula':<31} {by_hand:.7f}")
        for profile in ("keras2", "keras3"):
            with kara.config.using_profile(profile):
                bce = tf.keras.losses.BinaryCrossentropy(
                    from_logits=False,
                    reduction=tf.keras.losses.Reduction.SUM_OVER_BATCH_SIZE,
                )
                loss = bce(y_true, y_pred).numpy()
            print(f"  {f'BinaryCrossentropy ({profile})':<31} {loss:.7f}")
    eps = 1e-7
    print(
        f"\n-log(2 eps) / 3 = {-np.log(2 * eps) / 3:.7f} (tf.keras 2, the "
        f"article)\n-log(eps) / 3   = {-np.log(eps) / 3:.7f} (Keras 3)"
    )


if __name__ == "__main__":
    main()
