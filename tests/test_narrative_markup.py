"""The officers' narrative subset, parsed: italics that leave quoted symbols alone, quotes,
case-study boxes, pipe tables, pictures from the workbook (and nothing fetched from anywhere
else), and the numbers headings and paragraphs take. Whatever is typed, parsing never fails
and every piece of markup it makes is well-formed reportlab paragraph markup."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.platypus import Paragraph

from opcc_desktop.documents.numbering import Numbering
from opcc_desktop.documents.pdf import fonts
from opcc_desktop.documents.markup import Block, PictureRef, inline, parse, pictures_used, plain, spaced
from opcc_desktop.documents.pdf.styles import house_styles


def kinds(blocks: list[Block]) -> list[str]:
    return [block.kind for block in blocks]


def markup_of(blocks: list[Block]) -> list[str]:
    """Every piece of paragraph markup in ``blocks``, those inside boxes and beside photos too."""
    found: list[str] = []
    for block in blocks:
        if block.kind in ("paragraph", "quote"):
            found.append(block.text)
        found += block.items
        found += [cell for row in block.rows for cell in row]
        found += markup_of(list(block.blocks))
    return found


def well_nested(markup: str) -> bool:
    """Tags open and close in order, and only the ones markup.inline makes."""
    stack: list[str] = []
    for closing, name in re.findall(r"<(/?)(\w+)[^>]*>", markup):
        if name not in ("b", "i", "a"):
            return False
        if not closing:
            stack.append(name)
        elif not stack or stack.pop() != name:
            return False
    return not stack


# -- italics ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("an *italic* word", "an <i>italic</i> word"),
    ("an _italic_ word", "an <i>italic</i> word"),
    ("a ***bold italic*** word", "a <b><i>bold italic</i></b> word"),
    ("**bold with *italics* inside**", "<b>bold with <i>italics</i> inside</b>"),
    ("*see [the guide](https://a.b/x_y_z)*", '<i>see <a href="https://a.b/x_y_z">the guide</a></i>'),
    ("[*label*](https://a.b)", '<a href="https://a.b"><i>label</i></a>'),
    ("(*aside*), *end*.", "(<i>aside</i>), <i>end</i>."),
])  # fmt: skip
def test_italics(text: str, expected: str) -> None:
    assert inline(text) == expected


@pytest.mark.parametrize("text", [
    'A suppressed count is shown as "*" and a missing one as "*".',
    "2 * 3 * 4 = 24", "2*3*4", "snake_case_words", "__init__ and _private", "a * b", "* not * italic",
    "shown as '*' and '_'", "“*” and “*”", "file_name_v2_final", "x*y*z", "_ leading and trailing _",
])  # fmt: skip
def test_italics_leave_generated_symbols_alone(text: str) -> None:
    assert "<i>" not in inline(text)
    assert plain(text) == text


def test_headings_and_titles_are_plain_text() -> None:
    blocks = parse("# The *new* **plan** and [the guide](https://a.b)\n\n::: case-study Helping _Sam_")
    assert blocks[0] == Block("heading", "The new plan and the guide")
    assert blocks[1].text == "Helping Sam"


# -- quotes -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dash", ["\u2014", "\u2013", "--"])
def test_quote_with_paragraphs_and_who_said_it(dash: str) -> None:
    blocks = parse(f"Before.\n> It *changed* things.\n> For us.\n>\n> Second.\n> {dash} A service user\nAfter.")
    assert kinds(blocks) == ["paragraph", "quote", "paragraph"]
    quote = blocks[1]
    assert quote.items == ("It <i>changed</i> things. For us.", "Second.")
    assert quote.text == "A service user"


def test_a_dash_alone_is_what_was_said_and_nested_markers_are_one_quote() -> None:
    assert parse("> -- a saying")[0] == Block("quote", "", items=("-- a saying",))
    nested = parse(">> deep\n> > deeper\n>>> deepest\n> \u2014 Someone")
    assert nested == [Block("quote", "Someone", items=("deep deeper deepest",))]
    assert parse(">\n>>\n> >") == []  # bare marks: nothing to print


# -- case-study boxes ---------------------------------------------------------------------------------


BOX = """::: case-study Helping Sam back to work
Sam was referred in **May**.

> It gave me my confidence back.
> -- Sam

![Sam at the allotment](image:sam "photo")
Sam now volunteers.

And mentors others.

- one
- two

