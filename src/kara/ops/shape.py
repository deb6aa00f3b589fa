"""Shape operations: reshape, transpose, expand/squeeze, broadcast, join, index.

None of these change values, so each backward just moves the gradient back
to where the input's elements were.
"""

import math

import numpy as np

from kara.autograd.function import Function
from kara.autograd.tensor import Tensor
from kara.ops.core import cast
from kara.ops.core import normalize_axis
from kara.ops.core import result_dtype
from kara.ops.core import tensor_arg

__all__ = [
    "broadcast_to",
    "concatenate",
    "expand_dims",
    "flatten",
    "get_item",
    "repeat",
    "reshape",
    "split",
    "squeeze",
    "stack",
    "swapaxes",
    "take",
    "take_along_axis",
    "tile",
    "transpose",
]


class Reshape(Function):
    def __init__(self, shape):
        self.shape = shape

    def forward(self, x):
        self.x_shape = x.shape
        return x.reshape(self.shape)

    def backward(self, gy):
        return gy.reshape(self.x_shape)


def reshape(x, newshape):
    """Gives `x` a new shape with the same number of elements.

    One dimension may be -1 (inferred).

    Example:
    >>> from kara import ops
    >>> ops.reshape([1.0, 2.0, 3.0, 4.0], (2, -1)).shape
    (2, 2)
    """
    x = tensor_arg(x, "reshape")
    shape = (newshape,) if isinstance(newshape, int) else tuple(newshape)
    shape = tuple(-1 if d is None else int(d) for d in shape)
    known = math.prod(d for d in shape if d != -1)
    size = x.data.size
    ok = shape.count(-1) <= 1 and (
        known == size if -1 not in shape else known and size % known == 0
    )
    if not ok:
        raise ValueError(
            f"reshape: cannot reshape a tensor of shape {x.shape} "
            f"({size} elements) into shape {shape}. The number of elements "
            "must stay the same (use at most one -1 to infer a dimension)."
        )
    if x.data.shape == shape:
        return x
    return Reshape(shape)(x)


def flatten(x):
    """Flattens to 1-D."""
    return reshape(x, (-1,))


class Transpose(Function):
    def __init__(self, axes):
        self.axes = axes

    def forward(self, x):
        return np.transpose(x, self.axes)

    def backward(self, gy):
        if self.axes is None:
            return np.transpose(gy)
        return np.transpose(gy, np.argsort(self.axes))


def transpose(x, axes=None):
    """Permutes the axes (reverses them by default)."""
    x = tensor_arg(x, "transpose")
    if axes is not None:
        axes = tuple(normalize_axis(a, x.ndim, "transpose") for a in axes)
        if sorted(axes) != list(range(x.ndim)):
            raise ValueError(
                f"transpose: `axes` must be a permutation of 0..{x.ndim - 1} "
                f"for an input of shape {x.shape}. Received: axes={axes}"
            )
    return Transpose(axes)(x)


def swapaxes(x, axis1, axis2):
    """Swaps two axes."""
    x = tensor_arg(x, "swapaxes")
    perm = list(range(x.ndim))
    a = normalize_axis(axis1, x.ndim, "swapaxes")
    b = normalize_axis(axis2, x.ndim, "swapaxes")
    perm[a], perm[b] = perm[b], perm[a]
    return transpose(x, perm)


def expand_dims(x, axis):
    """Inserts a size-1 axis at `axis`."""
    x = tensor_arg(x, "expand_dims")
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    out_ndim = x.ndim + len(axes)
    axes = [normalize_axis(a, out_ndim, "expand_dims") for a in axes]
    shape = list(x.shape)
    for a in sorted(axes):
        shape.insert(a, 1)
    return reshape(x, shape)


def squeeze(x, axis=None):
    """Removes size-1 axes (all of them, or the one(s) at `axis`)."""
    x = tensor_arg(x, "squeeze")
    if axis is None:
        return reshape(x, [n for n in x.shape if n != 1])
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    axes = [normalize_axis(a, x.ndim, "squeeze") for a in axes]
    for a in axes:
        if x.shape[a] != 1:
            raise ValueError(
                f"squeeze: cannot squeeze axis {a} of shape {x.shape}: its "
                f"size is {x.shape[a]}, not 1."
            )
    return reshape(x, [n for i, n in enumerate(x.shape) if i not in axes])


class BroadcastTo(Function):
    def __init__(self, shape):
        self.shape = shape

    def forward(self, x):
        return np.broadcast_to(x, self.shape)

    def backward(self, gy):
        return gy  # the engine sums it back to the input shape


