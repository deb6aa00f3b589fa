"""Progbar and ProgbarLogger against real Keras output.

`tests/golden/progbar/keras3.json` and `keras2.json` hold the stdout of a
real Keras 3.15 / tf.keras 2.15 `fit`, `evaluate` and `predict`, captured
on a pseudo-terminal and through a pipe, for verbose=1 and verbose=2,
together with every callback event (and its logs) of those runs (made by
`tools/golden_progbar.py`). The tests replay the events through kara's
`CallbackList` (so through `ProgbarLogger` and `Progbar`) and compare the
text with the timings masked (`6s`, `33ms/step`, `1:02`, ...).

Keras writes `\\b...\\r` redraws even into a pipe; kara prints finished
lines only there (and no colour codes). So the pipe comparison is between
kara's text and what Keras's bytes look like on a screen.
"""

import io
import json
import os
import re
import subprocess
import sys

import pytest

from kara import config
from kara.callbacks import CallbackList
from kara.utils import progbar
from kara.utils.progbar import Progbar

GOLDEN = os.path.join(os.path.dirname(__file__), "..", "golden", "progbar")
CASES = ("fit", "fit_tiny", "fit_negative", "evaluate", "predict")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
# 6s, 33ms, 120us (before "/step", a colour code, a space or the end) and
# ETAs of the form 1:02 or 1:02:03.
_TIME = re.compile(r"(?<![\d.:])(?:\d+:\d\d(?::\d\d)?|\d+(?:s|ms|us))(?![\w:])")


def _mask(text):
    return _TIME.sub("T", text)


def _screen(text):
    """What `text` looks like on a terminal: lines after \\r and \\b."""
    lines, col = [[]], 0
    for ch in _ANSI.sub("", text):
        if ch == "\n":
            lines.append([])
            col = 0
        elif ch == "\r":
            col = 0
        elif ch == "\b":
            col = max(col - 1, 0)
        else:
            line = lines[-1]
            if col < len(line):
                line[col] = ch
            else:
                line.append(ch)
            col += 1
    return [_mask("".join(line)).rstrip() for line in lines]


def _frames(text):
    """The successive redraws of a live bar (ANSI codes kept)."""
    frames = []
    for chunk in text.replace("\b", "").split("\r"):
        frame = chunk.split("\n")[0]
        if frame:
            frames.append(_mask(frame).rstrip())
    return frames


def _is_subsequence(needles, haystack):
    it = iter(haystack)
    return all(any(n == h for h in it) for n in needles)


class _FakeClock:
    """Advances 0.1 s per reading: every update passes the 0.05 s throttle."""

    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        self.t += 0.1
        return self.t


class _Model:
    stop_training = False


def _load(profile):
    with open(os.path.join(GOLDEN, f"{profile}.json"), encoding="utf-8") as f:
        return json.load(f)


def _replay(events, profile, dynamic, monkeypatch, capsys):
    """Runs the recorded hook calls through kara; returns kara's stdout."""
    monkeypatch.setattr(progbar, "_clock", _FakeClock())
    monkeypatch.setattr(progbar, "_dynamic_display", lambda s: dynamic)
    capsys.readouterr()
    with config.using_profile(profile):
        (_, _, params), rest = events[0], events[1:]
        cbs = CallbackList(
            add_history=True, add_progbar=True, model=_Model(), **params
        )
        for hook, index, logs in rest:
            args = () if index is None else (index,)
            getattr(cbs, "on_" + hook)(*args, logs)
    return capsys.readouterr().out


@pytest.mark.parametrize("profile", ["keras3", "keras2"])
@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("dynamic", [True, False])
def test_verbose_2_matches_keras(profile, case, dynamic, monkeypatch, capsys):
    golden = _load(profile)
    out = _replay(
        golden["events"]["v2"][case], profile, dynamic, monkeypatch, capsys
    )
    for kind in ("tty", "pipe"):
        assert _mask(out) == _mask(golden["captures"][f"v2_{kind}"][case])


@pytest.mark.parametrize("profile", ["keras3", "keras2"])
@pytest.mark.parametrize("case", CASES)
def test_verbose_1_not_a_terminal_prints_finished_lines(
    profile, case, monkeypatch, capsys
):
    golden = _load(profile)
    out = _replay(
        golden["events"]["v1"][case], profile, False, monkeypatch, capsys
    )
    expected = _screen(golden["captures"]["v1_pipe"][case])
    assert _mask(out).split("\n") == expected
    assert "\r" not in out and "\b" not in out and "\x1b" not in out


