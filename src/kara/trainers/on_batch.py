"""`train_on_batch`, `test_on_batch`, `predict_on_batch`: one step on one
batch, outside `fit` (a mixin of `Trainer`).

Each call resets the metrics first (unless `reset_metrics=False`, a
tf.keras 2 argument), so it returns the loss and metrics of that batch
alone; the loss of `train_on_batch` is computed before its update.

Example:
>>> import numpy as np, kara
>>> model = kara.Sequential([kara.Input((2,)), kara.layers.Dense(1)])
>>> model.compile(optimizer="sgd", loss="mse")
>>> float(model.test_on_batch(np.zeros((4, 2)), np.zeros((4, 1))))
0.0
"""

from kara.trainers import data_adapter


class OnBatchMethods:
    """The `*_on_batch` methods of `Model`."""

    def train_on_batch(
        self,
        x,
        y=None,
        sample_weight=None,
        class_weight=None,
        return_dict=False,
        reset_metrics=True,
    ):
        """One training step on one batch.

        Returns the loss (computed before this update) and metrics of this
        batch: a scalar, a list, or a dict with `return_dict=True`.
        `reset_metrics=False` (tf.keras 2) accumulates them across calls.
        """
        self._assert_compiled("train_on_batch")
        batch = self._single_batch(x, y, sample_weight, class_weight)
        if reset_metrics:
            self.reset_metrics()
        logs = self._metrics_or_logs(self.train_step(batch))
        return logs if return_dict else self._flatten_logs(logs)

    def test_on_batch(
        self,
        x,
        y=None,
        sample_weight=None,
        return_dict=False,
        reset_metrics=True,
    ):
        """Loss and metrics on one batch (scalar, list or dict)."""
        self._assert_compiled("test_on_batch")
        batch = self._single_batch(x, y, sample_weight)
        if reset_metrics:
            self.reset_metrics()
        logs = self._metrics_or_logs(self.test_step(batch))
        return logs if return_dict else self._flatten_logs(logs)

    def predict_on_batch(self, x):
        """The model's outputs on one batch, as NumPy."""
        x = data_adapter.to_arrays(x, "x")
        return self.predict_step(data_adapter.pack_x_y_sample_weight(x))

    def _single_batch(self, x, y, sample_weight, class_weight=None):
        data = data_adapter.make_data(
            x,
            y,
            sample_weight,
            None,
            False,
            class_weight,
            what="train_on_batch",
        )
        if not isinstance(data, data_adapter.ArrayData):
            raise ValueError(
                "train_on_batch/test_on_batch take arrays (one batch), not a "
                "generator."
            )
        return data_adapter.pack_x_y_sample_weight(
            data.x, data.y, data.sample_weight
        )
