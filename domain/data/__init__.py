"""Data tables shipped with the domain library (read with importlib.resources)."""
