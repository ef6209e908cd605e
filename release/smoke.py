"""Starting the app's window offscreen and timing its first frame, from outside the process:
the same for the frozen bundle and a source install, so the release checks and the benchmark
treat both alike.

Qt's painting log (``QT_LOGGING_RULES=qt.widgets.painting=true``) says when the main window's
first frame is flushed to the (offscreen) screen and when a chart is drawn; the process is
ended then. Nothing is added to the app for this.
"""

from __future__ import annotations

import os
import queue
import re
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

WINDOW_SHOWN = re.compile(r"^Flushing QRegion\(.*\) of MainWindow\(")
CHART_DRAWN = re.compile(r"^Drawing QRegion\(.*\) of PlotWidget\(")
FAULT = re.compile(r"^(Traceback|Error:|\w+(Error|Exception):)")


@dataclass(frozen=True)
class Opened:
    window: float | None  # seconds from starting the process to the window's first frame
    chart: float | None  # ... to the first chart drawn (when waited for)
    output: list[str]  # what the process printed, stdout and stderr together

    def problems(self) -> list[str]:
        """The lines telling of a fault: a traceback, an exception, the command's own error."""
        return [line for line in self.output if FAULT.match(line)]


def open_window(command: Sequence[str], env: Mapping[str, str], *, chart: bool = False,
                timeout: float = 120) -> Opened:  # fmt: skip
    """Run ``command gui --demo`` offscreen until the main window's first frame (and, with
    ``chart``, the first chart) or ``timeout``; the demo workbook is built first if missing."""
    env = {**os.environ, **env, "QT_QPA_PLATFORM": "offscreen", "QT_LOGGING_RULES": "qt.widgets.painting=true"}
    began = time.perf_counter()
    process = subprocess.Popen([*command, "gui", "--demo"], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, errors="replace")  # fmt: skip
    lines: queue.Queue[str | None] = queue.Queue()
    threading.Thread(target=_read, args=(process, lines), daemon=True).start()
    output, window, drawn = [], None, None
    try:
        while time.perf_counter() - began < timeout:
            try:
                line = lines.get(timeout=max(0.01, timeout - (time.perf_counter() - began)))
            except queue.Empty:
                break
            if line is None:
                break
            now = time.perf_counter() - began
            output.append(line)
            if window is None and WINDOW_SHOWN.match(line):
                window = now
            if drawn is None and CHART_DRAWN.match(line):
                drawn = now
            if window is not None and (drawn is not None or not chart):
                break
    finally:
        process.kill()
        process.wait()
    return Opened(window, drawn, [line for line in output if not _painting(line)])


def _read(process: subprocess.Popen[str], lines: queue.Queue[str | None]) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        lines.put(line.rstrip("\n"))
    lines.put(None)


def _painting(line: str) -> bool:
    """One of the painting log's own lines (kept out of the output returned)."""
    return line.startswith(("Marking ", "Drawing ", "Flushing ", "Painting ", "Syncing ", "Sending ", "Evaluating "))
