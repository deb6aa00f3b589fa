"""`Trainer`: compile, fit, evaluate, predict, as a mixin of `Model`.

The loop follows Keras's (torch-backend) trainer. One training step
(`train_step`, which a subclass may override):

1. forward pass, `y_pred = self(x, training=True)`;
2. loss: the compiled loss with sample weights, plus regularization
   losses (`compute_loss`);
3. the loss tracker adds the loss, weighted by the batch size: the logged
   `loss` is the running mean of the pre-update batch losses;
4. `loss.backward()` fills `.grad` of the trainable weights and
   `optimizer.apply` updates them in place;
5. the compiled metrics update, and the step returns the logs.

A softmax or sigmoid output remembers its logits (`_keras_logits`) and
the cross-entropy losses then compute from the logits, as Keras's
TensorFlow backend does, so `fit`/`evaluate` may differ slightly from
`loss(y, model.predict(x))` when outputs saturate. `predict` and
`evaluate` run without recording a graph.

Example:
>>> import numpy as np, kara
>>> model = kara.Sequential([kara.Input((2,)), kara.layers.Dense(1)])
>>> model.compile(optimizer="sgd", loss="mse")
>>> history = model.fit(np.ones((8, 2)), np.ones((8, 1)), epochs=2,
...                     verbose=0)
>>> history.epoch
[0, 1]
"""

import inspect
import warnings

import numpy as np

from kara import config
from kara import metrics as metrics_module
from kara import optimizers as optimizers_module
from kara.callbacks.callback_list import pythonify_logs
from kara.ops import runtime
from kara.trainers import compile_utils
from kara.trainers import data_adapter
from kara.trainers import fused_step
from kara.trainers import trainer_utils as utils
from kara.trainers.compile_utils import CompileLoss
from kara.trainers.compile_utils import CompileMetrics
from kara.trainers.data_adapter import flatten
from kara.trainers.data_adapter import map_structure
from kara.trainers.data_adapter import unpack_x_y_sample_weight
from kara.trainers.epoch_iterator import EpochIterator
from kara.trainers.on_batch import OnBatchMethods

# tf.keras 2 arguments of evaluate that kara accepts and ignores
_NO_EFFECT = {"max_queue_size", "workers", "use_multiprocessing"}


def _batch_size_of(x):
    for a in flatten(x):
        if a is not None:
            return int(a.shape[0])
    return 0


def _to_numpy(t):
    return np.asarray(getattr(t, "data", t))


