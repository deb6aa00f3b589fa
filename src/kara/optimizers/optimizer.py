"""`Optimizer`: the base of all optimizers (Keras 3's BaseOptimizer).

An optimizer owns slot variables (momentums, velocities, ...) created in
`build(var_list)`, an `iterations` counter and a learning rate (a float
held in a Variable, a schedule, or a callable). `apply(grads, variables)`
runs one training step, in Keras's order:

1. build on first use; drop `None` gradients (with a warning);
2. divide by `loss_scale_factor`; accumulate if
   `gradient_accumulation_steps` is set;
3. clip (`clipnorm` per tensor, else `global_clipnorm`, else `clipvalue`);
4. decoupled weight decay, `var -= var * weight_decay * lr`;
5. `update_step(gradient, variable, lr)` for each variable;
6. the moving average of the weights if `use_ema`;
7. variable constraints; then `iterations += 1`.

Everything updates `variable.data` in place under NumPy, with scratch
buffers allocated once in `build`, and the per-step scalars (bias
corrections, ...) computed once per step in the variable dtype, rounded as
TensorFlow rounds them in float32, so trajectories match Keras to float32
precision.

Example:
>>> import numpy as np
>>> import kara
>>> w = kara.Variable([1.0, 2.0], name="w")
>>> opt = kara.optimizers.SGD(learning_rate=0.1)
>>> it = opt.apply_gradients([(np.array([1.0, -1.0], "float32"), w)])
>>> w.numpy(), int(it)
(array([0.9, 2.1], dtype=float32), 1)
"""

import warnings

import numpy as np

from kara import backend
from kara.autograd.variable import Variable
from kara.optimizers import _extras
from kara.optimizers import _helpers
from kara.optimizers import _learning_rate
from kara.optimizers import _state
from kara.optimizers import profiles
from kara.optimizers import schedules
from kara.utils import naming


