"""Fused `train_step`, `test_step` and `predict_step` for Dense stacks.

For a small model, the arithmetic of a step is as cheap as kara's own
bookkeeping around it: `Layer.__call__`, Tensors, the graph, the loss
wrappers and the engine cost about 70 us a step, as much as the matrix
products of the seed 002 model at batch 32. For the most common models,
a `Sequential` of `Flatten`, `Dense`, `Dropout` and `Activation` layers,
`fit` runs this step instead of `Model.train_step`, `evaluate` (and
`fit`'s validation) its forward half with the loss and metrics instead
of `Model.test_step`, and `predict` its forward half alone. A functional
model that is the same chain (`Input -> Flatten -> Dense -> ... ->
Dense`, each layer called once) is fused the same way.

It calls the op kernels the graph would call (`ops.nn.Dense`, the
activations, `SparseSoftmaxCrossEntropy`, `SoftmaxCrossEntropy`, the mean)
on raw arrays, in the same order, and hands the gradients to the same
`optimizer.apply` and the outputs to the same metrics:

- the Dense layers run the fused `ops.nn.Dense` kernel, forward and back;
  an activation it does not fuse (sigmoid, softmax, gelu, ...), and an
  `Activation` layer's, runs through autograd on its own, on a leaf
  Tensor; the output layer's (or an `Activation` layer's right after the
  last Dense layer) runs next to the loss;
- the loss: a sparse, categorical or binary cross-entropy from logits (a
  softmax or sigmoid output, or `from_logits=True`) calls its kernels
  directly, and so does the mean squared error of outputs without a
  separate activation, on targets of the outputs' shape; any other loss
  or target, and every batch with sample or class weights, goes through
  the model's compiled loss on a leaf Tensor of the outputs, so every
  loss, argument, profile rule and error message is the general path's.

Only bookkeeping is skipped, so the numbers are the same bit for bit
(`tests/trainers/test_fused_step.py` runs both paths side by side).
Anything else takes the general path: a subclass that overrides
`train_step` (`test_step`, `predict_step`) or `compute_loss`,
regularizers or added losses, other layers or dtypes, functional models
with branches, shared layers or several inputs or outputs.
`plan_for(model)` (`evaluation_for(model)`) says why a model's training
(evaluation) is not fused.

Example:
>>> import numpy as np, kara
>>> model = kara.Sequential([kara.Input((4,)), kara.layers.Dense(3)])
>>> model.compile(loss="mse")
>>> _ = model.fit(np.zeros((8, 4)), np.zeros((8, 3)), verbose=0)
>>> type(plan_for(model)).__name__
'_Plan'
>>> model.layers[0].kernel_regularizer = kara.regularizers.L2()
>>> plan_for(model)
'layer dense has a regularizer'
"""

import numpy as np

from kara import activations
from kara import config
from kara.autograd.tensor import Tensor
from kara.callbacks.callback_list import METRIC_RESULTS
from kara.losses import checks
from kara.ops import elementwise
from kara.ops import nn as nn_ops
from kara.ops import reduction

# Off switch, for tests that compare the two paths and for debugging.
ENABLED = True

# activations the Dense kernel applies itself
_FUSED = {
    activations.linear: "linear",
    activations.relu: "relu",
    activations.tanh: "tanh",
}
# output activations with a kernel to call directly at inference (the
# functions `ops.softmax` and `ops.sigmoid` run)
_OUTPUT_KERNELS = {
    activations.softmax: lambda z: nn_ops._softmax(z, z.ndim - 1),
    activations.sigmoid: nn_ops._sigmoid,
}


def train_step_for(model):
    """The step `fit` calls: the fused one when the model allows it.

    The model may be unbuilt (and its loss unresolved) until its first
    batch, so that batch runs `model.train_step`, and the plan is made
    once it has run.
    """
    return _switch(model, "train_step", lambda: plan_for(model))


def evaluate_step_for(model):
    """The step `evaluate` (and `fit`'s validation) calls: the fused one
    when the model allows it, after a first batch as in `train_step_for`.
    """
    return _switch(model, "test_step", lambda: evaluation_for(model))


