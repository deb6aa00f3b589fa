"""Where Keras 3 and tf.keras 2 callbacks differ, in one table.

`rules()` returns the row of the current profile
(`kara.config.profile()`). Callbacks read these flags instead of testing
the profile themselves, so every difference is listed here:

- `sort_log_keys`: Keras 3 passes logs to callbacks with the keys sorted
  (`accuracy, loss, val_accuracy, val_loss`); tf.keras 2 keeps the order
  of `compile()` (`loss, accuracy, val_loss, val_accuracy`). The progress
  bar and `History` show that order.
- `lr_log_key`: the log key `LearningRateScheduler` and
  `ReduceLROnPlateau` add: `learning_rate` in Keras 3, `lr` in tf.keras 2.
- `restore_at_train_end`: `EarlyStopping(restore_best_weights=True)`
  restores the best weights when training ends (Keras 3), or only when it
  actually stops training early (tf.keras 2).
- `unknown_direction`: what `mode="auto"` does for a monitored quantity
  whose direction it cannot tell: Keras 3 raises, tf.keras 2 minimises.
"""

from kara import config

_RULES = {
    "keras3": {
        "sort_log_keys": True,
        "lr_log_key": "learning_rate",
        "restore_at_train_end": True,
        "unknown_direction": "raise",
    },
    "keras2": {
        "sort_log_keys": False,
        "lr_log_key": "lr",
        "restore_at_train_end": False,
        "unknown_direction": "min",
    },
}


def rules():
    """The callback rules of the current profile (a dict, do not mutate)."""
    return _RULES[config.profile()]
