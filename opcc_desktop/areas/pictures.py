"""Pictures kept in the workbook for the reports' narrative text, which shows one with
``![alt text](image:NAME)``.

They share the ``assets`` table with the office logo, each under its own name; the name
``logo`` is the logo's (see settings.set_logo) and never a picture's. A picture is checked
as the logo is (PNG or JPEG, up to 2 MB) and, since it goes into published documents, also
decoded in full: a damaged file is refused when it is added, not when a report is exported.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any


from ..errors import NotFound, Problem, ValidationError
from ..store.changes import Changes
from ..store.user_paths import check_input
from ..store.workbook import Workbook
from .editing import recorded
from .settings import check_logo, _media_type
from .validation import refuse

LOGO_NAME = "logo"
NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
MAX_NAME = 40
MAX_SIDE = 4000  # pixels, either way: larger only makes the file bigger, never the print sharper
SIDE_RULE = f"at most {MAX_SIDE} x {MAX_SIDE} pixels"
NAME_RULE = "1-40 lowercase letters, digits and hyphens, starting with a letter or digit"
PILLOW_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG"}
PICTURE_ROLES = ("figure", "photo", "signature")  # a figure of its own, a photo beside the text, a signature
ALT_HINT = "Describe what the picture shows for someone who cannot see it"


@dataclass(frozen=True)
class PictureInfo:
    """What a list of pictures shows, without the image itself."""

    name: str
    media_type: str
    byte_size: int
    width: int  # pixels; 0 when the stored image cannot be read
    height: int

    @property
    def kind(self) -> str:
        return PILLOW_FORMATS[self.media_type]

    @property
    def summary(self) -> str:
        """'PNG, 300 x 200 pixels, 12 KB'."""
        return f"{self.kind}, {self.width} x {self.height} pixels, {file_size_text(self.byte_size)}"


def add_picture(wb: Workbook, name: str, data: bytes) -> Changes:
    """Store a picture under ``name``, replacing any picture of that name, as one edit."""
    check_picture(name, data)
    data = bytes(data)
    replacing = wb.scalar("SELECT 1 FROM assets WHERE name = ?", [name]) is not None
    description = f"{'Replace' if replacing else 'Add'} picture {name}"
    row = {"data": data, "media_type": _media_type(data)}
    with recorded(wb, "picture", description) as tx:
        if replacing:
            tx.update("assets", {"name": name}, row)
        else:
            tx.insert("assets", {"name": name, **row}, pk="name")
    return tx.changes(description)


def remove_picture(wb: Workbook, name: str) -> Changes:
    _require_picture(wb, name)
    description = f"Remove picture {name}"
    with recorded(wb, "picture", description) as tx:
        tx.delete("assets", {"name": name})
    return tx.changes(description)


def rename_picture(wb: Workbook, old: str, new: str) -> Changes:
    """Give a picture a new name. Text that shows it by the old name is not changed: it must
    be edited to name the picture anew."""
    _require_picture(wb, old)
    refuse("picture", [replace(p, field="new name") for p in _name_problems(new)])
    if new != old and wb.scalar("SELECT 1 FROM assets WHERE name = ?", [new]) is not None:
        refuse("picture", [Problem("new name", new, "is already the name of another picture",
                                   "a name not used yet, or remove that picture first")])  # fmt: skip
    description = f"Rename picture {old} to {new}"
    with recorded(wb, "picture", description) as tx:
        if new != old:
            row = tx.delete("assets", {"name": old})
            tx.insert("assets", {**row, "name": new}, pk="name")
    return tx.changes(description)


def pictures(wb: Workbook) -> list[PictureInfo]:
    """Every picture, by name, measured one at a time so that only one image is in memory."""
    listed = wb.rows("SELECT name, media_type, length(data) AS byte_size FROM assets"
                     " WHERE name <> ? ORDER BY name", [LOGO_NAME])  # fmt: skip
    return [PictureInfo(**row, **_measure(_data(wb, row["name"]))) for row in listed]


def picture_names(wb: Workbook) -> set[str]:
    return {row["name"] for row in wb.rows("SELECT name FROM assets WHERE name <> ?", [LOGO_NAME])}


def picture_data(wb: Workbook, names: Iterable[str]) -> dict[str, bytes]:
    """The images of the pictures named that exist (the logo is not a picture)."""
    wanted = sorted(set(names) - {LOGO_NAME})
    marks = ", ".join("?" for _ in wanted)
    found = wb.rows(f"SELECT name, data FROM assets WHERE name IN ({marks})", wanted) if wanted else []
    return {row["name"]: bytes(row["data"]) for row in found}


def read_picture_file(path: Path, *, workbooks: Iterable[Path] = ()) -> bytes:
    """The contents of an image file the user named (never the workbook itself), to add."""
    check_input(path, workbooks=workbooks)
    return path.read_bytes()


def file_size_text(byte_size: int) -> str:
    """'850 bytes', '12 KB', '1.4 MB'."""
    if byte_size < 1024:
        return f"{byte_size} bytes"
    if byte_size < 1024 * 1024:
        return f"{byte_size / 1024:.0f} KB"
    return f"{byte_size / (1024 * 1024):.1f} MB"


def picture_slug(text: str) -> str:
    """A valid picture name made from ``text`` (a file name, a name typed with capitals):
    accents dropped, anything else between words a hyphen."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:MAX_NAME].rstrip("-")
    if not slug:
        return "picture"
    return f"{slug}-picture" if slug == LOGO_NAME else slug


