"""How long does `import kara` take, next to `import numpy`?

Each import runs in a fresh interpreter, several times; the best time is
kept (the least disturbed by the machine). Run it with:

    python bench/import_time.py

Target (issue "Foundation"): `import kara` adds under 0.15 s to NumPy's own
import time.
"""

import subprocess
import sys

PROBE = (
    "import time; t = time.perf_counter(); import {mod}; "
    "print(time.perf_counter() - t)"
)


def import_seconds(module, repeats=7, python=sys.executable):
    """The best of `repeats` cold-import times of `module`, in seconds.

    Args:
        module: the module name.
        repeats: fresh interpreters to time it in.
        python: the interpreter (another venv's, for TensorFlow or torch).
    """
    times = []
    for _ in range(repeats):
        out = subprocess.run(
            [python, "-c", PROBE.format(mod=module)],
            capture_output=True,
            text=True,
            check=True,
        )
        times.append(float(out.stdout.strip()))
    return min(times)


def main():
    numpy_s = import_seconds("numpy")
    # `import kara` imports NumPy itself: the difference is kara's own cost
    kara_s = import_seconds("kara")
    print(f"import numpy : {numpy_s * 1000:8.1f} ms")
    print(f"import kara  : {kara_s * 1000:8.1f} ms")
    print(
        f"kara adds    : {(kara_s - numpy_s) * 1000:8.1f} ms (target < 150 ms)"
    )
    print(f"ratio kara/numpy: {kara_s / numpy_s:.2f}x")


if __name__ == "__main__":
    main()
