"""The stateful `Metric` API: state, results, names, configs, dtypes."""

import numpy as np
import pytest

import kara
from kara import config
from kara import metrics
from kara.autograd import Tensor
from kara.autograd import Variable
from kara.utils import naming

# one constructor call per class (some need arguments)
ARGS = {
    "SensitivityAtSpecificity": {"specificity": 0.5},
    "SpecificityAtSensitivity": {"sensitivity": 0.5},
    "PrecisionAtRecall": {"recall": 0.5},
    "RecallAtPrecision": {"precision": 0.5},
    "MeanMetricWrapper": {"fn": metrics.mean_squared_error},
}
CLASSES = [c for c in metrics.ALL_OBJECTS if c is not metrics.Metric]
Y_TRUE = np.array([[1, 0, 1], [0, 1, 0], [1, 1, 0], [0, 0, 1]], "float32")
Y_PRED = np.array(
    [[0.9, 0.2, 0.6], [0.3, 0.7, 0.1], [0.8, 0.4, 0.3], [0.2, 0.1, 0.7]],
    "float32",
)
SW = np.array([1.0, 0.5, 2.0, 0.0], "float32")


def _make(cls, **kwargs):
    return cls(**{**ARGS.get(cls.__name__, {}), **kwargs})


def _update(m, sample_weight=None):
    if isinstance(m, (metrics.Sum,)) or type(m) is metrics.Mean:
        m.update_state(Y_PRED, sample_weight=sample_weight)
    elif isinstance(m, metrics.SparseCategoricalCrossentropy):
        m.update_state([0, 1, 1, 2], Y_PRED, sample_weight=sample_weight)
    elif isinstance(
        m,
        (
            metrics.SparseCategoricalAccuracy,
            metrics.SparseTopKCategoricalAccuracy,
        ),
    ):
        m.update_state([0, 1, 1, 2], Y_PRED, sample_weight=sample_weight)
    else:
        m.update_state(Y_TRUE, Y_PRED, sample_weight=sample_weight)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_result_is_a_float32_tensor_and_reset_restarts(cls):
    m = _make(cls)
    _update(m, SW)
    first = m.result()
    assert isinstance(first, Tensor)
    assert first.dtype == np.float32
    first = first.numpy().copy()
    assert all(v.dtype == np.float32 for v in m.variables)
    assert all(not v.trainable for v in m.variables)
    m.reset_state()
    assert all(not np.any(v.numpy()) for v in m.variables)
    _update(m, SW)
    np.testing.assert_allclose(m.result().numpy(), first, rtol=1e-6)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_config_round_trip_gives_the_same_metric(cls):
    m = _make(cls)
    config_dict = m.get_config()
    clone = cls.from_config(config_dict)
    assert clone.get_config() == config_dict
    _update(m, SW)
    _update(clone, SW)
    np.testing.assert_array_equal(m.result().numpy(), clone.result().numpy())
    # and through serialize / deserialize
    again = metrics.deserialize(metrics.serialize(m))
    assert type(again) is cls
    assert again.get_config() == config_dict


def test_call_is_update_then_result_and_is_cumulative():
    m = metrics.Mean()
    assert float(m([1.0, 3.0])) == 2.0
    assert float(m([5.0, 7.0])) == 4.0  # averages both calls
    assert float(m.result()) == 4.0


def test_mean_state_is_total_and_count():
    m = metrics.Mean(name="loss")
    m.update_state(2.0, sample_weight=32)  # the fit() loss tracker
    m.update_state(4.0, sample_weight=16)
    total, count = m.variables
    assert (total.name, count.name) == ("total", "count")
    assert total.path == "loss/total"
    assert float(total.numpy()) == 2.0 * 32 + 4.0 * 16
    assert float(count.numpy()) == 48
    assert float(m.result()) == pytest.approx((64 + 64) / 48)


def test_empty_mean_is_zero_not_nan():
    assert float(metrics.Mean().result()) == 0.0
    assert float(metrics.Precision().result()) == 0.0


def test_float64_inputs_still_give_float32():
    m = metrics.MeanSquaredError()
    m.update_state(np.ones((3, 2)), np.zeros((3, 2)))  # float64 arrays
    assert m.result().dtype == np.float32
    assert m.total.dtype == np.float32


def test_float64_metric_keeps_float64():
    m = metrics.Mean(dtype="float64")
    m.update_state([1.0, 2.0])
    assert m.dtype == "float64"
    assert m.result().dtype == np.float64


