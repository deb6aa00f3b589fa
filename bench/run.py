"""kara's benchmark: kara against tf.keras and PyTorch, in one run.

    python bench/run.py            # the full run (several minutes)
    python bench/run.py --quick    # smaller data, fewer repeats (~1 min)

What is measured, on synthetic data of the real shapes (60,000 samples of
28x28 float32, labels 0..9):

- `import kara` against `import numpy` (fresh interpreters, best of N);
- one epoch of `fit` of the seed 002 model (Flatten, Dense 128 relu,
  Dense 10 softmax; Adam; sparse categorical cross-entropy) at batch sizes
  32, 128 and 1024, and the floor: the same epoch's matrix products alone,
  in NumPy;
- one epoch of a deeper MLP (784-512-512-10, dropout 0.2) at batch 128;
- `predict` on the 60,000 samples, and the latency of `model(x)` on one;
- `evaluate` (the loss and accuracy) on the 60,000 samples at batch 32;
- the peak memory of `fit` above what the process held before (the data);
- the test accuracy after 5 epochs on the built-in digits, from the same
  initial weights and the same batches as tf.keras.

kara runs in this interpreter. tf.keras and PyTorch run as subprocesses
with the pythons of their own venvs (`--tf-python`, `--torch-python`;
skipped when absent), so all numbers come from the same run on the same
machine. PyTorch runs twice: with its default threads, and with one
thread. The results table and the targets are printed and appended to
`bench/results.md` with a description of the machine.

Timings are the best of several repeats: on a shared machine the minimum
is the run least disturbed by other programs.
"""

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import import_time  # noqa: E402  (bench/import_time.py)

TF_PYTHON = "/root/venvs/tf221/bin/python"
TORCH_PYTHON = "/root/venvs/torch/bin/python"
# what each framework runs (the floor and the NumPy loop are kara's side)
TF_WORK = ["fit", "deep", "predict", "evaluate", "latency", "accuracy"]
TORCH_WORK = TF_WORK + ["overhead"]
KARA_WORK = ["floor", "numpy"] + TORCH_WORK
ONE_THREAD = ["fit", "deep", "predict"]  # again with one BLAS/OMP thread


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument(
        "--quick", action="store_true", help="12,000 samples, 2 repeats"
    )
    p.add_argument("--repeats", type=int, help="timing repeats (best kept)")
    p.add_argument("--samples", type=int, help="samples per epoch")
    p.add_argument("--tf-python", default=_default(TF_PYTHON))
    p.add_argument("--torch-python", default=_default(TORCH_PYTHON))
    p.add_argument("--no-tf", action="store_true")
    p.add_argument("--no-torch", action="store_true")
    p.add_argument(
        "--results",
        default=os.path.join(HERE, "results.md"),
        help="the file the run is appended to",
    )
    p.add_argument("--no-record", action="store_true", help="do not append")
    return p.parse_args(argv)


def _default(path):
    return path if os.path.exists(path) else None


# --------------------------------------------------------------- the spec
def make_spec(args, workdir):
    quick = args.quick
    spec = {
        "n": args.samples or (12000 if quick else 60000),
        "batch_sizes": [32, 128, 1024],
        "repeats": args.repeats or (2 if quick else 3),
        "deep_batch_size": 128,
        "predict_batch_sizes": [32, 1024],
        "evaluate_batch_size": 32,
        "latency_calls": 500 if quick else 2000,
        "memory_batch_size": 32,
        "accuracy_npz": os.path.join(workdir, "accuracy.npz"),
        "accuracy_epochs": 5,
        "accuracy_batch_size": 32,
    }
    spec["accuracy_data"] = write_accuracy_data(spec["accuracy_npz"])
    return spec


