"""The console's pages, registered on one Flask-Admin instance per app."""

from __future__ import annotations

from flask_admin import Admin

from console.views.bulk_accept import BulkAcceptView
from console.views.check import CheckView
from console.views.decisions import DecisionsView
from console.views.duplicates import DuplicatesView
from console.views.exports import ExportsView
from console.views.files import FilesView
from console.views.history import HistoryView
from console.views.identifiers import IdentifiersView
from console.views.job_progress import JobProgressView
from console.views.load_ssid import LoadSsidView
from console.views.ods_audit import OdsAuditView
from console.views.replacement import ReplacementView
from console.views.review import ReviewView
from console.views.sela import SelaView
from console.views.senr import SenrView
from console.views.settings import SettingsView
from console.views.tables import table_views

__all__ = ["register_views"]


def register_views(admin: Admin) -> None:
    """Add every console page to ``admin``, in menu order (the Identifiers tabs stay off the menu)."""
    admin.add_view(IdentifiersView(name="Identifiers", endpoint="identifiers", url="/admin/identifiers"))
    admin.add_view(SenrView(name="Create SENR", endpoint="senr", url="/admin/senr"))
    admin.add_view(ReviewView(name="SSID Match review", endpoint="review", url="/admin/review"))
    admin.add_view(DecisionsView(name="Decisions", endpoint="decisions", url="/admin/decisions"))
    admin.add_view(BulkAcceptView(name="Bulk accept", endpoint="bulk_accept", url="/admin/bulk-accept"))
    admin.add_view(DuplicatesView(name="Local duplicates", endpoint="duplicates", url="/admin/duplicates"))
    admin.add_view(LoadSsidView(name="Load SSID", endpoint="load_ssid", url="/admin/load-ssid"))
    admin.add_view(ReplacementView(name="Replacement SSIDs", endpoint="replacement", url="/admin/replacement"))
    admin.add_view(OdsAuditView(name="ODS audit", endpoint="ods_audit", url="/admin/ods-audit"))
    admin.add_view(SelaView(name="SELA import", endpoint="sela", url="/admin/sela"))
    admin.add_view(FilesView(name="File Download", endpoint="files", url="/admin/files"))
    admin.add_view(HistoryView(name="History", endpoint="history", url="/admin/history"))
    admin.add_view(SettingsView(name="Settings", endpoint="settings", url="/admin/settings"))
    admin.add_view(CheckView(name="Check a file", endpoint="check", url="/admin/check"))
    admin.add_view(ExportsView(name="Exports for the SIS", endpoint="exports", url="/admin/exports"))
    admin.add_view(JobProgressView(name="Background job", endpoint="jobs", url="/admin/jobs"))
    for view in table_views():
        admin.add_view(view)
