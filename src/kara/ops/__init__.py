"""Stateless differentiable operations, named as in `keras.ops`.

Each op is a small `Function` subclass (forward and backward on NumPy
arrays) plus a lowercase public function. The modules group them by kind:

- `core`: conversion, casting, constructors;
- `elementwise`: arithmetic, exp/log, comparisons, where, clip;
- `reduction`: sum, mean, max, min, prod, logsumexp, argmax;
- `shape`: reshape, transpose, concatenate, indexing;
- `linalg`: matmul, dot, tensordot;
- `nn`: activations, softmax, one_hot and the fused hot-path ops.

Example:
>>> from kara import ops
>>> ops.mean(ops.square([1.0, 2.0, 3.0])).numpy()
array(4.6666665, dtype=float32)
"""

from kara.ops.core import *  # noqa: F401,F403
from kara.ops.elementwise import *  # noqa: F401,F403
from kara.ops.linalg import *  # noqa: F401,F403
from kara.ops.nn import *  # noqa: F401,F403
from kara.ops.reduction import *  # noqa: F401,F403
from kara.ops.shape import *  # noqa: F401,F403
