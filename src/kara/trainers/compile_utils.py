"""What `compile` turns its `loss` and `metrics` arguments into.

`CompileLoss` maps the model's outputs to loss functions (one loss, a list
or a dict), weights them with `loss_weights` and sums them. With several
outputs it also tracks each output's (unweighted) loss as a running mean,
logged as `<output>_loss`.

`CompileMetrics` resolves metric identifiers on the first batch, when the
shapes of labels and outputs are known (that is how `"accuracy"` becomes
binary, sparse categorical or categorical accuracy), names them (prefix
`<output>_` with several outputs, `weighted_` for a duplicate among
`weighted_metrics`) and updates them.

Outputs are taken in "flat order": the order of a list, or the sorted keys
of a dict (as Keras's `tree.flatten`). Targets may be given in the same
structure, as a list in flat order, or as a dict keyed by output name.
"""

import copy

import numpy as np

from kara import config
from kara import losses as losses_module
from kara import metrics as metrics_module
from kara.trainers.data_adapter import flatten

# ------------------------------------------------------------- structure


def output_names_of(y_pred, model_names=None):
    """The output names in flat order (dict keys, model names, output_i)."""
    if isinstance(y_pred, dict):
        return sorted(y_pred)
    n = len(flatten(y_pred))
    if model_names and len(model_names) == n:
        return list(model_names)
    if n == 1:
        return list(model_names or ["output"])[:1]
    return [f"output_{i + 1}" for i in range(n)]


def flat_targets(y_true, y_pred, names, what="y"):
    """`y_true` as a list lined up with `flatten(y_pred)`."""
    if y_true is None:
        return [None] * len(names)
    if not isinstance(y_pred, (list, tuple, dict)):
        if isinstance(y_true, (list, tuple)) and len(y_true) == 1:
            return [y_true[0]]
        if isinstance(y_true, dict) and len(y_true) == 1:
            return list(y_true.values())
        return [y_true]
    if isinstance(y_true, dict):
        missing = [n for n in names if n not in y_true]
        if missing:
            raise ValueError(
                f"`{what}` is a dict with keys {sorted(y_true)}, but the "
                f"model's outputs are {names}: no entry for {missing}. Use "
                "the output names as keys."
            )
        return [y_true[n] for n in names]
    flat = flatten(y_true)
    if len(flat) == 1 and len(names) > 1 and what == "sample_weight":
        return flat * len(names)  # one weight array for every output
    if len(flat) != len(names):
        raise ValueError(
            f"The model has {len(names)} outputs ({names}), but `{what}` "
            f"holds {len(flat)} array(s). Pass one array per output, as a "
            "list in that order or a dict keyed by output name."
        )
    return flat


def _unwrap_single(y_true, y_pred, sample_weight):
    """The arrays of a one-output model, out of 1-element lists/dicts."""
    if isinstance(y_true, (list, tuple)) and len(y_true) == 1:
        y_true = y_true[0]
    if isinstance(y_pred, (list, tuple, dict)):
        y_pred = flatten(y_pred)[0]
    if isinstance(sample_weight, (list, tuple)):
        sample_weight = sample_weight[0]
    return y_true, y_pred, sample_weight


def _per_output(value, names, what):
    """Spreads a single value / list / dict over the outputs, in order."""
    n = len(names)
    if isinstance(value, dict):
        unknown = [k for k in value if k not in names]
        if unknown:
            raise ValueError(
                f"`{what}` has keys {unknown} that are not output names. The "
                f"model's outputs are {names}."
            )
        return [value.get(name) for name in names]
    if isinstance(value, (list, tuple)):
        if n == 1 and what in ("loss", "loss_weights"):
            if len(value) != 1:
                raise ValueError(
                    f"`{what}` is a list of {len(value)} entries, but the "
                    "model has one output. Pass a single value."
                )
            return list(value)
        if len(value) != n and what in ("loss", "loss_weights"):
            raise ValueError(
                f"`{what}` is a list of {len(value)} entries, but the model "
                f"has {n} outputs ({names}). Pass one per output, or a dict "
                "keyed by output name."
            )
        return list(value)
    return [value] * n


# -------------------------------------------------------------- arguments

# tf.keras 2 arguments of compile that kara accepts and ignores
_KERAS2_COMPILE_ARGS = {
    "sample_weight_mode",
    "target_tensors",
    "experimental_run_tf_function",
    "distribute",
    "pss_evaluation_shards",
}


