"""`GradientTape`: TensorFlow's gradient API over kara's graph engine.

The tape is no second mechanism. Ops record the same graph as always; the
tape remembers which nodes were recorded while it was open, and `gradient`
runs the engine over those nodes only, returning gradients instead of
writing them into `.grad`.

Example:
>>> import kara
>>> w = kara.Variable([[1.0], [2.0]])
>>> x = kara.ops.convert_to_tensor([[3.0, 4.0]])
>>> with kara.GradientTape() as tape:
...     y = kara.ops.sum(kara.ops.matmul(x, w) ** 2)
>>> tape.gradient(y, w)
array([[66.],
       [88.]], dtype=float32)
"""

import numpy as np

from kara.autograd import engine
from kara.autograd import function
from kara.autograd.tensor import Tensor
from kara.autograd.variable import Variable


class GradientTape:
    """Records operations to differentiate them later.

    Args:
        persistent: if False (the default), `gradient` may be called once.
        watch_accessed_variables: if True (the default), trainable
            Variables are watched automatically; otherwise only what
            `watch()` was given.
    """

    def __init__(self, persistent=False, watch_accessed_variables=True):
        self.persistent = persistent
        self.watch_accessed_variables = watch_accessed_variables
        self._watched = {}
        self._restore = []
        self._start = None
        self._used = False

    def __enter__(self):
        self._start = next(function._sequence)
        return self

    def __exit__(self, *exc):
        for t, flag in self._restore:
            t.requires_grad = flag
        self._restore = []
        return False

    def watch(self, tensor):
        """Makes the tape record operations on `tensor` (or a list of them)."""
        for t in _flatten(tensor):
            if not isinstance(t, Tensor):
                raise TypeError(
                    "GradientTape.watch expects Tensors or Variables, got "
                    f"{type(t).__name__}. Convert it first with "
                    "kara.ops.convert_to_tensor(x)."
                )
            if t.dtype.kind != "f":
                raise ValueError(
                    f"Cannot watch a tensor of dtype {t.dtype}: gradients "
                    "exist only for floating-point tensors. Cast it with "
                    "kara.ops.cast(x, 'float32') first."
                )
            self._watched[id(t)] = t
            if not t.requires_grad:
                self._restore.append((t, t.requires_grad))
                t.requires_grad = True

    def watched_variables(self):
        return [t for t in self._watched.values() if isinstance(t, Variable)]

    def gradient(
        self,
        target,
        sources,
        output_gradients=None,
        unconnected_gradients="none",
    ):
        """Returns the gradient of `target` with respect to `sources`.

        Args:
            target: a Tensor, or a list of Tensors (their sum is
                differentiated).
            sources: a Tensor/Variable, or a list, tuple or dict of them.
            output_gradients: upstream gradients for `target`, same
                structure.
            unconnected_gradients: `"none"` (default) gives `None` for a
                source the target does not depend on; `"zero"` gives zeros.

        Returns:
            NumPy arrays in the structure of `sources` (`None` where
            unconnected).
        """
        if self._start is None:
            raise RuntimeError(
                "GradientTape.gradient was called on a tape that was never "
                "entered. Use `with kara.GradientTape() as tape:`."
            )
        if self._used and not self.persistent:
            raise RuntimeError(
                "A non-persistent GradientTape can compute gradients only "
                "once. Create it with GradientTape(persistent=True) to call "
                "gradient() several times."
            )
        self._used = True
        targets = _flatten(target)
        if output_gradients is None:
            root_grads = [np.ones_like(t.data) for t in targets]
        else:
            root_grads = [
                np.asarray(g, dtype=t.dtype)
                for t, g in zip(targets, _flatten(output_gradients))
            ]
        source_list = _flatten(sources)
        grads, _ = engine.backprop(
            targets,
            root_grads,
            keep=source_list,
            retain_graph=True,
            min_seq=self._start,
        )
        results = []
        owned = set()
        for s in source_list:
            g = grads.get(id(s), (None, None))[1]
            if g is not None and not self._is_watched(s):
                g = None
            if g is None and unconnected_gradients == "zero":
                g = np.zeros_like(s.data)
            if g is not None:
                g = engine.own_gradient(g, owned, root_grads)
                owned.add(id(g))
            results.append(g)
        return _unflatten(sources, results)

    def _is_watched(self, s):
        if id(s) in self._watched:
            return True
        if isinstance(s, Variable):
            return self.watch_accessed_variables and s.trainable
        # otherwise only a result computed while the tape was open counts
        # (a tensor from before is a constant for the tape, as in TF)
        return s.creator is not None and s.creator.seq >= self._start


def _flatten(x):
    if isinstance(x, dict):
        return [v for k in sorted(x) for v in _flatten(x[k])]
    if isinstance(x, (list, tuple)):
        return [v for item in x for v in _flatten(item)]
    return [x]


def _unflatten(structure, flat):
    it = iter(flat)

    def build(s):
        if isinstance(s, dict):
            return {k: build(s[k]) for k in sorted(s)}
        if isinstance(s, (list, tuple)):
            return type(s)(build(v) for v in s)
        return next(it)

    return build(structure)
