"""Section, appendix, figure, table and paragraph numbers, and the outline level of every
heading: one counter shared by the PDF and the HTML editions, so both number a document
identically and nest its headings alike."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Heading:
    number: str  # "4", "4.1", "4.1.2", the appendix letter "A" or "A.1"
    text: str  # as printed: "4.1 Consultation", "Appendix A: ..."
    anchor: str  # a stable id for links and bookmarks

    @property
    def level(self) -> int:
        """Its depth in the outline: 0 for a section or appendix, 1 for 4.1, 2 for 4.1.2."""
        return self.number.count(".")


@dataclass
class Numbering:
    sections: int = 0
    subsections: int = 0
    subsubsections: int = 0
    appendices: int = 0
    figures: int = 0
    tables: int = 0
    paragraphs: int = 0
    # the number of the latest numbered heading, under which what follows is numbered; "" before
    # the first section and in an appendix, where only the appendix's subsections are (A.1)
    current: str = ""
    appendix_letter: str = ""  # the appendix the document is in, if any
    numbered_level: int = -1  # the outline level of the latest numbered heading
    last_level: int = -1  # the outline level of the latest heading of any kind

    def section(self, title: str) -> Heading:
        self.sections += 1
        self.subsections = self.subsubsections = 0
        self.appendix_letter = ""
        return self._numbered(str(self.sections), title)

    def subsection(self, title: str) -> Heading:
        """Subsection N.M of the current section, or A.M of the current appendix."""
        if not self.sections and not self.appendix_letter:
            raise ValueError("a subsection needs a section first")
        self.subsections += 1
        self.subsubsections = 0
        return self._numbered(f"{self.appendix_letter or self.sections}.{self.subsections}", title)

    def narrative_heading(self, title: str, *, minor: bool) -> Heading | None:
        """A heading written in a numbered section's text: ``#`` takes the section's next
        subsection number (shared with :meth:`subsection`) and ``##`` the next number under
        the current subsection, "3.2.1" (or the next subsection's, outside one, so the outline
        never skips a level). None where nothing is numbered (before the first section, in an
        appendix): there the heading stays unnumbered."""
        if not self.current:
            return None
        if not minor or "." not in self.current:
            return self.subsection(title)
        self.subsubsections += 1
        return self._numbered(f"{self.sections}.{self.subsections}.{self.subsubsections}", title)

    def _numbered(self, number: str, title: str) -> Heading:
        self.current = "" if self.appendix_letter else number
        self.paragraphs = 0
        prefix = "appendix" if self.appendix_letter else "section"
        heading = Heading(number, f"{number} {title}", f"{prefix}-{number}")
        self.numbered_level = self.last_level = heading.level
        return heading

    def appendix(self, title: str) -> Heading:
        self.appendices += 1
        self.subsections = self.subsubsections = 0
        letter = self.appendix_letter = chr(ord("A") + self.appendices - 1)
        self.current = ""
        self.numbered_level = self.last_level = 0
        return Heading(letter, f"Appendix {letter}: {title}", f"appendix-{letter}")

    def back_matter(self) -> None:
        """The document's last, unnumbered part (the contact page) begins: nothing after it
        is numbered, wherever the officers moved the sections before it."""
        self.current = ""

    def unnumbered_level(self, *, minor: bool) -> int:
        """The outline level of an unnumbered heading: nested under the latest numbered one,
        a ``minor`` one a level further when it follows a major one."""
        base = self.numbered_level + 1
        self.last_level = base + 1 if minor and self.last_level >= base else base
        return self.last_level

    def paragraph(self) -> str | None:
        """The next paragraph number under the latest numbered heading, for a document whose
        paragraphs are numbered: "2.1", "2.2" in section 2 and "2.3.1" in subsection 2.3.
        A paragraph takes its number in the same sequence as the headings beside it, so the
        subsection after paragraphs 2.1 and 2.2 is 2.3 and no two share a number. None where
        nothing is numbered."""
        depth = self.current.count(".")
        if not self.current:
            return None
        if depth == 0:
            self.subsections += 1
            return f"{self.current}.{self.subsections}"
        if depth == 1:
            self.subsubsections += 1
            return f"{self.current}.{self.subsubsections}"
        self.paragraphs += 1
        return f"{self.current}.{self.paragraphs}"

    def figure(self) -> int:
        self.figures += 1
        return self.figures

    def table(self) -> int:
        self.tables += 1
        return self.tables
