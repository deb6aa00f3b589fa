"""Categorical vs sparse categorical cross-entropy (seed 003, a Korean note).

The note compares the two losses Keras offers for "one class out of
many" and their two arguments, `from_logits` and `reduction`:

- `CategoricalCrossentropy` takes one-hot labels (`[[0, 1, 0], ...]`),
  `SparseCategoricalCrossentropy` takes class ids (`[1, ...]`). On the
  same data they give the same numbers: sparse only saves building the
  one-hot matrix.
- `from_logits=False` (the default) means `y_pred` holds probabilities:
  they are clipped to [1e-7, 1 - 1e-7] and their log taken.
  `from_logits=True` means raw scores: a softmax comes first. Giving
  probabilities to a loss that expects logits runs, and is wrong.
- `reduction` says how the per-sample losses are combined. The default
  is `"sum_over_batch_size"` (the mean), not `"sum"` as the note says.

It ends with the note's hand-made version: one-hot, softmax, -log, sum.

Run it:

    python examples/sparse_vs_categorical.py
"""

import kara.tf as tf

Y_ONE_HOT = [[0, 1, 0], [0, 0, 1]]
Y_IDS = [1, 2]
Y_PRED = [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]

# The note's logits: three samples, ten classes.
LOGITS = [
    [-3.27133679, -22.6687183, -4.15501118, -5.14916372, -5.94609261,
     -6.93373299, -5.72364092, -9.75725174, -3.15748906, -4.84012318],
    [-11.7642536, -45.3370094, -3.17252636, 4.34527206, -17.7164974,
     -0.595088899, -17.6322937, -2.36941719, -6.82157373, -3.47369862],
    [-4.55468369, -1.07379043, -3.73261762, -7.08982277, -0.0288562477,
     -5.46847963, -0.979336262, -3.03667569, -3.29502845, -2.25880361],
]  # fmt: skip
LABELS = [2, 3, 4]


def section(title):
    print(f"\n== {title} ==")


def one_hot_vs_ids():
    section("the same loss from one-hot labels and from class ids")
    per_sample = tf.keras.losses.CategoricalCrossentropy(reduction="none")
    print("categorical, one-hot  ", per_sample(Y_ONE_HOT, Y_PRED).numpy())
    sparse = tf.keras.losses.sparse_categorical_crossentropy(Y_IDS, Y_PRED)
    print("sparse, class ids     ", sparse.numpy())
    cce = tf.keras.losses.CategoricalCrossentropy()
    print(f"mean (the default)     {cce(Y_ONE_HOT, Y_PRED).numpy():.4f}")


def the_mix_up():
    section("labels of the wrong kind: a clear error, before any number")
    wrong = [
        (tf.keras.losses.CategoricalCrossentropy(), Y_IDS),
        (tf.keras.losses.SparseCategoricalCrossentropy(), Y_ONE_HOT),
    ]
    for loss, labels in wrong:
        try:
            loss(labels, Y_PRED)
        except ValueError as error:
            print(f"{type(loss).__name__}({labels}):\n  {error}")


def from_logits():
    section("from_logits: probabilities or raw scores?")
    # from_logits=False: clip the probabilities, take the log (this is
    # what the loss does first), then pick the true class's -log.
    eps = 1e-7
    log_p = tf.math.log(tf.clip_by_value(Y_PRED, eps, 1 - eps))
    print("log of clipped y_pred ", log_p.numpy()[0], "...")
    by_hand = -tf.reduce_sum(tf.one_hot(Y_IDS, 3) * log_p, axis=-1)
    print("-log p[true], by hand ", by_hand.numpy())
    for flag in (False, True):
        loss = tf.keras.losses.sparse_categorical_crossentropy(
            Y_IDS, Y_PRED, from_logits=flag
        )
        print(f"from_logits={flag!s:<5}      ", loss.numpy())
    print(
        "from_logits=True treats the probabilities as scores and applies a "
        "softmax to them again:\nthe numbers are wrong, and kara cannot "
        "tell. Match the flag to the model's last layer."
    )


def reductions():
    section("reduction: how the per-sample losses are combined")
    for reduction in (
        tf.keras.losses.Reduction.SUM_OVER_BATCH_SIZE,
        tf.keras.losses.Reduction.SUM,
        tf.keras.losses.Reduction.NONE,
    ):
        loss = tf.keras.losses.CategoricalCrossentropy(reduction=reduction)
        print(f"{reduction!r:<22}", loss(Y_ONE_HOT, Y_PRED).numpy())
    print("(the default is 'sum_over_batch_size', the mean over the batch)")


def logits_by_hand():
    section("sparse from logits, built in and by hand")
    logits = tf.constant(LOGITS)
    labels = tf.constant(LABELS)
    loss_object = tf.keras.losses.SparseCategoricalCrossentropy(
        from_logits=True, reduction="none"
    )
    loss = loss_object(labels, logits)
    print("built in  ", loss.numpy(), " sum", tf.math.reduce_sum(loss).numpy())
    one_hot_labels = tf.one_hot(labels, 10)
    preds = tf.nn.softmax(logits)  # scores -> probabilities
    preds /= tf.math.reduce_sum(preds, axis=-1, keepdims=True)  # sums are 1
    loss = tf.math.reduce_sum(
        tf.math.multiply(one_hot_labels, -tf.math.log(preds)), axis=-1
    )
    print("by hand   ", loss.numpy(), " sum", tf.math.reduce_sum(loss).numpy())
    print("softmax of the first sample:", preds.numpy()[0].round(4))


def main():
    print("Seed 003: categorical vs sparse categorical cross-entropy")
    one_hot_vs_ids()
    the_mix_up()
    from_logits()
    reductions()
    logits_by_hand()


if __name__ == "__main__":
    main()
