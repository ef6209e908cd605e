# Run at the frozen app's start in place of PyInstaller's run-time hooks for multiprocessing,
# pkgutil and pyqtgraph.multiprocess (see rthooks.dat beside this folder): the app starts no
# processes and lists no modules, and those hooks import multiprocessing, pickle, socket,
# subprocess and zipfile at every start (~10 ms of a 70 ms --help). Nothing to do.
