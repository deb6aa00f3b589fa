"""The benchmark workloads in PyTorch: an idiomatic, hand-written loop.

Run by `bench/run.py` with the PyTorch venv's python (this file never
imports kara, and kara never imports torch):

    /root/venvs/torch/bin/python bench/torch_bench.py SPEC.json

SPEC.json says which workloads to run and how often (see `run.py`); the
results are printed as one JSON object on the last line of stdout.

The loop is what a PyTorch user writes for in-memory data: a `randperm`
per epoch, `x[idx]` per batch, `zero_grad` / `backward` / `step`, and a
running loss and accuracy (what Keras's `fit` reports too). PyTorch keeps
its default thread settings.
"""

import json
import sys
import time

import numpy as np
import torch
import workloads as w
from torch import nn


def seed002(input_shape=(28, 28), dropout=False, hidden=(128,)):
    """Flatten, Linear(h) + ReLU ..., Linear(10) (softmax is in the loss)."""
    layers = [nn.Flatten()]
    width = int(np.prod(input_shape))
    for h in hidden:
        layers += [nn.Linear(width, h), nn.ReLU()]
        if dropout:
            layers.append(nn.Dropout(0.2))
        width = h
    layers.append(nn.Linear(width, 10))
    return nn.Sequential(*layers)


def train_epoch(model, opt, x, y, batch_size):
    """One epoch of the usual loop; returns (mean loss, accuracy)."""
    model.train()
    loss_fn = nn.CrossEntropyLoss()
    n = x.shape[0]
    perm = torch.randperm(n)
    total_loss, correct = 0.0, 0
    for start in range(0, n, batch_size):
        idx = perm[start : start + batch_size]
        xb, yb = x[idx], y[idx]
        opt.zero_grad()
        out = model(xb)
        loss = loss_fn(out, yb)
        loss.backward()
        opt.step()
        total_loss += loss.item() * len(idx)
        correct += (out.argmax(1) == yb).sum().item()
    return total_loss / n, correct / n


def synthetic(n, seed=0):
    """`workloads.synthetic`'s data, as tensors."""
    x, y = w.synthetic(n, seed)
    return torch.from_numpy(x), torch.from_numpy(y)


def fit_times(spec, x, y):
    out = {}
    for bs in spec["batch_sizes"]:
        torch.manual_seed(0)
        model = seed002()
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        train_epoch(model, opt, x[:4096], y[:4096], bs)  # warm-up
        out[str(bs)] = w.best_of(
            lambda: train_epoch(model, opt, x, y, bs), spec["repeats"]
        )
    return out


def deep_time(spec, x, y):
    bs = spec["deep_batch_size"]
    torch.manual_seed(0)
    model = seed002(dropout=True, hidden=(512, 512))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    train_epoch(model, opt, x[:4096], y[:4096], bs)
    return w.best_of(lambda: train_epoch(model, opt, x, y, bs), spec["repeats"])


def predict_times(spec, x):
    model = seed002()
    model.eval()
    out = {}
    for bs in spec["predict_batch_sizes"]:

        def run():
            with torch.inference_mode():
                outs = [
                    torch.softmax(model(x[i : i + bs]), 1)
                    for i in range(0, x.shape[0], bs)
                ]
                return torch.cat(outs).numpy()

        run()
        out[str(bs)] = w.best_of(run, spec["repeats"])
    return out


def evaluate_time(spec, x, y):
    """Seconds of the usual evaluation loop (mean loss and accuracy, no
    gradients) on all of `x`."""
    model = seed002()
    model.eval()
    loss_fn = nn.CrossEntropyLoss()
    bs = spec["evaluate_batch_size"]
    n = x.shape[0]

    def run():
        total_loss, correct = 0.0, 0
        with torch.inference_mode():
            for start in range(0, n, bs):
                xb, yb = x[start : start + bs], y[start : start + bs]
                out = model(xb)
                total_loss += loss_fn(out, yb).item() * len(yb)
                correct += (out.argmax(1) == yb).sum().item()
        return total_loss / n, correct / n

    run()
    return w.best_of(run, spec["repeats"])