def _switch(model, name, make):
    """The model's step `name`, or a `_Switch` from it to `make()`'s fused
    step when neither that step nor `compute_loss` is overridden."""
    from kara.trainers.trainer import Trainer

    cls = type(model)
    general = getattr(model, name)
    if (
        not ENABLED
        or getattr(cls, name) is not getattr(Trainer, name)
        or cls.compute_loss is not Trainer.compute_loss
    ):
        return general
    return _Switch(general, make)


class _Switch:
    """Runs the general step until a fused one exists, then the fused one
    (which returns None for a batch it leaves to the general step)."""

    def __init__(self, general, make):
        self.general = general
        self.make = make
        self.fused = None
        self.decided = False

    def __call__(self, batch):
        fused = self.fused
        if fused is not None:
            logs = fused.step(batch)
            if logs is not None:
                return logs
        logs = self.general(batch)
        if not self.decided:
            self.decided = True
            fused = self.make()
            self.fused = None if isinstance(fused, str) else fused
        return logs


def plan_for(model):
    """A `_Plan` for `model`, or a string saying why there is none."""
    stages = _stages(model)
    if isinstance(stages, str):
        return stages
    why = _loss_unfused(model)
    if why:
        return why
    trainable = {id(w) for w in model.trainable_weights}
    # The input gradient of a layer is needed only when a layer before it
    # has weights to train (the data itself needs none).
    upstream = False
    for stage in stages:
        stage.set_needs(upstream, trainable)
        upstream = upstream or stage.trains
    if not upstream:
        return "the model has no trainable weights"
    weights = [w for s in stages for w in s.weights() if id(w) in trainable]
    if len(weights) != len(model.trainable_weights):
        return "some trainable weights are outside the fused layers"
    return _Plan(model, stages, weights)


def evaluation_for(model):
    """An `_Evaluation` for `model`, or a string saying why there is none."""
    stages = _stages(model)
    if isinstance(stages, str):
        return stages
    return _loss_unfused(model) or _Evaluation(model, stages)


def _loss_unfused(model):
    """Why the model's loss keeps a fused step from it (or None)."""
    compiled = model._compile_loss
    if compiled is None or not compiled.built:
        return "the compiled loss is not built yet (no batch seen)"
    if model.losses:
        return "the model adds losses"
    return None


def _stages(model):
    """The model's layers as fused stages, or why they cannot be.

    The output layer's stage stops at its Dense kernel when its activation
    is not fused: the plan applies that activation next to the loss, as
    it does an `Activation` layer's right after the last Dense layer.
    """
    from kara.layers.activation_layers import Activation
    from kara.layers.dense import Dense
    from kara.layers.dropout import Dropout
    from kara.layers.reshaping import Flatten

    layers = _chain(model)
    if isinstance(layers, str):
        return layers
    if None in _input_shape(model):
        return "the input shape is not fully known"
    stages = []
    for i, layer in enumerate(layers):
        t = type(layer)
        if layer.dtype != "float32" or getattr(layer, "_losses", None):
            return f"layer {layer.name} is not a plain float32 layer"
        if t is Flatten:
            if i != 0 or layer.data_format == "channels_first":
                return "only a leading channels-last Flatten is fused"
            continue
        if t is Dropout:
            if layer.noise_shape is not None or not 0 <= layer.rate < 1:
                return f"layer {layer.name} has a noise shape or rate 1"
            stages.append(_DropoutStage(layer))
            continue
        if t is Activation:
            if getattr(layer, "activity_regularizer", None) is not None:
                return f"layer {layer.name} has a regularizer"
            stages.append(_ActivationStage(layer.activation))
            continue
        if t is not Dense:
            return f"layer {layer.name} ({t.__name__}) is not fused"
        if (
            layer.kernel_regularizer is not None
            or layer.bias_regularizer is not None
            or layer.activity_regularizer is not None
        ):
            return f"layer {layer.name} has a regularizer"
        if len(layer.kernel.shape) != 2:
            return f"layer {layer.name} is not built"
        act = _FUSED.get(layer._activation)
        stages.append(_DenseStage(layer, act or "linear"))
        if act is None and i < len(layers) - 1:
            stages.append(_ActivationStage(layer._activation))
    if (
        len(stages) > 1
        and isinstance(stages[-1], _ActivationStage)
        and isinstance(stages[-2], _DenseStage)
    ):
        # Dense -> Activation at the end: the plan applies the activation
        # next to the loss, as for a Dense layer's own (softmax, sigmoid)
        trailing = stages.pop()
        stages[-1].after = trailing.activation
    if not stages or not isinstance(stages[-1], _DenseStage):
        return "the model does not end with a Dense layer"
    return stages


