"""The Qt layer of OPCC Desktop. Imports Qt lazily: ``ui.cli`` must stay importable headless."""
