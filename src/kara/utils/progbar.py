"""The Keras progress bar: `Progbar`.

`Progbar` prints the lines `fit`, `evaluate` and `predict` show. The text
matches Keras exactly (apart from the timings), in the format of the
current profile:

    keras3: 13/13 ━━━━━━━━━━━━━━━━━━━━ 1s 46ms/step - accuracy: 0.3600 -
            loss: 1.1436
    keras2: 13/13 [==============================] - 1s 43ms/step -
            loss: 1.1436 - accuracy: 0.3600

(one line each, wrapped here).

Where kara differs from Keras is *how* the line reaches the screen:

- On a terminal (or a Jupyter kernel, which renders `\\r`) the line is
  redrawn in place with `\\r`, at most once every `interval` seconds
  (0.05 s: about 20 redraws a second) plus the final draw. Keras also
  sends backspaces (`\\b`); kara never does.
- When stdout is not a terminal (a log file, CI, a pipe), only finished
  lines are printed: one line per epoch, no carriage returns, no colour
  codes. Keras on Linux writes every redraw into the log.
- When stdout cannot encode the bar glyph `━` (a cp1252 console), the bar
  is drawn in ASCII: `=` for the done part, `.` for the rest.

Both formats are described in one table, `_FORMATS`, picked by
`kara.config.profile()` when the bar is created.

Example:
>>> from kara.utils import Progbar
>>> bar = Progbar(target=3, verbose=2)
>>> for step in (1, 2, 3):
...     bar.update(step, [("loss", 0.5)])  # doctest: +ELLIPSIS
3/3 - 0s - ...s/step - loss: 0.5000
"""

import math
import os
import re
import sys
import time

import numpy as np

from kara import config
from kara.utils.io_utils import print_msg

# The clock the bar reads; tests replace it with a fake one.
_clock = time.monotonic

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_GLYPH = "\u2501"  # "━", Keras 3's bar character


