"""Writes golden values for the `kara.tf` facade from real TensorFlow.

Run from the repository root, once per TensorFlow generation:

    /root/venvs/tf221/bin/python tools/golden_tf.py keras3  # TF 2.21
    /root/venvs/tf215/bin/python tools/golden_tf.py keras2  # TF 2.15

The first writes `tests/golden/tf_keras3.json`, the second
`tests/golden/tf_keras2.json`. Each file holds `cases`: one entry per
TensorFlow expression in `CASES` below, with its source text (`code`) and
what TensorFlow returned: `value` (nested lists; floats rounded to 9
significant digits, infinities as `Infinity`), `dtype` and `shape`, or a
list of such entries for a tuple/list result, or `error` (the exception
type) where TensorFlow raises. `tests/tf/test_golden.py` evaluates the
same `code` with `tf = kara.tf` and compares; it never imports
TensorFlow.

The names a case may use besides `tf` and `np`: `X` (a 2x3 float32
matrix), `X3` (2x3x4 float32), `LOGITS` (the 3x10 logits of seed 003),
`grad(f, value)` (the gradient of `f` at a `tf.Variable(value)`, taken
with `tf.GradientTape`), `grad_watch(f, value)` (the same for a watched
`tf.constant`), `two_var_grad(w, b)` (a persistent tape, two variables)
and `renormalize(preds)` (seed 003's in-place `preds /= ...`).
"""

import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

PROFILE = "keras2" if tf.__version__.startswith("2.15") else "keras3"
if len(sys.argv) > 1 and sys.argv[1] != PROFILE:
    sys.exit(f"asked for {sys.argv[1]} but this Python has {PROFILE}")
OUT = os.path.join("tests", "golden", f"tf_{PROFILE}.json")

