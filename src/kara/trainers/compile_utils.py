"""What `compile` turns its `loss` and `metrics` arguments into.

`CompileLoss` maps the model's outputs to loss functions (one loss, a list
or a dict), weights them with `loss_weights`, and sums them. `CompileMetrics`
resolves metric identifiers (strings such as `"accuracy"` are resolved from
the shapes of the first batch, as Keras does) and updates them.
"""

import numpy as np

from kara import losses as losses_module
from kara import metrics as metrics_module
from kara.trainers.data_adapter import flatten


def _per_output(value, output_names, what):
    """Spreads a single value / list / dict over the outputs, in order."""
    n = len(output_names)
    if isinstance(value, dict):
        unknown = [k for k in value if k not in output_names]
        if unknown:
            raise ValueError(
                f"`{what}` has keys {unknown} that are not output names. The "
                f"model's outputs are {output_names}."
            )
        return [value.get(name) for name in output_names]
    if isinstance(value, (list, tuple)) and n > 1:
        if len(value) != n:
            raise ValueError(
                f"`{what}` is a list of {len(value)} entries, but the model "
                f"has {n} outputs ({output_names})."
            )
        return list(value)
    if isinstance(value, (list, tuple)) and n == 1 and what == "loss":
        if len(value) != 1:
            raise ValueError(
                f"`loss` is a list of {len(value)} entries, but the model has "
                "one output."
            )
        return list(value)
    return [value] * n if what != "loss" or n == 1 else [value] * n


class CompileLoss:
    """The total loss of a model: a weighted sum of per-output losses.

    Args:
        loss: a loss identifier, or a list/dict of them (one per output).
        loss_weights: optional scalars, list or dict.
        output_names: the model's output names.
    """

    def __init__(self, loss, loss_weights=None, output_names=("output",)):
        self.output_names = list(output_names)
        self.identifiers = _per_output(loss, self.output_names, "loss")
        self.losses = [_get_loss(ident) for ident in self.identifiers]
        if loss_weights is None:
            self.weights = [1.0] * len(self.output_names)
        else:
            ws = _per_output(loss_weights, self.output_names, "loss_weights")
            self.weights = [1.0 if w is None else float(w) for w in ws]
        self._resolved = False

    def _resolve_strings(self, y_true, y_pred):
        # "crossentropy"/"ce" pick binary, sparse or categorical CE by shape
        for i, ident in enumerate(self.identifiers):
            if isinstance(ident, str) and ident.lower() in (
                "crossentropy",
                "ce",
            ):
                t, p = flatten(y_true)[i], flatten(y_pred)[i]
                name = _crossentropy_for(np.shape(t), tuple(p.shape))
                self.losses[i] = _get_loss(name)
        self._resolved = True

    def __call__(self, y_true, y_pred, sample_weight=None):
        """Returns the total loss Tensor and the per-output loss Tensors."""
        trues, preds = flatten(y_true), flatten(y_pred)
        if not self._resolved:
            self._resolve_strings(y_true, y_pred)
        if len(preds) != len(self.losses):
            raise ValueError(
                f"The model has {len(preds)} outputs but the loss was given "
                f"for {len(self.losses)}."
            )
        if len(trues) != len(preds):
            raise ValueError(
                f"The model has {len(preds)} outputs, but y holds "
                f"{len(trues)} arrays. Pass one target array per output."
            )
        sws = flatten(sample_weight) if sample_weight is not None else []
        if len(sws) == 1 and len(preds) > 1:
            sws = sws * len(preds)
        total = None
        per_output = []
        for i, (fn, w) in enumerate(zip(self.losses, self.weights)):
            if fn is None:
                per_output.append(None)
                continue
            sw = sws[i] if sws else None
            value = (
                fn(trues[i], preds[i], sample_weight=sw)
                if sw is not None
                else fn(trues[i], preds[i])
            )
            per_output.append(value)
            term = value if w == 1.0 else value * w
            total = term if total is None else total + term
        if total is None:
            raise ValueError(
                "No loss to minimize: every output's loss is None."
            )
        return total, per_output