def test_tensors_and_lists_are_accepted():
    m = metrics.BinaryAccuracy()
    m.update_state(Tensor([[1.0], [0.0]]), Tensor([[0.7], [0.6]]))
    m.update_state([[1], [1]], [[0.9], [0.2]])
    assert float(m.result()) == 0.5


def test_metrics_never_build_graphs():
    y_pred = Variable([[0.2, 0.8], [0.6, 0.4]])  # requires_grad
    for m in (
        metrics.CategoricalAccuracy(),
        metrics.MeanSquaredError(),
        metrics.AUC(),
        metrics.MeanMetricWrapper(fn=lambda t, p: (t - p) ** 2),
    ):
        m.update_state([[0.0, 1.0], [1.0, 0.0]], y_pred)
        result = m.result()
        assert result.creator is None
        assert not result.requires_grad
    assert y_pred.grad is None


def test_default_names_are_numbered_like_keras():
    naming.clear_session()
    assert metrics.Precision().name == "precision"
    assert metrics.Precision().name == "precision_1"
    assert metrics.AUC().name == "auc"
    assert metrics.Precision(name="p").name == "p"
    assert metrics.Precision().name == "precision_2"
    # classes with a fixed default name are not numbered
    assert metrics.Mean().name == metrics.Mean().name == "mean"


def test_keras2_profile_name_of_kl_divergence():
    assert metrics.KLDivergence().name == "kl_divergence"
    with config.using_profile("keras2"):
        assert metrics.KLDivergence().name == "kullback_leibler_divergence"


def test_direction_markers():
    assert metrics.BinaryAccuracy()._direction == "up"
    assert metrics.AUC()._direction == "up"
    assert metrics.MeanSquaredError()._direction == "down"
    assert metrics.Mean()._direction is None
    assert metrics.TruePositives()._direction is None

    def loss_like(y_true, y_pred):
        return y_pred

    loss_like.__module__ = "kara.losses.losses"
    assert metrics.MeanMetricWrapper(fn=loss_like)._direction == "down"
    assert metrics.MeanMetricWrapper(fn=lambda t, p: p)._direction is None


def test_custom_metric_subclass():
    class BinaryTruePositives(metrics.Metric):
        def __init__(self, name="binary_true_positives", **kwargs):
            super().__init__(name=name, **kwargs)
            self.true_positives = self.add_variable(
                shape=(), initializer="zeros", name="true_positives"
            )

        def update_state(self, y_true, y_pred, sample_weight=None):
            y_true = np.asarray(y_true).astype(bool)
            y_pred = np.asarray(y_pred).astype(bool)
            values = (y_true & y_pred).astype("float32")
            if sample_weight is not None:
                values = values * np.asarray(sample_weight, "float32")
            self.true_positives.assign_add(values.sum())

        def result(self):
            return self.true_positives

    m = BinaryTruePositives()
    m.update_state([1, 1, 0], [1, 0, 1])
    m.update_state([1, 1], [1, 1], sample_weight=[0.5, 2.0])
    assert float(m.result()) == 3.5
    assert [v.name for v in m.variables] == ["true_positives"]
    m.reset_state()
    assert float(m.result()) == 0.0
    assert m.get_config() == {
        "name": "binary_true_positives",
        "dtype": "float32",
    }


def test_forgetting_super_init_is_explained():
    class Broken(metrics.Metric):
        def __init__(self):
            self.total = self.add_variable(shape=(), name="total")

    with pytest.raises(RuntimeError, match="super\\(\\).__init__\\(\\)"):
        Broken()


def test_base_class_methods_must_be_implemented():
    m = metrics.Metric(name="m")
    with pytest.raises(NotImplementedError, match="update_state"):
        m.update_state(1)
    with pytest.raises(NotImplementedError, match="result"):
        m.result()


def test_wrapper_passes_tensors_to_user_functions():
    seen = {}

    def fn(y_true, y_pred, power=2):
        seen["types"] = (type(y_true), type(y_pred))
        return kara.ops.mean(kara.ops.abs(y_true - y_pred) ** power, axis=-1)

    m = metrics.MeanMetricWrapper(fn=fn, name="err", power=1)
    m.update_state([[0.0, 2.0]], [[1.0, 1.0]])
    assert seen["types"] == (Tensor, Tensor)
    assert float(m.result()) == 1.0
    assert m.get_config()["power"] == 1