class Trainer(OnBatchMethods):
    """Training and inference methods shared by every Model."""

    compiled = False
    optimizer = None
    stop_training = False
    stop_evaluating = False
    stop_predicting = False
    history = None
    _compile_loss = None
    _compile_metrics = None
    _loss_tracker = None

    def __setattr__(self, name, value):
        # metrics set as attributes (self.mae = Mean()) join model.metrics
        if isinstance(value, metrics_module.Metric) and name[:1] != "_":
            tracked = self.__dict__.setdefault("_metrics", [])
            if all(value is not m for m in tracked):
                tracked.append(value)
        super().__setattr__(name, value)

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
        **kwargs,
    ):
        """Configures the model for training.

        Args:
            optimizer: an optimizer name (`"adam"`) or instance.
            loss: a loss name, instance or function `fn(y_true, y_pred)`;
                or a list / dict of them, one per output (None for an
                output without loss).
            loss_weights: scalars weighting each output's loss (a list or
                dict for several outputs).
            metrics: metric names, instances or functions; `"accuracy"`
                is resolved from the shapes of labels and outputs. For
                several outputs, a list per output or a dict.
            weighted_metrics: metrics that also receive the sample weights
                (and class weights).
            run_eagerly, steps_per_execution, jit_compile,
                auto_scale_loss: accepted for compatibility; kara always
                runs eagerly, one step at a time, so they have no effect.
            **kwargs: tf.keras 2 arguments without effect
                (`sample_weight_mode`, `target_tensors`,
                `experimental_run_tf_function`).

        Example:
        >>> import kara
        >>> model = kara.Sequential([kara.layers.Dense(1)])
        >>> model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
        """
        metrics, loss_weights = compile_utils.check_compile_args(
            kwargs, metrics, weighted_metrics, loss_weights
        )
        self.optimizer = optimizers_module.get(optimizer)
        names = list(getattr(self, "output_names", None) or []) or None
        self._compile_loss = (
            None if loss is None else CompileLoss(loss, loss_weights, names)
        )
        self._compile_metrics = (
            None
            if metrics is None and weighted_metrics is None
            else CompileMetrics(metrics, weighted_metrics, names)
        )
        self._loss_tracker = metrics_module.Mean(name="loss")
        self._compile_config = {
            "optimizer": optimizer,
            "loss": loss,
            "loss_weights": loss_weights,
            "metrics": metrics,
            "weighted_metrics": weighted_metrics,
        }
        self.compiled = True
        self.stop_training = False
        self.run_eagerly = run_eagerly
        self.steps_per_execution = steps_per_execution
        self.jit_compile = jit_compile
        self._warned_no_grad = False

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
        """The model's metrics, in Keras's order.

        Keras 3: the loss tracker, the compiled metrics (one container
        named `compile_metrics`), the per-output loss trackers, then
        metrics set as attributes. tf.keras 2 (keras2 profile): empty
        before the first batch, then the loss tracker, per-output losses
        and each compiled metric.
        """
        own = list(self.__dict__.get("_metrics", ()))
        if not self.compiled:
            return own
        loss_metrics = self._compile_loss.metrics if self._compile_loss else []
        cm = self._compile_metrics
        if config.profile() == "keras2":
            loss_built = self._compile_loss is None or self._compile_loss.built
            if not loss_built:
                return own
            return (
                [self._loss_tracker]
                + loss_metrics
                + (cm.metrics if cm is not None else [])
                + own
            )
        return (
            [self._loss_tracker]
            + ([cm] if cm is not None else [])
            + loss_metrics
            + own
        )

    @property
    def metrics_names(self):
        return [m.name for m in self.metrics]

    def reset_metrics(self):
        for m in self.metrics:
            m.reset_state()

    def get_metrics_result(self):
        """The current result of every metric, as `{name: float}`.

        Keras 3 sorts the keys; tf.keras 2 keeps the order of `metrics`
        (`pythonify_logs` owns that rule). A metric with a vector result
        (`F1Score(average=None)`) logs a NumPy array.
        """
        logs = {}
        for m in self.metrics:
            result = m.result()
            if isinstance(result, dict):
                logs.update(result)
            else:
                logs[m.name] = result
        return pythonify_logs(logs)

    def _metrics_or_logs(self, logs):
        """Metric results, unless a custom step logs other keys."""
        results = self.get_metrics_result()
        if isinstance(logs, dict) and set(logs) != set(results):
            return logs
        return results

    def _flatten_logs(self, logs):
        names = []
        for m in self.metrics:
            if isinstance(m, CompileMetrics):
                names += [sub.name for sub in m.metrics]
            else:
                names.append(m.name)
        return utils.flatten_metrics_in_order(logs, names)

    # --------------------------------------------------------------- steps
    def compute_loss(
        self, x=None, y=None, y_pred=None, sample_weight=None, training=True
    ):
        """The compiled loss plus the regularization losses (a Tensor)."""
        total = None
        if self._compile_loss is not None:
            total = self._compile_loss(y, y_pred, sample_weight)
        for extra in self.losses:
            total = extra if total is None else total + extra
        if total is None:
            raise ValueError(
                "No loss to compute: pass `loss=` to compile(), e.g. "
                "model.compile(optimizer='adam', loss='mse')."
            )
        return total

    def _compute_loss(self, x, y, y_pred, sample_weight, training):
        # overrides written before `training` existed get 4 arguments
        if self.__dict__.get("_compute_loss_takes_training") is None:
            params = inspect.signature(self.compute_loss).parameters
            self.__dict__["_compute_loss_takes_training"] = (
                "training" in params
                or any(p.kind is p.VAR_KEYWORD for p in params.values())
            )
        if self.__dict__["_compute_loss_takes_training"]:
            return self.compute_loss(
                x, y, y_pred, sample_weight, training=training
            )
        return self.compute_loss(x, y, y_pred, sample_weight)

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        """Updates the compiled metrics; returns every metric's result."""
        self._update_compiled_metrics(y, y_pred, sample_weight)
        return self.get_metrics_result()

    def _update_compiled_metrics(self, y, y_pred, sample_weight):
        cm = self._compile_metrics
        if cm is not None:
            losses = self._compile_loss.losses if self._compile_loss else None
            cm.update_state(y, y_pred, sample_weight, losses)

    def zero_grad(self):
        """Clears `.grad` of every trainable weight."""
        for w in self.trainable_weights:
            w.grad = None

    def train_step(self, data):
        """One optimization step on a batch. Returns the logs.

        Override it for a custom training step: unpack `data`, compute a
        loss Tensor, call `self.zero_grad()`, `loss.backward()`,
        `self.optimizer.apply([w.grad for w in weights], weights)`,
        update metrics and return `{name: value}`.
        """
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        y_pred = self(x, training=True)
        loss = self._compute_loss(x, y, y_pred, sample_weight, True)
        self._loss_tracker.update_state(
            loss.data, sample_weight=_batch_size_of(x)
        )
        weights = self.trainable_weights
        if weights:
            for w in weights:
                w.grad = None
            loss.backward()
            grads = [w.grad for w in weights]
            if not self._warned_no_grad and any(g is None for g in grads):
                self._warned_no_grad = True
                missing = [w.path for w, g in zip(weights, grads) if g is None]
                warnings.warn(
                    f"Gradients do not exist for variables {missing} when "
                    "minimizing the loss: they are not connected to it.",
                    stacklevel=2,
                )
            self.optimizer.apply(grads, weights)
        elif not self._warned_no_grad:
            self._warned_no_grad = True
            warnings.warn(
                "The model does not have any trainable weights.", stacklevel=2
            )
        y_pred = _data_of(y_pred)
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def test_step(self, data):
        """Loss and metrics on a batch, without updating. Returns the logs."""
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        with config.no_grad():
            y_pred = self(x, training=False)
            loss = self._compute_loss(x, y, y_pred, sample_weight, False)
        self._loss_tracker.update_state(
            loss.data, sample_weight=_batch_size_of(x)
        )
        y_pred = _data_of(y_pred)
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def predict_step(self, data):
        """The model's outputs on a batch, as NumPy arrays."""
        x, _, _ = unpack_x_y_sample_weight(data)
        with config.no_grad():
            y = self(x, training=False)
        return map_structure(_to_numpy, y)

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

        Arguments and defaults are Keras's. Notes:

        - `x` is an array, a list/dict of arrays (several inputs), or a
          generator / sequence of `(x, y)` or `(x, y, sample_weight)`
          batches (then `y` is not passed).
        - `batch_size` defaults to 32; the last batch may be smaller.
        - `validation_split` takes the LAST fraction of the samples, before
          shuffling. `validation_data` (a 2- or 3-tuple) overrides it.
        - `epochs` is the index of the final epoch: training runs epochs
          `initial_epoch` .. `epochs - 1`.
        - `class_weight` `{class: weight}` becomes per-sample weights;
          classes without a key get 1.0.
        - `max_queue_size`, `workers` and `use_multiprocessing` are
          accepted and have no effect.

        The logged `loss` of an epoch is the mean of the batch losses
        (weighted by batch size), each computed before that batch's
        update, regularization included. Data problems (mismatched sample
        counts, empty data, NaN/inf, labels that do not fit the loss, bad
        class_weight keys) raise before the first batch. After an
        exception or Ctrl-C the weights are those of the last completed
        step and `model.history` holds the finished epochs.
        """
        self._assert_compiled("fit")
        from kara.callbacks import CallbackList

        verbose = utils.check_fit_args(
            verbose,
            epochs,
            initial_epoch,
            steps_per_epoch,
            validation_steps,
            validation_batch_size,
            validation_freq,
            shuffle,
        )
        train, val = utils.prepare_fit_data(
            self,
            x,
            y,
            sample_weight,
            batch_size,
            shuffle,
            class_weight,
            steps_per_epoch,
            validation_split,
            validation_data,
            validation_batch_size,
            validation_steps,
        )
        iterator = EpochIterator(
            train, steps_per_epoch, max_passes=epochs - initial_epoch
        )
        val_iterator = (
            None if val is None else EpochIterator(val, validation_steps)
        )
        self.stop_training = False
        cbs = CallbackList(
            callbacks,
            add_history=True,
            add_progbar=verbose != 0,
            model=self,
            verbose=verbose,
            epochs=epochs,
            steps=iterator.num_batches,
        )
        cbs.on_train_begin()
        # BackupAndRestore sets this when it restored a backup
        resumed = self.__dict__.get("_initial_epoch")
        if resumed is not None:
            initial_epoch, self._initial_epoch = resumed, None
        training_logs = None
        train_step = fused_step.train_step_for(self)
        # runtime: BLAS threads and GC settings for the hot loop (see there)
        with utils.DeferInterrupt() as interrupt, runtime.training_context():
            for epoch in range(initial_epoch, epochs):
                self.reset_metrics()
                cbs.on_epoch_begin(epoch)
                logs = None
                for step, batch in enumerate(iterator):
                    cbs.on_train_batch_begin(step)
                    logs = train_step(batch)
                    cbs.on_train_batch_end(step, logs)
                    interrupt.check()
                    if self.stop_training:
                        break
                if logs is None and iterator.exhausted:
                    if epoch == initial_epoch:
                        raise ValueError(
                            "fit: the data produced no batch. Pass at least "
                            "one sample, or a generator that yields batches."
                        )
                    if config.profile() != "keras2":
                        break  # no batch at all this epoch: the data ran dry
                    # tf.keras 2 still ends this epoch, logging the reset
                    # metrics (zeros), then stops
                epoch_logs = dict(self._metrics_or_logs(logs))
                if val_iterator is not None and utils.should_validate(
                    epoch, validation_freq
                ):
                    val_iterator.reset()  # each validation starts over
                    val_logs = self._evaluate_loop(val_iterator, cbs)
                    if val_logs is not None:  # None: a used-up generator
                        epoch_logs.update(
                            {"val_" + k: v for k, v in val_logs.items()}
                        )
                cbs.on_epoch_end(epoch, epoch_logs)
                training_logs = epoch_logs
                if self.stop_training or iterator.exhausted:
                    break
        if epochs > initial_epoch:
            # with use_ema=True, the averaged weights become the model's
            self.optimizer.finalize_variable_values(self.trainable_weights)
        cbs.on_train_end(training_logs)
        return self.history

    def _checks_targets(self):
        """Whether fit may check the targets before training (the default
        steps and loss are in use, so the compiled loss sees the data)."""
        cls = type(self)
        return (
            self._compile_loss is not None
            and cls.train_step is Trainer.train_step
            and cls.compute_loss is Trainer.compute_loss
        )

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
        """Returns the loss and metrics on the data.

        One value (only a loss) is returned as a scalar; several as a list
        in Keras's order (`loss`, then the compiled metrics and per-output
        losses); or a dict with `return_dict=True`. `max_queue_size`,
        `workers` and `use_multiprocessing` (tf.keras 2) are accepted as
        keywords and have no effect.
        """
        self._assert_compiled("evaluate")
        unknown = sorted(set(kwargs) - _NO_EFFECT)
        if unknown:
            raise TypeError(
                f"evaluate() got unexpected keyword arguments {unknown}."
            )
        from kara.callbacks import CallbackList

        verbose = utils.check_verbose(verbose)
        utils.check_count(steps, "steps")
        x, y = data_adapter.standardize(x), data_adapter.standardize(y)
        data = data_adapter.make_data(
            x,
            y,
            sample_weight,
            batch_size,
            False,
            steps=steps,
            what="evaluate",
        )
        if isinstance(data, data_adapter.ArrayData) and self._checks_targets():
            utils.check_targets(self, data, utils.output_structure(self, x))
        iterator = EpochIterator(data, steps, max_passes=1)
        cbs = CallbackList(
            callbacks,
            add_progbar=verbose != 0,
            model=self,
            verbose=verbose,
            epochs=1,
            steps=iterator.num_batches,
        )
        with runtime.training_context():
            logs = self._evaluate_loop(iterator, cbs)
        if logs is None:
            raise ValueError(
                "evaluate: the data produced no batch. Pass at least one "
                "sample (or a generator that yields batches)."
            )
        if return_dict:
            return logs
        return self._flatten_logs(logs)

    def _evaluate_loop(self, iterator, cbs):
        self.stop_evaluating = False
        cbs.on_test_begin()
        self.reset_metrics()
        logs = None
        test_step = fused_step.evaluate_step_for(self)
        for step, batch in enumerate(iterator):
            cbs.on_test_batch_begin(step)
            logs = test_step(batch)
            cbs.on_test_batch_end(step, logs)
            if self.stop_evaluating:
                break
        if logs is None and iterator.exhausted:
            return None
        logs = self._metrics_or_logs(logs)
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
        max_queue_size=10,
        workers=1,
        use_multiprocessing=False,
    ):
        """The model's outputs on `x`, batch by batch, as NumPy arrays.

        `x` is an array, a list/dict of arrays, or a generator of batches
        (`x`, `(x,)` or `(x, y)`; the targets are ignored).
        """
        from kara.callbacks import CallbackList

        verbose = utils.check_verbose(verbose)
        utils.check_count(steps, "steps")
        x = data_adapter.standardize(x)
        data = data_adapter.make_data(
            x,
            None,
            None,
            batch_size,
            False,
            steps=steps,
            check_finite=False,
            what="predict",
        )
        iterator = EpochIterator(data, steps, max_passes=1)
        cbs = CallbackList(
            callbacks,
            add_progbar=verbose != 0,
            model=self,
            verbose=verbose,
            epochs=1,
            steps=iterator.num_batches,
        )
        self.stop_predicting = False
        cbs.on_predict_begin()
        outputs = []
        predict_step = fused_step.predict_step_for(self)
        with runtime.training_context():
            for step, batch in enumerate(iterator):
                cbs.on_predict_batch_begin(step)
                out = predict_step(batch)
                outputs.append(out)
                cbs.on_predict_batch_end(step, {"outputs": out})
                if self.stop_predicting:
                    break
        cbs.on_predict_end()
        if not outputs:
            raise ValueError(
                "predict: the input produced no batch. Pass at least one "
                "sample (or a generator that yields batches)."
            )
        return utils.concat(outputs)

    # ------------------------------------------------------------ config
    def get_compile_config(self):
        """The arguments given to `compile()` (None before compile)."""
        return dict(self.__dict__.get("_compile_config") or {}) or None

    def compile_from_config(self, config):
        """Calls `compile(**config)` (the output of `get_compile_config`)."""
        self.compile(**config)


def _data_of(y):
    """The arrays of output Tensors (metrics need no graph)."""
    if isinstance(y, (list, tuple, dict)):
        return map_structure(_data_of, y)
    return getattr(y, "data", y)
