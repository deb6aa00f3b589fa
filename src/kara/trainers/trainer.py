"""`Trainer`: compile, fit, evaluate, predict, as a mixin of `Model`.

The loop follows Keras's (torch-backend) trainer. One training step:

1. forward pass (`self(x, training=True)`);
2. loss: the compiled loss with sample weights, plus regularization losses;
3. `loss.backward()` fills `.grad` of the trainable weights;
4. `optimizer.apply(grads, weights)` updates them in place;
5. the loss tracker (a batch-size-weighted mean) and the metrics update.

A softmax or sigmoid output remembers its logits (`_keras_logits`), and
the cross-entropy losses then compute from the logits with one fused, exact
op, as Keras's TensorFlow backend does. `predict` and `evaluate` run
without recording a graph.
"""

import signal
import threading
import warnings

import numpy as np

from kara import config
from kara import metrics as metrics_module
from kara import optimizers as optimizers_module
from kara.trainers import data_adapter
from kara.trainers.compile_utils import CompileLoss
from kara.trainers.compile_utils import CompileMetrics
from kara.trainers.data_adapter import flatten
from kara.trainers.data_adapter import map_structure
from kara.trainers.data_adapter import unpack_x_y_sample_weight


def _batch_size_of(x):
    arrays = flatten(x)
    return arrays[0].shape[0] if arrays else 0