@pytest.mark.parametrize("profile", ["keras3", "keras2"])
@pytest.mark.parametrize("case", CASES)
def test_verbose_1_terminal_redraws_like_keras(
    profile, case, monkeypatch, capsys
):
    golden = _load(profile)
    keras_out = golden["captures"]["v1_tty"][case]
    out = _replay(
        golden["events"]["v1"][case], profile, True, monkeypatch, capsys
    )
    # Same screen at the end ...
    assert _screen(out) == _screen(keras_out)
    # ... and every frame Keras drew (byte for byte, colours included,
    # timings masked) is one kara drew too. kara drew one per batch here
    # (fake clock); Keras skipped some (its 0.05 s throttle).
    keras_frames = _frames(keras_out)
    kara_frames = _frames(out)
    assert len(keras_frames) >= 3
    assert _is_subsequence(keras_frames, kara_frames)
    assert "\b" not in out


def test_golden_examples_look_as_documented():
    """Spot checks of the captured Keras lines (timings masked)."""
    k3, k2 = _load("keras3"), _load("keras2")
    assert _screen(k3["captures"]["v1_pipe"]["fit"])[1] == (
        "13/13 ━━━━━━━━━━━━━━━━━━━━ T T/step - accuracy: 0.3450 - loss: "
        "1.1712 - val_accuracy: 0.2250 - val_loss: 1.0894"
    )
    assert _screen(k2["captures"]["v1_pipe"]["fit"])[1] == (
        "13/13 [==============================] - T T/step - loss: 1.1712 - "
        "accuracy: 0.3450 - val_loss: 1.0894 - val_accuracy: 0.2250"
    )
    assert _mask(k2["captures"]["v2_pipe"]["fit_negative"]) == (
        "4/4 - T - loss: -1.0000e+00 - mse: 8.3759 - T/epoch - T/step\n"
    )


# ------------------------------------------------------------- unit tests
@pytest.fixture
def clock(monkeypatch):
    fake = _FakeClock()
    monkeypatch.setattr(progbar, "_clock", fake)
    return fake


def _set_display(monkeypatch, dynamic):
    monkeypatch.setattr(progbar, "_dynamic_display", lambda s: dynamic)


def test_duration_and_eta_formats():
    fmt = progbar._format_duration
    assert fmt(2.0, "step") == " 2s/step"
    assert fmt(0, "step") == " 0s/step"
    assert fmt(0.035, "step") == " 35ms/step"
    assert fmt(5e-5, "step") == " 50us/step"
    assert fmt(1.5, "epoch") == " 2s/epoch"
    eta = progbar._format_eta
    assert eta(7.9) == "7s"
    assert eta(61) == "1:01"
    assert eta(3661) == "1:01:01"


def test_value_formats():
    fmt = progbar._format_value
    assert fmt(0.12345, use_abs=True) == " 0.1235"
    assert fmt(0.001, use_abs=True) == " 1.0000e-03"
    assert fmt(0.0011, use_abs=True) == " 0.0011"
    assert fmt(-2.5, use_abs=True) == " -2.5000"
    assert fmt(-2.5, use_abs=False) == " -2.5000e+00"  # verbose=2 quirk
    assert fmt("n/a", use_abs=True) == " n/a"


def test_throttle_at_most_every_interval(monkeypatch, capsys):
    _set_display(monkeypatch, True)
    t = [0.0]

    def clock():  # 1/32 s per reading: exact in binary
        t[0] += 1 / 32
        return t[0]

    monkeypatch.setattr(progbar, "_clock", clock)
    bar = Progbar(target=100)
    for step in range(1, 101):
        bar.update(step, [("loss", 1.0)])
    out = capsys.readouterr().out
    # a redraw needs >= 0.05 s since the last: every second update, plus
    # the first and the final one.
    assert out.count("\r") == 51
    assert out.endswith("\n") and out.count("\n") == 1


def test_not_a_terminal_prints_one_line_per_bar(clock, monkeypatch, capsys):
    _set_display(monkeypatch, False)
    bar = Progbar(target=1000, interval=0)
    for step in range(1, 1001):
        bar.update(step, [("loss", 0.5)])
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "\r" not in out
    assert _mask(out) == (
        "1000/1000 ━━━━━━━━━━━━━━━━━━━━ T T/step - loss: 0.5000\n"
    )


def test_shorter_redraw_is_padded(clock, monkeypatch, capsys):
    _set_display(monkeypatch, True)
    bar = Progbar(target=3)
    bar.update(1, [("loss", 123456.0)])
    bar.update(2, [("loss", 1.0)])
    first, second = capsys.readouterr().out.split("\r")[1:]
    width = len(_ANSI.sub("", first))
    assert len(_ANSI.sub("", second)) == width
    assert second.endswith(" ")