| Month | Visits |
|---|--:|
| May | 4 |
:::
After the box."""


def test_a_case_study_holds_paragraphs_quotes_pictures_lists_and_tables() -> None:
    box, after = parse(BOX)
    assert box.kind == "case_study" and box.text == "Helping Sam back to work"
    assert kinds(list(box.blocks)) == ["paragraph", "quote", "image", "bullets", "table"]
    photo = box.blocks[2]
    assert photo.picture == PictureRef("sam", "Sam at the allotment", "photo")
    assert [p.text for p in photo.blocks] == ["Sam now volunteers.", "And mentors others."]  # beside it
    assert after == Block("paragraph", "After the box.")


def test_unclosed_stray_and_nested_fences_never_fail() -> None:
    unclosed = parse("::: case-study Open\ntext\n\nmore")
    assert kinds(unclosed) == ["case_study"] and len(unclosed[0].blocks) == 2
    assert parse(":::") == [Block("paragraph", ":::")]  # a stray fence prints as typed
    assert parse("::: case-study") == [Block("case_study", "")]
    nested = parse("::: case-study Outer\n::: case-study Inner\ninner text\n:::\nafter\n:::")
    assert kinds(nested) == ["case_study", "paragraph"]  # no box in a box: the first ::: closes it
    assert nested[0].blocks[0].text == "::: case-study Inner inner text"
    assert parse("::: Case-Study Shouting")[0].kind == "case_study"
    assert parse("::: sidebar Other")[0] == Block("paragraph", "::: sidebar Other")


# -- tables ---------------------------------------------------------------------------------------------


def test_a_pipe_table_with_alignment_inline_markup_and_ragged_rows() -> None:
    table = parse("| Name | **Total** | Change |\n|:---|---:|:-:|\n| a \\| b | 1,234 |\n| *c* | 5 | 6 | 7 | 8 |\n")[0]
    assert table.kind == "table"
    assert table.items == ("Name", "<b>Total</b>", "Change")
    assert table.aligns == ("left", "right", "centre")
    assert table.rows == (("a | b", "1,234", ""), ("<i>c</i>", "5", "6"))  # padded and cut to the header


def test_bars_without_a_separator_row_are_text() -> None:
    assert kinds(parse("| not | a table |\n| still text |")) == ["paragraph"]
    assert parse("| A |\n|---|")[0] == Block("table", items=("A",), aligns=("left",))  # a header alone
    short = parse("| A | B | C |\n|---|\n| 1 |")[0]
    assert short.aligns == ("left", "left", "left") and short.rows == (("1", "", ""),)


# -- pictures --------------------------------------------------------------------------------------------


def test_pictures_by_role() -> None:
    text = ('![A chart](image:chart-1)\n![Portrait](image:pcc "Photo")\n![](image:sig "signature")\n'
            '![Other title](image:x9 "banner")')  # fmt: skip
    assert pictures_used(text) == [
        PictureRef("chart-1", "A chart", "figure"), PictureRef("pcc", "Portrait", "photo"),
        PictureRef("sig", "", "signature"), PictureRef("x9", "Other title", "figure"),
    ]  # fmt: skip


@pytest.mark.parametrize("target", [
    "javascript:alert(1)", "../etc/passwd", "/etc/passwd", "file:///etc/passwd", "https://example.org/x.png",
    "http://example.org/x.png", "data:image/png;base64,iVBORw0KGgo=", "image:../secret", "image:Upper",
    "image:" + "a" * 41, "image:-dash-first", "image:a b", "IMAGE:chart",
])  # fmt: skip
def test_any_other_picture_target_prints_its_alt_text(target: str) -> None:
    blocks = parse(f"![the <b>alt</b> & text]({target})")
    assert pictures_used(f"![alt]({target})") == []
    assert blocks == [Block("paragraph", "the &lt;b&gt;alt&lt;/b&gt; &amp; text")]
    assert inline(f"see ![x]({target}) here") == "see x here"


def test_pictures_used_sees_inside_boxes_and_keeps_alt_text_as_typed() -> None:
    refs = pictures_used(BOX + '\n\n![<b>bold</b> & "quoted"](image:second)')
    assert refs == [PictureRef("sam", "Sam at the allotment", "photo"),
                    PictureRef("second", '<b>bold</b> & "quoted"', "figure")]  # fmt: skip


def test_huge_alt_text_is_parsed_quickly() -> None:
    alt = "a long description " * 20_000
    start = time.perf_counter()
    (ref,) = pictures_used(f"![{alt}](image:big)")
    assert ref.alt == alt.strip() and ref.name == "big"
    assert parse(f"text ![{alt}](https://x.y) and *a " * 3)
    assert time.perf_counter() - start < 2


def test_a_picture_inside_a_paragraph_line_prints_its_alt_text() -> None:
    assert parse("See ![the chart](image:chart) here.") == [Block("paragraph", "See the chart here.")]


# -- the numbers headings and paragraphs take ---------------------------------------------------------------


def test_narrative_headings_share_the_subsection_counter() -> None:
    numbers = Numbering()
    assert numbers.narrative_heading("Before", minor=False) is None  # nothing numbered before section 1
    numbers.section("Introduction")
    assert numbers.subsection("Made by the builder").text == "1.1 Made by the builder"
    assert numbers.narrative_heading("Written", minor=False).text == "1.2 Written"  # type: ignore[union-attr]
    minor = numbers.narrative_heading("Detail", minor=True)
    assert minor is not None and (minor.text, minor.anchor, minor.level) == ("1.2.1 Detail", "section-1.2.1", 2)
    numbers.section("Next")
    promoted = numbers.narrative_heading("No subsection yet", minor=True)
    assert promoted is not None and promoted.text == "2.1 No subsection yet"
    numbers.appendix("Tables")
    assert numbers.narrative_heading("In the appendix", minor=False) is None
    assert numbers.subsection("Outcome").text == "A.1 Outcome" and numbers.paragraph() is None


def test_paragraph_numbers_follow_the_headings() -> None:
    numbers = Numbering()
    assert numbers.paragraph() is None
    numbers.section("Purpose")
    assert [numbers.paragraph() for _ in range(9)][-1] == "1.9"
    assert numbers.narrative_heading("Tenth", minor=False).text == "1.10 Tenth"  # type: ignore[union-attr]
    assert [numbers.paragraph(), numbers.paragraph()] == ["1.10.1", "1.10.2"]
    assert numbers.narrative_heading("Minor", minor=True).text == "1.10.3 Minor"  # type: ignore[union-attr]
    assert numbers.paragraph() == "1.10.3.1"
    numbers.unnumbered_level(minor=False)  # an unnumbered heading does not restart them
    assert numbers.paragraph() == "1.10.3.2"


# -- anything typed ------------------------------------------------------------------------------------------


MARKUP_ALPHABET = st.sampled_from(list("*_[]()!|:>-#\\\"'<>&;/ \n\t—–") + ["image:", "case-study", "https://",
                                   "javascript:", "**", "***", ":::", "<b>", "<para>", "&amp;", "a", "B", "1",
                                   " photo", '"signature"', "|---|", "\x00", "é"])  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(MARKUP_ALPHABET, max_size=80).map("".join))
def test_parse_never_fails_and_its_markup_builds_in_reportlab(text: str) -> None:
    fonts.register_fonts()
    style = house_styles().body
    blocks = parse(text)
    pictures_used(text)
    for markup in markup_of(blocks):
        assert well_nested(markup), markup
        Paragraph(markup, style).wrap(400, 10_000)  # reportlab's parser accepts it


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_inline_of_any_text_is_well_formed(text: str) -> None:
    markup = inline(text)
    assert well_nested(markup)
    assert "<" not in re.sub(r"</?(b|i)>|<a href=\"[^\"<>]*\">|</a>", "", markup)  # typed tags are escaped


def test_backslash_escapes_as_the_window_editor_writes_them_print_as_typed() -> None:
    """Qt's Markdown writer escapes punctuation a reader could take for markup: the
    attribution's dashes, a typed star, "1." at the start of a line."""
    quote, paragraph = parse("> Help came fast.\n> \n> \\-- A resident\n\nA \\*star\\*, 1\\. and \\\\ stay.")
    assert quote.kind == "quote" and quote.text == "A resident"
    assert paragraph.text == "A *star*, 1. and \\ stay."


@pytest.mark.parametrize("text", [
    "Intro.\n::: case-study Sam\nSam was referred.\n- one\n- two\n:::\nAfter.",
    "> Help came fast.\n> -- A resident\n\nNext.",
    "::: case-study Box\n> Quoted words.\n> \u2014 Someone\n:::",
    "> Only a quote, no attribution.",
])
def test_spaced_text_reads_the_same(text: str) -> None:
    """The form the window's editor keeps (blank lines around fences, a bare > before an
    attribution) parses to the same blocks."""
    assert parse(spaced(text)) == parse(text)
    lines = spaced(text).split("\n")
    for number, line in enumerate(lines):  # every fence a paragraph of its own
        if line.startswith(":::"):
            assert lines[number - 1:number] in ([], [""]) and lines[number + 1:number + 2] in ([], [""])
