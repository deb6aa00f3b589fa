"""Where the optimizers of Keras 3 and tf.keras 2.15 differ, in one table.

The update rules, defaults and epsilon placements of the two versions are
the same for every optimizer both have, except for the items below. Each
optimizer reads `self._rules` (chosen from `kara.config.profile()` when the
optimizer is created) instead of testing the profile itself, so this file
is the one place to look up (and change) a difference.

Example:
>>> from kara.optimizers import profiles
>>> profiles.rules("keras2").lion_learning_rate
0.0001
"""

import dataclasses

from kara import config


@dataclasses.dataclass(frozen=True)
class ProfileRules:
    """The behaviours of one profile (see the field comments).

    Attributes:
        name: `"keras3"` or `"keras2"`.
        track_learning_rate: whether a float learning rate is a Variable in
            `optimizer.variables` (Keras 3) or kept out of it (tf.keras 2).
        schedule_reads_current_step: what `optimizer.learning_rate` returns
            with a schedule: its value at the current `iterations` (Keras 3)
            or the value used by the last update (tf.keras 2).
        ema_keras2: EMA averages start as a copy of the weights and always
            use `ema_momentum` (tf.keras 2); Keras 3 starts them at zero and
            uses momentum 0 on the first step (so the average starts at the
            first updated value).
        sgd_always_momentum_slots: tf.keras 2's SGD creates a momentum slot
            per variable even when `momentum=0`.
        nadam_trace_counter: tf.keras 2's Nadam advances its `u_product`
            with a Python counter that `model.fit` (a `tf.function`, traced
            twice because the first trace creates the slots) reads only
            when tracing: then the product is multiplied once per variable
            per step, except by the variable at position
            `iterations + 1 - n` (n variables). Eager `apply_gradients` in
            tf.keras 2 gives Keras 3's rule: once per step.
        track_nadam_u_product: Keras 3 lists Nadam's `u_product` in
            `optimizer.variables`.
        track_adafactor_placeholders: Keras 3 lists Adafactor's scalar
            placeholders (for variables of rank < 2) in `variables`.
        lion_learning_rate: Lion's default learning rate.
        rmsprop_ema_overwrite_frequency: RMSprop's default
            `ema_overwrite_frequency` (tf.keras 2.15: 100; it matters only
            with `use_ema=True`).
        config_keras2: `get_config` has tf.keras 2's keys (`jit_compile`,
            `is_legacy_optimizer`, no `loss_scale_factor`).
        auto_name_snake_case: default optimizer names are `"adam"`,
            `"adam_1"`, ... (Keras 3) or the class name `"Adam"` (tf.keras 2).
        schedule_default_names: schedules default their `name` to a string
            such as `"ExponentialDecay"` (Keras 3) or to `None` (tf.keras 2).
    """

    name: str
    track_learning_rate: bool
    schedule_reads_current_step: bool
    ema_keras2: bool
    sgd_always_momentum_slots: bool
    nadam_trace_counter: bool
    track_nadam_u_product: bool
    track_adafactor_placeholders: bool
    lion_learning_rate: float
    rmsprop_ema_overwrite_frequency: object
    config_keras2: bool
    auto_name_snake_case: bool
    schedule_default_names: bool


KERAS3 = ProfileRules(
    name="keras3",
    track_learning_rate=True,
    schedule_reads_current_step=True,
    ema_keras2=False,
    sgd_always_momentum_slots=False,
    nadam_trace_counter=False,
    track_nadam_u_product=True,
    track_adafactor_placeholders=True,
    lion_learning_rate=0.001,
    rmsprop_ema_overwrite_frequency=None,
    config_keras2=False,
    auto_name_snake_case=True,
    schedule_default_names=True,
)

KERAS2 = ProfileRules(
    name="keras2",
    track_learning_rate=False,
    schedule_reads_current_step=False,
    ema_keras2=True,
    sgd_always_momentum_slots=True,
    nadam_trace_counter=True,
    track_nadam_u_product=False,
    track_adafactor_placeholders=False,
    lion_learning_rate=0.0001,
    rmsprop_ema_overwrite_frequency=100,
    config_keras2=True,
    auto_name_snake_case=False,
    schedule_default_names=False,
)

_BY_NAME = {"keras3": KERAS3, "keras2": KERAS2}


def rules(profile=None):
    """Returns the `ProfileRules` of `profile` (default: the current one)."""
    return _BY_NAME[profile or config.profile()]
