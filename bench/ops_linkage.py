"""``linkage``: the duplicate search on every public data set of ``../shared/datasets`` (issue 15).

One row per data set found (FEBRL 1-3, historical_50k; none when the folder is absent, said on
stderr): the time and peak memory of the search and grouping at the shipped threshold
(:data:`domain.duplicates.LOOKALIKE_PERCENT`) with the records loaded, each in a fresh process
(:func:`bench.bench_matching.dataset_report`), and under it the quality there, blocking recall and
comparisons per record, the calibration of the pair percent by bin with its expected error, and
for FEBRL the ranking. The first row also says which parameters the model has and how each is set.
The data sets measure; nothing is fitted to them.
"""

from __future__ import annotations

import sys

from bench.bench_matching import DATASETS, model_parameters
from bench.harness import Measurement, measure_call
from bench.linkage_datasets import datasets_folder
from bench.ops import Operation, Result, Target

__all__ = ["LINKAGE_OPERATIONS", "linkage"]

_TARGET = Target(seconds=60, peak_mb=1000)  # issue 15: historical_50k at the shipped threshold in <= 60 s, <= 1 GB


def linkage() -> list[Result]:
    """A row per data set present, its report as the row's note."""
    if datasets_folder() is None:
        print("bench: linkage: ../shared/datasets is not there, no data set measured", file=sys.stderr, flush=True)
        return []
    rows: list[Result] = []
    for name in DATASETS:
        whole = measure_call("bench.bench_matching:dataset_report", name)
        detail = whole.detail
        search = Measurement(float(detail["search_seconds"]), float(detail["search_peak_mb"]), detail,
                             float(detail["search_cpu_seconds"]))
        lines = [*(model_parameters() if not rows else []), *detail["lines"],
                 f"(the whole evaluation: {whole.seconds:.1f} s, peak {whole.peak_mb:.0f} MB)"]
        rows.append(Result(f"duplicate search + groups ({name})", f"{int(detail['records']):,} records", search, _TARGET,
                           None, "\n".join(lines)))  # fmt: skip
    return rows


LINKAGE_OPERATIONS: dict[str, Operation] = {"linkage": lambda ws, scale: linkage()}
"""The public data sets are the size they are: ``scale`` does not apply."""