def write_accuracy_data(path):
    """The digits (or a synthetic problem) and shared initial weights."""
    try:
        from kara.datasets import digits

        (x_train, y_train), (x_test, y_test) = digits.load_data()
        x_train = (x_train / 16.0).astype("float32")
        x_test = (x_test / 16.0).astype("float32")
        name = "kara.datasets.digits (1,437 train / 360 test, 8x8)"
    except ImportError:
        x_train, y_train, x_test, y_test = _separable()
        name = "synthetic separable problem (digits not available)"
    rng = np.random.default_rng(2)
    fan_in = int(np.prod(x_train.shape[1:]))

    def glorot(a, b):  # Keras's default kernel initializer
        limit = np.sqrt(6.0 / (a + b))
        return rng.uniform(-limit, limit, (a, b)).astype("float32")

    np.savez(
        path,
        x_train=x_train,
        y_train=y_train.astype("int64"),
        x_test=x_test,
        y_test=y_test.astype("int64"),
        w1=glorot(fan_in, 128),
        b1=np.zeros(128, "float32"),
        w2=glorot(128, 10),
        b2=np.zeros(10, "float32"),
    )
    return name


def _separable(n=2000, seed=3):
    rng = np.random.default_rng(seed)
    centers = rng.standard_normal((10, 8, 8)).astype("float32")
    y = rng.integers(0, 10, n)
    x = centers[y] + 0.8 * rng.standard_normal((n, 8, 8)).astype("float32")
    cut = int(n * 0.8)
    return x[:cut], y[:cut], x[cut:], y[cut:]


# ----------------------------------------------------------------- runners
def run_child(python, script, spec, workloads, env=None):
    """Runs a framework's script on `spec`; returns its JSON result."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump({**spec, "workloads": workloads}, f)
    full_env = {**os.environ, **(env or {})}
    out = subprocess.run(
        [python, os.path.join(HERE, script), f.name],
        capture_output=True,
        text=True,
        env=full_env,
    )
    os.unlink(f.name)
    if out.returncode != 0:
        print(f"  {script} failed:\n{out.stderr[-2000:]}", file=sys.stderr)
        return None
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_all(args, spec):
    import kara_bench

    res = {}
    repeats = 3 if args.quick else 7
    print("import times ...", flush=True)
    res["import"] = {
        "numpy": import_time.import_seconds("numpy", repeats),
        "kara": import_time.import_seconds("kara", repeats),
    }
    print("kara ...", flush=True)
    res["kara"] = kara_bench.run({**spec, "workloads": KARA_WORK})
    print("kara, one BLAS thread ...", flush=True)
    res["kara1"] = kara_bench.run({**spec, "workloads": ONE_THREAD}, 1)
    res["kara"]["memory"] = run_child(
        sys.executable, "kara_bench.py", spec, ["memory"]
    )["memory"]
    if args.torch_python and not args.no_torch:
        py = args.torch_python
        print("PyTorch ...", flush=True)
        res["import"]["torch"] = import_time.import_seconds(
            "torch", repeats, python=py
        )
        res["torch"] = run_child(py, "torch_bench.py", spec, TORCH_WORK)
        print("PyTorch, one thread ...", flush=True)
        one = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
        res["torch1"] = run_child(py, "torch_bench.py", spec, ONE_THREAD, one)
        mem = run_child(py, "torch_bench.py", spec, ["memory"])
        if res["torch"] and mem:
            res["torch"]["memory"] = mem["memory"]
    if args.tf_python and not args.no_tf:
        py = args.tf_python
        print("tf.keras ...", flush=True)
        res["import"]["tensorflow"] = import_time.import_seconds(
            "tensorflow", max(3, repeats // 2), python=py
        )
        res["tf"] = run_child(py, "tf_bench.py", spec, TF_WORK)
        mem = run_child(py, "tf_bench.py", spec, ["memory"])
        if res["tf"] and mem:
            res["tf"]["memory"] = mem["memory"]
    return res


# ------------------------------------------------------------------ report
def machine():
    """A short description of the machine and the software."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo") as f:
            mem_kb = int(f.readline().split()[1])
        memory = f"{mem_kb / 2**20:.0f} GiB RAM"
    except OSError:
        memory = "RAM unknown"
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count()
    blas = np.__config__.CONFIG["Build Dependencies"]["blas"]
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {
        "cpu": cpu,
        "cores": cores,
        "memory": memory,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "numpy": f"{np.__version__} ({blas['name']} {blas['version']})",
        "kara": _git_version(),
        "load": "n/a" if load is None else " ".join(f"{v:.2f}" for v in load),
    }