def picture_markdown(name: str, alt: str, role: str = "figure") -> str:
    """How report text shows the picture ``name``: ``![alt](image:name)`` for a figure, with the
    title "photo" (beside the text) or "signature" for the other roles. The alt text is what a
    screen reader says instead of the picture, so it cannot be left out; brackets and
    backslashes in it are escaped, as Markdown reads them."""
    problems = _name_problems(name)
    words = " ".join(str(alt).split())
    if not words:
        problems.append(Problem("alt text", None, "is missing", ALT_HINT))
    if role not in PICTURE_ROLES:
        problems.append(Problem("role", role, "is not a way of showing a picture", ", ".join(PICTURE_ROLES)))
    refuse("picture", problems)
    escaped = re.sub(r"([\\\[\]])", r"\\\1", words)
    title = "" if role == "figure" else f' "{role}"'
    return f"![{escaped}](image:{name}{title})"


def check_picture(name: Any, data: Any) -> None:
    """Refuse a picture whose name or image breaks the rules, listing every problem."""
    refuse("picture", [*_name_problems(name), *_image_problems(data)])


def _name_problems(name: Any) -> list[Problem]:
    if not isinstance(name, str):
        return [Problem("name", name, "is not text", NAME_RULE)]
    if not name:
        return [Problem("name", None, "is missing", NAME_RULE)]
    if name == LOGO_NAME:
        return [Problem("name", name, "is kept for the office logo, which is not one of the pictures",
                        f"another name, such as '{picture_slug(name)}'")]  # fmt: skip
    if NAME_PATTERN.fullmatch(name):
        return []
    suggestion = f"{NAME_RULE}, such as '{picture_slug(name)}'"
    if len(name) > MAX_NAME:
        return [Problem("name", name, f"is too long ({len(name)} characters)", suggestion)]
    return [Problem("name", name, f"has {_what_breaks(name)}", suggestion)]


def _what_breaks(name: str) -> str:
    """What in ``name`` a picture name cannot hold, in words."""
    found = []
    if any(c.isupper() for c in name):
        found.append("capital letters")
    if any(c.isspace() for c in name):
        found.append("spaces")
    others = sorted({c for c in name if not (c.isupper() or c.isspace() or re.fullmatch(r"[a-z0-9-]", c))})
    if others:
        found.append("the character" + ("s " if len(others) > 1 else " ") + " ".join(others))
    if name.startswith("-"):
        found.append("a hyphen first")
    return " and ".join(filter(None, (", ".join(found[:-1]), found[-1])))


def _image_problems(data: Any) -> list[Problem]:
    """The logo's checks (kind and size), then the image decoded in full."""
    try:
        check_logo(data)
    except ValidationError as bad:
        return [replace(p, field="image") for p in bad.problems]
    return _decoding_problems(bytes(data))


def _decoding_problems(data: bytes) -> list[Problem]:
    """Decode the image as the kind its first bytes claim: a file with a PNG or JPEG
    signature and something else after it, or one cut short, is refused here."""
    from PIL import Image  # here, not at the top: only adding a picture pays the ~10 ms it takes to load

    media_type = _media_type(data)
    kind = PILLOW_FORMATS[media_type]
    try:
        with Image.open(io.BytesIO(data), formats=[kind]) as image:
            width, height = image.size
            if width > MAX_SIDE or height > MAX_SIDE:
                return [Problem("image", f"{width} x {height} pixels", "is too large",
                                f"{SIDE_RULE}; make it smaller in an image editor")]  # fmt: skip
            image.load()
    except Image.DecompressionBombError:
        return [Problem("image", None, "claims to be far too large to open", SIDE_RULE)]
    except Exception:  # noqa: BLE001 - a damaged image fails in the decoder in many ways
        return [Problem("image", None, f"is not a readable {kind} image (it is damaged, cut short or another "
                        "kind of file renamed)", f"a {kind} file that opens in an image viewer")]  # fmt: skip
    return []


def _measure(data: bytes) -> dict[str, int]:
    """The image's width and height, read from its header alone."""
    from PIL import Image  # as in _decoding_problems

    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
    except Exception:  # noqa: BLE001 - stored by other means: an import checks only kind and size
        return {"width": 0, "height": 0}
    return {"width": width, "height": height}


def _data(wb: Workbook, name: str) -> bytes:
    return bytes(wb.scalar("SELECT data FROM assets WHERE name = ?", [name]))


def _require_picture(wb: Workbook, name: str) -> None:
    """Refuse to act on the logo or a name no picture has, naming the pictures there are."""
    if name == LOGO_NAME:
        refuse("picture", [Problem("name", name, "is the office logo, not one of the pictures",
                                   "the name of a picture")])  # fmt: skip
    if wb.scalar("SELECT 1 FROM assets WHERE name = ?", [name]) is None:
        names = sorted(picture_names(wb))
        there = f"The pictures are: {', '.join(names)}." if names else "It holds no pictures yet."
        raise NotFound(f"There is no picture named '{name}' in this workbook. {there}")
