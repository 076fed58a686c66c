"""The CALPADS sandbox: a SIMULATOR of the state's side of the SSID exchange, for demos and tests.

It is not CALPADS and knows nothing real. It keeps a statewide population consistent with the
demo district in its own database (never the district's) and answers the way CALPADS does,
with files in ordinary CALPADS formats, so the whole round trip can be shown and tested offline:

- :func:`init_population` — the statewide students, their histories, near-namesakes, a MID merge;
- :func:`match_file` — the SSID Matching Tool: an SENR request in, a match result CSV out;
- :func:`post_file` — posting an SENR file (refused whole on any error; blank SSIDs get new ones);
- :func:`write_extract`, :func:`write_replacement_extract`, :func:`write_ods_download`,
  :func:`write_sela_download` — the SSID Extract, the Replacement SSIDs Extract, the ten-year SENR
  ODS download and the SELA ODS download.

The Matching Tool and posting pre-validate as CALPADS does (:mod:`seed.sandbox.prevalidation`).

Every function takes the sandbox database URL (``sqlite:///...`` or ``postgresql://...``).
"""

from __future__ import annotations

from seed.sandbox.errors import MatchToolRefused, PostingRefused, SandboxError
from seed.sandbox.extracts import ExtractSummary, write_extract, write_ods_download, write_replacement_extract
from seed.sandbox.matcher import MatchSummary, match_file
from seed.sandbox.models import open_sandbox
from seed.sandbox.population import init_population
from seed.sandbox.posting import PostSummary, post_file
from seed.sandbox.sela_download import write_sela_download

__all__ = [
    "init_population",
    "match_file",
    "post_file",
    "write_extract",
    "write_replacement_extract",
    "write_ods_download",
    "write_sela_download",
    "open_sandbox",
    "MatchSummary",
    "PostSummary",
    "ExtractSummary",
    "SandboxError",
    "PostingRefused",
    "MatchToolRefused",
]
