"""The fused training step: `train_step` for a plain stack of Dense layers.

For a small model, the arithmetic of a step is as cheap as kara's own
bookkeeping around it: `Layer.__call__`, Tensors, the graph, the loss
wrappers and the engine cost about 100 us a step, as much as the matrix
products of the seed 002 model at batch 32. For the most common model
of all, a `Sequential` of `Flatten`, `Dense` and `Dropout` layers trained
with a cross-entropy, `fit` runs this step instead of `Model.train_step`.

It calls the very op kernels the graph would call (`ops.nn.Dense`,
`SparseSoftmaxCrossEntropy`, `SoftmaxCrossEntropy`, the mean of
`ops.reduction`) on raw arrays, in the same order, and hands the
gradients to the same `optimizer.apply` and the losses and outputs to the
same metrics. Only the bookkeeping is skipped, so the numbers are the
same bit for bit (`tests/trainers/test_fused_step.py` runs both paths
side by side).

Anything else takes the general path: a subclass that overrides
`train_step` or `compute_loss`, regularizers or added losses, other
layers, losses, dtypes, several outputs, and every batch with sample or
class weights. `plan_for(model)` says why a model is not eligible.

Example:
>>> import numpy as np, kara
>>> model = kara.Sequential([kara.Input((4,)), kara.layers.Dense(3)])
>>> model.compile(loss="sparse_categorical_crossentropy")
>>> _ = model.fit(np.zeros((8, 4)), np.zeros(8), verbose=0)
>>> plan_for(model)
'the loss needs from_logits=True or a softmax output layer'
"""

import numpy as np

from kara import activations
from kara.autograd.tensor import Tensor
from kara.losses import checks
from kara.ops import nn as nn_ops
from kara.ops import reduction

# Off switch, for tests that compare the two paths and for debugging.
ENABLED = True

_HIDDEN = {
    activations.linear: "linear",
    activations.relu: "relu",
    activations.tanh: "tanh",
}
# output activations applied after a linear Dense (their kernels: the
# same functions `ops.softmax` and `ops.sigmoid` run)
_OUTPUT = {
    activations.softmax: lambda z: nn_ops._softmax(z, z.ndim - 1),
    activations.sigmoid: nn_ops._sigmoid,
}


def train_step_for(model):
    """The step `fit` calls: the fused one when the model allows it.

    The model may be unbuilt (and its loss unresolved) until its first
    batch, so that batch runs `model.train_step`, and the plan is made
    once it has run.
    """
    from kara.trainers.trainer import Trainer

    cls = type(model)
    if (
        not ENABLED
        or cls.train_step is not Trainer.train_step
        or cls.compute_loss is not Trainer.compute_loss
    ):
        return model.train_step
    return _FusedStep(model)


class _FusedStep:
    """Runs `model.train_step` until a plan exists, then the plan."""

    def __init__(self, model):
        self.model = model
        self.plan = None
        self.decided = False

    def __call__(self, batch):
        plan = self.plan
        if plan is not None:
            logs = plan.step(batch)
            if logs is not None:
                return logs
        logs = self.model.train_step(batch)
        if not self.decided:
            self.decided = True
            plan = plan_for(self.model)
            self.plan = plan if isinstance(plan, _Plan) else None
        return logs


def plan_for(model):
    """A `_Plan` for `model`, or a string saying why there is none."""
    stages = _stages(model)
    if isinstance(stages, str):
        return stages
    loss = _loss_kind(model)
    if isinstance(loss, str):
        return loss
    kind, from_logits = loss
    output = stages[-1]
    if from_logits and output.fn.activation != "linear":
        return "from_logits=True needs a linear output layer"
    if not from_logits and output.layer._activation is not activations.softmax:
        return "the loss needs from_logits=True or a softmax output layer"
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
    return _Plan(model, stages, kind, weights)


def _stages(model):
    """The model's layers as fused stages, or why they cannot be.

    The output layer's stage computes its logits (a linear Dense); its
    activation, if any, is applied by the plan.
    """
    from kara.layers.dense import Dense
    from kara.layers.dropout import Dropout
    from kara.layers.reshaping import Flatten
    from kara.models.sequential import Sequential

    if type(model) is not Sequential:
        return "the model is not a Sequential"
    if not model.built or model._input_ref is None:
        return "the model is not built"
    if None in tuple(model._input_ref.shape[1:]):
        return "the input shape is not fully known"
    stages = []
    layers = model.layers
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
        act = _HIDDEN.get(layer._activation)
        if i == len(layers) - 1:
            if act is None and layer._activation not in _OUTPUT:
                return f"layer {layer.name}'s activation is not fused"
            act = act or "linear"
        elif act is None:
            return f"layer {layer.name}'s activation is not fused"
        stages.append(_DenseStage(layer, act))
    if not stages or not isinstance(stages[-1], _DenseStage):
        return "the model does not end with a Dense layer"
    return stages


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
        self.stages = [s for s in stages if isinstance(s, _DenseStage)]
        for stage in self.stages:
            stage.fn.needs_input_grad = [False] * (len(stage.weights()) + 1)
        self.output = _OUTPUT.get(stages[-1].layer._activation)
        self.input_shape = tuple(model._input_ref.shape[1:])

    def __call__(self, batch):
        x = batch[0] if type(batch) is tuple and len(batch) == 1 else batch
        if (
            type(x) is not np.ndarray
            or x.dtype != np.float32
            or x.shape[1:] != self.input_shape
        ):
            return self.model.predict_step(batch)
        a = x.reshape(len(x), -1)
        for stage in self.stages:
            a = stage.forward(a)
            stage.fn.saved = ()  # inference: nothing to keep
        return a if self.output is None else self.output(a)


