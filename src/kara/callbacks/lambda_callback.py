"""`LambdaCallback`: a callback made of plain functions.

Each argument is a function used as that hook, with the hook's arguments
(`on_epoch_end(epoch, logs)`, `on_train_begin(logs)`, ...). Any other hook
(`on_test_end=...`, `on_batch_end=...`) can be given by keyword too; a
keyword that is not a hook name raises a `TypeError` naming the closest
one, where Keras would silently ignore a typo such as `on_epoch_ends`.
"""

from kara.callbacks.callback import Callback
from kara.utils import naming

_HOOKS = tuple(
    name
    for name in dir(Callback)
    if name.startswith("on_") and callable(getattr(Callback, name))
)


class LambdaCallback(Callback):
    """Callback for creating simple, custom callbacks on the fly.

    Args:
        on_epoch_begin: called as `f(epoch, logs)` at each epoch start.
        on_epoch_end: called as `f(epoch, logs)` at each epoch end.
        on_train_begin: called as `f(logs)` when training starts.
        on_train_end: called as `f(logs)` when training ends.
        on_train_batch_begin: called as `f(batch, logs)` before a batch.
        on_train_batch_end: called as `f(batch, logs)` after a batch.
        **kwargs: any other hook (`on_batch_end`, `on_test_begin`, ...).

    Example:
    >>> seen = []
    >>> cb = LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(epoch))
    >>> cb.on_epoch_end(0, {})
    >>> seen
    [0]
    """

    def __init__(
        self,
        on_epoch_begin=None,
        on_epoch_end=None,
        on_train_begin=None,
        on_train_end=None,
        on_train_batch_begin=None,
        on_train_batch_end=None,
        **kwargs,
    ):
        super().__init__()
        naming.check_kwargs("LambdaCallback", kwargs, _HOOKS)
        hooks = dict(
            on_epoch_begin=on_epoch_begin,
            on_epoch_end=on_epoch_end,
            on_train_begin=on_train_begin,
            on_train_end=on_train_end,
            on_train_batch_begin=on_train_batch_begin,
            on_train_batch_end=on_train_batch_end,
            **kwargs,
        )
        for name, fn in hooks.items():
            if fn is None:
                continue
            if not callable(fn):
                raise TypeError(
                    f"LambdaCallback argument `{name}` must be a function. "
                    f"Received: {name}={fn!r}"
                )
            # An instance attribute shadows the do-nothing method.
            setattr(self, name, fn)
