"""What the seed tests need besides kara: stand-ins for the notes' other
imports, and the numbers real TensorFlow computed for the notes.

The notes import `sklearn.metrics.accuracy_score` and
`matplotlib.pyplot`, which kara does not depend on. Their stand-ins here
behave as the notes use them: `accuracy_score` is the fraction of equal
labels (a column vector counts as a vector, as in scikit-learn), and
`PyplotRecorder` records what `plt.plot` is given, so that the tests can
check the curves the notes draw.
"""

import json
import os
import re

import numpy as np

GOLDEN = os.path.join(os.path.dirname(__file__), "..", "golden")


def golden(profile):
    """`tests/golden/seeds_<profile>.json` (made by tools/golden_seeds.py)."""
    with open(os.path.join(GOLDEN, f"seeds_{profile}.json")) as f:
        return json.load(f)


def accuracy_score(y_true, y_pred):
    """scikit-learn's `accuracy_score` for label vectors."""
    y_true = np.asarray(y_true).reshape(-1)
    y_pred = np.asarray(y_pred).reshape(-1)
    assert y_true.shape == y_pred.shape, (y_true.shape, y_pred.shape)
    return float(np.mean(y_true == y_pred))


class PyplotRecorder:
    """Stands in for `matplotlib.pyplot`: records the lines drawn."""

    def __init__(self):
        self.lines = {}  # label -> (x, y) as float64 arrays
        self.shown = 0

    def plot(self, x, y, label=None):
        y = [np.asarray(v, dtype=np.float64).item() for v in y]
        self.lines[label] = (np.asarray(x, np.float64), np.asarray(y))

    def legend(self):
        pass

    def show(self):
        self.shown += 1


def printed_floats(text):
    """Every number printed in `text`, in order."""
    pattern = r"-?\d+\.\d+(?:e[-+]?\d+)?|-?\d+e[-+]?\d+"
    return [float(v) for v in re.findall(pattern, text)]