# (id, code): every name of the issue and every TF name the seeds use.
CASES = [
    # tf.constant / tf.convert_to_tensor / tf.Variable: dtypes inferred
    ("constant_int_list", "tf.constant([1, 2, 3])"),
    ("constant_float", "tf.constant(1.5)"),
    ("constant_mixed_list", "tf.constant([1.0, 2])"),
    ("constant_numpy_float64", "tf.constant(np.array([1.0, 2.0]))"),
    ("constant_numpy_int64", "tf.constant(np.array([1, 2]))"),
    ("constant_dtype", "tf.constant([1, 2], dtype=tf.float32)"),
    ("constant_shape", "tf.constant(3.0, shape=(2, 3))"),
    ("constant_shape_reshape", "tf.constant([1, 2, 3, 4], shape=(2, 2))"),
    ("constant_bool", "tf.constant([True, False])"),
    ("constant_nested", "tf.constant([[1.5, 2.0], [3.0, 4.0]])"),
    ("convert_to_tensor_list", "tf.convert_to_tensor([[1.0, 2.0]])"),
    ("convert_to_tensor_dtype", "tf.convert_to_tensor([1, 2], tf.float32)"),
    (
        "convert_to_tensor_dtype_hint",
        "tf.convert_to_tensor([1, 2], dtype_hint=tf.float32)",
    ),
    ("variable", "tf.Variable([1.0, 2.0])"),
    ("variable_initial_value", "tf.Variable(initial_value=3.0, name='v')"),
    ("variable_dtype", "tf.Variable([1, 2], dtype=tf.float32)"),
    ("variable_assign", "tf.Variable([1.0, 2.0]).assign([3.0, 4.0])"),
    ("variable_assign_add", "tf.Variable([1.0, 2.0]).assign_add([1.0, 1.0])"),
    ("variable_assign_sub", "tf.Variable([1.0, 2.0]).assign_sub([1.0, 1.0])"),
    # dtypes
    (
        "dtype_names",
        "[d.name for d in (tf.float16, tf.float32, tf.float64, tf.int8, "
        "tf.int16, tf.int32, tf.int64, tf.uint8, tf.bool)]",
    ),
    ("dtype_compare", "tf.constant(1.0).dtype == tf.float32"),
    # tf.cast: float to int truncates toward zero
    (
        "cast_float_to_int",
        "tf.cast(tf.constant([-1.7, -0.5, 0.5, 1.7, 2.5]), tf.int32)",
    ),
    ("cast_int_to_float", "tf.cast([1, 2, 3], tf.float32)"),
    ("cast_to_bool", "tf.cast(tf.constant([0.0, 0.5, -2.0]), tf.bool)"),
    ("cast_bool_to_float", "tf.cast(tf.constant([True, False]), tf.float32)"),
    ("cast_float64_to_float32", "tf.cast(np.array([0.1, 1e-8]), tf.float32)"),
    ("cast_dtype_of_tensor", "tf.cast([1, 2], tf.constant(1.0).dtype)"),
    # tf.clip_by_value: min(t, max) first, then max(., min)
    (
        "clip_by_value",
        "tf.clip_by_value(tf.constant([-2.0, 0.5, 3.0]), 0.0, 1.0)",
    ),
    (
        "clip_by_value_seed000",  # seed 000: the tensor is its own maximum
        "tf.clip_by_value(tf.constant([[0.0, 1.0], [0.3, 0.7]]), 1e-6, "
        "tf.constant([[0.0, 1.0], [0.3, 0.7]]))",
    ),
    (
        "clip_by_value_min_above_max",
        "tf.clip_by_value(tf.constant([0.5, 2.0, -1.0]), 1.0, 0.0)",
    ),
    ("clip_by_value_int", "tf.clip_by_value(tf.constant([1, 5, 9]), 2, 6)"),
    (
        "clip_by_value_tensor_bounds",
        "tf.clip_by_value(X, tf.constant([0.0, -0.5, 0.2]), 0.5)",
    ),
    # tf.one_hot
    ("one_hot", "tf.one_hot([0, 1, 1, 0], 2)"),
    ("one_hot_numpy_int64", "tf.one_hot(np.array([0, 2, 1]), 3)"),
    ("one_hot_out_of_range", "tf.one_hot([0, -1, 3], 3)"),
    (
        "one_hot_on_off",
        "tf.one_hot([0, 2], 3, on_value=5.0, off_value=-1.0)",
    ),
    ("one_hot_on_only", "tf.one_hot([1], 2, on_value=3.0)"),
    ("one_hot_axis0", "tf.one_hot([0, 2], 3, axis=0)"),
    ("one_hot_dtype", "tf.one_hot([1], 2, dtype=tf.int32)"),
    ("one_hot_2d", "tf.one_hot([[0, 1], [2, 0]], 3)"),
    ("one_hot_tensor", "tf.one_hot(tf.constant([2, 3, 4]), 10)"),
    # element-wise
    ("square", "tf.square([1.5, -2.0])"),
    ("square_int", "tf.square(tf.constant([3, -2]))"),
    ("square_numpy_float64", "tf.square(np.array([0.5]) - np.array([0.25]))"),
    ("sqrt", "tf.sqrt([4.0, 2.0])"),
    ("exp", "tf.exp([0.0, 1.0])"),
    ("abs", "tf.abs([-1.5, 2.0])"),
    ("add", "tf.add([1.0, 2.0], 1.0)"),
    ("multiply", "tf.multiply(X, 2.0)"),
    ("maximum", "tf.maximum([1.0, 5.0], [3.0, 2.0])"),
    # reductions
    ("reduce_sum_all", "tf.reduce_sum(X)"),
    ("reduce_sum_axis1", "tf.reduce_sum(X, axis=1)"),
    ("reduce_sum_axis_neg", "tf.reduce_sum(X3, axis=-1)"),
    ("reduce_sum_keepdims", "tf.reduce_sum(X, axis=1, keepdims=True)"),
    ("reduce_sum_axis_list", "tf.reduce_sum(X3, axis=[0, 2])"),
    ("reduce_sum_int", "tf.reduce_sum(tf.constant([1, 2, 3]))"),
    ("reduce_mean", "tf.reduce_mean(X)"),
    ("reduce_mean_axis0", "tf.reduce_mean(X, axis=0)"),
    ("reduce_mean_int", "tf.reduce_mean(tf.constant([1, 2]))"),
    ("reduce_mean_int_negative", "tf.reduce_mean(tf.constant([-1, -2, -4]))"),
    ("reduce_max", "tf.reduce_max(X)"),
    ("reduce_max_axis", "tf.reduce_max(X3, axis=1)"),
    ("reduce_min", "tf.reduce_min(X, axis=0)"),
    ("reduce_min_keepdims", "tf.reduce_min(X, axis=1, keepdims=True)"),
    ("reduce_prod", "tf.reduce_prod(X, axis=1)"),
    # tf.math
    ("math_log", "tf.math.log([1.0, 0.5, 0.0])"),
    (
        "math_log_seed000",
        "tf.math.log(tf.clip_by_value([0.0, 1.0], 1e-6, 1 - 1e-6))",
    ),
    ("math_exp", "tf.math.exp(X)"),
    ("math_log1p", "tf.math.log1p([0.0, 1e-8, 1.0])"),
    ("math_sqrt", "tf.math.sqrt(tf.abs(X))"),
    ("math_square", "tf.math.square(X)"),
    ("math_abs", "tf.math.abs(X)"),
    ("math_negative", "tf.math.negative(X)"),
    ("math_sign", "tf.math.sign(X)"),
    ("math_add", "tf.math.add(X, [1.0, 2.0, 3.0])"),
    ("math_subtract", "tf.math.subtract(X, 1.0)"),
    ("math_multiply", "tf.math.multiply(tf.one_hot([2, 0], 3), X)"),
    ("math_divide", "tf.math.divide(X, 2.0)"),
    ("math_divide_no_nan", "tf.math.divide_no_nan([1.0, 2.0], [0.0, 4.0])"),
    ("math_pow", "tf.math.pow([2.0, 3.0], 2.0)"),
    ("math_maximum", "tf.math.maximum(X, 0.0)"),
    ("math_minimum", "tf.math.minimum(X, 0.0)"),
    ("math_equal", "tf.math.equal([1, 2, 3], [1, 0, 3])"),
    ("math_not_equal", "tf.math.not_equal([1, 2, 3], [1, 0, 3])"),
    ("math_greater", "tf.math.greater(X, 0.0)"),
    ("math_less", "tf.math.less(X, 0.0)"),
    ("math_sigmoid", "tf.math.sigmoid([-2.0, 0.0, 2.0])"),
    ("math_tanh", "tf.math.tanh([-2.0, 0.0, 2.0])"),
    ("math_softplus", "tf.math.softplus([-2.0, 0.0, 2.0])"),
    ("math_reduce_sum", "tf.math.reduce_sum(X3, axis=-1, keepdims=True)"),
    ("math_reduce_mean", "tf.math.reduce_mean(X, axis=1)"),
    ("math_reduce_max", "tf.math.reduce_max(X, axis=1)"),
    ("math_reduce_min", "tf.math.reduce_min(X)"),
    ("math_reduce_prod", "tf.math.reduce_prod(X)"),
    ("math_reduce_logsumexp", "tf.math.reduce_logsumexp(LOGITS, axis=1)"),
    ("math_argmax", "tf.math.argmax([[1.0, 5.0, 2.0], [3.0, 2.0, 9.0]])"),
    ("math_argmax_axis1", "tf.math.argmax(LOGITS, axis=1)"),
    ("math_argmin", "tf.math.argmin([[1.0, 5.0, 2.0], [3.0, 2.0, 9.0]])"),
    ("argmax", "tf.argmax(X, axis=1)"),
    ("argmax_int32", "tf.argmax(X, axis=1, output_type=tf.int32)"),
    ("argmin", "tf.argmin(X, axis=0)"),
    ("math_softmax", "tf.math.softmax(X)"),
    ("math_log_softmax", "tf.math.log_softmax(X)"),
    # tf.nn
    ("nn_softmax", "tf.nn.softmax(LOGITS)"),
    ("nn_softmax_axis0", "tf.nn.softmax(X, axis=0)"),
    ("nn_log_softmax", "tf.nn.log_softmax(LOGITS)"),
    ("nn_relu", "tf.nn.relu(X)"),
    ("nn_relu6", "tf.nn.relu6([-1.0, 3.0, 8.0])"),
    ("nn_sigmoid", "tf.nn.sigmoid(X)"),
    ("nn_tanh", "tf.nn.tanh(X)"),
    ("nn_softplus", "tf.nn.softplus(X)"),
    (
        "nn_sparse_softmax_cross_entropy_with_logits",
        "tf.nn.sparse_softmax_cross_entropy_with_logits("
        "labels=tf.constant([2, 3, 4]), logits=LOGITS)",
    ),
    (
        "nn_sparse_softmax_cross_entropy_positional",
        "tf.nn.sparse_softmax_cross_entropy_with_logits([2, 0], X)",
    ),
    (
        "nn_softmax_cross_entropy_with_logits",
        "tf.nn.softmax_cross_entropy_with_logits("
        "labels=tf.one_hot([2, 3, 4], 10), logits=LOGITS)",
    ),
    (
        "nn_sigmoid_cross_entropy_with_logits",
        "tf.nn.sigmoid_cross_entropy_with_logits("
        "labels=[0.0, 1.0, 1.0, 0.0], logits=[-2.0, 0.5, 30.0, 100.0])",
    ),
    # shapes
    ("reshape", "tf.reshape(X3, (4, -1))"),
    ("transpose", "tf.transpose(X)"),
    ("transpose_perm", "tf.transpose(X3, perm=[2, 0, 1])"),
    ("matmul", "tf.matmul(X, tf.transpose(X))"),
    ("matmul_transpose_b", "tf.matmul(X, X, transpose_b=True)"),
    ("expand_dims", "tf.expand_dims(X, 1)"),
    ("squeeze", "tf.squeeze(tf.constant([[1.0], [2.0]]))"),
    ("concat", "tf.concat([X, X], axis=0)"),
    ("stack", "tf.stack([X, X], axis=1)"),
    ("zeros", "tf.zeros((2, 3))"),
    ("ones_int", "tf.ones((2,), dtype=tf.int32)"),
    ("range", "tf.range(5)"),
    ("range_float", "tf.range(0.0, 1.0, 0.25)"),
    ("shape", "tf.shape(X3)"),
    ("where", "tf.where(X > 0, X, 0.0)"),
    ("gather", "tf.gather(X, [1, 0, 1])"),
    # Tensor operators and in-place operators (seed 003: preds /= ...)
    ("operators", "-tf.constant([1.0, 2.0]) * 2 / tf.constant([4.0, 1.0])"),
    ("operator_with_numpy", "np.array([1.0, 2.0]) - tf.constant([0.5, 0.5])"),
    ("operator_rsub", "1 - tf.constant([0.25, 0.75])"),
    (
        "inplace_divide",
        "renormalize(tf.nn.softmax(LOGITS))",
    ),
    ("numpy_of_scalar", "float(tf.reduce_sum([1.0, 2.0]).numpy())"),
    # tf.GradientTape
    ("grad_square", "grad(lambda x: tf.reduce_sum(tf.square(x)), [1.0, -2.0])"),
    (
        "grad_watch",
        "grad_watch(lambda x: tf.reduce_sum(x * x * x), [1.0, 2.0])",
    ),
    (
        "grad_log_clip",
        "grad(lambda x: tf.reduce_sum(tf.math.log("
        "tf.clip_by_value(x, 1e-6, 1.0))), [0.5, 2.0, 0.25])",
    ),
    (
        "grad_softmax_ce",
        "grad(lambda x: tf.reduce_mean("
        "tf.nn.sparse_softmax_cross_entropy_with_logits([1, 2], x)), X)",
    ),
    (
        "grad_sigmoid_ce",
        "grad(lambda x: tf.reduce_sum(tf.nn.sigmoid_cross_entropy_with_logits("
        "labels=[0.0, 1.0], logits=x)), [0.5, -1.0])",
    ),
    (
        "grad_two_variables",
        "two_var_grad(tf.Variable([[1.0], [2.0]]), tf.Variable([0.5]))",
    ),
]
# tf.keras.losses.Reduction exists in tf.keras 2 only (kara has it in
# both profiles, for seed 001 and seed 003).
KERAS2_CASES = [
    (
        "keras_losses_reduction",
        "[tf.keras.losses.Reduction.AUTO, tf.keras.losses.Reduction.NONE, "
        "tf.keras.losses.Reduction.SUM, "
        "tf.keras.losses.Reduction.SUM_OVER_BATCH_SIZE]",
    ),
]