def test_averaging_stateful_and_stateless(clock, monkeypatch, capsys):
    # Keras's own test: values 0 then 2; averaged -> 1, as given -> 2.
    _set_display(monkeypatch, True)
    for stateful, stateless, expected in [
        ([], None, "value: 1.0000"),
        (["value"], None, "value: 2.0000"),
        (None, [], "value: 2.0000"),
        (None, ["value"], "value: 1.0000"),
    ]:
        bar = Progbar(3, stateful_metrics=stateful, stateless_metrics=stateless)
        bar.update(1, [("value", 0.0)])
        capsys.readouterr()
        bar.update(2, [("value", 2.0)])
        assert expected in capsys.readouterr().out


def test_final_value_of_averaged_metric_per_profile(clock, monkeypatch, capsys):
    # Keras 3 shows an averaged value's final update as given; tf.keras 2
    # averages it in (weight 1).
    _set_display(monkeypatch, False)
    for profile, expected in [("keras3", "v: 3.0000"), ("keras2", "v: 2.0000")]:
        with config.using_profile(profile):
            bar = Progbar(2, verbose=2)
            bar.update(1, [("v", 1.0)])
            bar.update(2, [("v", 3.0)])
        assert expected in capsys.readouterr().out


def test_unknown_target(clock, monkeypatch, capsys):
    _set_display(monkeypatch, False)
    bar = Progbar(target=None)
    for step in range(1, 6):
        bar.update(step, [("loss", 0.25)])
    bar.update(5, [("loss", 0.25)], finalize=True)
    assert _mask(capsys.readouterr().out) == (
        "      5/Unknown T T/step - loss: 0.2500\n"
    )
    with config.using_profile("keras2"):
        bar = Progbar(target=None)
        bar.update(5, [("loss", 0.25)], finalize=True)
    assert _mask(capsys.readouterr().out) == (
        "      5/Unknown - T T/step - loss: 0.2500\n"
    )


@pytest.mark.parametrize("verbose", [1, 2])
def test_zero_target_and_silent(verbose, clock, capsys):
    Progbar(target=0, verbose=verbose).update(0, finalize=True)
    bar = Progbar(target=2, verbose=0)
    bar.update(1, [("loss", 1.0)])
    bar.update(2, [("loss", 1.0)])
    out = capsys.readouterr().out
    assert "loss" not in out


def test_add_and_array_values(clock, monkeypatch, capsys):
    _set_display(monkeypatch, False)
    bar = Progbar(target=4, verbose=2, stateful_metrics=["m"])
    bar.add(2, [("m", [0.0, 1.0, 2.0])])
    bar.add(2, [("m", [1.0, 2.0, 3.0])])
    assert "4/4 - " in capsys.readouterr().out


def test_ascii_fallback_when_console_cannot_encode(clock, monkeypatch):
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="cp1252")
    monkeypatch.setattr(sys, "stdout", stream)
    _set_display(monkeypatch, True)
    bar = Progbar(target=4)
    bar.update(1, [("loss", 1.0)])
    bar.update(4, [("loss", 1.0)])
    stream.flush()
    text = raw.getvalue().decode("cp1252")
    frames = _ANSI.sub("", text).split("\r")[1:]
    assert frames[0].startswith("1/4 =====............... ")
    assert frames[1].startswith("4/4 ==================== ")


def test_ascii_fallback_in_a_real_cp1252_process():
    code = (
        "from kara.utils.progbar import Progbar\n"
        "b = Progbar(2)\n"
        "b.update(1, [('loss', 1.0)]); b.update(2, [('loss', 0.5)])\n"
    )
    env = dict(os.environ, PYTHONIOENCODING="cp1252")
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        check=True,
    ).stdout
    text = out.decode("cp1252")
    assert _mask(text) == "2/2 ==================== T T/step - loss: 0.5000\n"


def test_dynamic_display_detection(monkeypatch):
    class Tty(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.delenv("PYCHARM_HOSTED", raising=False)
    monkeypatch.delitem(sys.modules, "ipykernel", raising=False)
    assert progbar._dynamic_display(Tty())
    assert not progbar._dynamic_display(io.StringIO())
    monkeypatch.setitem(sys.modules, "ipykernel", sys)
    assert progbar._dynamic_display(io.StringIO())


def test_bad_arguments():
    with pytest.raises(ValueError, match="Only one of"):
        Progbar(target=1, stateful_metrics=[], stateless_metrics=[])
    with pytest.raises(ValueError, match="target=-1"):
        Progbar(target=-1)
    with pytest.raises(ValueError, match="verbose=3"):
        Progbar(target=1, verbose=3)
    with pytest.raises(ValueError, match="width=0"):
        Progbar(target=1, width=0)


def test_widths_per_profile():
    assert Progbar(1).width == 20
    with config.using_profile("keras2"):
        assert Progbar(1).width == 30
    assert Progbar(1, width=10).width == 10
