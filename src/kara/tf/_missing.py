"""The error for a TensorFlow name `kara.tf` does not provide.

`kara.tf` covers the TensorFlow names that tutorials use. Any other name
raises an AttributeError that says so and points at the closest thing
kara has: the same name in another `kara.tf` namespace (`tf.log` is
`tf.math.log`), the `kara.ops` function of that name (`tf.einsum` ->
`kara.ops.einsum`), a near spelling, or, for TensorFlow machinery kara
does not need (`tf.data`, `tf.Session`), what to do instead.
"""

import difflib

# TensorFlow machinery with no kara counterpart, and what to do instead.
_INSTEAD = {
    "data": (
        "kara has no tf.data pipelines: pass NumPy arrays to "
        "model.fit(x, y, batch_size=32, shuffle=True), which batches and "
        "shuffles them"
    ),
    "Session": (
        "kara runs eagerly, like TensorFlow 2: compute values directly "
        "and read them with .numpy(); there is no Session"
    ),
    "placeholder": (
        "kara runs eagerly, like TensorFlow 2: pass NumPy arrays instead "
        "of placeholders (or use kara.Input for a functional model)"
    ),
    "compat": (
        "kara has no TensorFlow 1 API (tf.compat.v1): write TensorFlow 2 "
        "style code, which runs eagerly"
    ),
    "print": "print a tensor with Python's print(t) or print(t.numpy())",
    "device": "kara runs on the CPU with NumPy; drop the `with tf.device`",
    "distribute": "kara runs in one process on the CPU; drop the strategy",
    "config": (
        "kara has no tf.config (devices, threads); numeric settings are in "
        "kara.config (floatx, epsilon)"
    ),
}

# NumPy/keras.ops spellings whose TensorFlow name differs.
_TF_SPELLING = {
    "sum": "reduce_sum",
    "mean": "reduce_mean",
    "max": "reduce_max",
    "min": "reduce_min",
    "prod": "reduce_prod",
    "clip": "clip_by_value",
    "concatenate": "concat",
}

# Where a name may live instead, in the order they are searched.
_ELSEWHERE = (
    ("tf", "kara.tf"),
    ("tf.math", "kara.tf.math"),
    ("tf.nn", "kara.tf.nn"),
    ("tf.random", "kara.tf.random"),
    ("kara.ops", "kara.ops"),
)


def _public(module_name):
    import importlib

    module = importlib.import_module(module_name)
    names = getattr(module, "__all__", None) or dir(module)
    return {n for n in names if not n.startswith("_")}


def missing(namespace, name):
    """An AttributeError for `<namespace>.<name>`, with the closest name.

    Args:
        namespace: the TensorFlow spelling of the module (`"tf"`,
            `"tf.math"`, `"tf.nn"`, `"tf.random"`).
        name: the attribute that was asked for.

    Returns:
        The AttributeError to raise.
    """
    asked = f"{namespace}.{name}"
    head = f"kara.tf does not provide `{asked}`"
    if name.startswith("__"):  # dunder probes (copy, pickle): no advice
        return AttributeError(f"{head}.")
    if namespace == "tf" and name in _INSTEAD:
        return AttributeError(f"{head}: {_INSTEAD[name]}.")
    if namespace in ("tf", "tf.math") and name in _TF_SPELLING:
        return AttributeError(
            f"{head}: TensorFlow calls it `tf.{_TF_SPELLING[name]}`."
        )
    tables = [(label, _public(module)) for label, module in _ELSEWHERE]
    # 1. the same name elsewhere (tf.log -> tf.math.log)
    for label, names in tables:
        if label != namespace and name in names:
            return AttributeError(f"{head}. Use `{label}.{name}`.")
    # 2. TensorFlow's reduce_* are kara.ops' plain names (reduce_std: std)
    plain = {"variance": "var"}.get(name[7:], name[7:])
    if name.startswith("reduce_") and plain in tables[-1][1]:
        return AttributeError(f"{head}. Use `kara.ops.{plain}`.")
    # 3. near spellings, in this namespace first
    close = []
    ordered = sorted(tables, key=lambda item: item[0] != namespace)
    for label, names in ordered:
        for match in difflib.get_close_matches(
            name, sorted(names), n=2, cutoff=0.7
        ):
            close.append(f"`{label}.{match}`")
    hint = f" Did you mean {', '.join(close[:3])}?" if close else ""
    return AttributeError(
        f"{head}: it covers the TensorFlow names tutorials use.{hint} "
        "Other operations are in kara.ops (the keras.ops names)."
    )
