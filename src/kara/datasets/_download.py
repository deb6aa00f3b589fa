"""Fetching dataset files into kara's cache, safely.

Where the files go: `$KARA_HOME/datasets` when the `KARA_HOME`
environment variable is set, else `~/.kara/datasets` (Keras uses
`~/.keras/datasets` and `KERAS_HOME` the same way). Nothing is created at
import: the folder appears the first time a file is downloaded.

How a file is fetched (`fetch`):

1. If it is already in the cache, its size and SHA-256 are checked on
   every load. A bad file is never used and never deleted behind the
   user's back: the error names the file and says to delete it.
2. Otherwise it is downloaded with `urllib.request` into `<name>.part` in
   the same folder. If a `.part` file is left from an interrupted
   download, only the missing bytes are asked for (an HTTP `Range`
   request); a server that ignores the range sends the whole file, which
   then replaces the partial one. A connection that drops mid-way is
   resumed the same way, up to `_ATTEMPTS` times.
3. The finished `.part` file is checked (size, then SHA-256). Only a file
   that matches is renamed onto its final name with `os.replace`, which
   is atomic within a folder: the cache never holds a half-written file
   under a real name. A mismatch deletes the `.part` file and raises.

Two errors, both naming the files and the fix:

- `DatasetDownloadError` (an `OSError`): the file is not cached and could
  not be downloaded (offline, firewall, server down). The message lists
  every file the dataset needs, with its URL, size, SHA-256 and the
  folder to put it in.
- `DatasetFileError` (a `ValueError`): a file is truncated, corrupted or
  not in the expected format.

Example:
>>> import os
>>> os.path.basename(cache_dir()) == "datasets"
True
"""

import dataclasses
import hashlib
import os

from kara.utils.io_utils import print_msg

_CHUNK = 1 << 16  # bytes read per network/disk read
_TIMEOUT = 30.0  # seconds a socket may stay silent before giving up
_ATTEMPTS = 3  # tries per download; each try resumes the previous one


class DatasetDownloadError(OSError):
    """A dataset file is not in the cache and cannot be downloaded."""


class DatasetFileError(ValueError):
    """A dataset file is truncated, corrupted or in the wrong format."""


class _Interrupted(Exception):
    """The network failed (disk errors are not wrapped: they propagate).

    Attributes:
        error: the underlying error (its `reason` or text is shown).
    """

    def __init__(self, error):
        super().__init__(error)
        self.error = error


@dataclasses.dataclass(frozen=True)
class RemoteFile:
    """One file of a dataset: where it comes from and what it must be.

    Attributes:
        name: its file name in the cache folder.
        url: where to download it.
        sha256: its SHA-256, as 64 hex digits.
        size: its size in bytes (None when unknown).
    """

    name: str
    url: str
    sha256: str
    size: int = None


def cache_dir():
    """The folder dataset files are cached in (it may not exist yet).

    Returns:
        `$KARA_HOME/datasets` if `KARA_HOME` is set, else
        `~/.kara/datasets`.
    """
    home = os.environ.get("KARA_HOME")
    if home:
        base = os.path.expanduser(home)
    else:
        base = os.path.join(os.path.expanduser("~"), ".kara")
    return os.path.join(base, "datasets")


def loader_call(dataset):
    """`kara.datasets.mnist.load_data()`, for messages."""
    return f"kara.datasets.{dataset}.load_data()"


def fetch(dataset, files, subdir=""):
    """Returns the local paths of `files`, downloading what is missing.

    Args:
        dataset: the module name (`"mnist"`), used in messages.
        files: the dataset's `RemoteFile`s.
        subdir: a sub-folder of the cache (`"fashion-mnist"`), or an
            absolute folder.

    Returns:
        A list of paths, one per file, in the order of `files`.

    Raises:
        DatasetFileError: a cached or downloaded file does not match its
            size or SHA-256.
        DatasetDownloadError: a file is missing and cannot be downloaded.
    """
    folder = os.path.join(cache_dir(), subdir)
    paths = []
    for spec in files:
        path = os.path.join(folder, spec.name)
        if os.path.exists(path):
            verify(path, spec, dataset)
        else:
            download(spec, path, dataset, files)
        paths.append(path)
    return paths


