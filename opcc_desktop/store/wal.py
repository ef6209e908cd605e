"""The write-ahead log read as SQLite's recovery reads it, to tell when it would drop saved edits.

After a crash, edits committed but not yet copied into the workbook are in its ``-wal`` file.
SQLite replays that log frame by frame and stops, without a word, at the first frame whose
salts or checksum do not match, taking it for a write torn by the crash. That is right for the
last frame written; but when a byte further back is damaged, the transactions committed (and
acknowledged) after it are silently lost. So the log is read here as SQLite reads it, and each
frame is also checked on its own, against the checksum stored in the frame before it: a sound
commit frame beyond the point where SQLite stops is a saved transaction it will not read,
unless a checkpoint had already copied it into the workbook (its pages are there, byte for
byte). Damage to the very last frame cannot be told from a write torn by a crash.

Format (https://www.sqlite.org/fileformat2.html#walformat): a 32-byte header (magic, version,
page size, checkpoint sequence, two salts, a checksum of its first 24 bytes), then frames: a
24-byte header (page number; the database size in pages for the last frame of a transaction,
else 0; the salts; a checksum running on from the frame before, over the first 8 bytes of the
frame header and the page) followed by the page as SQLCipher wrote it (encrypted).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from ..errors import counted
from .cipher import PAGE_SIZE, WAL_FRAME_HEADER, WAL_HEADER, has_log

HEADER, FRAME_HEADER = WAL_HEADER, WAL_FRAME_HEADER
MAGIC_LITTLE, MAGIC_BIG = 0x377F0682, 0x377F0683  # the byte order of the checksums' words
VERSION = 3007000
CHUNK_FRAMES = 2048  # frames checked at once (about 17 MB of numbers for 4 KB pages)


@dataclass(frozen=True)
class LogDamage:
    """Where SQLite stops reading the log, and the saved transactions it would drop."""

    frame: int  # the first frame SQLite rejects, counted from 1
    frames: int  # whole frames in the file
    lost: int  # sound transactions committed after it, not in the workbook

    def __str__(self) -> str:
        return (f"damaged at frame {self.frame:,} of {self.frames:,}: "
                f"{counted(self.lost, 'saved transaction')} from there on cannot be read")  # fmt: skip


@dataclass(frozen=True)
class _Frames:
    """Every whole frame of a log: page number, commit flag, and sound (salts and checksum)."""

    pages: Any  # numpy arrays, one item a frame
    commits: Any
    sound: Any
    page_size: int


def log_path(workbook: Path) -> Path:
    return Path(f"{workbook}-wal")


def log_damage(workbook: Path) -> LogDamage | None:
    """The damage in ``workbook``'s log that would lose saved transactions, or None.

    Reads the workbook file itself when there is damage, so never call it while this process
    holds the workbook (see ``cipher.Connection``). Nor while another process writes the log: a
    frame half-written as it is read would look damaged (a writer holds the workbook
    exclusively, so a refused connection tells)."""
    if not has_log(workbook):
        return None
    with log_path(workbook).open("rb") as log:
        header = log.read(HEADER)
        magic, version, page_size, _, salt1, salt2, sum1, sum2 = struct.unpack(">8I", header)
        order = ">" if magic == MAGIC_BIG else "<"
        sound_size = 512 <= page_size <= 65536 and page_size & (page_size - 1) == 0
        sound = (magic in (MAGIC_LITTLE, MAGIC_BIG) and version == VERSION and sound_size
                 and _checksum(header[:24], order, (0, 0)) == (sum1, sum2))  # fmt: skip
        if sound:
            frames = _frames(log, page_size, order, (salt1, salt2), (sum1, sum2))
        else:  # SQLite ignores the whole log; its frames are read as written (salts from the first)
            log.seek(HEADER + 8)
            salts = struct.unpack(">2I", log.read(8))
            frames = max((_frames(log, PAGE_SIZE, either, salts, (sum1, sum2)) for either in "<>"),
                         key=lambda found: int(found.sound.sum()))  # fmt: skip
        return _damage(workbook, log, frames, sound)


def _frames(log: BinaryIO, page_size: int, order: str, salts: tuple[int, int], seed: tuple[int, int]) -> _Frames:
    """Read every whole frame after the header (a partial last one is a torn write)."""
    import numpy as np  # only when a log is left behind: numpy takes 0.2 s to import

    frame_size = FRAME_HEADER + page_size
    log.seek(HEADER)
    pages, commits, sound = [], [], []
    while (chunk := log.read(CHUNK_FRAMES * frame_size)) and (count := len(chunk) // frame_size):
        raw = np.frombuffer(chunk, np.uint8, count * frame_size).reshape(count, frame_size)
        fields = raw[:, :FRAME_HEADER].copy().view(">u4").astype(np.uint64)  # (count, 6)
        stored = fields[:, 4:6]
        seeds = np.vstack([np.array([seed], np.uint64), stored[:-1]])  # each frame on its own
        checked = (_checksums(raw[:, :8], raw[:, FRAME_HEADER:], order=order, seeds=seeds) == stored).all(axis=1)
        pages.append(fields[:, 0])
        commits.append(fields[:, 1] != 0)
        sound.append(checked & (fields[:, 0] != 0) & (fields[:, 2] == salts[0]) & (fields[:, 3] == salts[1]))
        seed = (int(stored[-1, 0]), int(stored[-1, 1]))
    empty = np.zeros(0, np.uint64)
    return _Frames(*(np.concatenate(part or [empty]) for part in (pages, commits, sound)), page_size)


def _damage(workbook: Path, log: BinaryIO, frames: _Frames, header_sound: bool) -> LogDamage | None:
    """SQLite reads the unbroken run of sound frames from the start (none if the header is
    unsound); sound commit frames after it (and the first frame it rejects, when that says it
    is one) end transactions it drops, unless a checkpoint had copied them into the workbook."""
    import numpy as np

    read = int(np.argmin(frames.sound)) if not frames.sound.all() else len(frames.sound)
    read = read if header_sound else 0
    after = frames.sound[read:] & frames.commits[read:]
    if not after.any():
        return None
    last = int(np.flatnonzero(after)[-1]) + read
    if _in_workbook(workbook, log, frames, range(read, last + 1)):
        return None
    lost = int(after.sum()) + bool(frames.commits[read] and not frames.sound[read])  # the damaged frame's own
    return LogDamage(read + 1, len(frames.sound), lost)


def _in_workbook(workbook: Path, log: BinaryIO, frames: _Frames, span: range) -> bool:
    """Whether the last version of each page the sound frames of ``span`` wrote is in the
    workbook file byte for byte (a checkpoint copies the log's pages unchanged)."""
    latest = {int(frames.pages[i]): i for i in span if frames.sound[i]}
    size = frames.page_size
    with workbook.open("rb") as book:
        for page, index in latest.items():
            log.seek(HEADER + index * (FRAME_HEADER + size) + FRAME_HEADER)
            book.seek((page - 1) * size)
            if log.read(size) != book.read(size):
                return False
    return True


def _checksum(data: bytes, order: str, seed: tuple[int, int]) -> tuple[int, int]:
    """SQLite's checksum of ``data`` (whole pairs of 32-bit words), running on from ``seed``."""
    s1, s2 = seed
    words = struct.unpack(f"{order}{len(data) // 4}I", data)
    for x0, x1 in zip(words[::2], words[1::2]):
        s1 = (s1 + x0 + s2) & 0xFFFFFFFF
        s2 = (s2 + x1 + s1) & 0xFFFFFFFF
    return s1, s2


def _checksums(*parts: Any, order: str, seeds: Any) -> Any:
    """:func:`_checksum` of many frames at once, running over ``parts`` in turn (each
    (frames, bytes) uint8), from ``seeds`` ((frames, 2) uint64); returns (frames, 2) uint64.

    SQLite's loop (``s1 += x0 + s2; s2 += x1 + s1`` over pairs of words) is linear: each pair
    ``w`` takes the sums ``s`` to ``M s + B w`` with ``M = [[1, 1], [1, 2]]`` and
    ``B = [[1, 0], [1, 1]]``, so after ``n`` pairs ``s = M^n seed + sum_j M^(n-1-j) B w_j``:
    one matrix product a frame, which numpy does for every frame at once (a Python loop takes
    0.1 ms a page). uint64 arithmetic wraps at 2**64, a multiple of 2**32, so the low 32 bits
    come out exact."""
    import numpy as np

    words = [part.view(f"{order}u4").astype(np.uint64) for part in parts]
    weights = _weights(sum(w.shape[1] for w in words) // 2)
    total = seeds @ weights[:2]
    start = 2
    for part in words:
        total += part @ weights[start : start + part.shape[1]]
        start += part.shape[1]
    return total & np.uint64(0xFFFFFFFF)


_WEIGHTS: dict[int, Any] = {}


def _weights(pairs: int) -> Any:
    """The matrices that take a seed and ``pairs`` pairs of words to the checksum, stacked to
    multiply rows of words: rows 0-1 (M^n) for the seed, then two for each word, (2n + 2, 2)
    uint64 (mod 2**32). Made once a page size."""
    import numpy as np

    if pairs not in _WEIGHTS:
        powers, (a, b, c, d) = [], (1, 0, 0, 1)  # M^k, from k = 0
        for _ in range(pairs + 1):
            powers.append((a, b, c, d))
            a, b, c, d = (a + c) & 0xFFFFFFFF, (b + d) & 0xFFFFFFFF, (a + 2 * c) & 0xFFFFFFFF, (b + 2 * d) & 0xFFFFFFFF
        a, b, c, d = powers[pairs]
        rows = [(a, c), (b, d)]  # seed @ rows = (M^n seed) as a row
        for k in range(pairs - 1, -1, -1):  # word pair j takes M^(n-1-j) B = [[a + b, b], [c + d, d]]
            a, b, c, d = powers[k]
            rows += [((a + b) & 0xFFFFFFFF, (c + d) & 0xFFFFFFFF), (b, d)]
        _WEIGHTS[pairs] = np.array(rows, dtype=np.uint64)
    return _WEIGHTS[pairs]
