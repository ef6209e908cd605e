# Run at the frozen app's start in place of PyInstaller's run-time hook for PySide6 (this
# folder's parent is the spec's hookspath, whose rthooks.dat is read first; see release/bundle.py).
# PyInstaller's imports PySide6.QtCore to register a qt.conf, which PySide6's wheels already
# register themselves: loading Qt at every start cost the command line ~80 ms, --help included.
# This one only tells Qt where its plugins are, and Windows where the DLLs are.
import os
import sys

_qt = os.path.join(sys._MEIPASS, "PySide6") if sys.platform == "win32" else os.path.join(sys._MEIPASS, "PySide6", "Qt")
os.environ["QT_PLUGIN_PATH"] = os.path.join(_qt, "plugins")
if sys.platform == "win32":
    os.environ["PATH"] = sys._MEIPASS + os.pathsep + os.environ.get("PATH", "")
del _qt
