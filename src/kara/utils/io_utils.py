"""Output helpers: writing a file atomically, printing to the console.

Every file kara writes (checkpoints, CSV logs, backups) goes through
`atomic_write`: the data is written to a temporary file in the same folder,
flushed to disk, and renamed over the target with `os.replace`. A rename
within one folder is atomic, so a reader (or a crash, or Ctrl-C) sees
either the whole old file or the whole new one, never half of each.

Example:
>>> import os, tempfile
>>> folder = tempfile.mkdtemp()
>>> path = os.path.join(folder, "log.txt")
>>> with atomic_write(path, "w") as f:
...     _ = f.write("epoch,loss\\n")
>>> open(path).read()
'epoch,loss\\n'
"""

import contextlib
import os
import sys
import uuid

_MODES = ("w", "wt", "wb")


@contextlib.contextmanager
def atomic_write(path, mode="w", **open_kwargs):
    """Context manager that writes `path` atomically.

    Yields a file object opened on a temporary file next to `path`. When
    the `with` block ends normally, the data is flushed and fsync-ed and
    the temporary file is renamed onto `path` (replacing it). If the
    block raises (including `KeyboardInterrupt`), the temporary file is
    removed and `path` is left as it was.

    Args:
        path: the file to write (a str or path-like). Its folder must
            exist.
        mode: `"w"`/`"wt"` (text) or `"wb"` (binary).
        **open_kwargs: passed to `open()` (for example `encoding`, or
            `newline=""` for the `csv` module). Text files default to
            UTF-8.

    Yields:
        The open file object.

    Example:
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "weights.bin")
    >>> with atomic_write(path, "wb") as f:
    ...     _ = f.write(b"\\x00\\x01")
    >>> os.path.getsize(path)
    2
    """
    if mode not in _MODES:
        raise ValueError(
            f"`atomic_write` writes whole files: `mode` must be one of "
            f"{_MODES}. Received: mode={mode!r}"
        )
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise FileNotFoundError(
            f"Cannot write {path!r}: the folder {folder!r} does not exist. "
            "Create it first (os.makedirs(folder, exist_ok=True))."
        )
    if os.path.isdir(path):
        raise IsADirectoryError(
            f"Cannot write {path!r}: it is an existing directory. Pass a "
            "file path."
        )
    if "b" not in mode:
        open_kwargs.setdefault("encoding", "utf-8")
    # A hidden, unique name in the same folder (os.replace is only atomic
    # within one file system). O_EXCL: never reuse someone else's file.
    name = f".{os.path.basename(path)}.{uuid.uuid4().hex[:12]}.tmp"
    tmp_path = os.path.join(folder, name)
    # 0o666 lets the process umask decide the permissions, as open() does.
    fd = os.open(tmp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        f = os.fdopen(fd, mode, **open_kwargs)
    except BaseException:  # bad open() arguments (encoding=...)
        with contextlib.suppress(OSError):  # open() may have closed it
            os.close(fd)
        os.remove(tmp_path)
        raise
    try:
        with f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp_path, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp_path)
        raise
    _fsync_folder(folder)


def _fsync_folder(folder):
    """Makes the rename itself durable (POSIX); a no-op where unsupported."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def print_msg(message, line_break=True):
    """Prints `message` to the *current* `sys.stdout` and flushes.

    Looking `sys.stdout` up at each call lets `contextlib.redirect_stdout`
    and pytest's `capsys` capture the output. A character the console
    cannot encode (the bar glyph `━` on a cp1252 console, a metric name)
    is replaced instead of crashing the training run.

    Args:
        message: the text.
        line_break: whether to end it with `"\\n"`.
    """
    message = str(message)
    if line_break:
        message += "\n"
    stream = sys.stdout
    try:
        stream.write(message)
    except UnicodeEncodeError:
        encoding = getattr(stream, "encoding", None) or "ascii"
        message = message.replace("\u2501", "=")
        stream.write(message.encode(encoding, "replace").decode(encoding))
    stream.flush()