class Optimizer(
    _learning_rate.LearningRateMixin,
    _extras.StepExtrasMixin,
    _state.OptimizerStateMixin,
):
    """Base class of optimizers.

    Args:
        learning_rate: a float, a `LearningRateSchedule`, or a callable
            with no arguments returning the learning rate.
        weight_decay: if set, decoupled weight decay
            `var -= var * weight_decay * lr` before each update.
        clipnorm: if set, each gradient is scaled so its L2 norm is at most
            this value.
        clipvalue: if set, gradients are clipped to `[-clipvalue, clipvalue]`.
        global_clipnorm: if set, all gradients are scaled together so that
            their global L2 norm is at most this value.
        use_ema: whether to keep an exponential moving average of the
            weights (copied into them by `finalize_variable_values`, which
            `fit` calls at the end).
        ema_momentum: the EMA momentum,
            `average = m * average + (1 - m) * weight`.
        ema_overwrite_frequency: if set, the weights are overwritten by
            their average every this many steps.
        loss_scale_factor: if set, gradients are divided by it (the loss is
            multiplied by it in `scale_loss`).
        gradient_accumulation_steps: if set (>= 2), gradients are summed
            and applied, averaged, every this many calls.
        name: the optimizer's name.
        **kwargs: `lr` (a deprecated alias of `learning_rate`), `decay`
            (no longer supported: ignored with a warning), `jit_compile`
            (ignored). Anything else raises.

    To be implemented by subclasses: `build(var_list)`, which calls
    `super().build(var_list)` and creates slots with
    `add_optimizer_variables`; `update_step(gradient, variable,
    learning_rate)`, which updates `variable.data` in place; and
    `get_config()`.

    Example:
    >>> class PlainSGD(Optimizer):
    ...     def __init__(self, learning_rate=0.01, **kwargs):
    ...         super().__init__(learning_rate=learning_rate, **kwargs)
    ...     def update_step(self, gradient, variable, learning_rate):
    ...         variable.data -= np.float32(learning_rate) * gradient
    >>> w = Variable([1.0])
    >>> PlainSGD(0.5).apply([np.array([2.0], "float32")], [w])
    >>> w.numpy()
    array([0.], dtype=float32)
    """

    # how many scratch arrays of each variable's shape `update_step` needs
    _n_scratch = 0

    def __init__(
        self,
        learning_rate,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        loss_scale_factor=None,
        gradient_accumulation_steps=None,
        name=None,
        **kwargs,
    ):
        self._rules = profiles.rules()
        learning_rate = _helpers.pop_legacy_kwargs(
            type(self), learning_rate, kwargs
        )
        _helpers.check_base_arguments(
            weight_decay,
            clipnorm,
            clipvalue,
            global_clipnorm,
            use_ema,
            ema_momentum,
            ema_overwrite_frequency,
            gradient_accumulation_steps,
        )
        if name is None:
            name = (
                naming.auto_name(type(self).__name__)
                if self._rules.auto_name_snake_case
                else type(self).__name__
            )
        self.name = name
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self.use_ema = use_ema
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self.built = False
        self._variables = []
        self._trainable_variables = []
        self._index = {}  # id(variable) -> position in the built var_list
        self._scratch_views = []
        self._decay_mask = None
        self._exclude_ids = set()
        self._exclude_pattern = None
        self._iterations = Variable(
            np.array(0, dtype=np.int64), trainable=False, name="iteration"
        )
        self._track_variable(self._iterations)
        self._learning_rate = None
        self._set_learning_rate(learning_rate)
        self._last_learning_rate = None  # tf.keras 2: lr of the last step

    # ----------------------------------------------------------- iterations
    @property
    def iterations(self):
        """The number of updates applied so far (a Variable)."""
        if self.gradient_accumulation_steps:
            steps = self.gradient_accumulation_steps
            return _helpers.reading(self._iterations.data // steps)
        return self._iterations

    def _local_step(self):
        """`iterations + 1`, the 1-based step used by bias corrections."""
        it = int(self._iterations.data)
        if self.gradient_accumulation_steps:
            it //= self.gradient_accumulation_steps
        return it + 1

    # ------------------------------------------------------------ variables
    @property
    def variables(self):
        """All optimizer variables: iterations, learning rate, slots."""
        return self._variables[:]

    def _track_variable(self, variable):
        self._variables.append(variable)

    def build(self, var_list):
        """Creates the state for the variables in `var_list`.

        Subclasses call `super().build(var_list)` first, then create their
        slots with `add_optimizer_variables`.
        """
        var_list = list(var_list)
        self._trainable_variables = var_list
        self._index = {id(v): i for i, v in enumerate(var_list)}
        if self.use_ema:
            if self._rules.ema_keras2:  # tf.keras 2: start at the weights
                self._model_variables_moving_average = [
                    self.add_variable_from_reference(
                        v, "average", initializer=v.data.copy()
                    )
                    for v in var_list
                ]
            else:  # Keras 3: start at zero (momentum 0 on the 1st step)
                averages = self.add_optimizer_variables(var_list, "average")
                self._model_variables_moving_average = averages
        if self.gradient_accumulation_steps:
            self._accumulated_gradients = self.add_optimizer_variables(
                var_list, "gradient_accumulator"
            )
        self._build_scratch(var_list)
        self._decay_mask = None
        self.built = True

    def _build_scratch(self, var_list):
        """Views of shared flat buffers, `n` per variable, in its shape.

        The buffers hold temporaries of `update_step` (and of weight decay
        and EMA), so a step allocates no array the size of a weight.
        """
        n = max(
            self._n_scratch, 1 if (self.use_ema or self.weight_decay) else 0
        )
        sizes = {}
        for v in var_list:
            dt = v.data.dtype
            sizes[dt] = max(sizes.get(dt, 0), v.data.size)
        flat = {
            dt: [np.empty(size, dt) for _ in range(n)]
            for dt, size in sizes.items()
        }
        self._scratch_views = [
            tuple(
                buf[: v.data.size].reshape(v.data.shape)
                for buf in flat[v.data.dtype]
            )
            for v in var_list
        ]

    def add_variable(
        self,
        shape,
        initializer="zeros",
        dtype=None,
        aggregation="none",
        layout=None,
        name=None,
    ):
        """Creates a (non-trainable) optimizer variable and tracks it.

        Args:
            shape: the shape tuple.
            initializer: `"zeros"` (default), `"ones"`, a number, an array,
                or an initializer callable.
            dtype: the dtype (default floatx).
            aggregation, layout: accepted for Keras compatibility.
            name: the variable's name.
        """
        dtype = np.dtype(backend.standardize_dtype(dtype))
        shape = tuple(int(d) for d in shape)
        value = _helpers.resolve_initializer(initializer, shape, dtype)
        variable = Variable(value, dtype=dtype, trainable=False, name=name)
        self._track_variable(variable)
        return variable

    def add_variable_from_reference(
        self, reference_variable, name=None, initializer="zeros"
    ):
        """Creates an optimizer variable shaped like `reference_variable`.

        Its name is `"{reference path}_{name}"`, e.g. `dense_kernel_momentum`.
        """
        ref = (
            getattr(reference_variable, "path", None)
            or getattr(reference_variable, "name", None)
            or "variable"
        )
        name = f"{str(ref).replace('/', '_')}_{name or 'var'}"
        return self.add_variable(
            reference_variable.shape,
            initializer=initializer,
            dtype=reference_variable.dtype,
            name=name,
        )

    def add_optimizer_variables(
        self, trainable_variables, name, initializer="zeros"
    ):
        """Creates slots named `name` (a string or a list) for each variable.

        With a list of names the slots are interleaved per variable (the
        order of `optimizer.variables` in Keras) and a tuple of lists is
        returned, one list per name.
        """
        names = [name] if isinstance(name, str) else list(name)
        if isinstance(initializer, (list, tuple)):
            inits = list(initializer)
        else:
            inits = [initializer] * len(names)
        if len(inits) != len(names):
            raise ValueError(
                "The number of provided names must match the number of "
                f"provided initializers. Received name={name!r}, "
                f"initializer={initializer!r}"
            )
        slots = tuple([] for _ in names)
        for variable in trainable_variables:
            for k, (slot_name, init) in enumerate(zip(names, inits)):
                slots[k].append(
                    self.add_variable_from_reference(
                        variable, name=slot_name, initializer=init
                    )
                )
        return slots[0] if isinstance(name, str) else slots

    def _var_key(self, variable):
        return id(variable)

    def _get_variable_index(self, variable):
        """The position of `variable` in the list the optimizer was built on."""
        return self._index[id(variable)]

    def _check_variables_are_known(self, variables):
        index = self._index
        for v in variables:
            if id(v) not in index:
                raise ValueError(
                    f"Unknown variable: {getattr(v, 'path', v)!r}. This "
                    "optimizer can only be called for the variables it was "
                    "originally built with (build it on all trainable "
                    "variables first: optimizer.build(model.trainable_"
                    "variables)). When working with a new set of variables, "
                    "create a new optimizer instance."
                )

    # ----------------------------------------------------------- the step
    def apply_gradients(
        self,
        grads_and_vars,
        name=None,
        skip_gradients_aggregation=False,
        **kwargs,
    ):
        """Applies `(gradient, variable)` pairs; returns `iterations`."""
        pairs = list(grads_and_vars)
        if not pairs:
            return self._iterations
        grads, variables = zip(*pairs)
        self.apply(list(grads), list(variables))
        return self._iterations

    def apply(self, grads, trainable_variables=None):
        """Updates the variables with the gradients (one training step).

        Args:
            grads: a list of gradients (NumPy arrays, Tensors or `None`),
                one per variable.
            trainable_variables: the variables; may be omitted once the
                optimizer is built, to update the variables it was built on.
        """
        grads = list(grads)
        if not grads:
            return
        if trainable_variables is None:
            if not self.built:
                raise ValueError(
                    "When passing `grads` without `variables`, the optimizer "
                    "must already be built on a list of variables. Call "
                    "`optimizer.build(trainable_variables)` first."
                )
            variables = self._trainable_variables
        else:
            variables = list(trainable_variables)
            if not self.built:
                self.build(variables)
            self._check_variables_are_known(variables)
        if len(grads) != len(variables):
            raise ValueError(
                f"Received {len(grads)} gradients for {len(variables)} "
                "variables; pass exactly one gradient per variable (None "
                "for a variable without gradient)."
            )
        grads, variables = self._prepare_gradients(grads, variables)
        if grads:
            if self.loss_scale_factor is not None:
                grads = [
                    g / g.dtype.type(self.loss_scale_factor) for g in grads
                ]
            self._backend_apply_gradients(grads, variables)
            for v in variables:
                constraint = getattr(v, "constraint", None)
                if constraint is not None:
                    v.data[...] = backend.as_array(constraint(v.data))
        self._iterations.data += 1

    def _prepare_gradients(self, grads, variables):
        """Drops None gradients and frozen variables; casts to arrays."""
        out_g, out_v, missing = [], [], []
        for g, v in zip(grads, variables):
            if g is None:
                missing.append(getattr(v, "path", None) or v.name)
                continue
            if not getattr(v, "trainable", True):
                continue
            data = v.data
            if type(g) is not np.ndarray:
                g = backend.as_array(g, name="gradient")
            if g.dtype != data.dtype:
                g = g.astype(data.dtype)
            if g.shape != data.shape:
                raise ValueError(
                    f"The gradient for variable {v.path!r} has shape "
                    f"{g.shape}, but the variable has shape {data.shape}. "
                    "Pass gradients in the order of the variables."
                )
            out_g.append(g)
            out_v.append(v)
        if missing:
            if not out_g and len(missing) == len(grads):
                raise ValueError(
                    "No gradients provided for any variable: "
                    f"{missing}. Check that the loss depends on them."
                )
            warnings.warn(
                f"Gradients do not exist for variables {missing} when "
                "minimizing the loss. If using `model.compile()`, did you "
                "forget to provide a `loss` argument?",
                stacklevel=3,
            )
        return out_g, out_v

    def _backend_apply_gradients(self, grads, variables):
        steps = self.gradient_accumulation_steps
        if steps:
            accs = [
                self._accumulated_gradients[self._get_variable_index(v)].data
                for v in variables
            ]
            if (int(self._iterations.data) + 1) % steps == 0:
                grads = [
                    (g + a) / g.dtype.type(steps) for g, a in zip(grads, accs)
                ]
                self._clip_and_update(grads, variables)
                for a in accs:
                    a[...] = 0
            else:
                for g, a in zip(grads, accs):
                    a += g
        else:
            self._clip_and_update(grads, variables)
        if self.use_ema:
            self._update_model_variables_moving_average(
                variables
                if self._rules.ema_keras2
                else self._trainable_variables
            )
            freq = self.ema_overwrite_frequency
            if freq and (self._local_step() % freq == 0):
                self._overwrite_model_variables_with_average_value(
                    variables
                    if self._rules.ema_keras2
                    else self._trainable_variables
                )

    def _clip_and_update(self, grads, variables):
        grads = self._clip_gradients(grads)
        learning_rate = self._current_learning_rate()
        self._last_learning_rate = np.float32(learning_rate)
        self._apply_weight_decay(variables, learning_rate)
        self._backend_update_step(grads, variables, learning_rate)

    def _backend_update_step(self, grads, trainable_variables, learning_rate):
        """Calls `update_step` for each variable (overridden by Nadam)."""
        self._prepare_step(learning_rate)
        for g, v in zip(grads, trainable_variables):
            self.update_step(g, v, learning_rate)

    def _prepare_step(self, learning_rate):
        self._step_learning_rate = learning_rate
        self._step = self._local_step()
        self._constants_cache = {}

    def _constants(self, dtype):
        """This step's scalars in `dtype`, from `_compute_constants`."""
        cache = self._constants_cache
        c = cache.get(dtype)
        if c is None:
            c = cache[dtype] = self._compute_constants(
                dtype.type, self._step_learning_rate, self._step
            )
        return c

    def _compute_constants(self, f, learning_rate, step):
        """The per-step scalars of `update_step` (override this).

        Args:
            f: the scalar type of the variable (`np.float32`); every
                constant goes through `f(...)` so arithmetic happens in the
                variable's precision, as in Keras.
            learning_rate: this step's learning rate, a Python float.
            step: the 1-based step, `iterations + 1`.
        """
        return f(learning_rate)

    def update_step(self, gradient, variable, learning_rate):
        """Updates one variable in place (implemented by subclasses)."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement "
            "`update_step(gradient, variable, learning_rate)`."
        )

    def minimize(self, loss, var_list, tape=None):
        """Computes gradients of `loss` and applies them (tf.keras 2 API).

        Args:
            loss: a callable with no arguments returning the loss, or a loss
                Tensor computed under `tape`.
            var_list: the variables (or a callable returning them).
            tape: the `GradientTape` that recorded `loss` (required when
                `loss` is a Tensor).
        """
        from kara.autograd import GradientTape

        if not callable(loss) and tape is None:
            raise ValueError(
                "`tape` is required when a Tensor loss is passed. Received: "
                f"loss={loss!r}, tape=None."
            )
        if callable(loss):
            tape = GradientTape()
            with tape:
                loss = loss()
        if callable(var_list):
            var_list = var_list()
        var_list = list(var_list)
        grads = tape.gradient(loss, var_list)
        self.apply_gradients(zip(grads, var_list))

    def scale_loss(self, loss):
        """Multiplies the loss by `loss_scale_factor` (if set)."""
        if self.loss_scale_factor is not None:
            return loss * self.loss_scale_factor
        return loss

    # ------------------------------------------------------- serialization
    def get_config(self):
        """The constructor arguments, as a dict (no variable values)."""
        lr = self._learning_rate
        if isinstance(lr, schedules.LearningRateSchedule):
            lr = schedules.serialize(lr)
        elif isinstance(lr, Variable):
            lr = float(lr.data)
        if self._rules.config_keras2:
            return {
                "name": self.name,
                "weight_decay": self.weight_decay,
                "clipnorm": self.clipnorm,
                "global_clipnorm": self.global_clipnorm,
                "clipvalue": self.clipvalue,
                "use_ema": self.use_ema,
                "ema_momentum": self.ema_momentum,
                "ema_overwrite_frequency": self.ema_overwrite_frequency,
                "jit_compile": False,
                "is_legacy_optimizer": False,
                "learning_rate": lr,
            }
        return {
            "name": self.name,
            "learning_rate": lr,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Creates an optimizer from the output of `get_config()`."""
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = schedules.deserialize(
                config["learning_rate"], custom_objects=custom_objects
            )
        return cls(**config)

    def __repr__(self):
        lr = self._learning_rate
        lr = float(lr.data) if isinstance(lr, Variable) else lr
        return (
            f"<{type(self).__name__} name={self.name}, "
            f"learning_rate={lr}, built={self.built}>"
        )
