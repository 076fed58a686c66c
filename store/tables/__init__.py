"""The database tables, one module per concept: students (the SIS side and its identity journal),
district (settings, code translations), access (users, failed sign-ins), runs (a run and what it
produces), batches (loaded files, previews, the undo journal, CALPADS history), operations (the
email outbox, background jobs) and duplicates (the stored local duplicate check).

Every table class carries a ``Row`` suffix so that ``Run`` means the domain's run everywhere
(:mod:`domain.runs`) and ``RunRow`` its stored row; the SQL table names are set explicitly.
Conversion between rows and domain values is the store's business: no row crosses the seam.
"""

from __future__ import annotations

from store.tables._base import Table
from store.tables.students import SchoolRow, StudentRow, EnrollmentRow, LanguageStatusRow, SpecialEducationRow, GuardianRow, AddressRow, IdentityChangeRow, STUDENT_TABLES
from store.tables.district import SettingRow, CodeTranslationRow
from store.tables.access import UserRow, SignInFailureRow
from store.tables.runs import RunRow, RunTransitionRow, GeneratedFileRow, MatchRequestRow, MatchCandidateRow, MatchDecisionRow, DecisionLogRow
from store.tables.batches import BatchRow, PreviewLineRow, QuietLineRow, BatchChangeRow, CalpadsHistoryRow
from store.tables.operations import OutboxRow, JobRow
from store.tables.exports import AppliedExtractLineRow, ExportRow, EXPORT_TABLES
from store.tables.duplicates import CHECKED_STUDENT_COLUMNS, StudentDataVersionRow, one_data_change, DuplicateCheckRow, DuplicateCheckIssueRow, NotDuplicateMarkRow, DuplicateAcknowledgementRow, DuplicateResolutionRow, ASSISTANT_TABLES

ALL_TABLES: tuple[type[Table], ...] = (
    *STUDENT_TABLES,
    IdentityChangeRow,
    SettingRow,
    CodeTranslationRow,
    UserRow,
    SignInFailureRow,
    RunRow,
    RunTransitionRow,
    GeneratedFileRow,
    MatchRequestRow,
    MatchCandidateRow,
    MatchDecisionRow,
    DecisionLogRow,
    BatchRow,
    PreviewLineRow,
    QuietLineRow,
    BatchChangeRow,
    CalpadsHistoryRow,
    OutboxRow,
    JobRow,
    DuplicateAcknowledgementRow,
    *ASSISTANT_TABLES,
    DuplicateResolutionRow,
    *EXPORT_TABLES,
)
"""Every table of the district database, parents before children."""

__all__ = ["Table", "SchoolRow", "StudentRow", "EnrollmentRow", "LanguageStatusRow", "SpecialEducationRow", "GuardianRow", "AddressRow", "IdentityChangeRow", "STUDENT_TABLES", "SettingRow", "CodeTranslationRow", "UserRow", "SignInFailureRow", "RunRow", "RunTransitionRow", "GeneratedFileRow", "MatchRequestRow", "MatchCandidateRow", "MatchDecisionRow", "DecisionLogRow", "BatchRow", "PreviewLineRow", "QuietLineRow", "BatchChangeRow", "CalpadsHistoryRow", "OutboxRow", "JobRow", "CHECKED_STUDENT_COLUMNS", "StudentDataVersionRow", "one_data_change", "DuplicateCheckRow", "DuplicateCheckIssueRow", "NotDuplicateMarkRow", "DuplicateAcknowledgementRow", "DuplicateResolutionRow", "ASSISTANT_TABLES", "AppliedExtractLineRow", "ExportRow", "EXPORT_TABLES", "ALL_TABLES"]
