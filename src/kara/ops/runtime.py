"""Process settings for the training hot path: BLAS threads and the GC.

**BLAS threads.** kara's matrix products are NumPy's, so NumPy's BLAS
library (OpenBLAS in the wheels from PyPI, MKL in some conda builds)
decides how many threads they use: by default, one per core, and kara
leaves it so. That is the fastest choice on a machine kara has to itself:
on an idle two-core machine, an epoch of a 784-128-10 MLP took 0.75 s
with two BLAS threads and 0.84 s with one at batch size 32, 0.20 s and
0.31 s at batch size 1024.

On a machine whose cores are busy with other programs it is the slowest
choice: OpenBLAS's threads wait for each other (and spin while waiting),
so one descheduled thread stalls every product. On the same machine
running other jobs, the batch-1024 epoch took 0.62 s with two threads and
0.33 s with one. PyTorch suffers the same way (20 times slower there).
So kara lets you choose: `set_num_threads(n)` (exported as
`kara.config.set_num_threads`) sets NumPy's BLAS to `n` threads, now and
inside every `fit`, `evaluate` and `predict` (which run inside
`training_context()`); `set_num_threads(None)` stops re-applying it.

The limit is applied with `threadpoolctl` when it is installed, else by
calling OpenBLAS's (or MKL's) `set_num_threads` function directly. When
neither is possible, nothing changes (the environment variables
`OPENBLAS_NUM_THREADS`, `MKL_NUM_THREADS` or `OMP_NUM_THREADS`, set before
Python starts, still work).

**Garbage collector.** A training step creates and drops a few hundred
small objects (Tensors, graph nodes, lists). They are freed by reference
counting, but they also trigger Python's cyclic collector every 700
allocations; inside `training_context()` that threshold is raised to
10,000 (about 3% of an epoch of small batches), and restored afterwards.

Example:
>>> from kara.ops import runtime
>>> with runtime.limit_threads(1):
...     pass  # NumPy's matrix products run on one thread here
"""

import contextlib
import ctypes
import gc
import os

# (library path, get function, set function) found by `_native()`
_NATIVE = None
_USER_THREADS = None  # set by set_num_threads(); None: BLAS's own choice

# exported names of the thread setters, most specific first; NumPy's
# wheels ship OpenBLAS under a "scipy_openblas" prefix, 64-bit integers
_SETTERS = (
    ("scipy_openblas_set_num_threads64_", "scipy_openblas_get_num_threads64_"),
    ("scipy_openblas_set_num_threads", "scipy_openblas_get_num_threads"),
    ("openblas_set_num_threads64_", "openblas_get_num_threads64_"),
    ("openblas_set_num_threads", "openblas_get_num_threads"),
    ("MKL_Set_Num_Threads", "MKL_Get_Max_Threads"),
)


def _loaded_blas_paths():
    """Paths of the loaded shared libraries that look like a BLAS (Linux)."""
    try:
        with open("/proc/self/maps") as f:
            lines = f.read().splitlines()
    except OSError:  # not Linux: only threadpoolctl can help
        return []
    paths = []
    for line in lines:
        path = line.split()[-1] if line.split() else ""
        name = os.path.basename(path).lower()
        if ("openblas" in name or "mkl_rt" in name) and path not in paths:
            paths.append(path)
    return paths


def _native():
    """`(set, get)` ctypes functions of the loaded BLAS, or None."""
    global _NATIVE
    if _NATIVE is None:
        import numpy  # noqa: F401  (loads NumPy's BLAS)

        _NATIVE = ()
        for path in _loaded_blas_paths():
            try:
                lib = ctypes.CDLL(path)
            except OSError:
                continue
            for set_name, get_name in _SETTERS:
                setter = getattr(lib, set_name, None)
                getter = getattr(lib, get_name, None)
                if setter is not None and getter is not None:
                    setter.argtypes = [ctypes.c_int]
                    setter.restype = None
                    getter.restype = ctypes.c_int
                    _NATIVE = (setter, getter)
                    break
            if _NATIVE:
                break
    return _NATIVE or None


def _threadpoolctl():
    try:
        import threadpoolctl
    except ImportError:
        return None
    return threadpoolctl


def get_num_threads():
    """The number of threads BLAS uses now, or None if it cannot be read."""
    tpc = _threadpoolctl()
    if tpc is not None:
        infos = [i for i in tpc.threadpool_info() if i["user_api"] == "blas"]
        return infos[0]["num_threads"] if infos else None
    native = _native()
    return int(native[1]()) if native else None


def _set(n):
    """Sets BLAS to `n` threads; returns the previous number (or None)."""
    previous = get_num_threads()
    tpc = _threadpoolctl()
    if tpc is not None:
        tpc.threadpool_limits(limits=n, user_api="blas")
    else:
        native = _native()
        if native is None:
            return None
        native[0](int(n))
    return previous


def set_num_threads(n):
    """Sets how many threads NumPy's BLAS uses, in kara and elsewhere.

    One thread is usually fastest for small networks on a machine whose
    cores are busy with other programs (see the module docstring).

    Args:
        n: a positive int; or None: kara stops setting it (BLAS keeps the
            count it has now).

    Raises:
        ValueError: `n` is not a positive integer or None.

    Example: `kara.config.set_num_threads(1)` before `fit` on a shared
    machine.
    """
    global _USER_THREADS
    if n is not None and (
        isinstance(n, bool) or not isinstance(n, int) or n < 1
    ):
        raise ValueError(
            "set_num_threads expects a positive integer (or None to stop "
            f"setting it). Received: n={n!r}"
        )
    _USER_THREADS = n
    if n is not None:
        _set(n)


@contextlib.contextmanager
def limit_threads(n):
    """Runs the block with BLAS limited to `n` threads, then restores it.

    Does nothing when `n` is None or the thread count cannot be changed.
    """
    previous = None if n is None else _set(n)
    try:
        yield
    finally:
        if previous is not None and previous != n:
            _set(previous)


def _training_threads():
    """BLAS threads for training: the user's choice, or None (BLAS's)."""
    return _USER_THREADS


@contextlib.contextmanager
def training_context():
    """The settings `fit`, `evaluate` and `predict` run under.

    The BLAS threads of `set_num_threads` (if it was called), and a
    higher threshold for the cyclic garbage collector's youngest
    generation. Both are restored when the block ends.
    """
    thresholds = gc.get_threshold()
    gc.set_threshold(max(thresholds[0], _GC_THRESHOLD), *thresholds[1:])
    try:
        with limit_threads(_training_threads()):
            yield
    finally:
        gc.set_threshold(*thresholds)


# allocations between two collections of the youngest generation while
# training (Python's default is 700)
_GC_THRESHOLD = 10_000