class Trainer:
    """Training and inference methods shared by every Model."""

    compiled = False
    optimizer = None
    stop_training = False
    history = None

    # ----------------------------------------------------------- compile
    def compile(
        self,
        optimizer="rmsprop",
        loss=None,
        loss_weights=None,
        metrics=None,
        weighted_metrics=None,
        run_eagerly=False,
        steps_per_execution=1,
        jit_compile="auto",
        auto_scale_loss=True,
    ):
        """Configures the model for training.

        Args:
            optimizer: an optimizer name (`"adam"`) or instance.
            loss: a loss name, instance or function; or a list/dict of
                them, one per output.
            loss_weights: scalars weighting each output's loss.
            metrics: metric names, instances or functions (`"accuracy"`
                is resolved from the shapes of labels and outputs).
            weighted_metrics: metrics that receive the sample weights.
            run_eagerly, steps_per_execution, jit_compile, auto_scale_loss:
                accepted for compatibility; kara always runs eagerly, one
                step at a time, so they have no effect.

        Example:
        >>> import kara
        >>> model = kara.Sequential([kara.layers.Dense(1)])
        >>> model.compile(optimizer="sgd", loss="mse")
        """
        self.optimizer = optimizers_module.get(optimizer)
        names = self._output_names_for_compile()
        self._compile_loss = (
            None if loss is None else CompileLoss(loss, loss_weights, names)
        )
        self._compile_metrics = CompileMetrics(metrics, weighted_metrics, names)
        self._loss_tracker = metrics_module.Mean(name="loss")
        self.compiled = True
        self.stop_training = False
        self.run_eagerly = run_eagerly
        self.steps_per_execution = steps_per_execution
        self.jit_compile = jit_compile

    def _output_names_for_compile(self):
        names = getattr(self, "output_names", None)
        if names:
            return list(names)
        return ["output"]

    def _assert_compiled(self, what):
        if not self.compiled:
            raise RuntimeError(
                f"You must call `compile()` before `{what}()`, for example "
                "model.compile(optimizer='adam', "
                "loss='sparse_categorical_crossentropy', "
                "metrics=['accuracy'])."
            )

    # ------------------------------------------------------------ metrics
    @property
    def metrics(self):
        """The loss tracker and the compiled metrics."""
        if not self.compiled:
            return []
        return [self._loss_tracker] + [
            m for _, m, _ in self._compile_metrics.metrics
        ]

    @property
    def metrics_names(self):
        return [m.name for m in self.metrics]

    def reset_metrics(self):
        for m in self.metrics:
            m.reset_state()

    def _logs(self):
        """Current metric results; Keras 3 sorts the keys, tf.keras 2 not."""
        logs = {"loss": float(self._loss_tracker.result())}
        logs.update(self._compile_metrics.results())
        if config.profile() == "keras3":
            logs = dict(sorted(logs.items()))
        return logs

    # --------------------------------------------------------------- steps
    def compute_loss(
        self, x=None, y=None, y_pred=None, sample_weight=None, training=True
    ):
        """The compiled loss plus the regularization losses."""
        if self._compile_loss is None:
            total = None
        else:
            total, _ = self._compile_loss(y, y_pred, sample_weight)
        for reg in self.losses:
            total = reg if total is None else total + reg
        if total is None:
            raise ValueError(
                "The model has no loss to minimize: pass `loss=` to compile()."
            )
        return total

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        """Updates the compiled metrics and returns the current logs."""
        loss = self._compile_loss.losses[0] if self._compile_loss else None
        self._compile_metrics.update_state(y, y_pred, sample_weight, loss)
        return self._logs()

    def _forward_and_loss(self, x, y, sample_weight, training):
        """Returns `(loss Tensor, y_pred arrays)` for one batch."""
        y_pred = self(x, training=training)
        loss = self.compute_loss(x, y, y_pred, sample_weight, training)
        return loss, map_structure(lambda t: t.data, y_pred)

    def train_step(self, data):
        """One optimization step on a batch. Returns the logs."""
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        loss, y_pred = self._forward_and_loss(x, y, sample_weight, True)
        self._loss_tracker.update_state(
            loss.data, sample_weight=_batch_size_of(x)
        )
        weights = self.trainable_weights
        for w in weights:
            w.grad = None
        loss.backward()
        pairs = [(w.grad, w) for w in weights if w.grad is not None]
        if len(pairs) < len(weights):
            missing = [w.path for w in weights if w.grad is None]
            warnings.warn(
                f"Gradients do not exist for variables {missing} when "
                "minimizing the loss: they are not connected to it.",
                stacklevel=2,
            )
        if not self.optimizer.built:
            # build on every trainable weight, even those without a gradient
            # in this first step, so slot indices stay stable
            self.optimizer.build(weights)
        if pairs:
            self.optimizer.apply([g for g, _ in pairs], [w for _, w in pairs])
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def test_step(self, data):
        """Loss and metrics on a batch, without updating. Returns the logs."""
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        with config.no_grad():
            loss, y_pred = self._forward_and_loss(x, y, sample_weight, False)
        self._loss_tracker.update_state(
            loss.data, sample_weight=_batch_size_of(x)
        )
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def predict_step(self, data):
        """The model's outputs on a batch, as NumPy arrays."""
        x, _, _ = unpack_x_y_sample_weight(data)
        with config.no_grad():
            y = self(x, training=False)
        return map_structure(lambda t: np.asarray(t.data), y)

    # ---------------------------------------------------------------- fit
    def fit(
        self,
        x=None,
        y=None,
        batch_size=None,
        epochs=1,
        verbose="auto",
        callbacks=None,
        validation_split=0.0,
        validation_data=None,
        shuffle=True,
        class_weight=None,
        sample_weight=None,
        initial_epoch=0,
        steps_per_epoch=None,
        validation_steps=None,
        validation_batch_size=None,
        validation_freq=1,
        max_queue_size=10,
        workers=1,
        use_multiprocessing=False,
    ):
        """Trains the model for `epochs` epochs. Returns a `History`.

        Arguments and defaults are Keras's (see its documentation). Notes:
        `validation_split` takes the LAST fraction of the samples, before
        shuffling; `epochs` is the index of the final epoch (training runs
        from `initial_epoch` to `epochs`); `max_queue_size`, `workers` and
        `use_multiprocessing` are accepted and have no effect.

        Data problems (mismatched sample counts, empty data, NaN/inf in x,
        labels that do not fit the loss, bad class_weight keys) raise
        before the first batch. After an exception or Ctrl-C the weights
        are those of the last completed step and `model.history` holds the
        finished epochs.
        """
        self._assert_compiled("fit")
        from kara.callbacks import CallbackList

        if validation_data is None and validation_split:
            if not data_adapter._is_array_like(x):
                raise ValueError(
                    "`validation_split` needs array inputs; with a generator, "
                    "pass `validation_data` instead."
                )
            (x, y, sample_weight), validation_data = (
                data_adapter.train_validation_split(
                    (x, y, sample_weight), validation_split
                )
            )
        train = data_adapter.make_batches(
            x,
            y,
            sample_weight,
            batch_size,
            shuffle,
            steps_per_epoch,
            class_weight,
        )
        val = None
        if validation_data is not None:
            vx, vy, vsw = unpack_x_y_sample_weight(validation_data)
            val = data_adapter.make_batches(
                vx,
                vy,
                vsw,
                validation_batch_size or getattr(train, "batch_size", None),
                False,
                validation_steps,
            )
        if verbose == "auto":
            verbose = 1
        self.stop_training = False
        cbs = CallbackList(
            callbacks,
            add_history=True,
            add_progbar=verbose != 0,
            model=self,
            verbose=verbose,
            epochs=epochs,
            steps=train.num_batches,
        )
        cbs.on_train_begin()
        # BackupAndRestore sets this when it restored a backup
        resumed = getattr(self, "_initial_epoch", None)
        if resumed is not None:
            initial_epoch, self._initial_epoch = resumed, None
        epoch_logs = {}
        with _DeferInterrupt() as interrupt:
            for epoch in range(initial_epoch, epochs):
                self.reset_metrics()
                cbs.on_epoch_begin(epoch)
                logs = {}
                for step, batch in enumerate(train):
                    cbs.on_train_batch_begin(step)
                    logs = self.train_step(batch)
                    cbs.on_train_batch_end(step, logs)
                    interrupt.check()
                    if self.stop_training:
                        break
                epoch_logs = dict(self._logs())
                if val is not None and _should_validate(epoch, validation_freq):
                    val_logs = self._run_evaluation(val, callbacks=cbs)
                    epoch_logs.update(
                        {"val_" + k: v for k, v in val_logs.items()}
                    )
                cbs.on_epoch_end(epoch, epoch_logs)
                if self.stop_training:
                    break
        # with use_ema=True, the averaged weights become the model's
        self.optimizer.finalize_variable_values(self.trainable_weights)
        cbs.on_train_end(epoch_logs)
        return self.history

    # ----------------------------------------------------------- evaluate
    def evaluate(
        self,
        x=None,
        y=None,
        batch_size=None,
        verbose="auto",
        sample_weight=None,
        steps=None,
        callbacks=None,
        return_dict=False,
        **kwargs,
    ):
        """Returns the loss and metrics on the data (scalar, list or dict).

        One value (only a loss) is returned as a scalar; several as a list
        in the order of `model.metrics_names`; or a dict with
        `return_dict=True`.
        """
        self._assert_compiled("evaluate")
        batches = data_adapter.make_batches(
            x, y, sample_weight, batch_size, False, steps
        )
        if verbose == "auto":
            verbose = 1
        logs = self._run_evaluation(batches, callbacks, verbose)
        if return_dict:
            return logs
        values = [logs[m.name] for m in self.metrics if m.name in logs]
        return values[0] if len(values) == 1 else values

    def _run_evaluation(self, batches, callbacks=None, verbose=0):
        from kara.callbacks import CallbackList

        if isinstance(callbacks, CallbackList):
            cbs = callbacks  # the validation pass inside fit
        else:
            cbs = CallbackList(
                callbacks,
                add_progbar=verbose != 0,
                model=self,
                verbose=verbose,
                epochs=1,
                steps=batches.num_batches,
            )
        self.reset_metrics()
        cbs.on_test_begin()
        logs = {}
        for step, batch in enumerate(batches):
            cbs.on_test_batch_begin(step)
            logs = self.test_step(batch)
            cbs.on_test_batch_end(step, logs)
        logs = self._logs()
        cbs.on_test_end(logs)
        return logs

    # ------------------------------------------------------------ predict
    def predict(
        self,
        x,
        batch_size=None,
        verbose="auto",
        steps=None,
        callbacks=None,
        **kwargs,
    ):
        """The model's outputs on `x`, batch by batch, as NumPy arrays."""
        from kara.callbacks import CallbackList

        batches = data_adapter.make_batches(
            x, None, None, batch_size, False, steps
        )
        if verbose == "auto":
            verbose = 1
        cbs = CallbackList(
            callbacks,
            add_progbar=verbose != 0,
            model=self,
            verbose=verbose,
            epochs=1,
            steps=batches.num_batches,
        )
        cbs.on_predict_begin()
        outputs = []
        for step, batch in enumerate(batches):
            cbs.on_predict_batch_begin(step)
            out = self.predict_step(batch)
            outputs.append(out)
            cbs.on_predict_batch_end(step, {"outputs": out})
        cbs.on_predict_end()
        if not outputs:
            raise ValueError("predict: the input produced no batch.")
        return _concat(outputs)

    # ------------------------------------------------------- *_on_batch
    def train_on_batch(
        self,
        x,
        y=None,
        sample_weight=None,
        class_weight=None,
        return_dict=False,
    ):
        """One training step on one batch; returns the pre-update loss."""
        self._assert_compiled("train_on_batch")
        batches = data_adapter.make_batches(
            x,
            y,
            sample_weight,
            _batch_size_of_data(x),
            False,
            None,
            class_weight,
        )
        self.reset_metrics()
        for batch in batches:
            self.train_step(batch)
        return self._batch_result(return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        """Loss and metrics on one batch."""
        self._assert_compiled("test_on_batch")
        batches = data_adapter.make_batches(
            x, y, sample_weight, _batch_size_of_data(x), False, None
        )
        self.reset_metrics()
        for batch in batches:
            self.test_step(batch)
        return self._batch_result(return_dict)

    def predict_on_batch(self, x):
        """The model's outputs on one batch, as NumPy."""
        batches = data_adapter.make_batches(
            x, None, None, _batch_size_of_data(x), False, None
        )
        return _concat([self.predict_step(b) for b in batches])

    def _batch_result(self, return_dict):
        logs = self._logs()
        if return_dict:
            return logs
        values = [logs[m.name] for m in self.metrics if m.name in logs]
        return values[0] if len(values) == 1 else values


def _batch_size_of_data(x):
    arrays = flatten(x)
    return max(1, len(arrays[0])) if arrays else 1


def _should_validate(epoch, freq):
    if isinstance(freq, int):
        return (epoch + 1) % freq == 0
    return (epoch + 1) in freq


def _concat(outputs):
    first = outputs[0]
    if isinstance(first, dict):
        return {k: _concat([o[k] for o in outputs]) for k in first}
    if isinstance(first, (list, tuple)):
        return type(first)(
            _concat([o[i] for o in outputs]) for i in range(len(first))
        )
    return np.concatenate(outputs, axis=0)


class _DeferInterrupt:
    """Holds Ctrl-C back until the current step is complete.

    A KeyboardInterrupt in the middle of an optimizer update would leave
    some weights updated and others not. Inside this context, SIGINT only
    sets a flag; `check()` (called between steps) raises it.
    """

    def __init__(self):
        self.pending = False
        self.previous = None

    def __enter__(self):
        if (
            threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGINT) is signal.default_int_handler
        ):
            self.previous = signal.signal(signal.SIGINT, self._handler)
        return self

    def _handler(self, signum, frame):
        self.pending = True

    def check(self):
        if self.pending:
            self.pending = False
            raise KeyboardInterrupt

    def __exit__(self, *exc):
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)
        return False
