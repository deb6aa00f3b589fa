"""Callbacks: hooks into `fit`, `evaluate` and `predict` (`keras.callbacks`).

Example:
>>> import kara
>>> stop = kara.callbacks.EarlyStopping(monitor="val_loss", patience=3,
...                                     restore_best_weights=True)
>>> type(stop).__name__
'EarlyStopping'
"""

from kara.callbacks.backup_and_restore import BackupAndRestore
from kara.callbacks.callback import Callback
from kara.callbacks.callback_list import CallbackList
from kara.callbacks.csv_logger import CSVLogger
from kara.callbacks.early_stopping import EarlyStopping
from kara.callbacks.history import History
from kara.callbacks.lambda_callback import LambdaCallback
from kara.callbacks.learning_rate_scheduler import LearningRateScheduler
from kara.callbacks.model_checkpoint import ModelCheckpoint
from kara.callbacks.progbar_logger import ProgbarLogger
from kara.callbacks.reduce_lr_on_plateau import ReduceLROnPlateau
from kara.callbacks.terminate_on_nan import TerminateOnNaN

__all__ = [
    "BackupAndRestore",
    "CSVLogger",
    "Callback",
    "CallbackList",
    "EarlyStopping",
    "History",
    "LambdaCallback",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "ProgbarLogger",
    "ReduceLROnPlateau",
    "TerminateOnNaN",
]
