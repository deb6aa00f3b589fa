"""CallbackList: order, logs conversion, batch-hook skipping, errors."""

import numpy as np
import pytest

from kara import config
from kara.callbacks import Callback
from kara.callbacks import CallbackList
from kara.callbacks import History
from kara.callbacks import ProgbarLogger
from kara.callbacks.callback_list import pythonify_logs


class Recorder(Callback):
    def __init__(self, name, calls):
        super().__init__()
        self.name = name
        self.calls = calls

    def on_epoch_end(self, epoch, logs=None):
        self.calls.append((self.name, epoch, dict(logs)))


class CountsBatches(Callback):
    def __init__(self):
        super().__init__()
        self.count = 0

    def on_batch_end(self, batch, logs=None):  # the old alias
        self.count += 1


class Model:
    stop_training = False


def test_default_callbacks_and_params():
    calls = []
    model = Model()
    cbs = CallbackList(
        [Recorder("a", calls)],
        add_history=True,
        add_progbar=True,
        model=model,
        verbose=0,
        epochs=3,
        steps=5,
    )
    kinds = [type(cb) for cb in cbs.callbacks]
    assert kinds == [Recorder, History, ProgbarLogger]
    assert model.history is cbs.callbacks[1]
    for cb in cbs.callbacks:
        assert cb.model is model
        assert cb.params == {"verbose": 0, "epochs": 3, "steps": 5}


def test_existing_history_and_progbar_are_not_duplicated():
    history, progbar = History(), ProgbarLogger()
    cbs = CallbackList([history, progbar], add_history=True, add_progbar=True)
    assert cbs.callbacks == [history, progbar]


def test_logs_are_pythonified_and_shared():
    calls = []

    class AddsKey(Callback):
        def on_epoch_end(self, epoch, logs=None):
            logs["extra"] = 1.0

    cbs = CallbackList([AddsKey(), Recorder("b", calls)], model=Model())
    cbs.on_epoch_end(0, {"loss": np.float32(0.5), "acc": np.array(1.0)})
    ((_, _, logs),) = calls
    assert logs == {"acc": 1.0, "loss": 0.5, "extra": 1.0}
    assert all(type(v) is float for v in logs.values())


def test_pythonify_logs():
    logs = {"b": np.float64(2), "a": {"c": 3}, "arr": np.zeros(3), "s": "x"}
    out = pythonify_logs(logs)
    assert out["c"] == 3.0 and out["b"] == 2.0 and out["s"] == "x"
    assert isinstance(out["arr"], np.ndarray)
    assert list(out) == ["c", "arr", "b", "s"]
    with config.using_profile("keras2"):
        assert list(pythonify_logs({"z": 1, "a": 2})) == ["z", "a"]


def test_batch_hooks_skip_callbacks_that_do_not_use_them():
    calls = []
    counter = CountsBatches()
    recorder = Recorder("r", calls)
    cbs = CallbackList([recorder, counter], model=Model())
    cbs.on_train_begin()
    for step in range(4):
        cbs.on_train_batch_begin(step)
        cbs.on_train_batch_end(step, {"loss": 1.0})
    assert counter.count == 4
    assert cbs._batch_callbacks["on_train_batch_end"] == [counter]
    assert cbs._batch_callbacks["on_test_batch_end"] == []


def test_appended_callback_gets_batch_hooks():
    counter = CountsBatches()
    cbs = CallbackList([], model=Model())
    cbs.append(counter)
    cbs.on_train_batch_end(0, {})
    assert counter.count == 1


def test_bad_callbacks():
    with pytest.raises(TypeError, match="LambdaCallback"):
        CallbackList([print])
    with pytest.raises(TypeError, match="must be a list"):
        CallbackList("early_stopping")
    nested = CallbackList([[History()], (ProgbarLogger(),)])
    assert [type(c) for c in nested.callbacks] == [History, ProgbarLogger]
