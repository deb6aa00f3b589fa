"""The examples written from the four seeds run and print the right numbers.

Each example runs as a script (`runpy`, with `KARA_EXAMPLE_QUICK=1`) and
the test reads its output: the accuracies of seed 000's three heads, the
two binary cross-entropies of seed 001, seed 003's losses. The numbers
are the notes' own (see tests/seeds for the notes run verbatim).
"""

import os
import re
import subprocess
import sys

import numpy as np
import pytest

from tests.examples.conftest import EXAMPLES
from tests.examples.conftest import has_matplotlib


def floats_after(label, out):
    """The numbers on the first line of `out` that starts with `label`."""
    for line in out.splitlines():
        if line.strip().startswith(label):
            text = line.strip()[len(label) :]
            return [
                float(v) for v in re.findall(r"-?\d+\.\d+(?:e-?\d+)?", text)
            ]
    raise AssertionError(f"no line starting with {label!r} in:\n{out}")


# ------------------------------------------------------------ seed 000
def test_output_heads(run_example, tmp_path):
    out = run_example("output_heads", "--out", str(tmp_path))
    accuracies = [float(v) for v in re.findall(r"accuracy (\d\.\d{4})", out)]
    assert len(accuracies) == 3 and min(accuracies) >= 0.99, out
    # the class balance of the note's data (threshold 0.5, not 5)
    share = float(re.search(r"would score (\d\.\d{3})", out).group(1))
    assert 0.9 < share < 1.0
    # the sigmoid head on one-hot labels: kara's teaching error
    assert "fit on one-hot labels, as the note does -> ValueError:" in out
    assert "it looks one-hot" in out
    # the linear head on one-hot labels: it runs, stuck at the mean
    stuck = re.search(
        r"its loss stays at (\d\.\d{4})", out.replace("\n  ", " ")
    )
    assert stuck and abs(float(stuck.group(1)) - 0.25) < 0.01, out
    assert "kara warns: MeanSquaredError" in out
    # hand-written vs built-in losses: equal inside, apart at the clip
    for name, gap in (
        ("categorical_crossentropy", np.log(1e-6) - np.log(1e-7)),
        ("binary_crossentropy", None),
        ("mean_squared_error", 0.0),
    ):
        largest, _, inner = floats_after(name, out)
        assert inner < 1e-6
        if gap is not None:
            assert largest == pytest.approx(gap, abs=1e-4)
    if has_matplotlib():
        assert (tmp_path / "loss_curves.png").stat().st_size > 10_000
        assert f"Loss curves written to {tmp_path}" in out
    else:
        assert 'pip install "kara[plot]" to draw the loss curves' in out
        assert not list(tmp_path.iterdir())


# ------------------------------------------------------------ seed 001
def test_binary_crossentropy_by_hand(run_example):
    out = run_example("binary_crossentropy_by_hand")
    assert out.count("NumPy formula                   [5.14164949]") == 2
    assert floats_after("kara.tf formula", out) == [5.1416497]
    assert floats_after("BinaryCrossentropy (keras2)", out) == [5.1416497]
    assert floats_after("BinaryCrossentropy (keras3)", out) == [5.3726983]


# ------------------------------------------------------------ seed 003
def test_sparse_vs_categorical(run_example):
    out = run_example("sparse_vs_categorical")
    # printed with NumPy's 8 digits
    np.testing.assert_allclose(
        floats_after("categorical, one-hot", out),
        [0.0512933, 2.3025851],
        rtol=1e-6,
    )
    np.testing.assert_allclose(
        floats_after("sparse, class ids", out),
        [0.0512934, 2.3025851],
        rtol=1e-6,
    )
    assert floats_after("mean (the default)", out) == [1.1769]
    # the mix-up, both ways, with the fix
    assert "holds integer class ids" in out and "looks one-hot" in out
    np.testing.assert_allclose(
        floats_after("from_logits=False", out),
        [0.0512934, 2.3025851],
        rtol=1e-6,
    )
    np.testing.assert_allclose(
        floats_after("from_logits=True", out),
        [0.5840635, 1.3897266],
        rtol=1e-6,
    )
    assert floats_after("'sum'", out) == [2.3538785]
    # the note's logits, built in and by hand
    built_in = floats_after("built in", out)
    by_hand = floats_after("by hand  ", out)
    seed = [2.0077198, 0.00928146, 0.6800677, 2.697069]
    np.testing.assert_allclose(built_in, seed, rtol=1e-6, atol=3e-7)
    np.testing.assert_allclose(by_hand, seed, rtol=1e-6, atol=3e-7)


@pytest.mark.parametrize(
    "name", ["binary_crossentropy_by_hand", "sparse_vs_categorical"]
)
def test_examples_run_as_scripts(name, kara_home):
    # `python examples/NAME.py`, in a fresh interpreter
    env = dict(os.environ, KARA_EXAMPLE_QUICK="1", KARA_HOME=str(kara_home))
    done = subprocess.run(
        [sys.executable, os.path.join(EXAMPLES, f"{name}.py")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Seed 00")
