"""Where the time of one training step goes (for work on kara's hot path).

    python bench/profile_step.py                 # the step, part by part
    python bench/profile_step.py --cprofile      # + cProfile of an epoch
    py-spy record -o step.svg -- python bench/profile_step.py --epochs 3

The breakdown times each part of `train_step` alone, in CPU time of this
thread (steadier than wall time on a shared machine), best of 7:

- on a tiny model (the seed 002 structure with 2x2 inputs and 4 hidden
  units) the arithmetic is negligible, so the numbers are kara's own
  Python cost per step: forward, loss, backward, optimizer, metrics;
- on the real seed 002 model at `--batch-size`, next to the matrix
  products alone (the floor).

What the profiles found, and what was done, is in `bench/PROFILE.md`.
"""

import argparse
import cProfile
import pstats
import sys
import time
import timeit

import numpy as np

import kara
from kara.trainers import fused_step


def build(input_shape, hidden):
    model = kara.Sequential(
        [
            kara.Input(shape=input_shape),
            kara.layers.Flatten(),
            kara.layers.Dense(hidden, activation="relu"),
            kara.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(
        optimizer="adam",
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def seconds(fn, number):
    """Best of 7 runs of `number` calls, per call, in thread CPU time."""
    runs = timeit.repeat(fn, number=number, repeat=7, timer=time.thread_time)
    return min(runs) / number


def breakdown(model, x, y, number):
    """Microseconds of each part of one training step of `model`.

    The parts (forward, loss, backward, ...) are the general path's; the
    fused step that `fit` runs calls the same kernels without the layers,
    Tensors and graph around them.
    """
    model.train_step((x, y))
    weights = model.trainable_weights

    def forward():
        return model(x, training=True)

    def forward_loss():
        return model.compute_loss(x, y, forward())

    def forward_loss_backward():
        loss = forward_loss()
        for w in weights:
            w.grad = None
        loss.backward()

    forward_loss_backward()
    grads = [w.grad for w in weights]
    y_pred = forward().data
    fused = fused_step.train_step_for(model)
    fused((x, y))  # makes the plan
    parts = {
        "fused step (what fit runs)": seconds(lambda: fused((x, y)), number),
        "train_step (general path)": seconds(
            lambda: model.train_step((x, y)), number
        ),
        "forward": seconds(forward, number),
        "forward + loss": seconds(forward_loss, number),
        "forward + loss + backward": seconds(forward_loss_backward, number),
        "optimizer.apply": seconds(
            lambda: model.optimizer.apply(grads, weights), number
        ),
        "metrics": seconds(lambda: model.compute_metrics(x, y, y_pred), number),
    }
    return {k: v * 1e6 for k, v in parts.items()}


def floor_us(model, x, number):
    """The step's matrix products alone (preallocated outputs), in us."""
    w1 = model.layers[1].kernel.data
    w2 = model.layers[2].kernel.data
    x2 = x.reshape(len(x), -1)
    h = np.empty((len(x), w1.shape[1]), "float32")
    z = np.empty((len(x), 10), "float32")
    g1, g2, gh = np.empty_like(w1), np.empty_like(w2), np.empty_like(h)

    def products():
        np.matmul(x2, w1, out=h)
        np.matmul(h, w2, out=z)
        np.matmul(h.T, z, out=g2)
        np.matmul(z, w2.T, out=gh)
        np.matmul(x2.T, gh, out=g1)

    return seconds(products, number) * 1e6


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--epochs", type=int, default=0, help="epochs to run")
    p.add_argument("--cprofile", action="store_true")
    args = p.parse_args(argv)
    rng = np.random.default_rng(0)
    bs = args.batch_size

    tiny = build((2, 2), 4)
    x = rng.random((32, 2, 2), dtype=np.float32)
    y = rng.integers(0, 10, 32)
    print("tiny model, batch 32: kara's own cost per step (us)")
    for name, us in breakdown(tiny, x, y, 2000).items():
        print(f"  {name:28s} {us:8.1f}")

    model = build((28, 28), 128)
    x = rng.random((bs, 28, 28), dtype=np.float32)
    y = rng.integers(0, 10, bs)
    number = max(10, 20000 // bs)
    print(f"seed 002 model, batch {bs} (us)")
    for name, us in breakdown(model, x, y, number).items():
        print(f"  {name:28s} {us:8.1f}")
    print(f"  {'matrix products alone':28s} {floor_us(model, x, number):8.1f}")

    if args.epochs or args.cprofile:
        data_x = rng.random((60000, 28, 28), dtype=np.float32)
        data_y = rng.integers(0, 10, 60000)
        profiler = cProfile.Profile() if args.cprofile else None
        if profiler:
            profiler.enable()
        for _ in range(max(args.epochs, 1)):
            t = time.perf_counter()
            model.fit(data_x, data_y, batch_size=bs, epochs=1, verbose=0)
            print(f"epoch: {time.perf_counter() - t:.3f} s", file=sys.stderr)
        if profiler:
            profiler.disable()
            pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