def _chain(model):
    """The layers of a model that is one chain from its input to its
    output, in order; or why it is not such a model.

    A `Sequential`, or a functional model with one input and one output
    in which each layer is called once, on the output of the one before
    (`Input -> Flatten -> Dense -> ... -> Dense`).
    """
    from kara.models.functional import Functional
    from kara.models.sequential import Sequential

    if type(model) is Sequential:
        if not model.built or model._input_ref is None:
            return "the model is not built"
        return model.layers
    if type(model) is not Functional:
        return "the model is neither a Sequential nor a functional model"
    if len(model._flat_inputs) != 1 or len(model._flat_outputs) != 1:
        return "the model has several inputs or outputs"
    layers, slot = [], model._input_slots[0]
    for layer, fast, _, _, outs in model._plan:
        if fast != slot or len(outs) != 1 or layer in layers:
            return "the functional model is not a single chain of layers"
        layers.append(layer)
        slot = outs[0]
    out = model._output_template  # a bare slot: one output tensor
    if getattr(out, "index", None) != slot:
        return "the functional model is not a single chain of layers"
    return layers


def _input_shape(model):
    """The shape of one input sample, e.g. `(28, 28)`."""
    ref = getattr(model, "_input_ref", None)
    if ref is None:
        ref = model._flat_inputs[0]
    return tuple(ref.shape[1:])


def _output_activation(stages):
    """The activation the plan applies after the last Dense kernel: an
    `Activation` layer's after it, or the Dense layer's own when its
    kernel does not apply it."""
    last = stages[-1]
    if last.after is not None:
        return last.after
    act = last.layer._activation
    return None if act in _FUSED else act


def _direct_loss(model, output_activation, last):
    """`"sparse"`/`"categorical"`/`"binary"` when the compiled loss is that
    cross-entropy with its defaults and the logits are at hand (a softmax
    output, a sigmoid one for `"binary"`, or `from_logits=True` on a
    linear one); `"mse"` for the mean squared error of an output without a
    separate activation; None otherwise."""
    from kara.losses.crossentropy import binary_crossentropy
    from kara.losses.crossentropy import categorical_crossentropy
    from kara.losses.crossentropy import sparse_categorical_crossentropy
    from kara.losses.regression import mean_squared_error
    from kara.losses.wrapper import LossFunctionWrapper

    compiled = model._compile_loss
    fn = compiled.losses[0] if len(compiled.losses) == 1 else None
    if (
        not isinstance(fn, LossFunctionWrapper)
        or compiled.weights[0] is not None
        or fn.reduction != "sum_over_batch_size"
        or fn.dtype != "float32"
    ):
        return None
    kwargs = dict(fn._fn_kwargs)
    if fn.fn is mean_squared_error:
        # on the outputs themselves: a fused (or no) output activation
        return "mse" if not kwargs and output_activation is None else None
    from_logits = bool(kwargs.pop("from_logits", False))
    if fn.fn is sparse_categorical_crossentropy:
        kind = "sparse"
        defaults = {"ignore_class": None, "axis": -1}
    elif fn.fn is categorical_crossentropy:
        kind = "categorical"
        defaults = {"label_smoothing": 0.0, "axis": -1}
    elif fn.fn is binary_crossentropy:
        kind = "binary"
        defaults = {"label_smoothing": 0.0, "axis": -1}
    else:
        return None
    if any(kwargs.get(k, v) != v for k, v in defaults.items()) or (
        set(kwargs) - set(defaults)
    ):
        return None
    if from_logits:
        return kind if last.fn.activation == "linear" else None
    # the loss takes the logits the output's activation recorded
    # (`_keras_logits`): softmax for the categorical ones, sigmoid for
    # the binary one
    wanted = activations.sigmoid if kind == "binary" else activations.softmax
    return kind if output_activation is wanted else None


