"""Stateless differentiable operations, named as in `keras.ops`.

Each op is a small `Function` subclass (forward and backward on NumPy
arrays) plus a lowercase public function. The modules group them by kind:

- `core`: conversion, casting, constructors;
- `elementwise`: arithmetic, exp/log, comparisons, where, clip;
- `reduction`: sum, mean, max, min, prod, logsumexp, argmax;
- `shape`: reshape, transpose, concatenate, indexing;
- `linalg`: matmul, dot, tensordot;
- `nn`: activations, softmax, one_hot and the fused hot-path ops.

`kara.ops.runtime` (not an op, imported on its own) holds the process
settings of the training loop: BLAS threads and the GC threshold.

Example:
>>> from kara import ops
>>> ops.mean(ops.square([1.0, 2.0, 3.0])).numpy()
array(4.6666665, dtype=float32)
"""

from kara.ops import core as _core
from kara.ops import elementwise as _elementwise
from kara.ops import linalg as _linalg
from kara.ops import nn as _nn
from kara.ops import reduction as _reduction
from kara.ops import shape as _shape
from kara.ops.core import *  # noqa: F401,F403
from kara.ops.elementwise import *  # noqa: F401,F403
from kara.ops.linalg import *  # noqa: F401,F403
from kara.ops.nn import *  # noqa: F401,F403
from kara.ops.reduction import *  # noqa: F401,F403
from kara.ops.shape import *  # noqa: F401,F403

# The public names: every op the submodules export.
__all__ = sorted(
    name
    for module in (_core, _elementwise, _linalg, _nn, _reduction, _shape)
    for name in module.__all__
)

# Importing the submodule `kara.ops.shape` bound the name `shape` to that
# module; the public name is the function `ops.shape(x)`, as in Keras.
from kara.ops.core import shape  # noqa: E402,F811  # isort: skip