def latency(spec):
    """Seconds per `model(x)` call on one sample (autograd on, as eager)."""
    model = seed002()
    x1 = torch.rand(1, 28, 28)
    calls = spec["latency_calls"]
    for _ in range(100):
        model(x1)

    def run():
        for _ in range(calls):
            model(x1)

    return w.best_of(run, spec["repeats"]) / calls


def step_overhead(spec):
    """Seconds of one step of the tiny model (2x2 inputs, 4 hidden units):
    PyTorch's own cost per step (thread CPU time, as for kara)."""
    torch.manual_seed(0)
    model = seed002(input_shape=(2, 2), hidden=(4,))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    xb, yb = torch.rand(32, 2, 2), torch.randint(0, 10, (32,))
    stats = [0.0, 0]

    def step():
        opt.zero_grad()
        out = model(xb)
        loss = loss_fn(out, yb)
        loss.backward()
        opt.step()
        stats[0] += loss.item() * 32
        stats[1] += (out.argmax(1) == yb).sum().item()

    step()
    calls = spec["latency_calls"]
    best = float("inf")
    for _ in range(spec["repeats"] + 2):
        t = time.thread_time()
        for _ in range(calls):
            step()
        best = min(best, time.thread_time() - t)
    return best / calls


def peak_memory(spec):
    """(RSS before fit, peak RSS during fit) in bytes, fresh process."""
    x, y = synthetic(spec["n"])
    torch.manual_seed(0)
    model = seed002()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    before = w.rss_now()
    train_epoch(model, opt, x, y, spec["memory_batch_size"])
    return {"before": before, "peak": w.peak_rss(), "data": x.nbytes + y.nbytes}


def accuracy(spec):
    """Test accuracy after training from the shared initial weights."""
    d = np.load(spec["accuracy_npz"])
    model = seed002(input_shape=d["x_train"].shape[1:])
    with torch.no_grad():  # Keras kernels are (in, out): transpose
        model[1].weight.copy_(torch.from_numpy(d["w1"].T))
        model[1].bias.copy_(torch.from_numpy(d["b1"]))
        model[3].weight.copy_(torch.from_numpy(d["w2"].T))
        model[3].bias.copy_(torch.from_numpy(d["b2"]))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    x = torch.from_numpy(d["x_train"])
    y = torch.from_numpy(d["y_train"].astype(np.int64))
    bs = spec["accuracy_batch_size"]
    loss_fn = nn.CrossEntropyLoss()
    for _ in range(spec["accuracy_epochs"]):
        for start in range(0, x.shape[0], bs):  # no shuffle: same order
            opt.zero_grad()
            loss = loss_fn(model(x[start : start + bs]), y[start : start + bs])
            loss.backward()
            opt.step()
    model.eval()
    with torch.inference_mode():
        pred = model(torch.from_numpy(d["x_test"])).argmax(1).numpy()
    return float(np.mean(pred == d["y_test"]))


def main():
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    work = spec["workloads"]
    res = {"version": torch.__version__, "threads": torch.get_num_threads()}
    if "memory" in work:  # alone, in its own process (ru_maxrss)
        res["memory"] = peak_memory(spec)
        print(json.dumps(res))
        return
    x, y = synthetic(spec["n"])
    if "fit" in work:
        res["fit"] = fit_times(spec, x, y)
    if "deep" in work:
        res["deep"] = deep_time(spec, x, y)
    if "predict" in work:
        res["predict"] = predict_times(spec, x)
    if "evaluate" in work:
        res["evaluate"] = evaluate_time(spec, x, y)
    if "latency" in work:
        res["latency"] = latency(spec)
    if "overhead" in work:
        res["overhead"] = step_overhead(spec)
    if "accuracy" in work:
        res["accuracy"] = accuracy(spec)
    print(json.dumps(res))


if __name__ == "__main__":
    main()
