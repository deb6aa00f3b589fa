"""h5py is a dependency, imported only when a file is read or written."""

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))


def _run(code):
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "src"))
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.split()


def test_import_kara_does_not_import_h5py():
    code = (
        "import sys, kara, kara.saving, kara.models, kara.callbacks\n"
        "m = kara.Sequential([kara.Input((2,)), kara.layers.Dense(1)])\n"
        "print('h5py' in sys.modules)\n"
        "import tempfile, os\n"
        "m.save(os.path.join(tempfile.mkdtemp(), 'm.keras'))\n"
        "print('h5py' in sys.modules)\n"
    )
    assert _run(code) == ["False", "True"]