def _get_loss(identifier):
    """A `Loss` for a compile identifier; functions get a reducing wrapper."""
    if identifier is None:
        return None
    if isinstance(identifier, str) and identifier.lower() in (
        "crossentropy",
        "ce",
    ):
        return identifier  # resolved from the shapes of the first batch
    loss = losses_module.get(identifier)
    if isinstance(loss, losses_module.Loss):
        return loss
    name = identifier if isinstance(identifier, str) else None
    return losses_module.LossFunctionWrapper(loss, name=name)


def _crossentropy_for(y_true_shape, y_pred_shape):
    if y_pred_shape and y_pred_shape[-1] == 1:
        return "binary_crossentropy"
    if len(y_true_shape) < len(y_pred_shape) or (
        y_true_shape and y_true_shape[-1] == 1
    ):
        return "sparse_categorical_crossentropy"
    return "categorical_crossentropy"


class CompileMetrics:
    """The metrics of `compile(metrics=..., weighted_metrics=...)`.

    Metrics are resolved on the first batch, when the shapes of `y_true`
    and `y_pred` are known (that is how `"accuracy"` becomes binary,
    sparse categorical or categorical accuracy).
    """

    def __init__(self, metrics, weighted_metrics, output_names):
        self.output_names = list(output_names)
        self._metrics_arg = metrics
        self._weighted_arg = weighted_metrics
        self.metrics = []  # flat list of (output index, metric, weighted)
        self.built = False

    def _per_output_lists(self, arg, what):
        if arg is None:
            return [[] for _ in self.output_names]
        if isinstance(arg, dict):
            spread = _per_output(arg, self.output_names, what)
        elif (
            len(self.output_names) > 1
            and isinstance(arg, (list, tuple))
            and arg
            and all(isinstance(a, (list, tuple, type(None))) for a in arg)
        ):
            spread = _per_output(list(arg), self.output_names, what)
        else:
            spread = [arg] * len(self.output_names)
        out = []
        for entry in spread:
            if entry is None:
                out.append([])
            elif isinstance(entry, (list, tuple)):
                out.append(list(entry))
            else:
                out.append([entry])
        return out

    def build(self, y_true, y_pred, loss=None):
        trues, preds = flatten(y_true), flatten(y_pred)
        resolved = []
        for arg, what in (
            (self._metrics_arg, "metrics"),
            (self._weighted_arg, "weighted_metrics"),
        ):
            resolved.append(
                [
                    [
                        metrics_module.resolve_metric(
                            ident,
                            np.shape(trues[i]),
                            tuple(preds[i].shape),
                            loss=loss,
                        )
                        for ident in idents
                    ]
                    for i, idents in enumerate(
                        self._per_output_lists(arg, what)
                    )
                ]
            )
        multi = len(self.output_names) > 1
        keys, weighted_keys = metrics_module.compile_metric_names(
            [[m.name for m in ms] for ms in resolved[0]],
            [[m.name for m in ms] for ms in resolved[1]],
            self.output_names if multi else None,
        )
        for weighted, groups, names in (
            (False, resolved[0], keys),
            (True, resolved[1], weighted_keys),
        ):
            for i, (ms, ns) in enumerate(zip(groups, names)):
                for m, name in zip(ms, ns):
                    m.name = name
                    self.metrics.append((i, m, weighted))
        self.built = True

    def update_state(self, y_true, y_pred, sample_weight=None, loss=None):
        if not self.built:
            self.build(y_true, y_pred, loss)
        if not self.metrics:
            return
        trues, preds = flatten(y_true), flatten(y_pred)
        sws = flatten(sample_weight) if sample_weight is not None else []
        if len(sws) == 1 and len(preds) > 1:
            sws = sws * len(preds)
        for i, m, weighted in self.metrics:
            sw = sws[i] if (weighted and sws) else None
            m.update_state(trues[i], preds[i], sample_weight=sw)

    def reset_state(self):
        for _, m, _ in self.metrics:
            m.reset_state()

    def results(self):
        return {m.name: float(m.result()) for _, m, _ in self.metrics}