# ------------------------------------------------------------ formatting
def _format_eta(seconds):
    """`1:02:03` over an hour, `2:03` over a minute, else `7s`."""
    if seconds > 3600:
        return "%d:%02d:%02d" % (
            seconds // 3600,
            (seconds % 3600) // 60,
            seconds % 60,
        )
    if seconds > 60:
        return "%d:%02d" % (seconds // 60, seconds % 60)
    return "%ds" % seconds


def _format_duration(seconds, unit_name):
    """` 2s/step`, ` 35ms/step` or ` 120us/step` (with the leading space)."""
    if seconds >= 1 or seconds == 0:
        return f" {seconds:.0f}s/{unit_name}"
    if seconds >= 1e-3:
        return f" {seconds * 1e3:.0f}ms/{unit_name}"
    return f" {seconds * 1e6:.0f}us/{unit_name}"


def _format_value(value, use_abs):
    """`%.4f`, or `%.4e` for values at or below 1e-3.

    Keras tests `abs(v) > 1e-3` on the live bar (verbose=1) but `v > 1e-3`
    on the verbose=2 line, so there a negative value prints as
    `-1.0000e+00`; `use_abs` picks the test.
    """
    try:
        v = float(value)
    except (TypeError, ValueError):
        return f" {value}"
    big = abs(v) > 1e-3 if use_abs else v > 1e-3
    return f" {v:.4f}" if big else f" {v:.4e}"


def _counter(current, target):
    """`" 3/13"`: the step right-aligned to the width of the target."""
    digits = int(math.log10(target)) + 1
    return f"%{digits}d/%d" % (current, target)


class _Keras3Format:
    """Keras 3: `13/13 ━━━━ 1s 46ms/step - loss: ...`, bold and colours."""

    width = 20
    # Keras 3 shows a stateless metric's final value as given, where tf.keras
    # 2 averages it in with weight 1.
    finalize_replaces_average = True

    def live_line(self, bar, current, finalize, now, time_per_unit):
        """The verbose=1 line without metrics, with ANSI codes."""
        if bar.target is not None and bar.target > 0:
            done = int(bar.width * current / bar.target)
            if bar._ascii:
                done_glyph, todo_glyph = "=", "."
            else:
                done_glyph = todo_glyph = _GLYPH
            text = f"\x1b[1m{_counter(current, bar.target)}\x1b[0m "
            if done > 0:
                text += f"\x1b[32m{done_glyph * done}\x1b[0m"
            text += f"\x1b[37m{todo_glyph * (bar.width - done)}\x1b[0m"
            if not finalize:
                eta = time_per_unit * (bar.target - current)
                text += f" \x1b[1m{_format_eta(eta)}\x1b[0m"
            else:
                text += f" \x1b[1m{now - bar._start:.0f}s\x1b[0m"
        else:
            text = "%7d/Unknown" % current
            text += f" \x1b[1m{now - bar._start:.0f}s\x1b[0m"
        return text + _format_duration(time_per_unit, bar.unit_name)

    def final_line(self, bar, current, now, time_per_unit, metrics):
        """The verbose=2 line: `13/13 - 1s - 46ms/step - loss: ...`."""
        info = f"{_counter(current, bar.target)} - {now - bar._start:.0f}s"
        info += " -" + _format_duration(time_per_unit, bar.unit_name)
        return info + metrics


class _Keras2Format:
    """tf.keras 2: `13/13 [=====>....] - ETA: 0s - loss: ...`, plain text."""

    width = 30
    finalize_replaces_average = False

    def live_line(self, bar, current, finalize, now, time_per_unit):
        if bar.target is not None and bar.target > 0:
            done = int(bar.width * current / bar.target)
            text = _counter(current, bar.target) + " ["
            if done > 0:
                text += "=" * (done - 1)
                text += ">" if current < bar.target else "="
            text += "." * (bar.width - done) + "]"
            if not finalize:
                eta = time_per_unit * (bar.target - current)
                return text + f" - ETA: {_format_eta(eta)}"
        else:
            text = "%7d/Unknown" % current
        text += f" - {now - bar._start:.0f}s"
        return text + _format_duration(time_per_unit, bar.unit_name)

    def final_line(self, bar, current, now, time_per_unit, metrics):
        """`13/13 - 1s - loss: ... - 560ms/epoch - 43ms/step`."""
        epoch_time = now - bar._start
        info = f"{_counter(current, bar.target)} - {epoch_time:.0f}s"
        info += metrics
        info += " -" + _format_duration(epoch_time, "epoch")
        info += " -" + _format_duration(epoch_time / bar.target, bar.unit_name)
        return info


# The one place where the profile picks the format.
_FORMATS = {"keras3": _Keras3Format(), "keras2": _Keras2Format()}


# --------------------------------------------------------------- console
def _dynamic_display(stream):
    """Whether `stream` can redraw a line in place with `\\r`.

    True on a terminal, in a Jupyter/IPython kernel (its front end renders
    `\\r`) and in PyCharm's console. Unlike Keras, being on a POSIX system
    is not enough: a pipe or a log file gets finished lines only.
    """
    isatty = getattr(stream, "isatty", None)
    try:
        if isatty is not None and isatty():
            return True
    except ValueError:  # a closed stream
        return False
    return "ipykernel" in sys.modules or "PYCHARM_HOSTED" in os.environ


def _can_encode(stream, text):
    """Whether `stream`'s encoding can write `text` (cp1252 cannot `━`)."""
    encoding = getattr(stream, "encoding", None)
    if not encoding:
        return True  # a str-only stream such as io.StringIO
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


# --------------------------------------------------------------- Progbar
class Progbar:
    """Displays a progress bar.

    If neither `stateful_metrics` nor `stateless_metrics` is given, every
    value passed to `update` is averaged over the steps (weighted by the
    number of steps since the previous update). `fit` passes running
    means already, and shows them as given (`stateless_metrics=set()`).

    Args:
        target: total number of steps expected, or `None` if unknown.
        width: the bar's width in characters. Defaults to 20 (Keras 3), or
            30 under the `"keras2"` profile.
        verbose: 0 (silent), 1 (a live bar) or 2 (one line at the end).
        interval: the least time between two redraws, in seconds.
        stateful_metrics: names of values shown as given, not averaged.
            All others are averaged.
        stateless_metrics: names of values that are averaged. All others
            are shown as given. Give at most one of the two lists.
        unit_name: what a step is called in the timing (`"step"`).

    Example:
    >>> bar = Progbar(target=2, verbose=2, stateful_metrics=["acc"])
    >>> bar.update(1, [("acc", 0.5)])
    >>> bar.update(2, [("acc", 0.75)])  # doctest: +ELLIPSIS
    2/2 - 0s - ...s/step - acc: 0.7500
    """

    def __init__(
        self,
        target,
        width=None,
        verbose=1,
        interval=0.05,
        stateful_metrics=None,
        stateless_metrics=None,
        unit_name="step",
    ):
        if stateful_metrics is not None and stateless_metrics is not None:
            raise ValueError(
                "Only one of `stateful_metrics` or `stateless_metrics` can be "
                "provided: `stateful_metrics` lists the values shown as "
                "given (all others are averaged), `stateless_metrics` lists "
                "the values averaged (all others are shown as given). "
                f"Received: stateful_metrics={stateful_metrics!r}, "
                f"stateless_metrics={stateless_metrics!r}"
            )
        if verbose not in (0, 1, 2):
            raise ValueError(
                "`verbose` must be 0 (silent), 1 (live bar) or 2 (one line "
                f"per epoch). Received: verbose={verbose!r}"
            )
        if target is not None and (
            isinstance(target, bool)
            or not isinstance(target, (int, np.integer))
            or target < 0
        ):
            raise ValueError(
                "`target` must be the number of steps (an int >= 0) or "
                f"None if unknown. Received: target={target!r}"
            )
        self._format = _FORMATS[config.profile()]
        width = self._format.width if width is None else width
        if not isinstance(width, (int, np.integer)) or width < 1:
            raise ValueError(
                f"`width` must be a positive int. Received: width={width!r}"
            )
        self.target = None if target is None else int(target)
        self.width = int(width)
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        if stateless_metrics is not None:
            self.stateful_metrics = None
            self.stateless_metrics = set(stateless_metrics)
        else:
            self.stateful_metrics = set(stateful_metrics or ())
            self.stateless_metrics = None

        stream = sys.stdout
        self._dynamic_display = _dynamic_display(stream)
        self._ascii = not _can_encode(stream, _GLYPH)
        self._seen_so_far = 0
        # name -> [sum of value*weight, sum of weights]; names keep the
        # order they first appeared in.
        self._values = {}
        self._start = _clock()
        self._last_update = None
        self._time_after_first_step = None
        self._prev_width = 0

    def _is_averaged(self, name):
        if self.stateless_metrics is not None:
            return name in self.stateless_metrics
        return name not in self.stateful_metrics

    def update(self, current, values=None, finalize=None):
        """Updates the progress bar.

        Args:
            current: index of the current step (1-based: the steps done).
            values: list of `(name, value)` pairs, shown in first-seen
                order. An averaged value is weighted by the steps since
                the previous update.
            finalize: whether this is the last update. Defaults to
                `current >= target` (`False` when the target is unknown).
        """
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        for name, value in values or ():
            if isinstance(value, (list, tuple)):
                value = np.asarray(value, dtype="float64")
            if (
                isinstance(value, str)
                or not self._is_averaged(name)
                or (finalize and self._format.finalize_replaces_average)
            ):
                self._values[name] = [value, 1]
                continue
            weight = max(current - self._seen_so_far, 1)
            entry = self._values.get(name)
            if entry is None:
                self._values[name] = [value * weight, weight]
            else:
                entry[0] += value * weight
                entry[1] += weight
        self._seen_so_far = current

        if self.verbose == 0:
            return
        now = _clock()
        if self.verbose == 1:
            # Throttle first: the hot path of a fast epoch ends here.
            if (
                not finalize
                and self._last_update is not None
                and now - self._last_update < self.interval
            ):
                return
            time_per_unit = self._step_duration(current, now)
            if finalize or self._dynamic_display:
                self._draw_live(current, finalize, now, time_per_unit)
        else:
            time_per_unit = self._step_duration(current, now)
            if finalize:
                self._draw_final(current, now, time_per_unit)
        self._last_update = now

    def add(self, n, values=None):
        """Advances the bar by `n` steps (see `update`)."""
        self.update(self._seen_so_far + n, values)

    # ------------------------------------------------------------ drawing
    def _metrics_text(self, use_abs):
        parts = []
        for name, (total, count) in self._values.items():
            if isinstance(total, str):
                parts.append(f" - {name}: {total}")
                continue
            mean = np.mean(total) / max(1, count)
            parts.append(f" - {name}:" + _format_value(mean, use_abs))
        return "".join(parts)

    def _draw_live(self, current, finalize, now, time_per_unit):
        """verbose=1: redraw in place, or print the finished line."""
        line = self._format.live_line(
            self, current, finalize, now, time_per_unit
        )
        line += self._metrics_text(use_abs=True)
        if not self._dynamic_display:
            print_msg(_ANSI.sub("", line))
            return
        width = len(_ANSI.sub("", line))
        # Blank out what is left of a longer previous line.
        line += " " * max(self._prev_width - width, 0)
        self._prev_width = width
        print_msg("\r" + line, line_break=finalize)

    def _draw_final(self, current, now, time_per_unit):
        """verbose=2: one line when the epoch ends."""
        target = self.target if self.target is not None else current
        if target <= 0:
            return
        if self.target is None:
            self.target = target
        metrics = self._metrics_text(use_abs=False)
        line = self._format.final_line(
            self, current, now, time_per_unit, metrics
        )
        print_msg(line)

    def _step_duration(self, current, now):
        """Seconds per step, not counting the (slow) first step if it can.

        The first step often includes one-off work, so once step 1 has
        been seen the estimate is `(now - t_step1) / (current - 1)`.
        """
        if not current:
            return 0
        if self._time_after_first_step is not None and current > 1:
            per_unit = (now - self._time_after_first_step) / (current - 1)
        else:
            per_unit = (now - self._start) / current
        if current == 1:
            self._time_after_first_step = now
        return per_unit