def predict_step_for(model):
    """The step `predict` calls: the fused forward pass when it may."""
    from kara.trainers.trainer import Trainer

    if not ENABLED or type(model).predict_step is not Trainer.predict_step:
        return model.predict_step
    stages = _stages(model)
    if isinstance(stages, str):
        return model.predict_step
    return _Inference(model, stages)


class _Inference:
    """`predict_step` of a fusable model: the stages' forward kernels."""

    def __init__(self, model, stages):
        self.model = model
        self.stages = [s for s in stages if not isinstance(s, _DropoutStage)]
        for stage in self.stages:
            stage.set_needs(False, ())
        self.output = _output_activation(stages)
        self.input_shape = _input_shape(model)

    def __call__(self, batch):
        x = batch[0] if type(batch) is tuple and len(batch) == 1 else batch
        if not _fits(x, self.input_shape):
            return self.model.predict_step(batch)
        with config.no_grad():
            return _apply_output(self.output, self.logits(x))

    def logits(self, x):
        """The last Dense kernel's output on `x` (before an activation the
        plan applies itself)."""
        a = x.reshape(len(x), -1)
        for stage in self.stages:
            a = stage.forward(a)
            stage.release()
        return a


def _fits(x, input_shape):
    """Whether `x` is what the fused stages take: a float32 array of
    samples of the model's input shape (anything else, the general path
    converts or rejects with its own messages)."""
    return (
        type(x) is np.ndarray
        and x.dtype == np.float32
        and x.shape[1:] == input_shape
    )


def _apply_output(activation, z):
    """The output layer's activation of its logits `z` (an array)."""
    if activation is None:
        return z
    kernel = _OUTPUT_KERNELS.get(activation)
    if kernel is not None:
        return kernel(z)
    return activation(Tensor(z)).data


class _DenseStage:
    """A Dense layer: the fused `ops.nn.Dense` kernel, forward and back."""

    after = None  # the last one's: an Activation layer's function after it

    def __init__(self, layer, act):
        self.layer = layer
        self.kernel = layer.kernel
        self.bias = layer.bias
        self.fn = nn_ops.Dense(act)

    def weights(self):
        return [self.kernel] + ([] if self.bias is None else [self.bias])

    def set_needs(self, upstream, trainable):
        needs = [upstream] + [id(w) in trainable for w in self.weights()]
        self.fn.needs_input_grad = needs
        self.trains = any(needs[1:])
        self.needs_input_grad = upstream

    def forward(self, a):
        if self.bias is None:
            return self.fn.forward(a, self.kernel.data)
        return self.fn.forward(a, self.kernel.data, self.bias.data)

    def release(self):
        self.fn.saved = ()

    def backward(self, g, grads):
        """Returns the input gradient; appends the weights' gradients."""
        gx, *gw = self.fn.backward(g)
        for w, gwi, need in zip(
            self.weights(), gw, self.fn.needs_input_grad[1:]
        ):
            if need:
                grads.append((w, gwi))
        return gx


class _WeightlessStage:
    """A stage with no weights: it passes gradients down, trains nothing."""

    trains = False

    def weights(self):
        return []

    def set_needs(self, upstream, trainable):
        self.needs_input_grad = upstream


class _ActivationStage(_WeightlessStage):
    """An activation the Dense kernel does not fuse, run through autograd
    on a leaf Tensor: the same Function, forward and back, as in the
    layer (any activation works, at the cost of a one-node graph)."""

    def __init__(self, activation):
        self.activation = activation

    def forward(self, a):
        self.x = Tensor(a, requires_grad=self.needs_input_grad)
        self.y = self.activation(self.x)
        return self.y.data

    def release(self):
        self.x = self.y = None

    def backward(self, g, grads):
        if not self.needs_input_grad:
            return None
        self.y.backward(g)
        gx = self.x.grad
        self.release()
        return gx


class _DropoutStage(_WeightlessStage):
    """A Dropout layer: the layer's own scaled mask, times the input."""

    def __init__(self, layer):
        self.layer = layer

    def forward(self, a):
        if self.layer.rate == 0:
            self.scale = None
            return a
        self.scale = self.layer.draw_scale(a.shape, a.dtype)
        return np.multiply(a, self.scale)

    def release(self):
        self.scale = None

    def backward(self, g, grads):
        if not self.needs_input_grad:
            return None
        if self.scale is None:
            return g
        return g * self.scale


