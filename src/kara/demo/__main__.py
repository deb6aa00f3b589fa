"""`python -m kara.demo`: kara's main job, offline, in a few seconds.

Until the training API lands, the demo fits a logistic-regression model with
`kara.GradientTape` on a synthetic, linearly separable problem and prints
the falling loss and the final accuracy: every number printed is computed
right here.
"""

import time

import numpy as np

import kara
from kara import ops


def main():
    kara.random.set_random_seed(0) if hasattr(kara, "random") else None
    rng = np.random.default_rng(0)
    x = rng.normal(size=(512, 2)).astype("float32")
    y = (x[:, 0] + 2 * x[:, 1] > 0).astype("float32")[:, None]

    w = kara.Variable(np.zeros((2, 1), "float32"), name="kernel")
    b = kara.Variable(np.zeros((1,), "float32"), name="bias")
    print("kara", kara.__version__, "- logistic regression, 512 samples")
    start = time.perf_counter()
    for step in range(201):
        with kara.GradientTape() as tape:
            logits = ops.dense(x, w, b)
            loss = ops.mean(ops.sigmoid_cross_entropy_with_logits(y, logits))
        gw, gb = tape.gradient(loss, [w, b])
        w.assign_sub(0.5 * gw)
        b.assign_sub(0.5 * gb)
        if step % 50 == 0:
            print(f"step {step:3d}  loss {float(loss):.4f}")
    pred = ops.sigmoid(ops.dense(x, w, b)).numpy() > 0.5
    acc = float(np.mean(pred == (y > 0.5)))
    elapsed = time.perf_counter() - start
    print(f"accuracy {acc:.4f}  ({elapsed:.2f} s)")


if __name__ == "__main__":
    main()
