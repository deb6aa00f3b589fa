"""`Function`: one differentiable operation, a node of the graph.

A Function subclass implements two methods on raw arrays:

- `forward(*xs)` returns the output array (or a tuple of arrays) and calls
  `self.save_for_backward(...)` with what `backward` will need;
- `backward(*gys)` receives the gradient of the loss with respect to each
  output and returns one gradient per input (`None` where an input is not
  differentiable).

Broadcasting is *not* the op's business: if `backward` returns a gradient
of a broadcast shape, the engine sums it back to the input's shape.

Backward runs on arrays, not Tensors, so kara computes first-order
gradients only (no gradient of a gradient). That keeps every op small and
is all that training needs.

Example, a complete op:

    class Tanh(Function):
        def forward(self, x):
            y = np.tanh(x)
            self.save_for_backward(y)  # d tanh/dx = 1 - y**2: keep y, not x
            return y

        def backward(self, gy):
            (y,) = self.saved
            return gy * (1 - y * y)
"""

import itertools
import weakref

from kara import config
from kara.autograd.tensor import Tensor
from kara.autograd.tensor import as_tensor

# Every recorded node gets an increasing number. The engine orders nothing by
# it; GradientTape uses it to know which nodes were recorded while it was
# open, as TensorFlow's tape does.
_sequence = itertools.count()


class Function:
    """Base class of differentiable operations (see the module docstring)."""

    saved = ()
    inputs = None
    outputs = None
    seq = -1

    def __call__(self, *inputs):
        # This runs for every op of every training step: it is written for
        # speed (one output, Tensors in), with no work it can skip.
        tensors = [x if isinstance(x, Tensor) else as_tensor(x) for x in inputs]
        self.needs_input_grad = needs = [x.requires_grad for x in tensors]
        try:
            ys = self.forward(*[x.data for x in tensors])
        except (ValueError, IndexError) as e:
            raise _input_error(self, e, tensors) from None
        track = config._GRAD_ENABLED and any(needs)
        single = not isinstance(ys, tuple)
        outputs = (
            (Tensor(ys, requires_grad=track),)
            if single
            else tuple(Tensor(y, requires_grad=track) for y in ys)
        )
        if track:
            self.inputs = tensors
            self.outputs = [weakref.ref(y) for y in outputs]
            self.output_meta = [(y.data.shape, y.data.dtype) for y in outputs]
            self.seq = next(_sequence)
            for y in outputs:
                y.creator = self
        else:
            self.saved = ()  # nothing will call backward: free the arrays
        return outputs[0] if single else outputs

    def save_for_backward(self, *arrays):
        """Keeps arrays that `backward` needs (read back as `self.saved`)."""
        self.saved = arrays

    def forward(self, *xs):
        raise NotImplementedError(
            f"{type(self).__name__}.forward is not implemented."
        )

    def backward(self, *gys):
        raise NotImplementedError(
            f"{type(self).__name__} is not differentiable: it has no backward."
        )

    def release(self):
        """Drops references to inputs and saved arrays (frees the graph)."""
        self.inputs = None
        self.saved = ()
        for ref in self.outputs or ():
            y = ref()
            if y is not None and y.creator is self:
                y.creator = None
                y._graph_freed = True  # a second backward() from y raises
        self.outputs = None


def _input_error(fn, error, tensors):
    """Re-raises a NumPy error from `forward` naming the op and its inputs."""
    shapes = ", ".join(str(t.data.shape) for t in tensors)
    msg = f"{type(fn).__name__}: {error}. Received inputs of shapes {shapes}."
    if "broadcast" in str(error):
        msg += (
            " Shapes broadcast when, axis by axis from the right, the sizes "
            "are equal or one of them is 1: reshape or expand_dims an input."
        )
    return ValueError(msg)
