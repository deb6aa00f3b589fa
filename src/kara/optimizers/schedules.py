"""Learning-rate schedules: the learning rate as a function of the step.

Pass a schedule as an optimizer's `learning_rate`; the optimizer calls it
with its `iterations` (0 at the first update) before every update. A
schedule computes in float32, as Keras does, and returns a NumPy float32
scalar.

Example:
>>> from kara.optimizers import schedules
>>> s = schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
>>> float(s(0)), float(s(10)), round(float(s(5)), 6)
(0.10000000149011612, 0.05000000074505806, 0.070711)
"""

import math

import numpy as np

from kara.optimizers import profiles
from kara.utils import naming


def _step_value(step):
    """The step as a NumPy scalar (int steps stay integers)."""
    if hasattr(step, "data"):  # a kara Variable / Tensor
        step = step.data
    return np.asarray(step)[()]


def _F(x):
    """`x` (a number, array or Tensor) as a float32 scalar: schedules
    compute in float32, like Keras."""
    return np.float32(_step_value(x))


_f32 = _F


def _check_positive_steps(value, name):
    if value <= 0:
        raise ValueError(
            f"Argument `{name}` must be > 0. Received: {name}={value}"
        )


def _default_name(name, default):
    if name is not None:
        return name
    return default if profiles.rules().schedule_default_names else None


class LearningRateSchedule:
    """Base class of learning-rate schedules.

    To be implemented by subclasses: `__call__(self, step)`, returning the
    learning rate at `step` (an integer, 0 at the first update), and
    `get_config()` for serialization.

    Example:
    >>> class Halving(LearningRateSchedule):
    ...     def __init__(self, lr0):
    ...         self.lr0 = lr0
    ...     def __call__(self, step):
    ...         return self.lr0 * 0.5 ** (int(step) // 10)
    ...     def get_config(self):
    ...         return {"lr0": self.lr0}
    >>> Halving(0.4)(25)
    0.1
    """

    def __call__(self, step):
        raise NotImplementedError(
            f"Learning rate schedule '{self.__class__.__name__}' "
            "must override `__call__(self, step)`."
        )

    def get_config(self):
        raise NotImplementedError(
            f"Learning rate schedule '{self.__class__.__name__}' "
            "must override `get_config()` in order to be serializable."
        )

    @classmethod
    def from_config(cls, config):
        """Instantiates a schedule from the output of `get_config()`."""
        return cls(**config)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{self.__class__.__name__}({args})"


class ExponentialDecay(LearningRateSchedule):
    """Decays the learning rate exponentially.

    Formula:
        lr = initial_learning_rate * decay_rate ** (step / decay_steps)
        (with `staircase=True`, the exponent is floored)

    Args:
        initial_learning_rate: the learning rate at step 0.
        decay_steps: a positive number of steps.
        decay_rate: the factor applied every `decay_steps` steps.
        staircase: if True, decay in discrete intervals.
        name: the schedule's name.

    Example:
    >>> s = ExponentialDecay(0.1, decay_steps=3, decay_rate=0.5,
    ...                      staircase=True)
    >>> [round(float(s(k)), 4) for k in (0, 2, 3, 7)]
    [0.1, 0.1, 0.05, 0.025]
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        decay_rate,
        staircase=False,
        name=None,
    ):
        _check_positive_steps(decay_steps, "decay_steps")
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = _default_name(name, "ExponentialDecay")

    def __call__(self, step):
        p = _f32(step) / _F(self.decay_steps)
        if self.staircase:
            p = np.floor(p)
        return _F(self.initial_learning_rate) * _F(self.decay_rate) ** p

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


class PiecewiseConstantDecay(LearningRateSchedule):
    """A constant learning rate on each interval between boundaries.

    Formula:
        values[0]    if step <= boundaries[0]
        values[i+1]  if boundaries[i] < step <= boundaries[i+1]
        values[-1]   if step > boundaries[-1]

    Args:
        boundaries: increasing step boundaries.
        values: `len(boundaries) + 1` learning rates.
        name: the schedule's name.

    Example:
    >>> s = PiecewiseConstantDecay([100, 110], [1.0, 0.5, 0.1])
    >>> [float(s(k)) for k in (100, 101, 111)]
    [1.0, 0.5, 0.10000000149011612]
    """

    def __init__(self, boundaries, values, name=None):
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                "The length of boundaries should be 1 less than the length "
                f"of values. Received: boundaries={boundaries} of length "
                f"{len(boundaries)}, and values={values} of length "
                f"{len(values)}."
            )
        self.boundaries = boundaries
        self.values = values
        self.name = _default_name(name, "PiecewiseConstant")

    def __call__(self, step):
        step = _step_value(step)
        bounds = self.boundaries
        if np.issubdtype(np.asarray(step).dtype, np.integer):
            # Keras casts the boundaries to the step's (integer) dtype
            bounds = [int(b) for b in bounds]
        index = len(bounds)
        for i, b in enumerate(bounds):
            if step <= b:
                index = i
                break
        value = self.values[index]
        if isinstance(value, (int, np.integer)) and not isinstance(
            self.values[0], (float, np.floating)
        ):
            return np.int32(value)
        return _F(value)

    def get_config(self):
        return {
            "boundaries": self.boundaries,
            "values": self.values,
            "name": self.name,
        }


class PolynomialDecay(LearningRateSchedule):
    """Decays the learning rate polynomially to `end_learning_rate`.

    Formula:
        s = min(step, decay_steps)     (cycle=False), or with cycle=True
        decay_steps *= ceil(step / decay_steps)  (1 at step 0)
        lr = (initial - end) * (1 - s / decay_steps) ** power + end

    Args:
        initial_learning_rate: the learning rate at step 0.
        decay_steps: a positive number of steps.
        end_learning_rate: the final learning rate.
        power: the polynomial's power (1.0: linear).
        cycle: whether to restart the decay after `decay_steps`.
        name: the schedule's name.

    Example:
    >>> s = PolynomialDecay(0.05, decay_steps=10, end_learning_rate=0.0)
    >>> round(float(s(5)), 6), float(s(20))
    (0.025, 0.0)
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        end_learning_rate=0.0001,
        power=1.0,
        cycle=False,
        name=None,
    ):
        _check_positive_steps(decay_steps, "decay_steps")
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = _default_name(name, "PolynomialDecay")

    def __call__(self, step):
        lr0 = _F(self.initial_learning_rate)
        end = _F(self.end_learning_rate)
        s = _f32(step)
        decay_steps = _F(self.decay_steps)
        if self.cycle:
            multiplier = _F(1) if s == 0 else np.ceil(s / decay_steps)
            decay_steps = decay_steps * multiplier
        else:
            s = min(s, decay_steps)
        p = s / decay_steps
        return (lr0 - end) * (_F(1) - p) ** _F(self.power) + end

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "end_learning_rate": self.end_learning_rate,
            "power": self.power,
            "cycle": self.cycle,
            "name": self.name,
        }