def check_compile_args(kwargs, metrics, weighted_metrics, loss_weights):
    """Validates compile's arguments; returns `(metrics, loss_weights)`.

    `compile(opt, loss, ["accuracy"])` means metrics: that is tf.keras 2's
    third positional argument (Keras 3's is `loss_weights`, which cannot
    hold names), so such a list is taken as `metrics`.
    """
    unknown = sorted(set(kwargs) - _KERAS2_COMPILE_ARGS)
    if unknown:
        raise TypeError(
            f"compile() got unexpected keyword arguments {unknown}. Valid "
            "arguments: optimizer, loss, loss_weights, metrics, "
            "weighted_metrics, run_eagerly, steps_per_execution, "
            "jit_compile, auto_scale_loss."
        )
    if metrics is None and _holds_non_numbers(loss_weights):
        metrics, loss_weights = loss_weights, None
    for name, value in (
        ("metrics", metrics),
        ("weighted_metrics", weighted_metrics),
    ):
        if isinstance(value, str) or (
            value is not None and not isinstance(value, (list, tuple, dict))
        ):
            raise ValueError(
                f"`{name}` must be a list (or a dict per output), e.g. "
                f"{name}=['accuracy']. Received: {name}={value!r}"
            )
    return metrics, loss_weights


def _holds_non_numbers(value):
    if isinstance(value, dict):
        value = list(value.values())
    if not isinstance(value, (list, tuple)):
        return False
    return any(
        not isinstance(v, (int, float, np.number)) or isinstance(v, bool)
        for v in value
        if v is not None
    )


# ------------------------------------------------------------------ loss


class CompileLoss:
    """The total loss of a model: a weighted sum of per-output losses.

    Args:
        loss: a loss identifier, or a list/dict of them (one per output).
        loss_weights: optional scalars, list or dict.
        output_names: the model's output names, if known.
    """

    def __init__(self, loss, loss_weights=None, output_names=None):
        self._user_loss = loss
        self._user_weights = loss_weights
        self.output_names = output_names
        self.built = False
        self.metrics = []  # per-output loss trackers (several outputs)
        self.losses = []
        self.weights = []
        if not isinstance(loss, (list, tuple, dict)):
            _get_loss(loss)  # fail at compile time on a bad name

    def build(self, y_true, y_pred):
        names = output_names_of(y_pred, self.output_names)
        self.names = names
        trues = flat_targets(y_true, y_pred, names)
        self.losses = self.resolve_losses(names, trues, flatten(y_pred))
        if self._user_weights is None:
            self.weights = [None] * len(names)
        else:
            ws = _per_output(self._user_weights, names, "loss_weights")
            self.weights = [None if w is None else float(w) for w in ws]
        active = [i for i, fn in enumerate(self.losses) if fn is not None]
        if not active:
            raise ValueError(
                f"No loss to minimize: loss={self._user_loss!r} gives no loss "
                f"for any of the outputs {names}."
            )
        self.metrics = []
        self._trackers = [None] * len(names)
        if len(active) > 1:
            for i in active:
                tracker = metrics_module.Mean(name=f"{names[i]}_loss")
                self._trackers[i] = tracker
                self.metrics.append(tracker)
        self.built = True

    def resolve_losses(self, names, trues, preds):
        """The `Loss` of each output (None where an output has none).

        Args:
            names: the output names, in flat order.
            trues, preds: the targets and outputs in that order (their
                shapes pick the loss of `"crossentropy"`).
        """
        if self.built:
            return self.losses
        idents = _per_output(self._user_loss, names, "loss")
        return [_get_loss(i, t, p) for i, t, p in zip(idents, trues, preds)]

    def __call__(self, y_true, y_pred, sample_weight=None):
        """Returns the total loss (a Tensor); updates per-output trackers."""
        if not self.built:
            self.build(y_true, y_pred)
        if len(self.losses) == 1:  # fast path: one output
            fn, w = self.losses[0], self.weights[0]
            y_true, y_pred, sample_weight = _unwrap_single(
                y_true, y_pred, sample_weight
            )
            y_true = _match_rank(y_true, y_pred)
            value = fn(y_true, y_pred, sample_weight=sample_weight)
            return value if w is None else value * w
        names = self.names
        trues = flat_targets(y_true, y_pred, names)
        preds = flatten(y_pred)
        sws = flat_targets(sample_weight, y_pred, names, "sample_weight")
        total = None
        for i, fn in enumerate(self.losses):
            if fn is None:
                continue
            target = _match_rank(trues[i], preds[i])
            value = fn(target, preds[i], sample_weight=sws[i])
            tracker = self._trackers[i]
            if tracker is not None:
                tracker.update_state(
                    value.data, sample_weight=int(preds[i].shape[0])
                )
            w = self.weights[i]
            term = value if w is None else value * w
            total = term if total is None else total + term
        return total


def _match_rank(y_true, y_pred):
    """tf.keras 2's `fit` gives `(N,)` targets of an `(N, 1)` output a
    trailing axis before the loss sees them (a direct loss call does not).
    Keras 3's losses align the two themselves, so only keras2 needs this.
    """
    if (
        config.profile() == "keras2"
        and np.ndim(y_true) == 1
        and len(getattr(y_pred, "shape", ())) == 2
    ):
        return np.expand_dims(np.asarray(getattr(y_true, "data", y_true)), -1)
    return y_true


