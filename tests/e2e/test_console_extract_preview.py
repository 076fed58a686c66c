"""The SSID Extract's preview page lists every line of the file in its place: the lines that
change nothing (kept narrow, store.tables.QuietLineRow) among the others, by group and page."""

from __future__ import annotations

import re
from pathlib import Path

import peewee

from domain.runs import RunState
from store.tables import BatchRow, PreviewLineRow, QuietLineRow
from store.workflow_store import DatabaseWorkflowStore
from tests.e2e.conftest import Sandbox, Signed
from tests.e2e.console_drive import drive_to, latest_run, load_extract_for_review
from tests.e2e.console_html import elements


def _listed(admin: Signed, query: str) -> list[tuple[int, str, str]]:
    """(line, kind, local id) of every row of the preview table at ``/admin/load-ssid/?{query}``."""
    page = admin.page(f"/admin/load-ssid/?{query}")
    rows = re.findall(r'<tr data-kind="([^"]*)" data-local-id="([^"]*)">\s*<td>(\d+)</td>', page)
    assert len(rows) == len(elements(page, "tr", data_kind=""))
    return [(int(line), kind, local_id) for kind, local_id, line in rows]


def test_the_preview_lists_the_lines_that_change_nothing_among_the_others(
    database: peewee.Database, admin: Signed, sandbox: Sandbox, tmp_path: Path
) -> None:
    drive_to(admin, sandbox, tmp_path, RunState.UPDATED)
    load_extract_for_review(admin, sandbox, tmp_path)
    batch = BatchRow.select().where(BatchRow.run == latest_run().id).order_by(BatchRow.loaded_at.desc()).get()
    items = DatabaseWorkflowStore(database).preview(batch.id)
    every = [(i.line, i.kind, i.local_id) for i in items]
    unchanged = [line for line in every if line[1] == "unchanged"]
    nothing = [(i.line, i.kind, i.local_id) for i in items if i.kind == "unchanged" and not i.changes]
    assert 0 < len(nothing) < len(every) <= 100  # one page: the whole file in order

    # Kept narrow: one quiet line per line that changes nothing, and no full preview line.
    q = QuietLineRow
    assert [(r.line, r.kind, r.local_id) for r in q.select().where(q.batch_id == batch.id).order_by(q.line)] == nothing
    assert PreviewLineRow.select().where(PreviewLineRow.batch == batch.id).count() == len(every) - len(nothing)

    assert _listed(admin, "group=all") == every
    assert _listed(admin, "group=unchanged") == unchanged
    assert _listed(admin, "") == [line for line in every if line not in nothing]
    page = admin.page("/admin/load-ssid/?group=unchanged")
    assert "unchanged" in page and "no change" in page