def broadcast_to(x, shape):
    """Broadcasts `x` to `shape`."""
    x = tensor_arg(x, "broadcast_to")
    shape = tuple(shape)
    try:
        return BroadcastTo(shape)(x)
    except ValueError:
        raise ValueError(
            f"broadcast_to: cannot broadcast x of shape {x.shape} to shape "
            f"{shape}. Each axis of x, aligned from the right, must be 1 or "
            "equal the target size."
        ) from None


class Concatenate(Function):
    def __init__(self, axis):
        self.axis = axis

    def forward(self, *xs):
        self.sizes = [x.shape[self.axis] for x in xs]
        return np.concatenate(xs, axis=self.axis)

    def backward(self, gy):
        cuts = np.cumsum(self.sizes)[:-1]
        return tuple(np.split(gy, cuts, axis=self.axis))


def concatenate(xs, axis=0):
    """Joins tensors along an existing axis."""
    ts = [tensor_arg(x, "concatenate", "xs") for x in xs]
    if not ts:
        raise ValueError("concatenate: `xs` is empty; pass a list of tensors.")
    ax = normalize_axis(axis, ts[0].ndim, "concatenate")
    _same_dtype(ts)
    for t in ts[1:]:
        if t.ndim != ts[0].ndim or any(
            a != b
            for i, (a, b) in enumerate(zip(t.shape, ts[0].shape))
            if i != ax
        ):
            raise ValueError(
                "concatenate: all inputs must have the same shape except "
                f"along axis {axis}. Received shapes "
                f"{[u.shape for u in ts]}."
            )
    return Concatenate(ax)(*ts)


def _same_dtype(ts):
    """Casts the tensors of `ts` (in place in the list) to one dtype."""
    dt = ts[0].data.dtype
    for t in ts[1:]:
        dt = result_dtype(dt, t.data.dtype)
    for i, t in enumerate(ts):
        if t.data.dtype != dt:
            ts[i] = cast(t, dt)


class Stack(Function):
    def __init__(self, axis):
        self.axis = axis

    def forward(self, *xs):
        return np.stack(xs, axis=self.axis)

    def backward(self, gy):
        n = gy.shape[self.axis]
        return tuple(np.take(gy, i, axis=self.axis) for i in range(n))


def stack(x, axis=0):
    """Joins tensors of one shape along a new axis."""
    ts = [tensor_arg(t, "stack", "x") for t in x]
    if not ts:
        raise ValueError("stack: the list of tensors is empty.")
    if any(t.shape != ts[0].shape for t in ts):
        raise ValueError(
            "stack: all inputs must have the same shape. Received shapes "
            f"{[t.shape for t in ts]}."
        )
    _same_dtype(ts)
    ax = normalize_axis(axis, ts[0].ndim + 1, "stack")
    return Stack(ax)(*ts)


class Split(Function):
    def __init__(self, indices, axis):
        self.indices, self.axis = indices, axis

    def forward(self, x):
        return tuple(np.split(x, self.indices, axis=self.axis))

    def backward(self, *gys):
        return np.concatenate(gys, axis=self.axis)


def split(x, indices_or_sections, axis=0):
    """Splits into several tensors along `axis` (as `np.split`)."""
    x = tensor_arg(x, "split")
    ax = normalize_axis(axis, x.ndim, "split")
    if isinstance(indices_or_sections, int) and (
        x.shape[ax] % indices_or_sections
    ):
        raise ValueError(
            f"split: axis {axis} of size {x.shape[ax]} cannot be split into "
            f"{indices_or_sections} equal sections."
        )
    out = Split(indices_or_sections, ax)(x)
    return list(out) if isinstance(out, tuple) else [out]


class GetItem(Function):
    def __init__(self, key):
        self.key = key

    def forward(self, x):
        self.x_shape, self.x_dtype = x.shape, x.dtype
        return x[self.key]

    def backward(self, gy):
        gx = np.zeros(self.x_shape, self.x_dtype)
        if _is_basic_index(self.key):
            gx[self.key] = gy  # plain slices never repeat an element
        else:
            np.add.at(gx, self.key, gy)  # fancy indices may repeat
        return gx


def _is_basic_index(key):
    keys = key if isinstance(key, tuple) else (key,)
    return all(
        k is None or k is Ellipsis or isinstance(k, (int, slice, np.integer))
        for k in keys
    )


def _raw_key(key):
    if isinstance(key, Tensor):
        return key.data
    if isinstance(key, tuple):
        return tuple(k.data if isinstance(k, Tensor) else k for k in key)
    return key


def get_item(x, key):
    """`x[key]` with NumPy indexing (slices, ints, arrays, masks)."""
    x = tensor_arg(x, "get_item")
    key = _raw_key(key)
    try:
        return GetItem(key)(x)
    except ValueError as e:
        raise IndexError(f"get_item: {e}") from None


