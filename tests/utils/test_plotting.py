"""History plots and loss curves.

The numbers (`loss_curve`) and the argument checks need no matplotlib;
the drawing tests are skipped when it is not installed (it is optional:
`pip install "kara[plot]"`), and one test checks the message users get
without it.
"""

import json
import os
import sys

import numpy as np
import pytest

import kara
from kara.callbacks import History
from kara.utils.plotting import loss_curve
from kara.utils.plotting import plot_history
from kara.utils.plotting import plot_loss_curve

GOLDEN = os.path.join(os.path.dirname(__file__), "..", "golden")
SEED_CURVES = {
    "categorical_crossentropy": "CategoricalCrossentropy",
    "binary_crossentropy": "BinaryCrossentropy",
    "mean_squared_error": "MeanSquaredError",
}


def golden_curves(profile):
    with open(os.path.join(GOLDEN, f"utils_{profile}.json")) as f:
        return json.load(f)["loss_curves"]


def make_history(epochs=4, val=True, start=0):
    history = History()
    history.on_train_begin()
    for e in range(start, start + epochs):
        logs = {"loss": 1.0 / (e + 1), "accuracy": 0.5 + 0.1 * e}
        if val:
            logs.update(val_loss=1.5 / (e + 1), val_accuracy=0.4 + 0.1 * e)
        history.on_epoch_end(e, logs)
    return history


# ----------------------------------------------------- loss curve numbers
@pytest.mark.parametrize("profile", ["keras3", "keras2"])
@pytest.mark.parametrize("name", list(SEED_CURVES))
@pytest.mark.parametrize("form", ["function", "class"])
def test_seed_000_curves_match_keras(profile, name, form):
    """Seed 000's three figures: Keras's values at 21 points."""
    curve = golden_curves(profile)
    identifier = name if form == "function" else SEED_CURVES[name]
    with kara.config.using_profile(profile):
        x, values = loss_curve(identifier, curve[name]["y_true"], curve["x"])
    assert values.dtype == np.float32 and x.dtype == np.float32
    np.testing.assert_allclose(
        values, curve[name]["values"], rtol=2e-6, atol=1e-9
    )


def test_hand_written_reducing_loss_goes_point_by_point():
    """A loss that averages its batch (as seed 000's own) still works."""
    calls = []

    def my_mse(y_true, y_pred):
        calls.append(len(y_true))
        return np.mean(np.square(y_true - y_pred))

    x, values = loss_curve(my_mse, [0.0], x=[0.0, 0.5, 1.0])
    np.testing.assert_allclose(values, [0.0, 0.25, 1.0])
    assert calls == [3, 1, 1, 1]  # one batched try, then one per point


def test_loss_instance_with_reduction_is_evaluated_in_one_call():
    loss = kara.losses.BinaryCrossentropy(reduction="sum")
    x, values = loss_curve(loss, [1.0], x=[0.25, 0.5])
    np.testing.assert_allclose(values, -np.log([0.25, 0.5]), rtol=1e-6)
    assert loss.reduction == "sum"  # the caller's object is not changed


def test_default_sweep_and_prediction_rule():
    seen = {}

    def spy(y_true, y_pred):
        seen["y_true"], seen["y_pred"] = y_true, y_pred
        return np.zeros(len(y_true))

    x, _ = loss_curve(spy, [0.0, 1.0, 0.0])
    assert x.shape == (1001,) and x[0] == 0 and x[-1] == 1
    assert x.dtype == np.float32
    # [x, (1-x)/2, (1-x)/2] for a 3-class target
    np.testing.assert_allclose(seen["y_pred"][200], [0.2, 0.4, 0.4], 1e-6)
    np.testing.assert_array_equal(seen["y_true"][5], [0.0, 1.0, 0.0])


def test_custom_prediction_for_sparse_labels():
    x, values = loss_curve(
        "sparse_categorical_crossentropy",
        1,
        x=[0.1, 0.5],
        predict=lambda p: np.stack([p, 1 - p], axis=-1),
    )
    np.testing.assert_allclose(values, -np.log([0.9, 0.5]), rtol=1e-6)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"y_true": [[0.0]]}, ValueError, r"one sample.*shape \(1, 1\)"),
        ({"x": []}, ValueError, "non-empty 1-D sequence"),
        ({"x": [[0.1]]}, ValueError, "non-empty 1-D sequence"),
        (
            {"predict": lambda p: p[:1, None]},
            ValueError,
            "returned 1 predictions for 3 sweep values",
        ),
        ({"loss": 3}, TypeError, "`loss` must be a loss name"),
        ({"loss": "mse_typo"}, ValueError, "mse"),
    ],
)
def test_loss_curve_errors(kwargs, error, message):
    args = {"loss": "mse", "y_true": [0.0], "x": [0.0, 0.5, 1.0]}
    args.update(kwargs)
    with pytest.raises(error, match=message):
        loss_curve(**args)


# ------------------------------------------------ checks before drawing
def test_empty_history():
    with pytest.raises(ValueError, match="no epoch has finished. Train first"):
        plot_history(History())


def test_unknown_key_lists_the_keys():
    with pytest.raises(KeyError) as info:
        plot_history(make_history(), keys=["acc"])
    message = str(info.value)
    assert "'acc' is not in the history" in message
    assert "loss, accuracy, val_loss, val_accuracy" in message
    assert "Did you mean 'accuracy'?" in message


def test_not_a_history():
    with pytest.raises(TypeError, match="takes what fit\\(\\) returns"):
        plot_history([0.5, 0.4])