def renormalize(preds):
    preds /= tf.math.reduce_sum(preds, axis=-1, keepdims=True)  # seed 003
    return preds


def grad(f, value):
    x = tf.Variable(value)
    with tf.GradientTape() as tape:
        y = f(x)
    return tape.gradient(y, x)


def grad_watch(f, value):
    x = tf.constant(value)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    return tape.gradient(y, x)


def two_var_grad(w, b):
    x = tf.constant([[1.0, 2.0], [3.0, -1.0]])
    with tf.GradientTape(persistent=True) as tape:
        y = tf.reduce_mean(tf.square(tf.matmul(x, w) + b))
    return tape.gradient(y, [w, b])


def namespace():
    rng = np.random.default_rng(3)
    logits = [
        [-3.27133679, -22.6687183, -4.15501118, -5.14916372, -5.94609261,
         -6.93373299, -5.72364092, -9.75725174, -3.15748906, -4.84012318],
        [-11.7642536, -45.3370094, -3.17252636, 4.34527206, -17.7164974,
         -0.595088899, -17.6322937, -2.36941719, -6.82157373, -3.47369862],
        [-4.55468369, -1.07379043, -3.73261762, -7.08982277, -0.0288562477,
         -5.46847963, -0.979336262, -3.03667569, -3.29502845, -2.25880361],
    ]  # fmt: skip
    return {
        "tf": tf,
        "np": np,
        "X": tf.constant(rng.normal(size=(2, 3)).round(4), tf.float32),
        "X3": tf.constant(rng.normal(size=(2, 3, 4)).round(4), tf.float32),
        "LOGITS": tf.constant(logits),
        "grad": grad,
        "grad_watch": grad_watch,
        "two_var_grad": two_var_grad,
        "renormalize": renormalize,
    }