def _git_version():
    import kara

    try:
        rev = subprocess.run(
            ["git", "-C", HERE, "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        rev = ""
    return f"{kara.__version__} ({rev})" if rev else kara.__version__


def _get(res, *keys):
    for k in keys:
        if not isinstance(res, dict) or k not in res:
            return None
        res = res[k]
    return res


def table_rows(res, spec):
    """(label, unit, kara, kara 1 thread, tf, torch, torch 1 thread)."""

    def row(label, unit, key, *path):
        return (
            label,
            unit,
            _get(res, "kara", key, *path),
            _get(res, "kara1", key, *path),
            _get(res, "tf", key, *path),
            _get(res, "torch", key, *path),
            _get(res, "torch1", key, *path),
        )

    imp = res["import"]
    rows = [
        (
            "`import` (s)",
            "s",
            imp.get("kara"),
            None,
            imp.get("tensorflow"),
            imp.get("torch"),
            None,
        ),
        (
            "`import numpy` (s), for reference",
            "s",
            imp.get("numpy"),
            None,
            None,
            None,
            None,
        ),
    ]
    for bs in spec["batch_sizes"]:
        rows.append(row(f"fit, 1 epoch, batch {bs} (s)", "s", "fit", str(bs)))
    for bs in spec["batch_sizes"]:
        b = str(bs)
        rows.append(
            (
                f"hand-written NumPy loop, batch {bs} (s)",
                "s",
                _get(res, "kara", "numpy", b),
                None,
                None,
                None,
                None,
            )
        )
    for bs in spec["batch_sizes"]:
        b = str(bs)
        rows.append(
            (
                f"matrix-product floor, batch {bs} (s)",
                "s",
                _get(res, "kara", "floor", "default", b),
                _get(res, "kara", "floor", "1", b),
                None,
                None,
                None,
            )
        )
    rows.append(
        row(
            f"deep MLP 784-512-512-10, 1 epoch, batch "
            f"{spec['deep_batch_size']} (s)",
            "s",
            "deep",
        )
    )
    for bs in spec["predict_batch_sizes"]:
        rows.append(
            row(
                f"predict {spec['n']:,} samples, batch {bs} (s)",
                "s",
                "predict",
                str(bs),
            )
        )
    rows.append(
        row(
            f"evaluate {spec['n']:,} samples (loss, accuracy), batch "
            f"{spec['evaluate_batch_size']} (s)",
            "s",
            "evaluate",
        )
    )
    rows.append(
        (
            "`model(x)` on one sample (us)",
            "us",
            _us(_get(res, "kara", "latency")),
            None,
            _us(_get(res, "tf", "latency")),
            _us(_get(res, "torch", "latency")),
            None,
        )
    )
    rows.append(
        (
            "one training step of a tiny model: the framework's own cost (us)",
            "us",
            _us(_get(res, "kara", "overhead")),
            None,
            None,
            _us(_get(res, "torch", "overhead")),
            None,
        )
    )
    rows.append(
        (
            "peak memory of fit above the data (MB)",
            "MB",
            _mem(_get(res, "kara", "memory")),
            None,
            _mem(_get(res, "tf", "memory")),
            _mem(_get(res, "torch", "memory")),
            None,
        )
    )
    rows.append(
        (
            "test accuracy after 5 epochs (%)",
            "%",
            _pct(_get(res, "kara", "accuracy")),
            None,
            _pct(_get(res, "tf", "accuracy")),
            _pct(_get(res, "torch", "accuracy")),
            None,
        )
    )
    return rows


def _us(s):
    return None if s is None else s * 1e6


def _mem(m):
    return None if m is None else (m["peak"] - m["before"]) / 2**20


def _pct(a):
    return None if a is None else 100 * a


def _fmt(v, unit):
    if v is None:
        return "-"
    if unit == "us":
        return f"{v:.0f}"
    if unit in ("MB",):
        return f"{v:.0f}"
    if unit == "%":
        return f"{v:.2f}"
    return f"{v:.3f}" if v < 10 else f"{v:.1f}"


def _ratio(a, b, unit):
    if a is None or b is None or unit in ("MB", "%") or b == 0:
        return "-"
    return f"{a / b:.2f}x"


def render_table(rows):
    head = (
        "| workload | kara | kara, 1 thread | tf.keras | PyTorch | "
        "PyTorch, 1 thread | kara / tf.keras | kara / PyTorch | "
        "kara / PyTorch, both 1 thread |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    lines = []
    for label, unit, k, k1, tf, pt, pt1 in rows:
        cells = [_fmt(v, unit) for v in (k, k1, tf, pt, pt1)]
        ratios = [_ratio(k, tf, unit), _ratio(k, pt, unit)]
        ratios.append(_ratio(k1, pt1, unit))
        lines.append(f"| {label} | " + " | ".join(cells + ratios) + " |")
    return head + "\n".join(lines) + "\n"


def targets(res, spec):
    """(target, measured, verdict) for each target of the issue."""
    out = []

    def add(name, measured, ok=None):
        verdict = "-" if ok is None else ("met" if ok else "NOT met")
        out.append((name, measured, verdict))

    def ratio(a, b):
        return None if a is None or b is None else a / b

    k32 = _get(res, "kara", "fit", "32")
    for key, who, limit in (
        ("torch", "the PyTorch loop", 0.5),
        ("tf", "tf.keras", 0.2),
    ):
        r = ratio(k32, _get(res, key, "fit", "32"))
        if r is not None:
            add(
                f"fit, batch 32: at most {limit} x {who}",
                f"{r:.2f} x",
                r <= limit,
            )
    # the same ratios for the hand-written NumPy loop: about the best any
    # NumPy program does on this machine, so a bound for kara's
    n32 = _get(res, "kara", "numpy", "32")
    for key, who in (("torch", "the PyTorch loop"), ("tf", "tf.keras")):
        r = ratio(n32, _get(res, key, "fit", "32"))
        if r is not None:
            add(
                f"batch 32: the hand-written NumPy loop / {who} "
                "(information: NumPy's bound here)",
                f"{r:.2f} x",
            )
    r = ratio(_get(res, "kara1", "fit", "32"), _get(res, "torch1", "fit", "32"))
    if r is not None:
        add(
            "fit, batch 32, both on one thread: kara / PyTorch (information)",
            f"{r:.2f} x",
        )
    for bs in spec["batch_sizes"]:
        r = ratio(
            _get(res, "kara", "fit", str(bs)),
            _get(res, "kara", "numpy", str(bs)),
        )
        if r is not None:
            add(
                f"fit, batch {bs}: kara / the hand-written NumPy loop "
                "(information)",
                f"{r:.2f} x",
            )
    for key, floor, what in (
        ("kara", "default", "NumPy's default threads"),
        ("kara1", "1", "one BLAS thread"),
    ):
        r = ratio(
            _get(res, key, "fit", "1024"),
            _get(res, "kara", "floor", floor, "1024"),
        )
        if r is not None:
            add(
                f"fit, batch 1024: within 1.3 x the matrix-product floor "
                f"({what}, both)",
                f"{r:.2f} x",
                r <= 1.3,
            )
    r = ratio(
        _get(res, "kara", "numpy", "1024"),
        _get(res, "kara", "floor", "default", "1024"),
    )
    if r is not None:
        add(
            "batch 1024: the hand-written NumPy loop / the matrix-product "
            "floor (information: NumPy's bound here)",
            f"{r:.2f} x",
        )
    imp = res["import"]
    extra = imp["kara"] - imp["numpy"]
    add(
        "`import kara` under 0.15 s more than `import numpy`",
        f"+{extra:.3f} s",
        extra < 0.15,
    )
    lat = _get(res, "kara", "latency")
    add(
        "`model(x)` on one sample under 100 us",
        f"{lat * 1e6:.0f} us",
        lat < 100e-6,
    )
    for bs in spec["predict_batch_sizes"]:
        for key, other, who in (
            ("kara", "torch", "PyTorch"),
            ("kara1", "torch1", "PyTorch, both 1 thread"),
        ):
            r = ratio(
                _get(res, key, "predict", str(bs)),
                _get(res, other, "predict", str(bs)),
            )
            if r is not None:
                add(
                    f"predict, batch {bs}: at least as fast as {who}",
                    f"{r:.2f} x its time",
                    r <= 1.0,
                )
    mem = _mem(_get(res, "kara", "memory"))
    add(
        "peak memory of fit: the data plus under 100 MB",
        f"+{mem:.0f} MB",
        mem < 100,
    )
    ka, ta = _get(res, "kara", "accuracy"), _get(res, "tf", "accuracy")
    if ka is not None and ta is not None:
        gap = 100 * abs(ka - ta)
        add(
            "accuracy after 5 epochs within 0.5 points of tf.keras",
            f"{100 * ka:.2f} % vs {100 * ta:.2f} % ({gap:.2f} points)",
            gap <= 0.5,
        )
    return out


def render_targets(rows):
    lines = ["| target | measured | |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(lines) + "\n"


def report(res, spec, args, info):
    when = datetime.datetime.now(datetime.timezone.utc)
    versions = [f"kara {info['kara']}", f"NumPy {info['numpy']}"]
    if res.get("tf"):
        versions.append(
            f"TensorFlow {res['tf']['version']} (Keras {res['tf']['keras']})"
        )
    if res.get("torch"):
        torch = res["torch"]
        versions.append(
            f"PyTorch {torch['version']} ({torch['threads']} threads by "
            "default)"
        )
    cmd = "python bench/run.py" + (" --quick" if args.quick else "")
    text = [
        f"## {when:%Y-%m-%d %H:%M} UTC: `{cmd}`",
        "",
        f"- Machine: {info['cpu']}, {info['cores']} cores, {info['memory']}, "
        f"{info['os']}, Python {info['python']}.",
        f"- Software: {'; '.join(versions)}.",
        f"- Data: {spec['n']:,} synthetic samples of 28x28 float32; best of "
        f"{spec['repeats']} repeats per timing. BLAS threads: NumPy's "
        f"default ({res['kara']['blas_threads']}) in the kara column, 1 in "
        "the one-thread column (`kara.config.set_num_threads(1)`).",
        f"- Accuracy data: {spec['accuracy_data']}.",
        f"- Load average at the end: {info['load']}. The machine was shared "
        "with other jobs during the run: timings vary from run to run.",
        "",
        render_table(table_rows(res, spec)),
        render_targets(targets(res, spec)),
    ]
    return "\n".join(text)


def main(argv=None):
    args = parse_args(argv)
    with tempfile.TemporaryDirectory() as workdir:
        spec = make_spec(args, workdir)
        res = run_all(args, spec)
    info = machine()
    text = report(res, spec, args, info)
    print()
    print(text)
    if not args.no_record:
        new = not os.path.exists(args.results)
        with open(args.results, "a") as f:
            if new:
                f.write(RESULTS_HEADER)
            f.write("\n" + text)
        print(f"appended to {args.results}")


RESULTS_HEADER = """# Benchmark results

Each section is one run of `python bench/run.py` (see its docstring for
what is measured). Newest last. Ratios below 1 mean kara is faster.
"""

if __name__ == "__main__":
    main()