def test_wrapper_config_of_a_custom_function_needs_custom_objects():
    def my_fn(y_true, y_pred):
        return y_pred

    m = metrics.MeanMetricWrapper(fn=my_fn, name="mine")
    cfg = metrics.serialize(m)
    assert cfg["config"]["fn"]["config"] == "my_fn"
    with pytest.raises(ValueError, match="my_fn"):
        metrics.deserialize(cfg)
    again = metrics.deserialize(cfg, custom_objects={"my_fn": my_fn})
    assert again._fn is my_fn
    # a built-in function is found by name
    m = metrics.MeanMetricWrapper(fn=metrics.hinge, name="h")
    assert metrics.deserialize(metrics.serialize(m))._fn is metrics.hinge


def test_keras_mask_on_predictions_drops_samples():
    y_pred = Tensor([[0.9], [0.2], [0.8]])
    y_pred._keras_mask = np.array([True, True, False])
    m = metrics.BinaryAccuracy()
    m.update_state([[1], [1], [0]], y_pred)
    assert float(m.result()) == 0.5  # the third sample is masked out


def test_multi_threshold_results_are_vectors():
    m = metrics.Precision(thresholds=[0.3, 0.5, 0.8])
    m.update_state(Y_TRUE, Y_PRED)
    assert m.result().shape == (3,)
    m = metrics.TruePositives(thresholds=[0.3, 0.5])
    m.update_state(Y_TRUE, Y_PRED)
    np.testing.assert_array_equal(m.result().numpy(), [6.0, 5.0])


def test_public_functions_return_per_sample_tensors():
    out = metrics.mean_squared_error(
        [[1.0, 2.0], [3.0, 4.0]], [[1.0, 1.0], [1.0, 1.0]]
    )
    assert isinstance(out, Tensor)
    np.testing.assert_allclose(out.numpy(), [0.5, 6.5])
    # the metric function is positive; the loss is its negative
    out = metrics.cosine_similarity([[1.0, 0.0]], [[2.0, 0.0]])
    np.testing.assert_allclose(out.numpy(), [1.0])
    acc = metrics.sparse_categorical_accuracy([1, 0], [[0.2, 0.8], [0.3, 0.7]])
    np.testing.assert_array_equal(acc.numpy(), [1.0, 0.0])


def test_top_k_ties_count_as_in_the_top_k():
    # classes 0 and 2 tie for second place: both are in the top 2
    m = metrics.SparseTopKCategoricalAccuracy(k=2)
    m.update_state([0, 2], [[0.3, 0.4, 0.3], [0.3, 0.4, 0.3]])
    assert float(m.result()) == 1.0
    m = metrics.TopKCategoricalAccuracy(k=1)
    m.update_state([[0, 0, 1]], [[0.5, 0.1, 0.5]])
    assert float(m.result()) == 1.0


def test_sparse_top_k_from_sorted_ids():
    m = metrics.SparseTopKCategoricalAccuracy(k=2, from_sorted_ids=True)
    m.update_state([3, 1, 0], [[3, 0, 1], [2, 0, 1], [1, 2, 0]])
    assert float(m.result()) == pytest.approx(1 / 3)
    assert m.get_config()["from_sorted_ids"] is True


def test_binary_accuracy_threshold_is_strict():
    m = metrics.BinaryAccuracy(threshold=0.5)
    m.update_state([[0], [1]], [[0.5], [0.5000001]])
    assert float(m.result()) == 1.0


def test_auc_multi_label_builds_lazily_and_resets():
    m = metrics.AUC(multi_label=True)
    assert m.variables == []
    m.reset_state()  # nothing to reset yet
    m.update_state(Y_TRUE, Y_PRED)
    assert m.true_positives.shape == (200, 3)
    m = metrics.AUC(multi_label=True, num_labels=3)
    assert m.true_positives.shape == (200, 3)
    assert metrics.AUC().thresholds[0] == pytest.approx(-1e-7)


def test_r2_score_state_and_adjusted_warning():
    m = metrics.R2Score(num_regressors=5)
    m.update_state([[1.0], [2.0], [4.0]], [[1.5], [2.0], [3.0]])
    assert [v.name for v in m.variables] == [
        "num_samples",
        "squared_sum",
        "sum",
        "residual",
        "count",
    ]
    with pytest.warns(UserWarning, match="More independent predictors"):
        m.result()


def test_nested_metrics_share_state_and_reset():
    class MeanAndSum(metrics.Metric):
        def __init__(self):
            super().__init__(name="mean_and_sum")
            self.mean = metrics.Mean()
            self.sum = metrics.Sum()

        def update_state(self, values):
            self.mean.update_state(values)
            self.sum.update_state(values)

        def result(self):
            return self.mean.result()

    m = MeanAndSum()
    assert [v.name for v in m.variables] == ["total", "count", "total"]
    m.update_state([1.0, 2.0])
    m.reset_state()
    assert float(m.sum.result()) == 0.0
