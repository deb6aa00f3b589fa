"""The learning rate of an optimizer (a mixin of `Optimizer`).

The learning rate is a float held in a non-trainable floatx Variable
(settable at any time: `optimizer.learning_rate = 1e-4` assigns it in
place), a `LearningRateSchedule` called with `iterations` before each
update, or a callable with no arguments.
"""

import warnings

import numpy as np

from kara import backend
from kara.autograd.variable import Variable
from kara.optimizers import _helpers
from kara.optimizers import schedules


class LearningRateMixin:
    """`learning_rate` (and its deprecated alias `lr`) for `Optimizer`."""

    @property
    def learning_rate(self):
        """The learning rate: a Variable for a float, else its value now.

        Set it to a float at any time (`optimizer.learning_rate = 1e-4`);
        this assigns the Variable in place. A schedule or a callable can
        also be set.
        """
        lr = self._learning_rate
        if isinstance(lr, Variable):
            return lr
        if (
            isinstance(lr, schedules.LearningRateSchedule)
            and not self._rules.schedule_reads_current_step
        ):
            value = self._last_learning_rate
            if value is None:
                value = lr(0)
            return _helpers.reading(np.float32(value))
        return _helpers.reading(np.float32(self._current_learning_rate()))

    @learning_rate.setter
    def learning_rate(self, value):
        self._set_learning_rate(value)

    @property
    def lr(self):
        """Deprecated alias of `learning_rate`."""
        warnings.warn(
            "`optimizer.lr` is deprecated, use `optimizer.learning_rate`.",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.learning_rate

    @lr.setter
    def lr(self, value):
        warnings.warn(
            "`optimizer.lr` is deprecated, use `optimizer.learning_rate`.",
            DeprecationWarning,
            stacklevel=2,
        )
        self.learning_rate = value

    def _set_learning_rate(self, value):
        previous = self._learning_rate
        if isinstance(value, schedules.LearningRateSchedule) or (
            callable(value) and not getattr(value, "_is_kara_tensor", False)
        ):
            self._learning_rate = value
            if isinstance(previous, Variable):
                self._variables = [
                    v for v in self._variables if v is not previous
                ]
            return
        if isinstance(previous, schedules.LearningRateSchedule):
            raise TypeError(
                "This optimizer was created with a `LearningRateSchedule` "
                "object as its `learning_rate` constructor argument, hence "
                "its learning rate is not settable. If you need the "
                "learning rate to be settable, you should instantiate the "
                "optimizer with a float `learning_rate` argument."
            )
        if getattr(value, "_is_kara_tensor", False) or isinstance(
            value, np.ndarray
        ):
            value = np.asarray(backend.as_array(value)).item()
        if (
            value is None
            or isinstance(value, (bool, str))
            or not isinstance(value, (int, float, np.integer, np.floating))
        ):
            raise ValueError(
                "Argument `learning_rate` should be a float, an instance of "
                "LearningRateSchedule, or a callable (that takes no "
                "arguments and returns the learning rate). Received "
                f"instead: learning_rate={value!r}"
            )
        if isinstance(previous, Variable):
            previous.assign(float(value))
            return
        dtype = backend.standardize_dtype(None)  # floatx, as in Keras
        lr_var = Variable(
            np.array(value, dtype=dtype),
            dtype=dtype,
            trainable=False,
            name="learning_rate",
        )
        self._learning_rate = lr_var
        if self._rules.track_learning_rate:
            self._variables.insert(1, lr_var)  # after `iterations`

    def _current_learning_rate(self):
        """The learning rate for the next update, as a Python float."""
        lr = self._learning_rate
        if isinstance(lr, Variable):
            return float(lr.data)
        if isinstance(lr, schedules.LearningRateSchedule):
            return float(lr(int(self._iterations.data)))
        return float(lr())
