"""Merging layers: combine a list of tensors into one.

`Add`, `Subtract`, `Multiply`, `Average`, `Maximum` and `Minimum` work
element by element (shapes broadcast; inputs of lower rank get size-1 axes
after the batch axis, as in Keras). `Concatenate` joins along an axis.
The lowercase functions (`add([a, b])`, ...) build and call the layer in
one step.

Example:
>>> import numpy as np, kara
>>> a, b = np.ones((2, 3)), np.full((2, 3), 2.0)
>>> kara.layers.Add()([a, b]).numpy()[0]
array([3., 3., 3.], dtype=float32)
>>> kara.layers.Concatenate()([a, b]).shape
(2, 6)
"""

from kara import ops
from kara.layers.layer import Layer


def _broadcast_shape(shape1, shape2, layer):
    """The element-wise result of two shapes, aligned from the right.

    An unknown size (None) on either side stays unknown, as in Keras.
    """
    if len(shape1) < len(shape2):
        shape1, shape2 = shape2, shape1
    out = list(shape1[: len(shape1) - len(shape2)])
    for a, b in zip(shape1[len(shape1) - len(shape2) :], shape2):
        if a is None or b is None:
            out.append(None)
        elif a == 1:
            out.append(b)
        elif b == 1 or a == b:
            out.append(a)
        else:
            raise ValueError(
                f"Inputs have incompatible shapes for {type(layer).__name__} "
                f"layer {layer.name!r}. Received shapes {tuple(shape1)} and "
                f"{tuple(shape2)}: sizes must be equal or 1 axis by axis."
            )
    return tuple(out)


class Merge(Layer):
    """Base class of the element-wise merging layers.

    Subclasses implement `_merge_function(inputs)` on a list of Tensors of
    the same rank.
    """

    _min_inputs = 1

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def _check_shapes(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or not all(
            isinstance(s, (list, tuple)) for s in input_shape
        ):
            raise ValueError(
                f"A merge layer ({type(self).__name__}) should be called on "
                f"a list of inputs. Received: input_shape={input_shape} (not "
                "a list of shapes)"
            )
        if len(input_shape) < self._min_inputs:
            raise ValueError(
                f"A merge layer should be called on a list of at least "
                f"{self._min_inputs} input. Got {len(input_shape)} inputs. "
                f"Full input_shape received: {input_shape}"
            )
        batch_sizes = {s[0] for s in input_shape if s} - {None}
        if len(batch_sizes) > 1:
            raise ValueError(
                "Cannot merge tensors with different batch sizes. Received "
                f"tensors with shapes {list(input_shape)}"
            )

    def build(self, input_shape):
        self._check_shapes(input_shape)

    def call(self, inputs):
        inputs = list(inputs)
        ranks = [x.ndim for x in inputs]
        top = max(ranks)
        if min(ranks) != top:
            # equal ranks first: expand lower-rank inputs after the batch
            # axis, as Keras does
            inputs = [
                _expand(x, top - x.ndim) if x.ndim < top else x for x in inputs
            ]
        return self._merge_function(inputs)

    def compute_output_shape(self, input_shape):
        self._check_shapes(input_shape)
        out = tuple(input_shape[0][1:])
        for shape in input_shape[1:]:
            out = _broadcast_shape(out, tuple(shape[1:]), self)
        batch_sizes = {s[0] for s in input_shape} - {None}
        batch = batch_sizes.pop() if len(batch_sizes) == 1 else None
        return (batch,) + out

    def _merge_function(self, inputs):
        raise NotImplementedError


def _expand(x, n):
    for _ in range(n):
        x = ops.expand_dims(x, 1)
    return x


class Add(Merge):
    """Adds a list of inputs element-wise."""

    def _merge_function(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = ops.add(out, x)
        return out


class Subtract(Merge):
    """Subtracts two inputs: `inputs[0] - inputs[1]`."""

    def _check_shapes(self, input_shape):
        super()._check_shapes(input_shape)
        if len(input_shape) != 2:
            raise ValueError(
                "A `Subtract` layer should be called on exactly 2 inputs. "
                f"Received: input_shape={input_shape}"
            )

    def _merge_function(self, inputs):
        if len(inputs) != 2:
            raise ValueError(
                "A `Subtract` layer should be called on exactly 2 inputs. "
                f"Received: {len(inputs)} inputs"
            )
        return ops.subtract(inputs[0], inputs[1])


class Multiply(Merge):
    """Multiplies a list of inputs element-wise."""

    def _merge_function(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = ops.multiply(out, x)
        return out


class Average(Merge):
    """Averages a list of inputs element-wise."""

    def _merge_function(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = ops.add(out, x)
        return ops.divide(out, float(len(inputs)))


class Maximum(Merge):
    """The element-wise maximum of a list of inputs."""

    def _merge_function(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = ops.maximum(out, x)
        return out


class Minimum(Merge):
    """The element-wise minimum of a list of inputs."""

    def _merge_function(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = ops.minimum(out, x)
        return out


class Concatenate(Merge):
    """Concatenates a list of inputs along `axis`.

    Args:
        axis: the axis to join along (default -1, the features).
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def _check_shapes(self, input_shape):
        super()._check_shapes(input_shape)
        ranks = {len(s) for s in input_shape}
        if len(ranks) != 1:
            raise ValueError(self._mismatch(input_shape))
        rank = ranks.pop()
        axis = self.axis % rank if rank else 0
        for dim in range(rank):
            if dim == axis:
                continue
            sizes = {s[dim] for s in input_shape} - {None}
            if len(sizes) > 1:
                raise ValueError(self._mismatch(input_shape))

    def _mismatch(self, input_shape):
        return (
            "A `Concatenate` layer requires inputs with matching shapes "
            "except for the concatenation axis. Received: input_shape="
            f"{[tuple(s) for s in input_shape]}"
        )

    def call(self, inputs):
        return ops.concatenate(list(inputs), axis=self.axis)

    def compute_output_shape(self, input_shape):
        self._check_shapes(input_shape)
        out = list(input_shape[0])
        axis = self.axis % len(out)
        sizes = [s[axis] for s in input_shape]
        out[axis] = None if None in sizes else sum(sizes)
        for dim in range(len(out)):
            if dim != axis and out[dim] is None:
                known = [s[dim] for s in input_shape if s[dim] is not None]
                out[dim] = known[0] if known else None
        return tuple(out)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


# ------------------------------------------------- functional interfaces
def add(inputs, **kwargs):
    """`Add(**kwargs)(inputs)`."""
    return Add(**kwargs)(inputs)


def subtract(inputs, **kwargs):
    """`Subtract(**kwargs)(inputs)`."""
    return Subtract(**kwargs)(inputs)


def multiply(inputs, **kwargs):
    """`Multiply(**kwargs)(inputs)`."""
    return Multiply(**kwargs)(inputs)


def average(inputs, **kwargs):
    """`Average(**kwargs)(inputs)`."""
    return Average(**kwargs)(inputs)


def maximum(inputs, **kwargs):
    """`Maximum(**kwargs)(inputs)`."""
    return Maximum(**kwargs)(inputs)


def minimum(inputs, **kwargs):
    """`Minimum(**kwargs)(inputs)`."""
    return Minimum(**kwargs)(inputs)


def concatenate(inputs, axis=-1, **kwargs):
    """`Concatenate(axis=axis, **kwargs)(inputs)`."""
    return Concatenate(axis=axis, **kwargs)(inputs)
