"""Pictures kept in the workbook for report text: what each action stores and refuses, undo,
the Markdown that shows one, and the ``picture`` command on a copy of the demo workbook."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from action_helpers import ops, problem, refused
from click.testing import CliRunner
from conftest import DEMO_PASSPHRASE
from PIL import Image

from opcc_desktop.areas import settings
from opcc_desktop.areas.pictures import (
    PictureInfo,
    add_picture,
    check_picture,
    file_size_text,
    picture_data,
    picture_markdown,
    picture_names,
    picture_slug,
    pictures,
    read_picture_file,
    remove_picture,
    rename_picture,
)
from opcc_desktop.errors import NotFound, UnsafePath, ValidationError
from opcc_desktop.store.workbook import Workbook
from ui.cli import main


def image(width: int = 30, height: int = 20, kind: str = "PNG", colour: str = "teal") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, kind)
    return out.getvalue()


def noisy_png() -> bytes:
    """A PNG whose pixels do not compress away, so that cutting it short loses some."""
    out = io.BytesIO()
    Image.effect_noise((200, 200), 60).save(out, "PNG")
    return out.getvalue()


PNG, JPEG = image(), image(40, 30, "JPEG")


# -- storing -------------------------------------------------------------------------------------
def test_a_picture_is_added_listed_and_read_back(wb) -> None:
    changes = add_picture(wb, "crest", PNG)
    assert changes.description == "Add picture crest"
    assert [(r.table, r.key, r.op) for r in changes.rows] == [("assets", {"name": "crest"}, "insert")]
    add_picture(wb, "portrait", JPEG)
    assert pictures(wb) == [PictureInfo("crest", "image/png", len(PNG), 30, 20),
                            PictureInfo("portrait", "image/jpeg", len(JPEG), 40, 30)]  # fmt: skip
    assert picture_names(wb) == {"crest", "portrait"}
    assert picture_data(wb, ["portrait", "crest", "missing"]) == {"crest": PNG, "portrait": JPEG}
    assert pictures(wb)[0].summary == f"PNG, 30 x 20 pixels, {len(PNG)} bytes"


def test_the_logo_is_not_a_picture(wb) -> None:
    settings.set_logo(wb, PNG)
    add_picture(wb, "crest", JPEG)
    assert [p.name for p in pictures(wb)] == ["crest"]
    assert picture_names(wb) == {"crest"}
    assert picture_data(wb, ["logo", "crest"]) == {"crest": JPEG}
    error = refused(wb, add_picture, "logo", PNG)
    assert "kept for the office logo" in problem(error, "name").message
    with pytest.raises(ValidationError, match="office logo"):
        remove_picture(wb, "logo")
    with pytest.raises(ValidationError, match="office logo"):
        rename_picture(wb, "logo", "crest-2")
    assert settings.logo(wb) == PNG


def test_adding_under_a_name_in_use_replaces_the_picture_and_undo_restores_it(wb) -> None:
    add_picture(wb, "crest", PNG)
    changes = add_picture(wb, "crest", JPEG)
    assert changes.description == "Replace picture crest"
    assert ops(changes) == [("assets", "update")]
    assert picture_data(wb, ["crest"]) == {"crest": JPEG}
    assert pictures(wb)[0].media_type == "image/jpeg"
    wb.revert(changes.edit_id)
    assert picture_data(wb, ["crest"]) == {"crest": PNG}
    assert not add_picture(wb, "crest", PNG)  # the same image again changes nothing


def test_remove_and_undo(wb) -> None:
    add_picture(wb, "crest", PNG)
    changes = remove_picture(wb, "crest")
    assert ops(changes) == [("assets", "delete")]
    assert pictures(wb) == []
    wb.revert(changes.edit_id)
    assert picture_data(wb, ["crest"]) == {"crest": PNG}


def test_removing_a_missing_picture_names_those_there_are(wb) -> None:
    with pytest.raises(NotFound, match="no picture named 'crest'.*holds no pictures yet"):
        remove_picture(wb, "crest")
    add_picture(wb, "badge", PNG)
    with pytest.raises(NotFound, match="The pictures are: badge"):
        remove_picture(wb, "crest")


def test_rename_keeps_the_image_and_undo_restores_the_old_name(wb) -> None:
    add_picture(wb, "crest", PNG)
    changes = rename_picture(wb, "crest", "office-crest")
    assert changes.description == "Rename picture crest to office-crest"
    assert picture_data(wb, ["crest", "office-crest"]) == {"office-crest": PNG}
    wb.revert(changes.edit_id)
    assert picture_names(wb) == {"crest"}
    assert not rename_picture(wb, "crest", "crest")


def test_rename_refuses_a_name_in_use_a_bad_name_and_a_missing_picture(wb) -> None:
    add_picture(wb, "crest", PNG)
    add_picture(wb, "badge", JPEG)
    error = refused(wb, rename_picture, "crest", "badge")
    assert problem(error, "new name").message == "is already the name of another picture"
    error = refused(wb, rename_picture, "crest", "Office Crest")
    assert "office-crest" in problem(error, "new name").allowed
    with pytest.raises(NotFound):
        rename_picture(wb, "seal", "seal-2")


# -- names ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["a", "9", "crest-2", "2023-photo", "a" * 40, "a-"])
def test_names_allowed(wb, name: str) -> None:
    add_picture(wb, name, PNG)
    assert picture_names(wb) == {name}


@pytest.mark.parametrize(("name", "message", "suggested"), [
    ("Crest", "has capital letters", "crest"),
    ("my crest", "has spaces", "my-crest"),
    ("My Crest!", "has capital letters, spaces and the character !", "my-crest"),
    ("crest_1.png", "has the characters . _", "crest-1-png"),
    ("-crest", "has a hyphen first", "crest"),
    ("Café", "has capital letters and the character é", "cafe"),
    ("a" * 41, "is too long (41 characters)", "a" * 40),
])  # fmt: skip
def test_a_bad_name_says_what_is_wrong_and_suggests_one(wb, name: str, message: str, suggested: str) -> None:
    found = problem(refused(wb, add_picture, name, PNG), "name")
    assert found.message == message
    assert found.allowed.endswith(f"such as '{suggested}'")
    assert "lowercase letters, digits and hyphens" in found.allowed


@pytest.mark.parametrize("name", ["", None, 7])
def test_a_missing_or_non_text_name_is_refused(wb, name: object) -> None:
    refused(wb, add_picture, name, PNG)


@pytest.mark.parametrize(("text", "slug"), [
    ("Office Crest (final).PNG", "office-crest-final-png"),
    ("Café crest", "cafe-crest"),
    ("logo", "logo-picture"),
    ("!!!", "picture"),
    ("x" * 39 + " y", "x" * 39),
])  # fmt: skip
def test_slug(text: str, slug: str) -> None:
    assert picture_slug(text) == slug
    check_picture(slug, PNG)


# -- images --------------------------------------------------------------------------------------
def test_a_bad_name_and_a_bad_image_are_both_reported(wb) -> None:
    error = refused(wb, add_picture, "My Crest", b"GIF89a" + bytes(20))
    assert {p.field for p in error.problems} == {"name", "image"}
    assert str(error).startswith("Cannot save picture: ") and str(error).endswith("Nothing was changed.")


@pytest.mark.parametrize(("data", "message"), [
    (b"GIF89a" + bytes(40), "is not a PNG or JPEG image"),
    (b"", "is not a PNG or JPEG image"),
    ("crest.png", "is not image data"),
    (PNG[:8] + bytes(200), "is not a readable PNG image"),  # a PNG signature, then nothing of a PNG
    (noisy_png()[:-2000], "is not a readable PNG image"),  # cut short
    (JPEG[:200], "is not a readable JPEG image"),
    (b"\xff\xd8\xff\xe0" + PNG, "is not a readable JPEG image"),  # a JPEG signature on a PNG
])  # fmt: skip
def test_an_image_that_is_not_a_whole_png_or_jpeg_is_refused(wb, data: object, message: str) -> None:
    assert problem(refused(wb, add_picture, "crest", data), "image").message.startswith(message)


def test_the_logo_size_limit_applies(wb) -> None:
    too_big = PNG + bytes(settings.MAX_LOGO_BYTES)
    found = problem(refused(wb, add_picture, "crest", too_big), "image")
    assert found.message == "is too large" and found.allowed == "up to 2 MB"


@pytest.mark.parametrize(("width", "height"), [(4001, 10), (10, 4001)])
def test_more_than_4000_pixels_either_way_is_refused(wb, width: int, height: int) -> None:
    found = problem(refused(wb, add_picture, "crest", image(width, height)), "image")
    assert found.value == f"{width} x {height} pixels"
    assert found.allowed.startswith("at most 4000 x 4000 pixels")


def test_a_header_claiming_a_vast_image_is_refused_before_decoding(wb) -> None:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = chunk(b"IHDR", struct.pack(">IIBBBBB", 20_000, 20_000, 8, 2, 0, 0, 0))
    vast = PNG[:8] + header + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")
    found = problem(refused(wb, add_picture, "crest", vast), "image")
    assert found.message == "claims to be far too large to open"


def test_4000_by_4000_pixels_is_allowed(wb) -> None:
    out = io.BytesIO()
    Image.new("L", (4000, 4000), 200).save(out, "PNG")
    add_picture(wb, "large", out.getvalue())
    assert (pictures(wb)[0].width, pictures(wb)[0].height) == (4000, 4000)


def test_a_picture_file_is_read_but_never_the_workbook(wb, tmp_path: Path) -> None:
    path = tmp_path / "crest.png"
    path.write_bytes(PNG)
    assert read_picture_file(path) == PNG
    with pytest.raises(UnsafePath):
        read_picture_file(wb.path)


@pytest.mark.parametrize(("size", "text"), [(850, "850 bytes"), (12_500, "12 KB"), (1_500_000, "1.4 MB")])
def test_file_size_text(size: int, text: str) -> None:
    assert file_size_text(size) == text


# -- Markdown ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("role", "markdown"), [
    ("figure", "![The office crest](image:crest)"),
    ("photo", '![The office crest](image:crest "photo")'),
    ("signature", '![The office crest](image:crest "signature")'),
])  # fmt: skip
def test_markdown_for_each_role(role: str, markdown: str) -> None:
    assert picture_markdown("crest", "  The office\ncrest ", role) == markdown


def test_markdown_escapes_brackets_in_the_alt_text() -> None:
    assert picture_markdown("crest", r"The [old] crest \ badge") == r"![The \[old\] crest \\ badge](image:crest)"


@pytest.mark.parametrize(("name", "alt", "role", "field"), [
    ("crest", "  ", "figure", "alt text"),
    ("crest", "Crest", "banner", "role"),
    ("Crest", "Crest", "figure", "name"),
    ("logo", "Crest", "figure", "name"),
])  # fmt: skip
def test_markdown_needs_alt_text_a_role_and_a_picture_name(name: str, alt: str, role: str, field: str) -> None:
    with pytest.raises(ValidationError) as info:
        picture_markdown(name, alt, role)
    assert problem(info.value, field)


# -- the exchange workbook -----------------------------------------------------------------------
def test_pictures_survive_the_exchange_workbook(wb, tmp_path: Path) -> None:
    from opcc_desktop.exchange.export import export_data
    from opcc_desktop.exchange.importing import import_file

    add_picture(wb, "crest", PNG)
    export_data(wb, tmp_path / "out.xlsx")
    with Workbook.create(tmp_path / "copy.opcc", "another passphrase") as copy:
        import_file(copy, tmp_path / "out.xlsx")
        assert picture_data(copy, ["crest"]) == {"crest": PNG}


# -- the command line ----------------------------------------------------------------------------
ENV = {"OPCC_PASSPHRASE": DEMO_PASSPHRASE}


def run(*args: object, env: dict[str, str] | None = ENV):
    return CliRunner().invoke(main, ["picture", *map(str, args)], env=env, catch_exceptions=False)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def demo_copy(tmp_path: Path, demo_path: Path) -> Path:
    path = tmp_path / "demo.opcc"
    shutil.copy(demo_path, path)
    return path


@pytest.fixture
def crest_file(tmp_path: Path) -> Path:
    path = tmp_path / "crest.png"
    path.write_bytes(image(300, 200))
    return path


def stored(path: Path) -> set[str]:
    with Workbook.open(path, DEMO_PASSPHRASE, readonly=True) as book:
        return picture_names(book)


def test_cli_add_list_rename_remove(demo_copy: Path, crest_file: Path) -> None:
    assert run(demo_copy, "list").output == "demo.opcc holds 0 pictures.\n"
    added = run(demo_copy, "add", "crest", crest_file)
    assert added.exit_code == 0, added.output
    assert added.output.startswith("Added the picture crest (PNG, 300 x 200 pixels, ")
    assert "![what it shows](image:crest)" in added.output
    assert run(demo_copy, "add", "crest", crest_file).output.startswith("Replaced the picture crest")
    assert run(demo_copy, "add", "portrait-of-the-commissioner", crest_file).exit_code == 0
    listing = run(demo_copy, "list").output.splitlines()
    assert listing[0] == "demo.opcc holds 2 pictures:"
    assert listing[1].split() == ["crest", "PNG,", "300", "x", "200", "pixels,", str(crest_file.stat().st_size),
                                  "bytes"]  # fmt: skip
    renamed = run(demo_copy, "rename", "crest", "office-crest")
    assert renamed.exit_code == 0 and "must now say image:office-crest" in renamed.output
    assert run(demo_copy, "remove", "portrait-of-the-commissioner").exit_code == 0
    assert stored(demo_copy) == {"office-crest"}


def test_cli_takes_the_passphrase_file_after_the_action(demo_copy: Path, crest_file: Path, tmp_path: Path) -> None:
    secret = tmp_path / "pass.txt"
    secret.write_text(DEMO_PASSPHRASE + "\n", encoding="utf-8")
    result = run(demo_copy, "add", "crest", crest_file, "--passphrase-file", secret, env=None)
    assert result.exit_code == 0, result.output
    assert stored(demo_copy) == {"crest"}


@pytest.mark.parametrize(("args", "said"), [
    (("add", "My Crest", "{crest}"), ("Error: Cannot save picture: name: 'My Crest' has capital letters and "
                                      "spaces (allowed: 1-40 lowercase letters, digits and hyphens, starting with "
                                      "a letter or digit, such as 'my-crest'). Nothing was changed.")),
    (("add", "crest", "{damaged}"), "Error: Cannot save picture: image is not a readable PNG image"),
    (("add", "crest", "{missing}"), "Error: No such file or directory"),
    (("add", "crest", "{workbook}"), "is the workbook itself"),
    (("remove", "seal"), "Error: There is no picture named 'seal' in this workbook. It holds no pictures yet."),
    (("rename", "seal", "badge"), "Error: There is no picture named 'seal'"),
])  # fmt: skip
def test_cli_refusals_are_one_line_and_change_nothing(
    demo_copy: Path, crest_file: Path, tmp_path: Path, args: tuple[str, ...], said: str
) -> None:
    damaged = tmp_path / "damaged.png"
    damaged.write_bytes(crest_file.read_bytes()[:8] + bytes(100))
    files = {"crest": crest_file, "damaged": damaged, "missing": tmp_path / "missing.png", "workbook": demo_copy}
    before = sha(demo_copy)
    result = run(demo_copy, *(arg.format(**files) for arg in args))
    assert result.exit_code == 1
    assert said in result.output
    assert result.output.count("\n") == 1 and "Traceback" not in result.output
    assert sha(demo_copy) == before


def test_cli_without_a_passphrase_says_how_to_give_one(demo_copy: Path) -> None:
    result = CliRunner().invoke(main, ["picture", str(demo_copy), "list"])
    assert result.exit_code == 1
    assert "OPCC_PASSPHRASE" in result.output and result.output.count("\n") == 1


def test_cli_picture_never_loads_qt(demo_copy: Path) -> None:
    code = (
        "import sys\n"
        "from ui.cli import main\n"
        "try:\n"
        f"    main(['picture', {str(demo_copy)!r}, 'list'])\n"
        "except SystemExit as stop:\n"
        "    assert stop.code in (0, None), stop.code\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6')]\n"
        "assert not loaded, loaded\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False,
                          env={**ENV, "PATH": "", "OPCC_DATA_DIR": os.environ["OPCC_DATA_DIR"]})  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "holds 0 pictures" in done.stdout
