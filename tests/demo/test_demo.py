"""`python -m kara.demo`: the README's main job.

The demo runs as the README says, in a fresh interpreter, offline: it
must print the model summary, one progress line per epoch (a redrawn bar
on a terminal), a held-out accuracy above 0.95, and either the path of
the PNG it wrote or the one line saying how to get the plot; and it must
finish well under a minute. `--dataset mnist|fashion_mnist` read kara's
cache (files in the real formats, written by the fixtures).
"""

import os
import re
import subprocess
import sys
import time

import numpy as np
import pytest

from kara.demo import data
from kara.demo.__main__ import main
from tests.examples.conftest import fashion_cache  # noqa: F401
from tests.examples.conftest import has_matplotlib
from tests.examples.conftest import kara_home  # noqa: F401
from tests.examples.conftest import mnist_cache  # noqa: F401
from tests.examples.conftest import offline  # noqa: F401

SUMMARY = [
    'Model: "sequential"',
    "│ flatten (Flatten)               │ (None, 784)            │             0 │",  # noqa: E501
    "│ dense (Dense)                   │ (None, 128)            │       100,480 │",  # noqa: E501
    "│ dense_1 (Dense)                 │ (None, 10)             │         1,290 │",  # noqa: E501
    " Total params: 101,770 (397.54 KB)",
]
EPOCH_LINE = re.compile(
    r"^41/41 ━{20} \d+s \d+(?:us|ms|s)/step - accuracy: \d\.\d{4} - "
    r"loss: \d\.\d{4} - val_accuracy: \d\.\d{4} - val_loss: \d\.\d{4}$"
)


def _env(home):
    env = dict(os.environ, KARA_HOME=str(home))
    env.pop("KARA_PROFILE", None)
    return env


def test_demo_from_the_command_line(tmp_path, kara_home):  # noqa: F811
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "kara.demo", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        env=_env(kara_home),
        cwd=tmp_path,
        timeout=120,
    )
    elapsed = time.perf_counter() - start
    assert done.returncode == 0, done.stderr
    out = done.stdout
    lines = out.splitlines()
    for line in SUMMARY:
        assert line in lines
    # not a terminal: finished lines only, one per epoch
    assert "\r" not in out and "\x1b" not in out
    assert [line for line in lines if line.startswith("Epoch ")] == [
        f"Epoch {k}/10" for k in range(1, 11)
    ]
    assert sum(bool(EPOCH_LINE.match(line)) for line in lines) == 10
    accuracy = float(re.search(r"Test accuracy: (\d\.\d{4}) ", out).group(1))
    assert accuracy > 0.95
    assert "1,437 training and 360 test images" in out
    if has_matplotlib():
        png = tmp_path / "training_curves.png"
        assert f"Training curves written to {png}" in out
        assert png.stat().st_size > 10_000
    else:
        assert 'pip install "kara[plot]"' in out
        assert list(tmp_path.iterdir()) == []  # nothing written
    assert elapsed < 60, f"the demo took {elapsed:.1f} s"
    assert done.stderr == ""  # no warnings


def test_demo_on_a_terminal_redraws_the_bar(tmp_path, kara_home):  # noqa: F811
    pty = pytest.importorskip("pty")  # POSIX terminals only
    select = pytest.importorskip("select")
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kara.demo", "--epochs", "2"],
        stdout=follower,
        stderr=follower,
        env=_env(kara_home),
        cwd=tmp_path,
    )
    os.close(follower)
    chunks = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 1.0)
        if ready:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        elif proc.poll() is not None:
            break
    proc.wait(timeout=10)
    os.close(leader)
    out = b"".join(chunks).decode("utf-8", "replace")
    assert proc.returncode == 0, out
    assert "\r" in out  # the bar is redrawn in place
    assert "Epoch 2/2" in out and "Test accuracy: " in out


def test_demo_in_process_returns_zero_and_is_reproducible(tmp_path, capsys):
    assert main(["--epochs", "1", "--out", str(tmp_path)]) == 0
    first = re.search(r"Test accuracy: (\S+)", capsys.readouterr().out)
    assert main(["--epochs", "1", "--out", str(tmp_path), "--seed", "0"]) == 0
    second = re.search(r"Test accuracy: (\S+)", capsys.readouterr().out)
    assert first.group(1) == second.group(1)


def test_demo_on_mnist_from_the_cache(tmp_path, capsys, mnist_cache):  # noqa: F811
    argv = ["--dataset", "mnist", "--epochs", "2", "--out", str(tmp_path)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "MNIST (handwritten digits, 28x28)" in out
    assert "600 training and 200 test images; 2 epochs" in out
    assert "Epoch 2/2" in out and "17/17" in out  # 540 images / 32
    accuracy = float(re.search(r"Test accuracy: (\d\.\d{4}) ", out).group(1))
    assert accuracy > 0.9  # the learnable bars of the fixture


def test_demo_on_fashion_mnist_from_the_cache(tmp_path, capsys, fashion_cache):  # noqa: F811,E501
    argv = [
        "--dataset",
        "fashion_mnist",
        "--epochs",
        "2",
        "--out",
        str(tmp_path),
    ]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "Fashion-MNIST (clothing, 28x28)" in out
    assert "Epoch 2/2" in out
    accuracy = float(re.search(r"Test accuracy: (\d\.\d{4}) ", out).group(1))
    assert accuracy > 0.9


def test_demo_offline_without_the_dataset_says_what_to_do(tmp_path, capsys):
    code = main(["--dataset", "fashion_mnist", "--out", str(tmp_path)])
    assert code == 2
    err = capsys.readouterr().err
    assert "Cannot download the fashion_mnist dataset" in err
    assert "train-images-idx3-ubyte.gz" in err
    assert "python -m kara.demo" in err


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--epochs", "0"], "--epochs must be at least 1. Received: 0"),
        (["--out", "/no/such/folder"], "--out must be an existing folder"),
        (["--dataset", "cifar"], "invalid choice: 'cifar'"),
    ],
)
def test_demo_rejects_bad_options(argv, message, capsys):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert message in capsys.readouterr().err


def test_digits_at_mnist_size():
    (x_train, y_train), (x_test, y_test) = data.digits_28x28()
    assert x_train.shape == (1437, 28, 28) and x_test.shape == (360, 28, 28)
    assert x_train.dtype == np.uint8 and int(x_train.max()) == 255
    # the border is black, each 8x8 pixel a 3x3 block
    assert not x_train[:, :2].any() and not x_train[:, :, 26:].any()
    from kara.datasets import digits

    (small, labels), _ = digits.load_data()
    np.testing.assert_array_equal(labels, y_train)
    np.testing.assert_array_equal(
        x_train[:, 2:26:3, 2:26:3], (small.astype(int) * 255 // 16)
    )


def test_upscale_rejects_other_sizes():
    with pytest.raises(ValueError, match=r"Received shape \(2, 28, 28\)"):
        data.upscale_to_28x28(np.zeros((2, 28, 28)))


def test_is_cached(mnist_cache):  # noqa: F811
    assert data.is_cached("digits") and data.is_cached("mnist")
    assert not data.is_cached("fashion_mnist")
    with pytest.raises(ValueError, match="Unknown dataset 'cifar10'"):
        data.is_cached("cifar10")
