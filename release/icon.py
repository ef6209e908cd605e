"""The app's icon, drawn from code: a report page with a bar chart on the house blue.

``resources/icons/opcc-desktop.png`` (256 px) and ``.ico`` (16 to 256 px) are made by this
module and kept in the repository; remake them after changing the drawing with
``python -m release.icon``. The bundle, the MSI's shortcut and the ``.opcc`` file type use them.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

from . import ROOT

ICONS = ROOT / "resources" / "icons"
PNG, ICO = ICONS / "opcc-desktop.png", ICONS / "opcc-desktop.ico"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
BLUE, PAGE, BARS, FOLD = "#1f3a5f", "#ffffff", ("#2a7ab0", "#2a7ab0", "#e0a526"), "#c9d6e3"


def draw(size: int = 256) -> Image.Image:
    """The icon at ``size`` pixels: drawn at 4x and scaled down, so small sizes stay smooth."""
    big = size * 4
    unit = big / 16  # a 16-unit grid keeps the shapes on whole pixels at 16 px
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=3 * unit, fill=BLUE)
    left, top, right, bottom, fold = 3 * unit, 2 * unit, 13 * unit, 14 * unit, 3 * unit
    pen.polygon([(left, top), (right - fold, top), (right, top + fold), (right, bottom), (left, bottom)], fill=PAGE)
    pen.polygon([(right - fold, top), (right - fold, top + fold), (right, top + fold)], fill=FOLD)
    for i, (height, colour) in enumerate(zip((4, 6, 8), BARS, strict=True)):
        x = left + (1.5 + 2.5 * i) * unit
        pen.rectangle((x, bottom - (1.5 + height) * unit, x + 1.8 * unit, bottom - 1.5 * unit), fill=colour)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def make(folder: Path = ICONS) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    png, ico = folder / PNG.name, folder / ICO.name
    draw(256).save(png, optimize=True)
    draw(256).save(ico, sizes=[(s, s) for s in ICO_SIZES])
    return png, ico


if __name__ == "__main__":
    for path in make():
        print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size:,} bytes)")