def _get_loss(identifier, y_true=None, y_pred=None):
    """A `Loss` for a compile identifier; functions get a reducing wrapper.

    `"crossentropy"`/`"ce"` (a tf.keras 2 convenience) pick binary, sparse
    or categorical cross-entropy from the shapes of the first batch.
    """
    if identifier is None:
        return None
    if isinstance(identifier, str) and identifier.lower() in (
        "crossentropy",
        "ce",
    ):
        if y_pred is None:
            return identifier
        identifier = _crossentropy_for(
            tuple(getattr(y_true, "shape", ())), tuple(y_pred.shape)
        )
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


# --------------------------------------------------------------- metrics


class CompileMetrics:
    """The metrics of `compile(metrics=..., weighted_metrics=...)`.

    Under the Keras 3 profile `model.metrics` lists this container (named
    `"compile_metrics"`) and each metric keeps its own name (`"accuracy"`),
    while the log key may carry a prefix (`"cls_accuracy"`). Under the
    keras2 profile each metric is renamed to its log key.

    Args:
        metrics: metric identifiers, a list, a list per output, or a dict.
        weighted_metrics: the same, for metrics that receive the sample
            weights (class weights included).
        output_names: the model's output names, if known.
    """

    name = "compile_metrics"

    def __init__(self, metrics, weighted_metrics, output_names=None):
        self.output_names = output_names
        self._metrics_arg = metrics
        self._weighted_arg = weighted_metrics
        self._entries = []  # (output index, metric, weighted, log key)
        self.built = False

    @property
    def metrics(self):
        """The metric objects: all `metrics`, then all `weighted_metrics`."""
        return [m for _, m, _, _ in self._entries]

    def _spread(self, arg, names, what):
        """One list of identifiers per output."""
        n = len(names)
        if arg is None:
            return [[] for _ in names]
        if isinstance(arg, dict):
            spread = _per_output(arg, names, what)
        elif (
            isinstance(arg, (list, tuple))
            and n > 1
            and len(arg) == n
            and (
                config.profile() == "keras3"
                or all(isinstance(a, (list, tuple, type(None))) for a in arg)
            )
        ):
            spread = list(arg)  # one entry per output
        elif isinstance(arg, (list, tuple)):
            spread = [list(arg)] * n  # every metric on every output
        else:
            spread = [arg] * n
        out = []
        for entry in spread:
            if entry is None:
                out.append([])
            elif isinstance(entry, (list, tuple)):
                out.append(list(entry))
            else:
                out.append([entry])
        return out

    def build(self, y_true, y_pred, losses=None):
        names = output_names_of(y_pred, self.output_names)
        trues = flat_targets(y_true, y_pred, names)
        preds = flatten(y_pred)
        losses = losses or [None] * len(names)
        used = set()

        def resolve(ident, i):
            if isinstance(ident, metrics_module.Metric):
                if id(ident) in used:  # the same object on two outputs
                    ident = copy.deepcopy(ident)
                    ident.reset_state()
                used.add(id(ident))
            return metrics_module.resolve_metric(
                ident,
                getattr(trues[i], "shape", None),
                tuple(preds[i].shape),
                loss=losses[i] if i < len(losses) else None,
            )

        groups = []
        for arg, what in (
            (self._metrics_arg, "metrics"),
            (self._weighted_arg, "weighted_metrics"),
        ):
            groups.append(
                [
                    [resolve(ident, i) for ident in idents]
                    for i, idents in enumerate(self._spread(arg, names, what))
                ]
            )
        keys, weighted_keys = metrics_module.compile_metric_names(
            [[m.name for m in ms] for ms in groups[0]],
            [[m.name for m in ms] for ms in groups[1]],
            names if len(names) > 1 else None,
        )
        rename = config.profile() == "keras2"
        self._entries = []
        for weighted, group, group_keys in (
            (False, groups[0], keys),
            (True, groups[1], weighted_keys),
        ):
            for i, (ms, ks) in enumerate(zip(group, group_keys)):
                for m, key in zip(ms, ks):
                    if rename:
                        m.name = key
                    self._entries.append((i, m, weighted, key))
        if rename:  # tf.keras 2 logs per output: metrics, then weighted
            self._entries.sort(key=lambda e: e[0])
        self._names = names
        self.built = True

    def update_state(self, y_true, y_pred, sample_weight=None, losses=None):
        if not self.built:
            self.build(y_true, y_pred, losses)
        if not self._entries:
            return
        names = self._names
        if len(names) == 1:
            y_true, y_pred, sample_weight = _unwrap_single(
                y_true, y_pred, sample_weight
            )
            for _, m, weighted, _ in self._entries:
                sw = sample_weight if weighted else None
                m.update_state(y_true, y_pred, sample_weight=sw)
            return
        trues = flat_targets(y_true, y_pred, names)
        preds = flatten(y_pred)
        sws = flat_targets(sample_weight, y_pred, names, "sample_weight")
        for i, m, weighted, _ in self._entries:
            sw = sws[i] if weighted else None
            m.update_state(trues[i], preds[i], sample_weight=sw)

    def reset_state(self):
        for _, m, _, _ in self._entries:
            m.reset_state()

    def result(self):
        """`{log key: value}` of every metric."""
        return {key: m.result() for _, m, _, key in self._entries}
