"""What ``gui`` says on a terminal before and while Qt starts: the libraries Qt's X11 platform
needs but a minimal Linux lacks (Qt aborts without them, naming none), and nothing of Qt's
own chatter that means nothing to an officer.

Kept free of Qt imports: the check runs before Qt loads, so it can still explain itself.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

# The X11 (xcb) platform plugin's libraries that a desktop Linux has and a server image often
# lacks: library name (as ctypes finds it) -> the Debian/Ubuntu package holding it
XCB_LIBRARIES = {
    "xcb-cursor": "libxcb-cursor0",
    "xcb-icccm": "libxcb-icccm4",
    "xcb-keysyms": "libxcb-keysyms1",
    "xkbcommon-x11": "libxkbcommon-x11-0",
}
# Qt's offscreen platform says this on every window shown; it is not a fault
QUIET = ("This plugin does not support propagateSizeHints()",)


def uses_xcb() -> bool:
    """Whether Qt will start on X11: Linux with a DISPLAY and no other platform chosen."""
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if not sys.platform.startswith("linux") or not os.environ.get("DISPLAY"):
        return False
    return platform == "xcb" or (not platform and not os.environ.get("WAYLAND_DISPLAY"))


def missing_xcb_libraries(find: Callable[[str], str | None] | None = None) -> list[str]:
    """The packages to install before Qt can open a window on X11 here (none elsewhere);
    ``find`` looks a library up by name (ctypes' search, unless a test gives its own)."""
    if not uses_xcb():
        return []
    import ctypes.util  # here: only a Linux X11 start pays the ~6 ms it takes to load

    look = find or ctypes.util.find_library
    return [package for library, package in XCB_LIBRARIES.items() if look(library) is None]


def missing_message(packages: list[str]) -> str:
    return ("The window cannot open: Qt needs these system libraries for X11, which this machine lacks: "
            f"{', '.join(packages)}.\nInstall them (on Debian or Ubuntu: sudo apt-get install "
            f"{' '.join(packages)}) and run the command again. Every headless command (report, import, "
            "check...) works without them.")  # fmt: skip


def quiet_qt_messages() -> None:
    """Drop Qt's messages listed in :data:`QUIET`; pass every other on to stderr."""
    from PySide6.QtCore import qInstallMessageHandler

    def handler(_mode: object, _context: object, message: str) -> None:
        if message not in QUIET:
            print(message, file=sys.stderr)

    qInstallMessageHandler(handler)
