"""kara: a Keras-compatible deep-learning library written from zero in NumPy.

Use it as Keras:

>>> import kara as keras
>>> keras.config.floatx()
'float32'
"""

from kara import backend
from kara import config
from kara import ops
from kara.autograd import Function
from kara.autograd import GradientTape
from kara.autograd import Tensor
from kara.autograd import Variable
from kara.config import enable_grad
from kara.config import no_grad

__version__ = "0.1.0"
