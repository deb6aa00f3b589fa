"""Reading pickled NumPy data without running arbitrary code.

A pickle is a small program: its `GLOBAL` instructions name any Python
callable (`os.system`, `builtins.eval`, ...) and its `REDUCE` instructions
call it. `pickle.load` on a file from the internet therefore runs whatever
the file says. The CIFAR batches are pickles (Python 2 dicts holding a
NumPy array and lists), so kara reads them with `RestrictedUnpickler`: the
only callables a file may name are the three NumPy needs to rebuild an
array (`ndarray`, `dtype`, `_reconstruct`); every other name is refused
before anything is called. Plain data (dicts, lists, ints, bytes, str)
needs no callable at all.

Example:
>>> import io, pickle, numpy as np
>>> data = pickle.dumps({"x": np.arange(3, dtype=np.uint8)}, protocol=3)
>>> loads(data)["x"]
array([0, 1, 2], dtype=uint8)
>>> loads(pickle.dumps(print, protocol=3))  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
_pickle.UnpicklingError: Refusing to load builtins.print: ...
"""

import io
import pickle

import numpy as np


def _reconstruct():
    # numpy >= 2 moved `numpy.core` to `numpy._core` (`numpy.core` still
    # imports, with a DeprecationWarning): take the function from where
    # it lives now, whatever name the file uses.
    core = getattr(np, "_core", None) or np.core
    return core.multiarray._reconstruct


# (module, name) as written in the file -> the object it may resolve to.
# Python 2 era files (CIFAR) say `numpy.core.multiarray`.
_ALLOWED = {
    ("numpy", "ndarray"): lambda: np.ndarray,
    ("numpy", "dtype"): lambda: np.dtype,
    ("numpy.core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy._core.multiarray", "_reconstruct"): _reconstruct,
}


class RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that resolves only NumPy's array-rebuilding names.

    Args:
        file: a binary file object.
        **kwargs: passed to `pickle.Unpickler` (`encoding="bytes"` for
            Python 2 pickles, as CIFAR's).
    """

    def find_class(self, module, name):
        resolve = _ALLOWED.get((module, name))
        if resolve is None:
            raise pickle.UnpicklingError(
                f"Refusing to load {module}.{name}: kara only unpickles "
                "NumPy arrays and plain data from dataset files (a pickle "
                "naming other callables could run code). The file is "
                "corrupted, not the expected dataset, or malicious."
            )
        return resolve()


def loads(data, **kwargs):
    """Unpickles `data` (bytes) with `RestrictedUnpickler`."""
    return RestrictedUnpickler(io.BytesIO(data), **kwargs).load()