def _loss_kind(model):
    """`(kind, from_logits)` of the compiled loss, or why it is not fused."""
    from kara.losses.crossentropy import categorical_crossentropy
    from kara.losses.crossentropy import sparse_categorical_crossentropy
    from kara.losses.wrapper import LossFunctionWrapper

    compiled = model._compile_loss
    if compiled is None or not compiled.built or len(compiled.losses) != 1:
        return "the model does not have exactly one compiled loss"
    if compiled.weights[0] is not None or model.losses:
        return "the loss has a weight or the model adds losses"
    fn = compiled.losses[0]
    if not isinstance(fn, LossFunctionWrapper):
        return "the loss is not a built-in loss"
    kwargs = dict(fn._fn_kwargs)
    from_logits = bool(kwargs.pop("from_logits", False))
    if fn.reduction != "sum_over_batch_size" or fn.dtype != "float32":
        return "the loss has a non-default reduction or dtype"
    if fn.fn is sparse_categorical_crossentropy:
        if kwargs.pop("ignore_class", None) is not None:
            return "ignore_class is not fused"
        kind = "sparse"
    elif fn.fn is categorical_crossentropy:
        if kwargs.pop("label_smoothing", 0.0):
            return "label_smoothing is not fused"
        kind = "categorical"
    else:
        return f"the loss {fn.name} is not fused"
    if kwargs.pop("axis", -1) not in (-1,) or kwargs:
        return "the loss has arguments that are not fused"
    return kind, from_logits


class _DenseStage:
    """A Dense layer: the fused `ops.nn.Dense` kernel, forward and back."""

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

    def backward(self, g, grads):
        """Returns the input gradient; appends the weights' gradients."""
        gx, *gw = self.fn.backward(g)
        for w, gwi, need in zip(
            self.weights(), gw, self.fn.needs_input_grad[1:]
        ):
            if need:
                grads.append((w, gwi))
        return gx


class _DropoutStage:
    """A Dropout layer: the layer's own scaled mask, times the input."""

    trains = False

    def __init__(self, layer):
        self.layer = layer

    def weights(self):
        return []

    def set_needs(self, upstream, trainable):
        self.needs_input_grad = upstream

    def forward(self, a):
        if self.layer.rate == 0:
            self.scale = None
            return a
        self.scale = self.layer.draw_scale(a.shape, a.dtype)
        return np.multiply(a, self.scale)

    def backward(self, g, grads):
        if not self.needs_input_grad or self.scale is None:
            return g
        return g * self.scale


class _Plan:
    """One model's fused step (see the module docstring)."""

    def __init__(self, model, stages, kind, weights):
        self.model = model
        self.stages = stages
        self.kind = kind
        self.input_shape = tuple(model._input_ref.shape[1:])
        self.n_classes = stages[-1].kernel.shape[1]
        self.weights = weights
        self.optimizer = model.optimizer
        self.softmax = stages[-1].layer._activation is activations.softmax
        self.one = np.ones((), np.float32)

    def _usable(self, x, y):
        """Whether this batch is the kind the plan was made for."""
        return (
            type(x) is np.ndarray
            and x.dtype == np.float32
            and x.shape[1:] == self.input_shape
            and type(y) is np.ndarray
            and len(y) == len(x)
            and len(x) > 0
        )

    def _labels(self, y):
        """The labels as the loss would see them (checked the same way)."""
        name = "sparse_categorical_crossentropy"
        if self.kind == "sparse":
            if y.ndim == 2 and y.shape[1] == 1:
                y = y[:, 0]
            if y.ndim != 1:
                return None
            ids = checks.class_ids(name, Tensor(y))
            checks.check_class_ids(name, ids, self.n_classes)
            return ids
        if y.shape != (len(y), self.n_classes):
            return None
        return y.astype(np.float32, copy=False)

    def step(self, batch):
        """One training step on `batch`; None to leave it to `train_step`."""
        if type(batch) is not tuple or len(batch) < 2:
            return None
        if len(batch) == 3 and batch[2] is not None:
            return None  # sample or class weights: the general path
        x, y = batch[0], batch[1]
        if not self._usable(x, y):
            return None
        labels = self._labels(y)
        if labels is None:
            return None
        model = self.model
        n = len(x)
        # forward: each stage on the previous one's output
        a = x.reshape(n, -1)
        for stage in self.stages:
            a = stage.forward(a)
        logits = a
        # the loss: per-sample cross-entropies from the logits, their mean
        if self.kind == "sparse":
            ce = nn_ops.SparseSoftmaxCrossEntropy(labels)
            per_sample = ce.forward(logits)
        else:
            ce = nn_ops.SoftmaxCrossEntropy(1)
            ce.needs_input_grad = (False, True)
            per_sample = ce.forward(labels, logits)
        mean = reduction.Mean(None, False)
        loss = mean.forward(per_sample)
        model._loss_tracker.update_state(loss, sample_weight=n)
        # backward: the mean, the cross-entropy, then the stages in reverse
        g = ce.backward(mean.backward(self.one))
        if type(g) is tuple:
            g = g[1]
        found = []
        for stage in reversed(self.stages):
            g = stage.backward(g, found)
            if g is None:  # nothing below this stage trains
                break
        by_id = {id(w): gw for w, gw in found}
        grads = [by_id[id(w)] for w in self.weights]
        for w, gw in zip(self.weights, grads):
            w.grad = gw
        self.optimizer.apply(grads, self.weights)
        y_pred = (
            _OUTPUT[activations.softmax](logits) if self.softmax else logits
        )
        return model.compute_metrics(x, y, y_pred, None)
