"""Identifiers, File Download tab: the files the workbench wrote for CALPADS (request, partial,
updated, ODS audit files), with their SHA-256. Admins download them; auditors see their metadata
only (the files hold student data).
"""

from __future__ import annotations

from typing import Any

from flask import Response, abort, request
from flask_admin import expose
from werkzeug.utils import secure_filename

from console.views.base import GuardedView
from console.views.tabs import render_tab
from console.views.workflow_support import workflow_store
from domain.runs import FileKind, GeneratedFile, RunState
from store.bulk import tuples
from store.tables import GeneratedFileRow, RunRow

__all__ = ["FilesView", "file_response", "not_to_post"]

_PAST_REVIEW = frozenset({RunState.ALL_CONFIRMED.value, RunState.UPDATED.value, RunState.EXTRACT_LOADED.value})


def not_to_post(file: GeneratedFile, run_states: dict[int, str]) -> str | None:
    """Why ``file`` must not be posted to CALPADS any more (``None`` when it still may be): the
    request file of a cancelled run, the partial file of a run whose decisions were confirmed
    (its updated file holds them all)."""
    state = run_states.get(file.run) if file.run is not None else None
    if file.kind is FileKind.REQUEST and state == RunState.CANCELLED.value:
        return "its run was cancelled"
    if file.kind is FileKind.PARTIAL and state in _PAST_REVIEW:
        return "its run went on to the updated file, which holds every decision"
    return None


def file_response(row: GeneratedFileRow) -> Response:
    """A kept file's exact bytes, as an attachment under its own (safe) name."""
    name = secure_filename(row.name) or f"file_{row.id}.txt"
    return Response(
        bytes(row.content),
        mimetype="application/octet-stream",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "X-Content-SHA256": row.sha256},
    )


class FilesView(GuardedView):
    """``/admin/files/`` (``?retired=1`` also lists the files that left the list)."""

    admin_only_views = frozenset({"download"})

    def is_visible(self) -> bool:
        return False  # a tab of Identifiers

    @expose("/")
    def index(self) -> str:
        with_retired = request.args.get("retired") == "1"
        files = workflow_store().generated_files(include_retired=True)
        runs = {f.run for f in files if f.run is not None}
        key: Any = RunRow._meta.primary_key  # declared `id: int` for mypy; the column is a field
        states = {int(i): str(s) for i, s in tuples(RunRow.select(key, RunRow.state).where(key.in_(runs)))} if runs else {}
        listed = [(f, not_to_post(f, states)) for f in files]
        return render_tab(
            self,
            "console/files.html",
            files=[(f, why) for f, why in listed if with_retired or not (f.retired or why)],
            hidden=sum(1 for f, why in listed if f.retired or why),
            with_retired=with_retired,
        )

    @expose("/<int:file_id>/download")
    def download(self, file_id: int) -> Response:
        """The file's exact bytes, as an attachment under its own (safe) name."""
        row = GeneratedFileRow.get_or_none(GeneratedFileRow.id == file_id)
        if row is None:
            abort(404, description=f"There is no file {file_id}.")
        return file_response(row)
