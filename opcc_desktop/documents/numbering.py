"""Section, appendix, figure and table numbers: one counter shared by the PDF and the HTML
editions, so both number a document identically."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Heading:
    number: str  # "4", "4.1" or the appendix letter "A"
    text: str  # as printed: "4.1 Consultation", "Appendix A: ..."
    anchor: str  # a stable id for links and bookmarks


@dataclass
class Numbering:
    sections: int = 0
    subsections: int = 0
    appendices: int = 0
    figures: int = 0
    tables: int = 0

    def section(self, title: str) -> Heading:
        self.sections += 1
        self.subsections = 0
        number = str(self.sections)
        return Heading(number, f"{number} {title}", f"section-{number}")

    def subsection(self, title: str) -> Heading:
        if not self.sections:
            raise ValueError("a subsection needs a section first")
        self.subsections += 1
        number = f"{self.sections}.{self.subsections}"
        return Heading(number, f"{number} {title}", f"section-{number}")

    def appendix(self, title: str) -> Heading:
        self.appendices += 1
        letter = chr(ord("A") + self.appendices - 1)
        return Heading(letter, f"Appendix {letter}: {title}", f"appendix-{letter}")

    def figure(self) -> int:
        self.figures += 1
        return self.figures

    def table(self) -> int:
        self.tables += 1
        return self.tables
