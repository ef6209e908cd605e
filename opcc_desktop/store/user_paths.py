"""Files the user names, to read or to write: never a workbook, whatever it is called.

Writing: an export given the workbook's own name (or any workbook's) would replace the
office's data with a PDF. So every output is checked first (not a workbook by name, by
identity or by its contents) and then written atomically: into a new temporary file in the
same folder (made if missing, as for every output), flushed to disk, then renamed over the
target. A failed write leaves no half
file and never replaces a good one, and a symbolic link at the target is replaced, not
written through.

Reading: POSIX drops every lock a process holds on a file as soon as the process closes *any*
handle on that file. Reading the open workbook through another name (a hard link, a symlink
called ``data.xlsx``) would therefore let a second process open it for writing beside this
one. So every input is compared by (device, inode) with the workbooks this process holds,
and their ``-wal``/``-shm`` files, before it is opened.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import UnsafePath
from . import cipher

WORKBOOK_SUFFIX, COMPANION_SUFFIXES = cipher.WORKBOOK_SUFFIX, cipher.COMPANION_SUFFIXES


def check_input(path: Path, *, workbooks: Iterable[Path] = ()) -> None:
    """Refuse to read ``path`` (or, for a folder, any file in it) when it is a workbook open in
    this process or one of ``workbooks``, under any name."""
    protected = _protected(workbooks)
    candidates = [path]
    if path.is_dir():
        candidates += sorted(path.iterdir())
    for candidate in candidates:
        if cipher.file_identity(candidate) in protected:
            raise UnsafePath(
                f"{candidate} is the workbook itself (or its journal) under another name, so it "
                "cannot be read as data. Choose the file you meant to import."
            )


def check_output(path: Path, *, workbooks: Iterable[Path] = ()) -> None:
    """Refuse, with one clear line, an output that could destroy a workbook or cannot be
    written: a workbook by name, by identity or by contents; a folder. A missing folder for it
    is made."""
    _refuse_workbook_name(path)
    _refuse_the_workbook(path, workbooks, "writing there would destroy it. Choose another file name.")
    if path.is_dir():
        raise UnsafePath(f"{path} is a folder. Give a file name inside it.")
    if path.is_file() and cipher.looks_like_workbook(path):
        raise UnsafePath(f"{path} looks like an encrypted OPCC workbook, so it was not "
                         "overwritten. Choose another file name.")  # fmt: skip
    _ensure_folder(path.parent)


def check_new_file(path: Path, *, workbooks: Iterable[Path] = ()) -> None:
    """Refuse an output that must be a new file (a backup, a restored workbook): anything
    already at ``path``, even a dangling link, is kept."""
    _refuse_the_workbook(path, workbooks, "Choose a new file name.")
    if os.path.lexists(path):
        raise UnsafePath(f"{path} already exists and was left as it is. Choose a new file name.")
    _ensure_folder(path.parent)


def check_output_folder(path: Path, *, workbooks: Iterable[Path] = ()) -> None:
    """As :func:`check_output`, for an output that is a folder of files (made if missing)."""
    _refuse_workbook_name(path)
    _refuse_the_workbook(path, workbooks, "writing there would destroy it. Choose another name.")
    if path.exists() and not path.is_dir():
        raise UnsafePath(f"{path} is a file, not a folder. Give the name of a folder to write into.")
    _ensure_folder(path.parent)


def _refuse_the_workbook(path: Path, workbooks: Iterable[Path], then: str) -> None:
    """Refuse ``path`` when it is, under any name, a workbook open here or one of ``workbooks``."""
    if cipher.file_identity(path) in _protected(workbooks):
        separator = "; " if then[:1].islower() else ". "
        raise UnsafePath(f"{path} is the workbook itself{separator}{then}")


@contextmanager
def atomic_output(path: Path, *, workbooks: Iterable[Path] = ()) -> Iterator[Path]:
    """Check ``path`` (see :func:`check_output`), then yield a new temporary file beside it to
    write; on success it is flushed to disk and renamed over ``path``, on failure removed.

    The temporary name is random and created exclusively (mode 0600), so a file or link planted
    under a predictable name cannot redirect the write.
    """
    check_output(path, workbooks=workbooks)
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        _sync(temporary)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def write_bytes(path: Path, data: bytes, *, workbooks: Iterable[Path] = ()) -> Path:
    """Write ``data`` to ``path`` atomically, after :func:`check_output`."""
    with atomic_output(path, workbooks=workbooks) as temporary:
        temporary.write_bytes(data)
    return path


def _protected(workbooks: Iterable[Path]) -> set[tuple[int, int]]:
    named = {identity for book in workbooks for identity in cipher.companion_identities(book)}
    return cipher.held_files() | named


def _refuse_workbook_name(path: Path) -> None:
    name = path.name.casefold()
    if name.endswith(WORKBOOK_SUFFIX) or any(name.endswith(WORKBOOK_SUFFIX + s) for s in COMPANION_SUFFIXES):
        raise UnsafePath(
            f"{path} has the name of an OPCC workbook file ({WORKBOOK_SUFFIX}); exports are never "
            "written there. Choose a name with the document's own extension (.pdf, .html, .xlsx)."
        )


def _ensure_folder(folder: Path) -> None:
    """Make a missing output folder (and its parents), as every output does; refuse, in one
    line, a path whose folder part names a file."""
    blocking = next((p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()), None)
    if blocking is not None:
        raise UnsafePath(f"{blocking} is a file, not a folder, so nothing can be written in {folder}. "
                         "Choose another place.")  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True)


def _sync(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (where the OS lets a folder be opened: not on Windows)."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        if stat.S_ISDIR(os.fstat(handle).st_mode):
            os.fsync(handle)
    except OSError:
        pass  # some file systems refuse fsync on a folder; the data itself is already synced
    finally:
        os.close(handle)
