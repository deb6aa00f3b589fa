"""Clipping, weight decay and the weights' moving average (EMA).

A mixin of `Optimizer`: the transformations `apply` runs around the
update step, in Keras's order: clip the gradients, decay the weights
(`var -= var * weight_decay * lr`, before the update), and after the
update keep an exponential moving average of the weights (`use_ema`).
"""

import re

import numpy as np

from kara.optimizers import _helpers


class StepExtrasMixin:
    """Clipping, decoupled weight decay and EMA for `Optimizer`."""

    def _clip_gradients(self, grads):
        if self.clipnorm and self.clipnorm > 0:
            return [_helpers.clip_by_norm(g, self.clipnorm) for g in grads]
        if self.global_clipnorm and self.global_clipnorm > 0:
            return _helpers.clip_by_global_norm(grads, self.global_clipnorm)
        if self.clipvalue and self.clipvalue > 0:
            return [_helpers.clip_by_value(g, self.clipvalue) for g in grads]
        return grads

    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        """Excludes variables from weight decay.

        Args:
            var_list: variables to exclude.
            var_names: strings (regular expressions): a variable whose name
                contains one of them is excluded, e.g. `["bias"]`.
        """
        self._exclude_ids = {id(v) for v in (var_list or [])}
        self._exclude_pattern = (
            re.compile("|".join(var_names)) if var_names else None
        )
        self._decay_mask = None

    def _use_weight_decay(self, variable):
        if id(variable) in self._exclude_ids:
            return False
        pattern = self._exclude_pattern
        name = getattr(variable, "name", None) or ""
        return not (pattern is not None and pattern.search(name))

    def _apply_weight_decay(self, variables, learning_rate):
        if self.weight_decay is None:
            return
        if self._decay_mask is None:
            self._decay_mask = [
                self._use_weight_decay(v) for v in self._trainable_variables
            ]
        mask, scratch = self._decay_mask, self._scratch_views
        for v in variables:
            i = self._get_variable_index(v)
            if mask[i]:
                data = v.data
                f = data.dtype.type
                tmp = scratch[i][0]
                # var -= (var * wd) * lr, in the order Keras computes it
                np.multiply(data, f(self.weight_decay), out=tmp)
                tmp *= f(learning_rate)
                data -= tmp

    # ----------------------------------------------------------------- EMA
    def _update_model_variables_moving_average(self, variables):
        for v in variables:
            i = self._get_variable_index(v)
            average = self._model_variables_moving_average[i].data
            data = v.data
            f = data.dtype.type
            if self._rules.ema_keras2:
                m, one_minus_m = f(self.ema_momentum), f(1 - self.ema_momentum)
            else:  # Keras 3: momentum 0 on the first step
                m = f(self.ema_momentum) if self._local_step() > 1 else f(0)
                one_minus_m = f(1) - m
            tmp = self._scratch_views[i][0]
            average *= m
            np.multiply(data, one_minus_m, out=tmp)
            average += tmp

    def _overwrite_model_variables_with_average_value(self, variables):
        averages = self._model_variables_moving_average
        for v in variables:
            v.data[...] = averages[self._get_variable_index(v)].data

    def finalize_variable_values(self, var_list):
        """Copies the moving averages into the variables (if `use_ema`)."""
        if self.use_ema and self.built:
            self._overwrite_model_variables_with_average_value(list(var_list))
