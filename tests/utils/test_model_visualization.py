"""plot_model's text diagram, DOT source and files."""

import os
import stat
import sys

import numpy as np
import pytest

import kara
from kara import layers
from kara import models
from kara.utils import naming
from kara.utils.model_visualization import ModelDiagram
from kara.utils.model_visualization import model_to_dot
from kara.utils.model_visualization import plot_model


@pytest.fixture(autouse=True)
def _fresh_names():
    naming.clear_session()


def seed_model():
    """The tutorial model of seed 002 (Fashion-MNIST)."""
    return models.Sequential(
        [
            layers.Input(shape=(28, 28)),
            layers.Flatten(),
            layers.Dense(128, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ]
    )


def branchy():
    inputs = layers.Input(shape=(3,), name="x")
    a = layers.Dense(4, name="a")(inputs)
    b = layers.Dense(4, name="b")(inputs)
    added = layers.Add(name="add")([a, b])
    outputs = layers.Dense(1, name="out")(added)
    return models.Model(inputs, outputs, name="branchy")


SEED_TB = """\
Model: "sequential"
+------------------------------+
| input_layer (InputLayer)     |
| Output shape: (None, 28, 28) |
+------------------------------+
                |
                v
+------------------------------+
| flatten (Flatten)            |
| Input shape: (None, 28, 28)  |
| Output shape: (None, 784)    |
+------------------------------+
                |
                v
+------------------------------+
| dense (Dense)                |
| Activation: relu             |
| Input shape: (None, 784)     |
| Output shape: (None, 128)    |
+------------------------------+
                |
                v
+------------------------------+
| dense_1 (Dense)              |
| Activation: softmax          |
| Input shape: (None, 128)     |
| Output shape: (None, 10)     |
+------------------------------+"""


def test_sequential_top_to_bottom():
    text = plot_model(
        seed_model(),
        to_file=None,
        show_shapes=True,
        show_layer_names=True,
        show_layer_activations=True,
    )
    assert isinstance(text, ModelDiagram) and isinstance(text, str)
    assert text == SEED_TB
    assert repr(text) == SEED_TB  # shows as the drawing in a REPL


def test_layer_names_default_follows_the_profile():
    model = seed_model()
    with kara.config.using_profile("keras3"):
        text = plot_model(model, to_file=None)
    assert "| Flatten " in text and "flatten (Flatten)" not in text
    with kara.config.using_profile("keras2"):
        text = plot_model(model, to_file=None)
    assert "flatten (Flatten)" in text


def test_left_to_right_and_bottom_to_top():
    model = seed_model()
    text = plot_model(model, to_file=None, rankdir="LR")
    assert text.splitlines()[2] == (
        "| InputLayer | --> | Flatten | --> | Dense | --> | Dense |"
    )
    text = plot_model(model, to_file=None, rankdir="BT")
    lines = text.splitlines()
    assert lines[2] == "| Dense      |"  # the output on top
    assert lines[-2] == "| InputLayer |"
    assert "^" in lines[4] and "v" not in text.replace("| ", "")
    assert plot_model(model, to_file=None, rankdir="RL").splitlines()[2] == (
        "| Dense | <-- | Dense | <-- | Flatten | <-- | InputLayer |"
    )


def test_functional_branches_list_their_inputs_and_show_names():
    text = plot_model(branchy(), to_file=None, show_shapes=True)
    assert "| x (InputLayer)" in text  # names forced: "Inputs:" refers to them
    assert "| Inputs: x " in text  # b does not follow a directly
    assert "| Inputs: a, b " in text
    assert "| Input shape: [(None, 4), (None, 4)] " in text
    # a follows x and out follows add: joined by arrows
    assert text.count("v\n") == 2


def test_dtype_and_trainable():
    model = seed_model()
    model.layers[1].trainable = False
    text = plot_model(model, to_file=None, show_dtype=True, show_trainable=True)
    assert "| Output dtype: float32 " in text
    assert "| Trainable: False " in text


def test_unbuilt_model_shows_question_marks():
    model = models.Sequential([layers.Dense(3), layers.Dense(2)])
    text = plot_model(model, to_file=None, show_shapes=True)
    assert text.count("| Output shape: ? ") == 2
    model.build((None, 5))
    text = plot_model(model, to_file=None, show_shapes=True)
    assert "| Output shape: (None, 2) " in text


def test_subclassed_model_lists_layers_without_arrows():
    class MLP(models.Model):
        def __init__(self):
            super().__init__(name="mlp")
            self.hidden = layers.Dense(3)
            self.out = layers.Dense(1)

        def call(self, x):
            return self.out(self.hidden(x))

    model = MLP()
    model(np.ones((2, 5), np.float32))
    text = plot_model(model, to_file=None, show_layer_names=True)
    assert "a subclassed model" in text
    assert "| dense (Dense)" in text and "| dense_1 (Dense)" in text
    assert "v\n" not in text


def test_expand_nested():
    inner = models.Sequential(
        [layers.Input(shape=(3,)), layers.Dense(5, name="in1")], name="inner"
    )
    inputs = layers.Input(shape=(3,), name="x2")
    model = models.Model(inputs, layers.Dense(1, name="head")(inner(inputs)))
    text = plot_model(model, to_file=None, show_layer_names=True)
    assert "in1" not in text
    text = plot_model(
        model, to_file=None, show_layer_names=True, expand_nested=True
    )
    assert "| | in1 (Dense)" in text  # drawn inside the inner model's box
    dot = model_to_dot(model, expand_nested=True, show_layer_names=True)
    assert "subgraph cluster_layer_1 {" in dot
    assert 'label="inner (Sequential)";' in dot


def test_model_to_dot():
    dot = model_to_dot(branchy(), show_shapes=True)
    assert dot.startswith('digraph "branchy" {\n')
    assert "graph [rankdir=TB, dpi=200, splines=ortho];" in dot
    assert (
        'layer_3 [label="add (Add)\\nInput shape: [(None, 4), (None, 4)]'
        in (dot)
    )
    edges = [line.strip() for line in dot.splitlines() if "->" in line]
    assert edges == [
        "layer_0 -> layer_1;",
        "layer_0 -> layer_2;",
        "layer_1 -> layer_3;",
        "layer_2 -> layer_3;",
        "layer_3 -> layer_4;",
    ]
    with kara.config.using_profile("keras2"):
        assert "dpi=96" in model_to_dot(branchy())
    body = model_to_dot(branchy(), subgraph=True)
    assert "digraph" not in body and "layer_0 -> layer_1;" in body


def test_dot_labels_are_escaped():
    inputs = layers.Input(shape=(2,), name="in")
    outputs = layers.Dense(1, name='we{ird}|"name"')(inputs)
    dot = model_to_dot(models.Model(inputs, outputs), show_layer_names=True)
    assert 'label="we\\{ird\\}\\|\\"name\\" (Dense)"' in dot


# ------------------------------------------------------------------ files
def test_text_and_dot_files(tmp_path):
    model = seed_model()
    text = plot_model(model, to_file=tmp_path / "model.txt", show_shapes=True)
    assert (tmp_path / "model.txt").read_text() == text + "\n"
    plot_model(model, to_file=tmp_path / "model.dot", show_shapes=True)
    assert (tmp_path / "model.dot").read_text() == model_to_dot(
        model, show_shapes=True
    )


def test_image_without_graphviz_warns_and_returns_the_text(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.warns(UserWarning, match="Graphviz's `dot` program") as info:
        text = plot_model(seed_model(), to_file=tmp_path / "model.png")
    assert "to_file='model.txt' saves it" in str(info[0].message)
    assert not (tmp_path / "model.png").exists()
    assert text.startswith('Model: "sequential"')


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX shell script")
def test_image_with_graphviz_runs_dot_without_a_shell(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "dot"
    # a stand-in `dot`: records its arguments, echoes the DOT source
    fake.write_text('#!/bin/sh\necho "$@" > "$(dirname "$0")/args"\ncat\n')
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    target = tmp_path / "my model; rm -rf x"  # shell syntax stays data
    model = seed_model()
    plot_model(model, to_file=target)
    assert (bin_dir / "args").read_text().strip() == "-Tpng"
    assert target.read_text() == model_to_dot(model)
    plot_model(model, to_file=tmp_path / "m.svg")
    assert (bin_dir / "args").read_text().strip() == "-Tsvg"


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX shell script")
def test_graphviz_failure_is_reported(tmp_path, monkeypatch):
    fake = tmp_path / "dot"
    fake.write_text(
        '#!/bin/sh\necho "Format: \\"xyz\\" not recognized" >&2\nexit 1\n'
    )
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(
        RuntimeError, match="dot failed to draw .*not recognized"
    ):
        plot_model(seed_model(), to_file=tmp_path / "model.xyz")
    assert not os.path.exists(tmp_path / "model.xyz")


# ----------------------------------------------------------------- errors
def test_bad_arguments():
    model = seed_model()
    with pytest.raises(ValueError, match="`rankdir` must be one of"):
        plot_model(model, to_file=None, rankdir="down")
    with pytest.raises(ValueError, match="Unrecognized keyword arguments"):
        plot_model(model, to_file=None, show_shape=True)
    with pytest.raises(ValueError, match="`layer_range` is not supported"):
        plot_model(model, to_file=None, layer_range=["a", "b"])
    with pytest.raises(TypeError, match="takes a kara model"):
        plot_model("model", to_file=None)
