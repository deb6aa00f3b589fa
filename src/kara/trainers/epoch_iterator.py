"""Which batches make an epoch (`steps_per_epoch` and its edge cases).

Without `steps_per_epoch`, an epoch is one pass over the data: all the
batches of the arrays (reshuffled each pass), or a generator read until it
stops. With `steps_per_epoch=S`, Keras 3 and tf.keras 2 differ when S is
not the number of batches B of one pass:

- Keras 3: an epoch takes up to S batches from the current pass and stops
  early, with a warning, when the pass ends; the next epoch starts a new
  pass. So S=3, B=4 gives epochs of 3, 1, 3, 1, ... batches.
- tf.keras 2 (profile "keras2"): the passes form one stream, S batches
  per epoch (3, 3, 3: the second epoch is the last batch of pass 1 and
  two of pass 2). `fit` has `epochs - initial_epoch` passes in all; when
  they run out, training stops with a warning.

A generator is one stream in both: epochs take S batches from it (or all
that remain); when it runs dry, training stops with a warning.

Example:
>>> import numpy as np
>>> from kara.trainers.data_adapter import ArrayData
>>> data = ArrayData(np.zeros((8, 1)), batch_size=2)
>>> it = EpochIterator(data, steps_per_epoch=3)
>>> import warnings
>>> with warnings.catch_warnings():
...     warnings.simplefilter("ignore")  # "ran out of data"
...     [len(list(it)) for epoch in range(3)]  # Keras 3
[3, 1, 3]
"""

import warnings

from kara import config

_RAN_OUT = (
    "Your input ran out of data{detail}. Make sure that your data can "
    "give at least `steps_per_epoch * epochs` batches: leave "
    "steps_per_epoch=None to use all the data each epoch, or make the "
    "generator loop forever (while True: ...)."
)


class EpochIterator:
    """Iterating over it gives the batches of one epoch.

    Args:
        data: an `ArrayData` or `IterableData`.
        steps_per_epoch: batches per epoch, or None for one pass.
        max_passes: under the keras2 profile, how many passes over array
            data the stream holds (`epochs - initial_epoch` in `fit`).
    """

    def __init__(self, data, steps_per_epoch=None, max_passes=None):
        self.data = data
        self.steps = steps_per_epoch
        self.max_passes = max_passes
        self.keras2 = config.profile() == "keras2"
        self.exhausted = False  # the data ran dry: stop training
        self.reset()

    @property
    def num_batches(self):
        """Batches per epoch (the progress bar's target), None if unknown."""
        return self.steps or self.data.num_batches

    def reset(self):
        """Starts again from the beginning of the data."""
        self._pass = None
        self._seen = 0
        self._passes = 0

    def _end_pass(self):
        self._pass = None
        self.data.end_pass()

    def _new_pass(self):
        self._pass = self.data.one_pass()
        self._seen = 0
        self._passes += 1

    def __iter__(self):
        if self.data.num_batches is None:
            return self._stream_epoch()
        if self.keras2:
            return self._keras2_epoch()
        return self._keras3_epoch()

    def _keras3_epoch(self):
        total = self.data.num_batches
        if self._pass is None or self.steps is None:
            self._new_pass()
        left = total - self._seen
        for _ in range(self.steps or total):
            if self._seen >= total:
                if self.steps:
                    _warn_ran_out(
                        f": steps_per_epoch={self.steps}, but this pass over "
                        f"the data had {left} batches left, so the epoch "
                        "ends early"
                    )
                break
            self._seen += 1
            yield next(self._pass)
        if self._seen >= total:
            self._end_pass()

    def _keras2_epoch(self):
        total = self.data.num_batches
        steps = self.steps or total
        taken = 0
        while taken < steps:
            if self._pass is None:
                if self.max_passes is not None and (
                    self._passes >= self.max_passes
                ):
                    self._run_dry(taken)
                    return
                self._new_pass()
            self._seen += 1
            taken += 1
            yield next(self._pass)
            if self._seen >= total:
                self._end_pass()

    def _stream_epoch(self):
        if self._pass is None:
            self._new_pass()
        taken = 0
        while self.steps is None or taken < self.steps:
            batch = next(self._pass, None)
            if batch is None:
                self._pass = None
                if self.steps is not None or taken == 0:
                    self._run_dry(taken)
                return
            taken += 1
            yield batch

    def _run_dry(self, taken):
        self.exhausted = True
        _warn_ran_out(f" after {taken} batches of this epoch")


def _warn_ran_out(detail):
    warnings.warn(_RAN_OUT.format(detail=detail), UserWarning, stacklevel=4)