# --------------------------------------------------------------- verify
def sha256_of(path):
    """The SHA-256 of a file, as 64 hex digits (read in chunks)."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify(path, spec, dataset):
    """Raises `DatasetFileError` unless `path` has `spec`'s size and hash.

    The size is checked first: "truncated, 1,000 of 11,490,434 bytes" is
    a clearer diagnosis than two different hashes.
    """
    problem = _mismatch(path, spec)
    if problem:
        raise DatasetFileError(
            f"The {dataset} file {path!r} is {problem}. Delete it and call "
            f"{loader_call(dataset)} again to download a fresh copy (or "
            f"copy a good one there from {spec.url})."
        )


def _mismatch(path, spec):
    """What is wrong with the file at `path` (None when it matches)."""
    size = os.path.getsize(path)
    if spec.size is not None and size != spec.size:
        kind = "truncated" if size < spec.size else "too large"
        return f"{kind}: {size:,} bytes instead of {spec.size:,}"
    digest = sha256_of(path)
    if digest != spec.sha256:
        return (
            f"corrupted: its SHA-256 is {digest}, expected {spec.sha256} "
            f"(size {size:,} bytes)"
        )
    return None


# ------------------------------------------------------------- download
def download(spec, path, dataset, group=()):
    """Downloads `spec` to `path` (see the module docstring).

    Args:
        spec: the `RemoteFile`.
        path: where the verified file ends up.
        dataset: the module name, for messages.
        group: all the dataset's files, listed in the offline message.
    """
    folder = os.path.dirname(path)
    os.makedirs(folder, exist_ok=True)
    part = path + ".part"
    print_msg(f"Downloading data from {spec.url}")
    last_error = None
    for _ in range(_ATTEMPTS):
        before = _size(part)
        try:
            _fetch_into(part, spec)
            last_error = None
            break
        except _Interrupted as interrupted:
            last_error = interrupted.error
            if _size(part) <= before:
                break  # no progress: retrying will not help
    if last_error is not None:
        error = _offline_error(dataset, spec, group, folder, last_error)
        raise error from last_error
    problem = _mismatch(part, spec)
    if problem:
        os.remove(part)
        raise DatasetFileError(
            f"The {dataset} file downloaded from {spec.url} is {problem}. "
            "It was deleted, nothing was cached. Call "
            f"{loader_call(dataset)} again to retry; if it fails again, a "
            "proxy or the server is altering the file: download it by "
            f"other means, check its SHA-256, and put it at {path!r}."
        )
    os.replace(part, path)


def _size(path):
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _fetch_into(part, spec):
    """Downloads the bytes `part` lacks (all of them if it is absent)."""
    # Imported here, not at import time: urllib.request pulls in ssl and
    # email (about 25 ms), which loading a cached dataset never needs.
    import urllib.request

    have = _size(part)
    if spec.size is not None and have >= spec.size:
        if have == spec.size:
            return  # complete already: the hash check follows
        os.remove(part)  # longer than the real file: start again
        have = 0
    headers = {"User-Agent": "kara"}
    if have:
        headers["Range"] = f"bytes={have}-"
    request = urllib.request.Request(spec.url, headers=headers)
    try:
        response = _network(urllib.request.urlopen, request, timeout=_TIMEOUT)
    except _Interrupted as interrupted:
        if have and getattr(interrupted.error, "code", None) == 416:
            # "Range not satisfiable": the partial file is already whole
            # (or longer than the file); the hash check decides.
            return
        raise
    with response:
        resumed = have and response.status == 206
        if resumed and not _range_starts_at(response, have):
            # Not the bytes asked for: start again without a range.
            response.close()
            os.remove(part)
            return _fetch_into(part, spec)
        mode = "ab" if resumed else "wb"  # 200: the whole file again
        start = have if resumed else 0
        length = response.headers.get("Content-Length")
        total = start + int(length) if length is not None else spec.size
        bar = _progress(total, start)
        done = start
        with open(part, mode) as f:
            while True:
                chunk = _network(response.read, _CHUNK)
                if not chunk:
                    break
                f.write(chunk)
                done += len(chunk)
                if bar is not None:
                    bar.update(min(done, total))
            f.flush()
            os.fsync(f.fileno())
    if length is not None and done < total:
        # The server promised more bytes than it sent (a dropped link).
        raise _Interrupted(
            ConnectionError(
                f"the connection closed after {done:,} of {total:,} bytes"
            )
        )


def _network(call, *args, **kwargs):
    """Calls `call(...)`; network failures become `_Interrupted`."""
    import http.client

    try:
        return call(*args, **kwargs)
    except (OSError, http.client.HTTPException) as error:
        raise _Interrupted(error) from error


def _range_starts_at(response, offset):
    content_range = response.headers.get("Content-Range", "")
    return content_range.startswith(f"bytes {offset}-")


def _progress(total, start):
    """A byte-counting progress bar (None when the size is unknown)."""
    if not total:
        return None
    from kara.utils.progbar import Progbar

    bar = Progbar(target=total, unit_name="B")
    if start:
        bar.update(start)
    return bar


def _offline_error(dataset, spec, group, folder, error):
    import urllib.parse

    reason = getattr(error, "reason", error)
    host = urllib.parse.urlsplit(spec.url).netloc
    lines = [
        f"Cannot download the {dataset} dataset: the request to {host} "
        f"failed ({reason}).",
        f"kara needs these files in {folder}:",
    ]
    for item in group or (spec,):
        size = f"{item.size:,} bytes, " if item.size is not None else ""
        lines.append(
            f"  {item.name}  ({size}sha256 {item.sha256})  from {item.url}"
        )
    lines.append(
        "Fix: download them where there is internet access and copy them "
        "into that folder under those names (Keras's cached copies in "
        "~/.keras/datasets are the same files), or set KARA_HOME to a "
        "folder whose datasets/ sub-folder holds them. Then call "
        f"{loader_call(dataset)} again. A partial download (.part) is "
        "resumed. To work offline now, kara.datasets.digits.load_data() "
        "ships with kara."
    )
    return DatasetDownloadError("\n".join(lines))
