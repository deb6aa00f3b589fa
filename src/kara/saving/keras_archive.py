"""The `.keras` file: a zip archive of three members, as Keras 3 writes it.

    metadata.json      {"keras_version": ..., "date_saved": ...}
    config.json        the model's config (architecture, build and compile
                       configs), see `model_config`
    model.weights.h5   the variables, see `h5_weights`

Members are stored uncompressed, in this order, as Keras does.

Writing goes through `atomic_write`: the archive is written to a hidden
temporary file in the same folder and renamed over the target only once
complete, so a crash or a kill mid-write leaves the previous file intact.

Reading trusts nothing: the file must start with the zip signature; member
names must be plain (no `/`, `\\`, `..`, absolute paths or duplicates, so
nothing can be written or read outside the archive); each member's size is
bounded before it is read, and the bytes read are counted again (a lying
header cannot make kara allocate more); compressed members may not expand
more than `MAX_EXPANSION` times; the required members must be present.

Example:
>>> import os, tempfile
>>> path = os.path.join(tempfile.mkdtemp(), "m.keras")
>>> write_archive(path, {"config.json": b"{}", "metadata.json": b"{}",
...                      "model.weights.h5": b"..."})
>>> sorted(read_archive(path, required=("config.json",)))
['config.json', 'metadata.json', 'model.weights.h5']
"""

import os
import zipfile

from kara.utils.io_utils import atomic_write

CONFIG = "config.json"
METADATA = "metadata.json"
WEIGHTS = "model.weights.h5"
# Keras's member order
MEMBER_ORDER = (METADATA, CONFIG, WEIGHTS)

# Upper bounds on what a member may hold (bytes). Tests lower them.
MAX_MEMBER_BYTES = {
    CONFIG: 64 << 20,  # 64 MiB of JSON is far beyond any real model
    METADATA: 1 << 20,
    WEIGHTS: 1 << 36,  # 64 GiB
}
MAX_OTHER_MEMBER_BYTES = 1 << 20
MAX_MEMBERS = 64
MAX_EXPANSION = 100  # compressed members: at most 100x their stored size
_EXPANSION_FLOOR = 1 << 20

ZIP_MAGIC = b"PK\x03\x04"
_CHUNK = 1 << 20


class ArchiveError(ValueError):
    """A `.keras` file that is malformed, truncated or hostile."""


# ------------------------------------------------------------------ write
def write_archive(path, members):
    """Writes a `.keras` zip atomically.

    Args:
        path: the target file (replaced only once the new one is whole).
        members: `{name: bytes}`; written in Keras's order.
    """
    names = sorted(members, key=_member_rank)
    with atomic_write(path, "wb") as f:
        with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_STORED) as zf:
            for name in names:
                write_member(zf, name, members[name])


def _member_rank(name):
    if name in MEMBER_ORDER:
        return (MEMBER_ORDER.index(name), name)
    return (len(MEMBER_ORDER), name)


def write_member(zf, name, data):
    """Writes one member in chunks (so big weights stream to disk)."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    view = memoryview(data)
    with zf.open(info, "w", force_zip64=len(view) >= 1 << 31) as dst:
        for start in range(0, len(view), _CHUNK):
            dst.write(view[start : start + _CHUNK])


# ------------------------------------------------------------------- read
def read_archive(path, required=(CONFIG, WEIGHTS)):
    """Reads and checks a `.keras` archive.

    Args:
        path: the `.keras` file.
        required: the members that must be present.

    Returns:
        `{name: bytes}` of the known members present (`config.json`,
        `metadata.json`, `model.weights.h5`).

    Raises:
        ArchiveError: naming what is wrong with the file.
        FileNotFoundError: if `path` does not exist.
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(
            f"No such file: {path!r}. Check the path (the current folder is "
            f"{os.getcwd()!r})."
        )
    if os.path.isdir(path):
        raise ArchiveError(
            f"{path!r} is a folder. kara reads `.keras` zip files, not "
            "unzipped folders or TensorFlow SavedModels."
        )
    with open(path, "rb") as fh:
        head = fh.read(8)
    _check_magic(path, head)
    try:
        zf = zipfile.ZipFile(path, "r")
    except (zipfile.BadZipFile, OSError, EOFError) as e:
        raise ArchiveError(
            f"{path!r} is not a readable `.keras` archive: it is truncated or "
            f"corrupted ({e}). An interrupted copy or download does this; "
            "save or fetch the file again."
        ) from None
    with zf:
        infos = _check_members(path, zf.infolist())
        missing = [name for name in required if name not in infos]
        if missing:
            present = ", ".join(sorted(infos)) or "nothing"
            raise ArchiveError(
                f"{path!r} lacks the member(s) {', '.join(missing)} that "
                f"every `.keras` file has (it holds {present}). It was not "
                "written by `model.save()`, or it was altered."
            )
        return {
            name: _read_member(path, zf, info)
            for name, info in infos.items()
            if name in MEMBER_ORDER
        }


