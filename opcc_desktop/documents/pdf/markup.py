"""Officers' text to reportlab paragraph markup, safely.

reportlab's Paragraph parses an XML-like markup, so user text containing ``<b>``, ``&`` or
``<para>`` would be interpreted (or crash the build). Everything typed by a user goes through
:func:`escape` or :func:`inline` here; only the markup this module writes itself survives.

The narrative subset is deliberately small (what officers write in the app's text boxes):
``#`` and ``##`` headings, ``**bold**``, ``[label](url)`` links, ``- `` bullet lists,
``1. `` numbered lists and blank-line paragraphs. Lines within a paragraph are joined, as in
Markdown.

A link becomes one only when its url is http, https or mailto (see :func:`link_target`);
reportlab would otherwise write any scheme into the PDF as a URI action (``javascript:``,
``pdf:`` opening another file) and a browser would follow it in the HTML edition, which
uses this markup too. Any other link is printed as its label, as plain text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
# [label](url), as Qt's toMarkdown writes a link typed or pasted in the narrative editor: the
# url without spaces, quotes or angle brackets, allowing one level of parentheses (as in
# Wikipedia's addresses).
_LINK = re.compile(r"\[([^\[\]\n]+)\]\(\s*((?:[^()\s\"<>]|\([^()\s\"<>]*\))+)\s*\)")
_HELD = re.compile(r"\x00(\d+)\x00")  # a link set aside while the text around it is marked up
LINK_SCHEMES = ("http", "https", "mailto")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^\s*[-\u2022]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d{1,3}[.)]\s+(.*)$")

BlockKind = Literal["heading", "subheading", "paragraph", "bullets", "numbered"]


def escape(text: str) -> str:
    """Plain text as paragraph markup that prints literally (no tags, no entities)."""
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", " ").replace("\n", " "))


def inline(text: str) -> str:
    """Escaped text with ``**bold**`` turned into bold and ``[label](url)`` into a link (or
    its label alone, see :func:`link_target`). Links are set aside while the text around them
    is marked up, so a bold span holds whole links or none and the tags always nest."""
    links: list[str] = []

    def hold(match: re.Match[str]) -> str:
        links.append(_link(match.group(1), match.group(2)))
        return f"\x00{len(links) - 1}\x00"

    marked = _BOLD.sub(r"<b>\1</b>", escape(_LINK.sub(hold, str(text).replace("\x00", ""))))
    return _HELD.sub(lambda held: links[int(held.group(1))], marked)


def link_target(url: str) -> str | None:
    """``url`` without whitespace and control characters if its scheme (in any case) is
    http, https or mailto; None for any other (``javascript:``, ``data:``, ``file:``...) and
    for one without a scheme."""
    cleaned = "".join(ch for ch in url if ch.isprintable() and not ch.isspace())
    scheme, colon, _ = cleaned.partition(":")
    return cleaned if colon and scheme.lower() in LINK_SCHEMES else None


def _link(label: str, url: str) -> str:
    shown = _BOLD.sub(r"<b>\1</b>", escape(label))
    target = link_target(url)
    return f'<a href="{escape(target)}">{shown}</a>' if target else shown


@dataclass(frozen=True)
class Block:
    """One block of narrative: a heading (``text`` is plain text, to be escaped by whoever
    prints it), a paragraph (``text`` is paragraph markup) or a list (``items``, markup)."""

    kind: BlockKind
    text: str = ""
    items: tuple[str, ...] = ()


def parse(markdown: str) -> list[Block]:
    """Split narrative text into blocks; every piece of text comes back escaped."""
    blocks: list[Block] = []
    lines: list[str] = []  # the open paragraph
    items: list[list[str]] = []  # the open list, one list of lines per item
    list_kind: BlockKind = "bullets"

    def close() -> None:
        if lines:
            blocks.append(Block("paragraph", inline(" ".join(lines))))
            lines.clear()
        if items:
            blocks.append(Block(list_kind, items=tuple(inline(" ".join(i)) for i in items)))
            items.clear()

    for raw in markdown.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip()
        if not line:
            close()
            continue
        if heading := _HEADING.match(line):
            close()
            kind: BlockKind = "heading" if len(heading.group(1)) == 1 else "subheading"
            blocks.append(Block(kind, _LINK.sub(r"\1", _BOLD.sub(r"\1", heading.group(2)))))
            continue
        marker = _BULLET.match(raw) or _NUMBERED.match(raw)
        if marker:
            kind = "bullets" if marker.re is _BULLET else "numbered"
            if lines or (items and kind != list_kind):
                close()
            list_kind = kind
            items.append([marker.group(1).strip()])
        elif items:
            items[-1].append(line)  # a continuation of the list item (Markdown's lazy lines)
        else:
            lines.append(line)
    close()
    return blocks
