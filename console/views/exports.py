"""The Download button beside an applied (or undone) batch: what it changed, for the district's SIS.

Admins only (the files hold student data): auditors get 403. The files are those of
``ssid export changes --batch N`` (:mod:`console.exports`): the changes CSV, and for an SSID
Extract its applied lines too, then as one ZIP. Every download is journaled like the command
line's export and listed on the History page.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

from flask import Response, abort
from flask_admin import expose

from console.exports import export_batch
from console.views.base import GuardedView
from console.views.workflow_support import acting
from store.errors import NotFound
from store.exports import ExportRefused, recent_exports

__all__ = ["ExportsView"]


class ExportsView(GuardedView):
    """``/admin/exports/`` (the list) and ``/admin/exports/batch/<id>`` (a download)."""

    admin_only_views = frozenset({"batch_changes"})

    def is_visible(self) -> bool:
        return False  # listed on History; reached from the button beside a batch

    @expose("/")
    def index(self) -> str:
        """The exports so far, newest first (the History page lists them too)."""
        return self.render("console/exports.html", exports=recent_exports(200))

    @expose("/batch/<int:batch_id>")
    def batch_changes(self, batch_id: int) -> Response:
        who = acting()
        with tempfile.TemporaryDirectory(prefix="ssid-export-") as folder:
            try:
                written = export_batch(batch_id, Path(folder), actor=who.name, now=who.now())
            except NotFound:
                abort(404, description=f"There is no batch {batch_id}.")
            except ExportRefused as refused:
                abort(409, description=str(refused))
            if len(written.files) == 1:
                only = written.files[0]
                return Response(
                    only.read_bytes(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{only.name}"'},
                )
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for path in written.files:
                    archive.write(path, path.name)
        name = f"ssid_changes_batch_{batch_id}.zip"
        return Response(
            buffer.getvalue(), mimetype="application/zip", headers={"Content-Disposition": f'attachment; filename="{name}"'}
        )