def test_missing_matplotlib_names_the_extra(monkeypatch):
    for name in ("matplotlib", "matplotlib.figure", "matplotlib.pyplot"):
        monkeypatch.setitem(sys.modules, name, None)  # import -> ImportError
    for draw in (
        lambda: plot_history(make_history(), path="unused.png"),
        lambda: make_history().plot(),
        lambda: plot_loss_curve("mse", [0.0]),
    ):
        with pytest.raises(ImportError) as info:
            draw()
        assert 'pip install "kara[plot]"' in str(info.value)
        assert "matplotlib, which is not installed" in str(info.value)


# ---------------------------------------------------------------- drawing
@pytest.fixture
def mpl():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.close("all")
    yield matplotlib
    plt.close("all")


def lines_of(axes):
    return {line.get_label(): line for line in axes.get_lines()}


def test_plot_history_saves_a_png_with_paired_curves(mpl, tmp_path):
    import matplotlib.pyplot as plt

    history = make_history(epochs=4)
    path = tmp_path / "history.png"
    figure = history.plot(path=path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [name for name in os.listdir(tmp_path)] == ["history.png"]
    panels = [ax for ax in figure.axes if ax.get_visible()]
    assert [ax.get_title() for ax in panels] == ["loss", "accuracy"]
    lines = lines_of(panels[0])
    np.testing.assert_array_equal(lines["loss"].get_xdata(), [1, 2, 3, 4])
    np.testing.assert_allclose(
        lines["val_loss"].get_ydata(), history.history["val_loss"]
    )
    assert lines["loss"].get_linestyle() == "-"
    assert lines["val_loss"].get_linestyle() == "--"
    assert lines["val_loss"].get_color() == lines["loss"].get_color()
    assert panels[0].get_xlabel() == "epoch"
    assert plt.get_fignums() == []  # saved only: nothing left in pyplot


def test_keys_select_panels_and_val_prefix_is_folded(mpl):
    figure = plot_history(make_history(), keys="val_accuracy", show=False)
    (panel,) = [ax for ax in figure.axes if ax.get_visible()]
    assert set(lines_of(panel)) == {"accuracy", "val_accuracy"}


def test_epochs_follow_history_epoch(mpl):
    history = make_history(epochs=3, start=5)  # fit(initial_epoch=5)
    figure = plot_history(history, keys="loss", show=False)
    line = lines_of(figure.axes[0])["loss"]
    np.testing.assert_array_equal(line.get_xdata(), [6, 7, 8])


def test_validation_every_k_epochs(mpl):
    # fit(epochs=6, validation_freq=4): val_loss only after epoch 4
    logs = {"loss": [6.0, 5.0, 4.0, 3.0, 2.0, 1.0], "val_loss": [3.5]}
    figure = plot_history(logs, show=False)
    val = lines_of(figure.axes[0])["val_loss"]
    np.testing.assert_array_equal(val.get_xdata(), [4])
    logs = {"loss": list(range(5)), "val_loss": [1.0, 2.0]}  # freq 2
    figure = plot_history(logs, show=False)
    val = lines_of(figure.axes[0])["val_loss"]
    np.testing.assert_array_equal(val.get_xdata(), [2, 4])


def test_validation_only_history(mpl):
    figure = plot_history({"val_loss": [0.3, 0.2]}, show=False)
    assert set(lines_of(figure.axes[0])) == {"val_loss"}


def test_draw_on_given_axes(mpl):
    from matplotlib.figure import Figure

    figure = Figure()
    ax = figure.subplots()
    assert plot_history(make_history(), keys="loss", ax=ax) is figure
    assert set(lines_of(ax)) == {"loss", "val_loss"}
    other = Figure().subplots()
    plot_history(make_history(), ax=other)  # every curve on one axes
    assert other.get_title() == "loss, accuracy"
    assert len(other.get_lines()) == 4
    with pytest.raises(ValueError, match="holds 1 axes for 2 panels"):
        plot_history(make_history(), ax=[ax])


def test_show_uses_pyplot(mpl, monkeypatch):
    import matplotlib.pyplot as plt

    shown = []
    monkeypatch.setattr(plt, "show", lambda: shown.append(True))
    make_history().plot()
    assert shown == [True]


def test_plot_loss_curve_overlays_losses(mpl, tmp_path):
    def mine(y_true, y_pred):
        p = np.clip(y_pred, 1e-7, 1 - 1e-7)
        return -np.mean(y_true * np.log(p) + (1 - y_true) * np.log(1 - p))

    path = tmp_path / "bce.svg"
    figure = plot_loss_curve(
        {"kara": "binary_crossentropy", "mine": mine},
        [0.0],
        x=np.linspace(0, 0.9, 10),
        path=path,
    )
    assert path.read_text().lstrip().startswith("<?xml")
    lines = lines_of(figure.axes[0])
    assert set(lines) == {"kara", "mine"}
    sweep = np.linspace(0, 0.9, 10)
    _, expected = loss_curve("binary_crossentropy", [0.0], sweep)
    np.testing.assert_allclose(lines["kara"].get_ydata(), expected)
    np.testing.assert_allclose(
        lines["mine"].get_ydata(), expected, rtol=1e-5, atol=1e-6
    )
    assert figure.axes[0].get_xlabel() == "y_pred"


def test_plot_loss_curve_list_labels(mpl):
    figure = plot_loss_curve(
        ["mse", kara.losses.MeanAbsoluteError()], [0.0], show=False
    )
    assert set(lines_of(figure.axes[0])) == {"mse", "mean_absolute_error"}
    figure = plot_loss_curve("categorical_crossentropy", [0.0, 1.0], show=False)
    assert figure.axes[0].get_xlabel() == "y_pred[0]"


def test_matplotlib_is_not_imported_by_kara_utils():
    code = (
        "import sys, kara, kara.utils.plotting, kara.callbacks;"
        "print('matplotlib' in sys.modules)"
    )
    import subprocess

    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True
    )
    assert out.stdout.strip() == "False", out.stderr