def rounded(arr):
    if arr.dtype.kind in "fc":
        flat = [float(f"{v:.9g}") for v in arr.astype(np.float64).ravel()]
        return np.array(flat).reshape(arr.shape).tolist()
    return arr.tolist()


def describe(value):
    if isinstance(value, (list, tuple)):
        return {"items": [describe(v) for v in value]}
    if isinstance(value, (tf.Tensor, tf.Variable)):
        arr = value.numpy()
        return {
            "value": rounded(np.asarray(arr)),
            "dtype": value.dtype.name,
            "shape": list(value.shape),
        }
    if isinstance(value, np.ndarray):
        return {
            "value": rounded(value),
            "dtype": str(value.dtype),
            "shape": list(value.shape),
        }
    if hasattr(value, "numpy"):  # e.g. a variable's assign result
        return describe(tf.convert_to_tensor(value))
    return {
        "python": value
        if not isinstance(value, float)
        else rounded(np.asarray(value))
    }


def main():
    ns = namespace()
    cases = CASES + (KERAS2_CASES if PROFILE == "keras2" else [])
    out = []
    for case_id, code in cases:
        entry = {"id": case_id, "code": code}
        try:
            entry.update(describe(eval(code, dict(ns))))
        except Exception as error:  # recorded: kara must raise too
            entry["error"] = type(error).__name__
        out.append(entry)
    data = {"profile": PROFILE, "tf_version": tf.__version__, "cases": out}
    with open(OUT, "w") as f:
        json.dump(data, f, indent=1)
        f.write("\n")
    print(f"wrote {OUT} ({len(out)} cases)")


if __name__ == "__main__":
    main()
