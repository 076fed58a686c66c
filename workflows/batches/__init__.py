"""Loaded files that are not the run's own step: Replacement SSIDs, the SELA import, the SENR ODS
audit, and what every loaded batch shares (:mod:`~workflows.batches.shared`: read whole before
anything is written, preview kept, apply and undo by compare-and-set with a journal).

The batch services read top to bottom: plan (read and check the file, work out the preview), then
keep (one transaction). Submodules are imported by name (``from workflows.batches import sela``).
"""