def _check_magic(path, head):
    if head[:4] == ZIP_MAGIC:
        return
    if head[:4] == b"PK\x05\x06":  # the end record only: an empty zip
        raise ArchiveError(f"{path!r} is an empty zip archive.")
    if head == b"\x89HDF\r\n\x1a\n":
        raise ArchiveError(
            f"{path!r} is an HDF5 file, not a `.keras` zip archive: a "
            "`.weights.h5` file (load it with `model.load_weights(path)` "
            "after building the model), or a legacy tf.keras `.h5` model, "
            "which kara does not read (re-save it with Keras 3 as "
            "`.keras`). Give the file its right extension."
        )
    raise ArchiveError(
        f"{path!r} is not a `.keras` file: a `.keras` file is a zip archive "
        f"starting with {ZIP_MAGIC!r}, this one starts with {head[:4]!r}. "
        "It may be truncated, or another kind of file."
    )


def _check_members(path, infos):
    if len(infos) > MAX_MEMBERS:
        raise ArchiveError(
            f"{path!r} holds {len(infos)} members; a `.keras` file holds 3. "
            "Refusing it."
        )
    by_name = {}
    for info in infos:
        name = info.filename
        if _unsafe_name(name):
            raise ArchiveError(
                f"{path!r} holds a member named {name!r}. Member names with "
                "path separators, '..' or absolute paths are refused: they "
                "could reach files outside the archive (kara's `.keras` "
                "files hold config.json, metadata.json and model.weights.h5 "
                "only)."
            )
        if name in by_name:
            raise ArchiveError(
                f"{path!r} holds two members named {name!r}; refusing an "
                "ambiguous archive."
            )
        if info.flag_bits & 0x1:
            raise ArchiveError(f"{path!r}: member {name!r} is encrypted.")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ArchiveError(
                f"{path!r}: member {name!r} uses compression method "
                f"{info.compress_type}; only stored (0) or deflated (8) "
                "members are read."
            )
        limit = MAX_MEMBER_BYTES.get(name, MAX_OTHER_MEMBER_BYTES)
        if info.file_size > limit:
            raise ArchiveError(
                f"{path!r}: member {name!r} declares {info.file_size} bytes, "
                f"more than the {limit} allowed for it. Refusing to read it."
            )
        if (
            info.compress_type != zipfile.ZIP_STORED
            and info.file_size > _EXPANSION_FLOOR
            and info.file_size > MAX_EXPANSION * max(info.compress_size, 1)
        ):
            raise ArchiveError(
                f"{path!r}: member {name!r} would expand from "
                f"{info.compress_size} to {info.file_size} bytes (a "
                "decompression bomb?). Refusing to read it."
            )
        by_name[name] = info
    return by_name


def _unsafe_name(name):
    return (
        not name
        or "/" in name
        or "\\" in name
        or "\x00" in name
        or name in (".", "..")
        or ".." in name.split("/")
        or os.path.isabs(name)
        or (len(name) > 1 and name[1] == ":")  # "C:name" on Windows
    )


def _read_member(path, zf, info):
    limit = MAX_MEMBER_BYTES.get(info.filename, MAX_OTHER_MEMBER_BYTES)
    try:
        with zf.open(info, "r") as fh:
            data = fh.read(limit + 1)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as e:
        raise ArchiveError(
            f"{path!r}: member {info.filename!r} cannot be read: the file is "
            f"truncated or corrupted ({e})."
        ) from None
    if len(data) > limit:
        raise ArchiveError(
            f"{path!r}: member {info.filename!r} holds more than the {limit} "
            "bytes allowed for it. Refusing to read it."
        )
    return data