class _Plan:
    """One model's fused training step (see the module docstring)."""

    def __init__(self, model, stages, weights):
        self.model = model
        self.stages = stages
        self.weights = weights
        self.optimizer = model.optimizer
        self.input_shape = _input_shape(model)
        self.loss = _Loss(model, stages)
        self.metrics = _Metrics(model)

    def step(self, batch):
        """One training step on `batch`; None to leave it to `train_step`."""
        x, y, sample_weight = _unpack(batch, self.input_shape)
        if x is None:
            return None
        model = self.model
        n = len(x)
        # forward: each stage on the previous one's output
        a = x.reshape(n, -1)
        for stage in self.stages:
            a = stage.forward(a)
        g, loss, y_pred = self.loss(x, y, a, sample_weight, True)
        model._loss_tracker.update_state(loss, sample_weight=n)
        # backward: the stages in reverse, each weight's gradient collected
        found = []
        if g is not None:
            for stage in reversed(self.stages):
                g = stage.backward(g, found)
                if g is None:  # nothing below this stage trains
                    break
        by_id = {id(w): gw for w, gw in found}
        grads = [by_id.get(id(w)) for w in self.weights]
        for w, gw in zip(self.weights, grads):
            w.grad = gw
        self.optimizer.apply(grads, self.weights)
        return self.metrics(x, y, y_pred, sample_weight)


class _Evaluation:
    """One model's fused `test_step`: the inference kernels, the loss
    forward only, the loss tracker and the metrics."""

    def __init__(self, model, stages):
        self.model = model
        self.inference = _Inference(model, stages)
        self.loss = _Loss(model, stages)
        self.metrics = _Metrics(model)

    def step(self, batch):
        """Loss and metrics on `batch`; None to leave it to `test_step`."""
        x, y, sample_weight = _unpack(batch, self.inference.input_shape)
        if x is None:
            return None
        with config.no_grad():
            z = self.inference.logits(x)
            _, loss, y_pred = self.loss(x, y, z, sample_weight, False)
        self.model._loss_tracker.update_state(loss, sample_weight=len(x))
        return self.metrics(x, y, y_pred, sample_weight)


class _Metrics:
    """`model.compute_metrics` of a fused step. When it is `Trainer`'s own,
    only its update runs and the logs are `METRIC_RESULTS`: the results
    are read when a callback wants them (and at the end of the loop)."""

    def __init__(self, model):
        from kara.trainers.trainer import Trainer

        self.model = model
        self.update_only = (
            type(model).compute_metrics is Trainer.compute_metrics
        )

    def __call__(self, x, y, y_pred, sample_weight):
        if self.update_only:
            self.model._update_compiled_metrics(y, y_pred, sample_weight)
            return METRIC_RESULTS
        return self.model.compute_metrics(x, y, y_pred, sample_weight)


def _unpack(batch, input_shape):
    """`(x, y, sample_weight)` of a batch the fused steps take, or
    `(None, None, None)` for one they leave to the general step."""
    if type(batch) is not tuple or len(batch) < 2 or batch[1] is None:
        return None, None, None
    x = batch[0]
    if not _fits(x, input_shape) or len(x) == 0:
        return None, None, None
    return x, batch[1], batch[2] if len(batch) == 3 else None


