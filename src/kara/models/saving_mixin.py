"""Saving methods of `Model`: `save`, `save_weights`, `load_weights`,
`to_json`, and the compile and build configs that saving records.

The work is done in `kara.saving`; these methods are Keras's names for it.
`get_compile_config` gives the `compile()` arguments in Keras 3's
serialized form, so a saved model is recompiled when it is loaded.

Example:
>>> import kara
>>> model = kara.Sequential([kara.Input((2,)), kara.layers.Dense(1)])
>>> model.compile(optimizer="sgd", loss="mse")
>>> model.get_compile_config()["loss"]
'mse'
"""

import json


class SavingMixin:
    """`save`, `save_weights`, `load_weights`, `to_json` for `Model`."""

    def save(self, filepath, overwrite=True, zipped=None, **kwargs):
        """Saves the whole model as a Keras 3 `.keras` file.

        Architecture, weights, compile arguments and optimizer state go
        into one zip file, written atomically. `kara.models.load_model`
        (or Keras 3's) reads it back.

        Args:
            filepath: a path ending in `.keras`.
            overwrite: replace an existing file (default).
            zipped: accepted for Keras compatibility.
            **kwargs: `include_optimizer=False` leaves the optimizer
                state out.

        Example: `model.save("model.keras")`.
        """
        from kara.saving import saving_api

        saving_api.save_model(self, filepath, overwrite, zipped, **kwargs)

    def save_weights(self, filepath, overwrite=True, **kwargs):
        """Saves the weights (and optimizer state) as `.weights.h5`.

        Example: `model.save_weights("model.weights.h5")`.
        """
        from kara.saving import saving_api

        saving_api.save_weights(self, filepath, overwrite, **kwargs)

    def load_weights(self, filepath, skip_mismatch=False, **kwargs):
        """Loads weights from a `.weights.h5` (or `.keras`) file.

        The model must have the saved architecture; it is left unchanged
        if any weight does not fit.

        Example: `model.load_weights("model.weights.h5")`.
        """
        from kara.saving import saving_api

        saving_api.load_weights(self, filepath, skip_mismatch, **kwargs)

    def to_json(self, **kwargs):
        """The model's config as a JSON string (Keras 3's format).

        Args:
            **kwargs: passed to `json.dumps` (e.g. `indent=2`).

        Example: `kara.models.model_from_json(model.to_json())`.
        """
        from kara.saving import model_config
        from kara.saving import saving_api

        return json.dumps(
            model_config.model_to_config(self),
            default=saving_api._json_default,
            **kwargs,
        )

    def get_compile_config(self):
        """The serialized `compile()` arguments, or `None` if uncompiled."""
        from kara.saving import model_config

        return model_config.get_compile_config(self)

    def compile_from_config(self, config):
        """Compiles the model from `get_compile_config()`'s dict."""
        from kara.saving import model_config

        model_config.compile_from_config(self, config)

    def build_from_config(self, config):
        """Builds the model for the input shape recorded in `config`.

        Unlike a plain layer, a subclassed model creates its weights by
        running `call` (see `Model.build`).
        """
        from kara.layers import layer_utils

        shape = config.get("input_shape") if config else None
        if shape is not None and not self.built:
            self.build(layer_utils.to_shape(shape))