class Take(Function):
    def __init__(self, indices, axis):
        self.indices, self.axis = indices, axis

    def forward(self, x):
        self.x_shape, self.x_dtype = x.shape, x.dtype
        return np.take(x, self.indices, axis=self.axis)

    def backward(self, gy):
        gx = np.zeros(self.x_shape, self.x_dtype)
        if self.axis is None:
            np.add.at(gx.reshape(-1), self.indices.reshape(-1), gy.reshape(-1))
            return gx
        idx = [slice(None)] * len(self.x_shape)
        idx[self.axis] = self.indices
        # np.add.at wants the indexed axes in front for a clean layout
        moved = np.moveaxis(gx, self.axis, 0)
        g = np.moveaxis(
            gy,
            range(self.axis, self.axis + self.indices.ndim),
            range(self.indices.ndim),
        )
        np.add.at(moved, self.indices, g)
        return gx


def _check_indices(idx, size, op):
    if idx.size and (idx.min() < -size or idx.max() >= size):
        bad = idx[(idx < -size) | (idx >= size)].reshape(-1)[0]
        raise IndexError(
            f"{op}: index {bad} is out of range for an axis of size {size} "
            f"(valid indices are {-size}..{size - 1})."
        )


def take(x, indices, axis=None):
    """Takes elements along `axis` at `indices` (flattened if axis is None).

    Example:
    >>> from kara import ops
    >>> ops.take([[1.0, 2.0], [3.0, 4.0]], [1, 0], axis=0).numpy()
    array([[3., 4.],
           [1., 2.]], dtype=float32)
    """
    x = tensor_arg(x, "take")
    idx = np.asarray(getattr(indices, "data", indices))
    if idx.dtype.kind not in "iu":
        if idx.dtype.kind == "f" and np.all(idx == np.round(idx)):
            idx = idx.astype("int64")
        else:
            raise TypeError(
                f"take: `indices` must be integers. Received dtype {idx.dtype}."
            )
    ax = normalize_axis(axis, x.ndim, "take")
    _check_indices(idx, x.size if ax is None else x.shape[ax], "take")
    return Take(idx, ax)(x)


class TakeAlongAxis(Function):
    def __init__(self, indices, axis):
        self.indices, self.axis = indices, axis

    def forward(self, x):
        self.x_shape, self.x_dtype = x.shape, x.dtype
        return np.take_along_axis(x, self.indices, axis=self.axis)

    def backward(self, gy):
        gx = np.zeros(self.x_shape, self.x_dtype)
        # index every axis explicitly so add.at sums repeated indices
        full = list(np.indices(self.indices.shape, sparse=True))
        full[self.axis] = self.indices
        np.add.at(gx, tuple(full), gy)
        return gx


def take_along_axis(x, indices, axis=None):
    """Picks `x`'s values at `indices` along `axis` (as NumPy's)."""
    x = tensor_arg(x, "take_along_axis")
    idx = np.asarray(getattr(indices, "data", indices)).astype("int64")
    if axis is None:
        x, axis = reshape(x, (-1,)), 0
    ax = normalize_axis(axis, x.ndim, "take_along_axis")
    _check_indices(idx, x.shape[ax], "take_along_axis")
    return TakeAlongAxis(idx, ax)(x)


class Tile(Function):
    def __init__(self, reps):
        self.reps = reps

    def forward(self, x):
        self.x_shape = x.shape
        return np.tile(x, self.reps)

    def backward(self, gy):
        shape = (1,) * (gy.ndim - len(self.x_shape)) + self.x_shape
        # view the tiled result as (rep0, n0, rep1, n1, ...) and sum reps
        split = []
        for r, n in zip(gy.shape, shape):
            split += [r // n, n]
        g = gy.reshape(split).sum(axis=tuple(range(0, len(split), 2)))
        return g.reshape(self.x_shape)


def tile(x, repeats):
    """Repeats the whole tensor `repeats` times along each axis."""
    x = tensor_arg(x, "tile")
    reps = (repeats,) if isinstance(repeats, int) else tuple(repeats)
    return Tile(reps)(x)


def repeat(x, repeats, axis=None):
    """Repeats each element `repeats` times (as `np.repeat`)."""
    x = tensor_arg(x, "repeat")
    if axis is None:
        x, axis = reshape(x, (-1,)), 0
    ax = normalize_axis(axis, x.ndim, "repeat")
    idx = np.repeat(np.arange(x.shape[ax]), repeats)
    return take(x, idx, axis=ax)