class _Loss:
    """The loss of a fused step: the direct kernels of the loss when they
    apply (`direct`, see `_direct_loss`), else the model's compiled loss.
    """

    def __init__(self, model, stages):
        self.model = model
        self.output = _output_activation(stages)
        self.direct = _direct_loss(model, self.output, stages[-1])
        self.n_classes = stages[-1].kernel.shape[1]
        self.one = np.ones((), np.float32)

    def __call__(self, x, y, z, sample_weight, train):
        """The loss of the last Dense output `z` on the batch.

        Returns `(gradient of z, loss, predictions)`; the gradient is None
        when `train` is False (the loss forward only).
        """
        labels = None
        if self.direct is not None and sample_weight is None:
            labels = self._labels(y, len(z))
        if labels is None:
            return self._compiled_loss(x, y, z, sample_weight, train)
        if self.direct == "mse":
            return self._squared_error(z, labels, train)
        if self.direct == "binary":
            return self._binary_cross_entropy(z, labels, train)
        return self._cross_entropy(z, labels, train)

    def _labels(self, y, n):
        """The labels as the loss would see them (checked the same way),
        or None when they are not plain arrays of that kind."""
        if type(y) is not np.ndarray or len(y) != n:
            return None
        if self.direct == "mse":
            # targets of the outputs' own shape and dtype only: any other
            # (an (N,) target, ints) is lined up by the compiled loss
            fits = y.dtype == np.float32 and y.shape == (n, self.n_classes)
            return y if fits else None
        if self.direct == "binary":
            # 0/1 (or soft) targets of the outputs' shape, or (N,) ones for
            # a single output unit: cast to float32 as the loss casts them
            if y.dtype.kind not in "biuf":
                return None
            if y.ndim == 1 and self.n_classes == 1:
                y = y.reshape(n, 1)
            if y.shape != (n, self.n_classes):
                return None
            return y.astype(np.float32, copy=False)
        if self.direct == "sparse":
            if y.ndim == 2 and y.shape[1] == 1:
                y = y[:, 0]
            if y.ndim != 1:
                return None
            name = "sparse_categorical_crossentropy"
            ids = checks.class_ids(name, Tensor(y))
            checks.check_class_ids(name, ids, self.n_classes)
            return ids
        if y.shape != (len(y), self.n_classes):
            return None
        return y.astype(np.float32, copy=False)

    def _cross_entropy(self, logits, labels, train):
        """The direct route: the fused cross-entropy kernels and the mean.

        Returns the gradient of the logits, the loss and the predictions.
        """
        if self.direct == "sparse":
            ce = nn_ops.SparseSoftmaxCrossEntropy(labels)
            per_sample = ce.forward(logits)
        else:
            ce = nn_ops.SoftmaxCrossEntropy(1)
            ce.needs_input_grad = (False, True)
            per_sample = ce.forward(labels, logits)
        mean = reduction.Mean(None, False)
        loss = mean.forward(per_sample)
        g = None
        if train:
            g = ce.backward(mean.backward(self.one))
            if type(g) is tuple:
                g = g[1]
        if self.direct == "sparse" and self.output is activations.softmax:
            # the kernel's softmax: the output layer's numbers, bit for bit
            return g, loss, ce.probabilities()
        return g, loss, _apply_output(self.output, logits)

    def _squared_error(self, z, y, train):
        """The direct route of `mean_squared_error`: the kernels its graph
        runs, forward and back, in the same order.

        Returns the gradient of the outputs, the loss and the outputs.
        """
        diff = elementwise.Subtract()  # y_true - y_pred
        square = elementwise.Square()
        per_sample = reduction.Mean(1, False)  # over the last axis
        mean = reduction.Mean(None, False)
        loss = mean.forward(
            per_sample.forward(square.forward(diff.forward(y, z)))
        )
        if not train:
            return None, loss, z
        g = square.backward(per_sample.backward(mean.backward(self.one)))
        return diff.backward(g)[1], loss, z

    def _binary_cross_entropy(self, logits, labels, train):
        """The direct route of `binary_crossentropy` from logits: the fused
        sigmoid cross-entropy, the mean over the last axis and the batch
        mean, forward and back, as its graph runs them.

        Returns the gradient of the logits, the loss and the predictions.
        """
        ce = nn_ops.SigmoidCrossEntropy()
        ce.needs_input_grad = (False, True)  # no gradient for the labels
        per_sample = reduction.Mean(1, False)  # over the last axis
        mean = reduction.Mean(None, False)
        loss = mean.forward(per_sample.forward(ce.forward(labels, logits)))
        g = None
        if train:
            g = ce.backward(per_sample.backward(mean.backward(self.one)))[1]
        return g, loss, _apply_output(self.output, logits)

    def _compiled_loss(self, x, y, z, sample_weight, train):
        """Any other loss: the model's compiled loss, on a leaf Tensor of
        the last Dense output (its activation applied as the layer does)."""
        out = Tensor(z, requires_grad=train)
        y_pred = out if self.output is None else self.output(out)
        loss = self.model._compute_loss(x, y, y_pred, sample_weight, train)
        if not train:
            return None, loss.data, y_pred.data
        loss.backward()
        return out.grad, loss.data, y_pred.data
