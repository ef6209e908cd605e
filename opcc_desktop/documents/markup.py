"""Officers' text to reportlab paragraph markup, safely.

reportlab's Paragraph parses an XML-like markup, so user text containing ``<b>``, ``&`` or
``<para>`` would be interpreted (or crash the build). Everything typed by a user goes through
:func:`escape` or :func:`inline` here; only the markup this module writes itself survives.

The narrative subset is deliberately small (what officers write in the app's text boxes):

* ``#`` and ``##`` headings; blank-line paragraphs, their lines joined as in Markdown;
* ``**bold**``, ``*italics*`` or ``_italics_``, ``***bold italics***`` and ``[label](url)``
  links;
* ``- `` bullet lists and ``1. `` numbered lists;
* a quote: lines starting with ``>``, a last line starting with a dash (``—``, ``–`` or
  ``--``) naming who said it;
* a boxed case study: a line ``::: case-study Title``, its content (anything but another
  box) and a closing line ``:::``;
* a table: a header row ``| A | B |``, a separator row ``|---|--:|`` (a colon on the right
  aligns the column right, on both sides centres it) and body rows;
* a picture stored in the workbook, on a line of its own: ``![alt text](image:NAME)``, or
  ``![alt text](image:NAME "photo")`` for a small photo that the paragraphs after it flow
  beside, or ``"signature"``. Any other ``![alt](target)`` is printed as its alt text: no
  picture is ever fetched from a web address or a file.

Italics need no letter, digit, quote or asterisk just outside their markers and no space just
inside, so generated text that quotes a symbol (``shown as "*" and "*"``, ``2 * 3 * 4``) or
names a ``snake_case_word`` prints as written.

A link becomes one only when its url is http, https or mailto (see :func:`link_target`);
reportlab would otherwise write any scheme into the PDF as a URI action (``javascript:``,
``pdf:`` opening another file) and a browser would follow it in the HTML edition, which
uses this markup too. Any other link is printed as its label, as plain text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_NOT_BESIDE = r"[\w\"'*\u2018\u2019\u201c\u201d]"  # what may not touch an italics marker outside
_BOLD_ITALIC = re.compile(rf"(?<!{_NOT_BESIDE})\*\*\*(?=[^\s*])([^*]+?)(?<=[^\s*])\*\*\*(?!{_NOT_BESIDE})")
# one pattern for both markers, so two italic spans never overlap and the tags always nest
_ITALIC = re.compile(rf"(?<!{_NOT_BESIDE})(?:\*(?=[^\s*])([^*]*?)(?<=[^\s*])\*|_(?=[^\s_])([^_]*?)(?<=[^\s_])_)"
                     rf"(?!{_NOT_BESIDE})")  # fmt: skip
# [label](url), as Qt's toMarkdown writes a link typed or pasted in the narrative editor: the
# url without spaces, quotes or angle brackets, allowing one level of parentheses (as in
# Wikipedia's addresses).
_LINK = re.compile(r"\[([^\[\]\n]+)\]\(\s*((?:[^()\s\"<>]|\([^()\s\"<>]*\))+)\s*\)")
# ![alt](anything): inside text it prints its alt text; see _PICTURE for a picture's own line
_IMAGE = re.compile(r"!\[([^\[\]\n]*)\]\(((?:[^()\n]|\([^()\n]*\))*)\)")
_PICTURE = re.compile(r'!\[([^\[\]\n]*)\]\(\s*image:([a-z0-9][a-z0-9-]{0,39})\s*(?:"([^"\n]*)"\s*)?\)')
_HELD = re.compile(r"\x00(\d+)\x00")  # markup set aside while the text around it is marked up
_TAG = re.compile(r"<[^>]*>")
LINK_SCHEMES = ("http", "https", "mailto")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^\s*[-\u2022]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d{1,3}[.)]\s+(.*)$")
_QUOTE_MARKS = re.compile(r"^(?:>\s*)+")  # a nested quote's ">>" or "> >" reads as one quote
_ATTRIBUTION = re.compile(r"^(?:\u2014|\u2013|\\?--)\s*(\S.*)$")
# Markdown's backslash escape: the punctuation after it prints as itself (the window's editor
# writes \-- at the start of a line, \* for a typed star, 1\. for a typed "1.")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_BOX = re.compile(r"^:::\s*case-study(?:\s+(.*))?$", re.IGNORECASE)
_BOX_END = ":::"
_SEPARATOR = re.compile(r"^\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?$")
_CELL_BORDER = re.compile(r"(?<!\\)\|")

BlockKind = Literal["heading", "subheading", "paragraph", "bullets", "numbered", "quote", "case_study",
                    "table", "image"]  # fmt: skip
Role = Literal["figure", "photo", "signature"]
Align = Literal["left", "right", "centre"]
ROLES: tuple[Role, ...] = ("figure", "photo", "signature")
# what both editions print, for the officers to see, where a picture cannot be shown as asked
MISSING_PICTURE = "[Picture '{name}' is missing from the workbook]"
UNREADABLE_PICTURE = "[Picture '{name}' is not a PNG or JPEG picture]"
NO_ALT_TEXT = "[Picture '{name}' has no alt text]"


def escape(text: str) -> str:
    """Plain text as paragraph markup that prints literally (no tags, no entities)."""
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", " ").replace("\n", " "))


def printed(markup: str) -> str:
    """What paragraph markup made here prints, as plain text (its tags dropped, its three
    entities read)."""
    return _TAG.sub("", markup).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def plain(text: str) -> str:
    """Officers' text as plain text: links and emphasis printed without their markers, a
    picture as its alt text (for headings, titles and the contents)."""
    return printed(inline(text))


class _Held:
    """Markup set aside as ``\\x00n\\x00`` while the text around it is marked up, so that
    emphasis never reaches into a link (or a link into emphasis) and the tags always nest."""

    def __init__(self) -> None:
        self.markup: list[str] = []

    def hold(self, markup: str) -> str:
        self.markup.append(self.restore(markup))
        return f"\x00{len(self.markup) - 1}\x00"

    def restore(self, text: str) -> str:
        return _HELD.sub(lambda held: self.markup[int(held.group(1))], text)


def inline(text: str) -> str:
    """Escaped text with ``**bold**``, ``*italics*`` and ``***both***`` marked up and
    ``[label](url)`` turned into a link (or its label alone, see :func:`link_target`); any
    ``![alt](target)`` prints its alt text."""
    held = _Held()
    text = str(text).replace("\x00", "")
    text = _ESCAPED.sub(lambda mark: held.hold(escape(mark.group(1))), text)  # as Qt's editor writes them
    text = _IMAGE.sub(lambda image: held.hold(escape(image.group(1))), text)
    text = _LINK.sub(lambda link: held.hold(_link(link.group(1), link.group(2), held)), text)
    return held.restore(_emphasis(escape(text), held))


def _emphasis(text: str, held: _Held) -> str:
    """Escaped ``text`` with its emphasis marked up: bold italics first (set aside), then
    bold, then italics within each bold span and between them, so no tag crosses another."""
    text = _BOLD_ITALIC.sub(lambda both: held.hold(f"<b><i>{both.group(1)}</i></b>"), text)
    parts = _BOLD.split(text)  # outside, inside, outside...: the bold spans at odd places
    return "".join(f"<b>{_italics(part)}</b>" if index % 2 else _italics(part) for index, part in enumerate(parts))


def _italics(text: str) -> str:
    return _ITALIC.sub(lambda span: f"<i>{span.group(1) or span.group(2)}</i>", text)


def link_target(url: str) -> str | None:
    """``url`` without whitespace and control characters if its scheme (in any case) is
    http, https or mailto; None for any other (``javascript:``, ``data:``, ``file:``...) and
    for one without a scheme."""
    cleaned = "".join(ch for ch in url if ch.isprintable() and not ch.isspace())
    scheme, colon, _ = cleaned.partition(":")
    return cleaned if colon and scheme.lower() in LINK_SCHEMES else None


def _link(label: str, url: str, held: _Held) -> str:
    shown = _emphasis(escape(label), held)
    target = link_target(url)
    return f'<a href="{escape(target)}">{shown}</a>' if target else shown


@dataclass(frozen=True)
class PictureRef:
    """A picture the text asks for: ``name`` keys the workbook's pictures, ``alt`` is its
    text alternative as typed (plain text, possibly empty) and ``role`` how it is placed."""

    name: str
    alt: str
    role: Role


def no_alt_text(picture: PictureRef) -> str:
    """The text alternative given to a picture without one: saying so, rather than an empty
    one, which would tell a screen reader the picture is decoration."""
    return NO_ALT_TEXT.format(name=picture.name).strip("[]")


@dataclass(frozen=True)
class Block:
    """One block of narrative. Text is paragraph markup (escaped) unless said otherwise:

    * heading, subheading: ``text``, plain text, to be escaped by whoever prints it;
    * paragraph: ``text``;
    * bullets, numbered: ``items``;
    * quote: ``items``, its paragraphs, and ``text``, who said it ("" when not given);
    * case_study: ``text``, its title in plain text, and ``blocks``, its content;
    * table: ``items``, the header cells, ``rows``, the body rows (each as long as the
      header) and ``aligns``, one per column;
    * image: ``picture``, and for a photo ``blocks``, the paragraphs that flow beside it.
    """

    kind: BlockKind
    text: str = ""
    items: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    aligns: tuple[Align, ...] = ()
    blocks: tuple[Block, ...] = ()
    picture: PictureRef | None = None


def parse(markdown: str) -> list[Block]:
    """Split narrative text into blocks; every piece of text comes back escaped."""
    return _parse(markdown.replace("\r\n", "\n").replace("\r", "\n").split("\n"), boxes=True)


def spaced(markdown: str) -> str:
    """``markdown`` with a blank line around each case-study fence and a bare ``>`` line
    before a quote's attribution: the same blocks (``parse`` reads both alike), in the form
    a rich-text editor keeps. Qt's editor joins lines that no blank line parts into one
    paragraph, so it would otherwise merge a fence into the text beside it and an attribution
    into the quote."""
    lines: list[str] = []
    for raw in markdown.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip()
        quoted = _QUOTE_MARKS.match(line)
        if _BOX.match(line) or line == _BOX_END:
            lines += ["", line, ""]
        elif quoted and _ATTRIBUTION.match(line[quoted.end():]) and lines and lines[-1].strip() not in (">", ""):
            lines += [">", raw]
        else:
            lines.append(raw)
    return "\n".join(lines)


def pictures_used(markdown: str) -> list[PictureRef]:
    """Every picture ``markdown`` shows, in reading order (those in case-study boxes too), so
    a check before export can list those without alt text or missing from the workbook."""
    return list(_pictures(parse(markdown)))


def _pictures(blocks: Sequence[Block]) -> list[PictureRef]:
    found: list[PictureRef] = []
    for block in blocks:
        if block.picture is not None:
            found.append(block.picture)
        found += _pictures(block.blocks)
    return found


def _parse(lines: Sequence[str], *, boxes: bool) -> list[Block]:
    """The blocks of ``lines``; a case-study box only when ``boxes`` (a box holds none)."""
    blocks: list[Block] = []
    lines_open: list[str] = []  # the open paragraph
    items: list[list[str]] = []  # the open list, one list of lines per item
    list_kind: BlockKind = "bullets"

    def close() -> None:
        if lines_open:
            blocks.append(Block("paragraph", inline(" ".join(lines_open))))
            lines_open.clear()
        if items:
            blocks.append(Block(list_kind, items=tuple(inline(" ".join(i)) for i in items)))
            items.clear()

    index = 0
    while index < len(lines):
        raw = lines[index]
        line = raw.strip()
        end = _block_end(lines, index, boxes)
        if end is not None:
            close()
            if block := _block(lines[index:end]):
                blocks.append(block)
            index = end
            continue
        index += 1
        if not line:
            close()
        elif picture := _PICTURE.fullmatch(line):
            close()
            blocks.append(Block("image", picture=_picture_ref(picture)))
        elif heading := _HEADING.match(line):
            close()
            kind: BlockKind = "heading" if len(heading.group(1)) == 1 else "subheading"
            blocks.append(Block(kind, plain(heading.group(2))))
        elif marker := _BULLET.match(raw) or _NUMBERED.match(raw):
            kind = "bullets" if marker.re is _BULLET else "numbered"
            if lines_open or (items and kind != list_kind):
                close()
            list_kind = kind
            items.append([marker.group(1).strip()])
        elif items:
            items[-1].append(line)  # a continuation of the list item (Markdown's lazy lines)
        else:
            lines_open.append(line)
    close()
    return _beside_photos(blocks)


def _block_end(lines: Sequence[str], start: int, boxes: bool) -> int | None:
    """Where the quote, table or box starting at line ``start`` ends (the index of the line
    after it: after a box's closing ``:::``, or the end of the text when it has none); None
    when none starts there."""
    line = lines[start].strip()
    if boxes and _BOX.match(line):
        return next((i + 1 for i in range(start + 1, len(lines)) if lines[i].strip() == _BOX_END), len(lines))
    if line.startswith(">"):
        return _run_end(lines, start, ">")
    if line.startswith("|") and start + 1 < len(lines) and _SEPARATOR.match(lines[start + 1].strip()):
        return _run_end(lines, start + 2, "|")
    return None


def _run_end(lines: Sequence[str], start: int, mark: str) -> int:
    end = start
    while end < len(lines) and lines[end].strip().startswith(mark):
        end += 1
    return end


def _block(lines: Sequence[str]) -> Block | None:
    """The quote, table or box that ``lines`` are (see :func:`_block_end`); None for a quote
    of bare ``>`` marks."""
    first = lines[0].strip()
    if box := _BOX.match(first):
        closed = len(lines) > 1 and lines[-1].strip() == _BOX_END
        content = lines[1:-1] if closed else lines[1:]
        return Block("case_study", plain(box.group(1) or ""), blocks=tuple(_parse(content, boxes=False)))
    if first.startswith(">"):
        return _quote(lines)
    return _table(lines)


def _quote(lines: Sequence[str]) -> Block | None:
    """A quote from its ``>`` lines: blank ones part its paragraphs; a last line starting
    with a dash, after some words, says who said it. None when it has no words."""
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        text = _QUOTE_MARKS.sub("", line.strip()).strip()
        if text:
            paragraphs[-1].append(text)
        elif paragraphs[-1]:
            paragraphs.append([])
    paragraphs = [p for p in paragraphs if p]
    if not paragraphs:
        return None
    attribution = ""
    said = _ATTRIBUTION.match(paragraphs[-1][-1])
    if said and (len(paragraphs) > 1 or len(paragraphs[-1]) > 1):
        attribution = inline(said.group(1))
        paragraphs[-1].pop()
    return Block("quote", attribution, items=tuple(inline(" ".join(p)) for p in paragraphs if p))


def _table(lines: Sequence[str]) -> Block:
    """A pipe table: header, separator and body rows; a row with too many cells loses the
    extra ones and one with too few gets empty ones."""
    header = _cells(lines[0])
    width = len(header)

    def fitted(cells: list[str]) -> tuple[str, ...]:
        return tuple(inline(cell) for cell in (cells + [""] * width)[:width])

    aligns = tuple(_align(cell) for cell in (_cells(lines[1]) + ["-"] * width)[:width])
    return Block("table", items=fitted(header), rows=tuple(fitted(_cells(line)) for line in lines[2:]),
                 aligns=aligns)  # fmt: skip


def _cells(line: str) -> list[str]:
    """A table row's cells (``\\|`` is a bar within a cell)."""
    text = line.strip()
    text = text.removeprefix("|")
    text = text[:-1] if text.endswith("|") and not text.endswith("\\|") else text
    return [cell.replace("\\|", "|").strip() for cell in _CELL_BORDER.split(text)]


def _align(separator: str) -> Align:
    if separator.endswith(":"):
        return "centre" if separator.startswith(":") else "right"
    return "left"


def _picture_ref(match: re.Match[str]) -> PictureRef:
    title = (match.group(3) or "").strip().lower()
    role: Role = next((r for r in ROLES if r == title), "figure")
    return PictureRef(match.group(2), match.group(1).strip(), role)


def _beside_photos(blocks: list[Block]) -> list[Block]:
    """A photo takes the paragraphs straight after it, which flow beside it."""
    gathered: list[Block] = []
    for block in blocks:
        last = gathered[-1] if gathered else None
        if (block.kind == "paragraph" and last is not None and last.picture is not None
                and last.picture.role == "photo"):  # fmt: skip
            gathered[-1] = replace(last, blocks=(*last.blocks, block))
        else:
            gathered.append(block)
    return gathered

