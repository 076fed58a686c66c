"""Identifiers, File Download tab: the files the workbench wrote for CALPADS (request, partial,
updated, ODS audit files), with their SHA-256. Admins download them; auditors see their metadata
only (the files hold student data).
"""

from __future__ import annotations

from flask import Response, abort, request
from flask_admin import expose
from werkzeug.utils import secure_filename

from console.views.base import GuardedView
from console.views.tabs import render_tab
from console.views.workflow_support import workflow_store
from store.tables import GeneratedFileRow

__all__ = ["FilesView"]


class FilesView(GuardedView):
    """``/admin/files/`` (``?retired=1`` also lists the files that left the list)."""

    admin_only_views = frozenset({"download"})

    def is_visible(self) -> bool:
        return False  # a tab of Identifiers

    @expose("/")
    def index(self) -> str:
        with_retired = request.args.get("retired") == "1"
        return render_tab(
            self,
            "console/files.html",
            files=workflow_store().generated_files(include_retired=with_retired),
            with_retired=with_retired,
        )

    @expose("/<int:file_id>/download")
    def download(self, file_id: int) -> Response:
        """The file's exact bytes, as an attachment under its own (safe) name."""
        row = GeneratedFileRow.get_or_none(GeneratedFileRow.id == file_id)
        if row is None:
            abort(404, description=f"There is no file {file_id}.")
        name = secure_filename(row.name) or f"file_{file_id}.txt"
        return Response(
            bytes(row.content),
            mimetype="application/octet-stream",
            headers={"Content-Disposition": f'attachment; filename="{name}"', "X-Content-SHA256": row.sha256},
        )
