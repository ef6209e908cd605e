"""The parts every public edition carries as an official statistics release does: main points
up front, "About these statistics" (sources, coverage, definitions, how small numbers are
protected, revisions) and a contact back page.

Main points are the officers' own when they wrote them (the ``main_points`` section), else
generated from the figures the edition prints.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..figures.disclosure import Policy, rounding_sentence, symbol_sentence

__all__ = ["about_section", "contact_section", "main_points"]



def main_points(doc: Any, written: str, generated: Sequence[str], title: str = "Main points") -> None:
    """The "Main points" section: the officers' text, else the generated bullets; left out
    when there is neither."""
    if not written.strip() and not generated:
        return
    doc.section(title)
    if written.strip():
        doc.paragraphs(written)
    else:
        doc.bullets(list(generated))


def about_section(doc: Any, *, sources: Sequence[str], coverage: str, definitions: Sequence[str],
                  policy: Policy) -> None:  # fmt: skip
    """ "About these statistics": where the figures come from, what they cover, what the terms
    mean, how small numbers are protected (the policy in words) and how revisions are shown."""
    doc.section("About these statistics")
    doc.heading("Sources and coverage")
    doc.paragraphs(" ".join([*sources, coverage]))
    if definitions:
        doc.heading("Definitions")
        doc.bullets(list(definitions))
    doc.heading("Protecting small numbers")
    doc.paragraphs(_disclosure_words(policy))
    doc.heading("Revisions")
    doc.paragraphs(_revisions(policy))


def _revisions(policy: Policy) -> str:
    symbols = policy.symbols
    return ("Figures can change after publication as late returns arrive or records are corrected. A figure "
            f"marked {symbols.provisional} is provisional and may still change; a figure published in an earlier "
            f"edition that has changed since is marked {symbols.revised}. Each edition replaces any earlier "
            "edition for the same period.")  # fmt: skip


def _disclosure_words(policy: Policy) -> str:
    """The small-number policy as a reader needs it, from the workbook's settings."""
    if not policy.active and not policy.round_to:
        return "No figures are withheld: the office's policy sets no threshold for small numbers."
    parts = []
    if policy.active:
        parts.append(
            f"So that nobody can be identified, no count of fewer than {policy.threshold} people is published. "
            + symbol_sentence(policy)
            + " A hidden count stays hidden in every table, headline and later edition of the year, and no "
            "percentage is given from which it could be worked out."
        )
    if policy.round_to:
        parts.append(rounding_sentence(policy))
    return " ".join(parts)


def contact_section(doc: Any, contact: str, office: str, details: Mapping[str, str]) -> None:
    """The back page, after any appendix (so not a numbered section): who to ask about these
    statistics (the ``release.contact`` setting, else the office), then the office's contact
    block from its details (settings ``office.*``), each part only when given."""
    doc.back_page("Contact")
    doc.paragraphs(contact.strip() or f"Questions about these statistics: {office}.")
    # the details are the officers' own text, printed through the narrative's safe subset
    address = [line.strip() for line in details.get("address", "").splitlines() if line.strip()]
    doc.paragraphs(", ".join([f"**{office}**", *address]))
    ways = [f"{label}: {value}" for label, value in (
        ("Telephone", details.get("telephone", "")),
        ("Email", f"[{details['email']}](mailto:{details['email']})" if details.get("email") else ""),
        ("Website", f"[{details['website']}]({details['website']})" if details.get("website") else ""),
    ) if value]  # fmt: skip
    holders = [line.strip() for line in details.get("holders", "").splitlines() if line.strip()]
    if ways or holders:
        doc.bullets([*ways, *holders])