class InverseTimeDecay(LearningRateSchedule):
    """Decays the learning rate as one over time.

    Formula:
        lr = initial_learning_rate / (1 + decay_rate * step / decay_steps)
        (with `staircase=True`, `step / decay_steps` is floored)

    Args:
        initial_learning_rate: the learning rate at step 0.
        decay_steps: a positive number of steps.
        decay_rate: the decay rate.
        staircase: if True, decay in discrete intervals.
        name: the schedule's name.

    Example:
    >>> s = InverseTimeDecay(0.1, decay_steps=1, decay_rate=0.5)
    >>> round(float(s(2)), 6)
    0.05
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        decay_rate,
        staircase=False,
        name=None,
    ):
        _check_positive_steps(decay_steps, "decay_steps")
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = _default_name(name, "InverseTimeDecay")

    def __call__(self, step):
        p = _f32(step) / _F(self.decay_steps)
        if self.staircase:
            p = np.floor(p)
        denom = _F(1) + _F(self.decay_rate) * p
        return _F(self.initial_learning_rate) / denom

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


class CosineDecay(LearningRateSchedule):
    """Cosine decay, optionally after a linear warmup.

    Formula:
        without warmup: s = min(step, decay_steps)
            lr = lr0 * ((1 - alpha) * 0.5 * (1 + cos(pi * s / decay_steps))
                        + alpha)
        with warmup (warmup_target set): linear from `lr0` to
            `warmup_target` over `warmup_steps`, then the cosine decay
            above from `warmup_target` over `decay_steps`.

    Args:
        initial_learning_rate: the learning rate at step 0.
        decay_steps: a positive number of decay steps.
        alpha: the minimum, as a fraction of the decayed-from rate.
        name: the schedule's name.
        warmup_target: the learning rate reached after the warmup (None:
            no warmup).
        warmup_steps: the number of warmup steps.

    Example:
    >>> s = CosineDecay(0.0, decay_steps=10, warmup_target=0.1,
    ...                 warmup_steps=5)
    >>> [round(float(s(k)), 4) for k in (0, 1, 5, 10, 15, 99)]
    [0.0, 0.02, 0.1, 0.05, 0.0, 0.0]
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        alpha=0.0,
        name=None,
        warmup_target=None,
        warmup_steps=0,
    ):
        _check_positive_steps(decay_steps, "decay_steps")
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = _default_name(name, "CosineDecay")
        self.warmup_steps = warmup_steps
        self.warmup_target = warmup_target

    def _decay(self, s, decay_steps, decay_from):
        fraction = s / decay_steps
        cosine = _F(0.5) * (_F(1) + np.cos(_F(math.pi) * fraction))
        decayed = _F(1 - self.alpha) * cosine + _F(self.alpha)
        return decay_from * decayed

    def __call__(self, step):
        lr0 = _F(self.initial_learning_rate)
        decay_steps = _F(self.decay_steps)
        s = _f32(step)
        if self.warmup_target is None:
            return self._decay(min(s, decay_steps), decay_steps, lr0)
        target = _F(self.warmup_target)
        warmup_steps = _F(self.warmup_steps)
        s = min(s, decay_steps + warmup_steps)
        if s < warmup_steps:
            return (target - lr0) * (s / warmup_steps) + lr0
        return self._decay(s - warmup_steps, decay_steps, target)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "alpha": self.alpha,
            "name": self.name,
            "warmup_target": self.warmup_target,
            "warmup_steps": self.warmup_steps,
        }


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR).

    Formula:
        Period i lasts first_decay_steps * t_mul**i steps and starts from
        lr0 * m_mul**i; inside a period at fraction x of its length:
            lr = lr0 * m_mul**i * ((1 - alpha) * 0.5 * (1 + cos(pi * x))
                                   + alpha)
        (more exactly: `alpha` is not scaled by `m_mul**i`.)

    Args:
        initial_learning_rate: the learning rate at step 0.
        first_decay_steps: the length of the first period.
        t_mul: each period is `t_mul` times longer than the previous.
        m_mul: each period starts `m_mul` times lower.
        alpha: the minimum, as a fraction of `initial_learning_rate`.
        name: the schedule's name.

    Example:
    >>> s = CosineDecayRestarts(0.1, first_decay_steps=10)
    >>> [round(float(s(k)), 4) for k in (0, 5, 10, 20, 30)]
    [0.1, 0.05, 0.1, 0.05, 0.1]
    """

    def __init__(
        self,
        initial_learning_rate,
        first_decay_steps,
        t_mul=2.0,
        m_mul=1.0,
        alpha=0.0,
        name=None,
    ):
        _check_positive_steps(first_decay_steps, "first_decay_steps")
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self._t_mul = t_mul
        self._m_mul = m_mul
        self.alpha = alpha
        self.name = _default_name(name, "SGDRDecay")

    def __call__(self, step):
        one = _F(1)
        t_mul = _F(self._t_mul)
        alpha = _F(self.alpha)
        fraction = _f32(step) / _F(self.first_decay_steps)
        if t_mul == one:
            i_restart = np.floor(fraction)
            fraction = fraction - i_restart
        else:
            # the restart index i solves sum_{j<i} t_mul**j <= fraction
            i_restart = np.floor(
                np.log(one - fraction * (one - t_mul)) / np.log(t_mul)
            )
            sum_r = (one - t_mul**i_restart) / (one - t_mul)
            fraction = (fraction - sum_r) / t_mul**i_restart
        m_fac = _F(self._m_mul) ** i_restart
        cosine = _F(0.5) * m_fac * (one + np.cos(_F(math.pi) * fraction))
        decayed = (one - alpha) * cosine + alpha
        return _F(self.initial_learning_rate) * decayed

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "first_decay_steps": self.first_decay_steps,
            "t_mul": self._t_mul,
            "m_mul": self._m_mul,
            "alpha": self.alpha,
            "name": self.name,
        }


ALL_SCHEDULES = {
    cls.__name__: cls
    for cls in (
        ExponentialDecay,
        PiecewiseConstantDecay,
        PolynomialDecay,
        InverseTimeDecay,
        CosineDecay,
        CosineDecayRestarts,
    )
}


def serialize(learning_rate_schedule):
    """Returns the schedule as a Keras-format config dict.

    Example:
    >>> serialize(InverseTimeDecay(0.1, 1, 0.5))["class_name"]
    'InverseTimeDecay'
    """
    cls = type(learning_rate_schedule)
    builtin = ALL_SCHEDULES.get(cls.__name__) is cls
    return {
        "module": "keras.optimizers.schedules" if builtin else cls.__module__,
        "class_name": cls.__name__,
        "config": learning_rate_schedule.get_config(),
        "registered_name": None if builtin else cls.__name__,
    }


def deserialize(config, custom_objects=None):
    """Builds a schedule from the output of `serialize` (or a Keras file).

    Args:
        config: a dict with `class_name` and `config`.
        custom_objects: optional dict of user-defined schedule classes.
    """
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            "Expected a dict with keys 'class_name' and 'config' for a "
            f"learning-rate schedule. Received: {config!r}"
        )
    name = config["class_name"]
    objects = dict(ALL_SCHEDULES)
    objects.update(custom_objects or {})
    cls = objects.get(name) or objects.get(config.get("registered_name"))
    if cls is None:
        hint = naming.suggestion(name, list(objects))
        raise ValueError(
            f"Unknown learning-rate schedule: '{name}'.{hint} Known: "
            f"{', '.join(sorted(objects))}. Pass custom classes with "
            "`custom_objects={'Name': Class}`."
        )
    return cls.from_config(dict(config.get("config", {})))
