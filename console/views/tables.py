"""One Flask-Admin table per store table: what a coordinator or auditor looks things up in.

SIS tables and code translations can be corrected by admins; the workflow's own records (runs,
history, decisions, candidates, files, batches, outbox, jobs) are read-only here: they change
only through the workflow, which keeps its history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import peewee
from flask import g
from markupsafe import Markup
from peewee import SQL, fn
from flask_admin.model import typefmt
from werkzeug.security import generate_password_hash
from wtforms import PasswordField, SelectField
from wtforms.validators import ValidationError

from console.auth import ROLES, current_user
from console.display import code_text, people, school_name
from console.views.base import TableView, format_counts
from console.views.student_search import SEARCH_HINT, student_search
from store.tables import (
    AddressRow,
    BatchRow,
    CalpadsHistoryRow,
    CodeTranslationRow,
    DecisionLogRow,
    DuplicateAcknowledgementRow,
    EnrollmentRow,
    GeneratedFileRow,
    GuardianRow,
    JobRow,
    LanguageStatusRow,
    MatchCandidateRow,
    MatchDecisionRow,
    OutboxRow,
    RunRow,
    RunTransitionRow,
    SchoolRow,
    SpecialEducationRow,
    StudentRow,
    UserRow,
)
from store.database import database_proxy
from store.users import MAX_PASSWORD_LENGTH, UserAccount, ends_sessions, get_user_by_id
from store.identity_journal import identity_history, identity_values, journal_differences

__all__ = ["table_views"]

SIS = "Tables"
RECORDS = "Workflow records"


def _utc(view: Any, value: dt.datetime, name: str) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _date(view: Any, value: dt.date, name: str) -> str:
    return value.isoformat()


_FORMATTERS = {**typefmt.BASE_FORMATTERS, dt.datetime: _utc, dt.date: _date, type(None): typefmt.empty_formatter}
_DETAIL_FORMATTERS = {**typefmt.DETAIL_FORMATTERS, dt.datetime: _utc, dt.date: _date}
_EXPORT_FORMATTERS = {**typefmt.EXPORT_FORMATTERS, dt.datetime: _utc, dt.date: _date}


class _Table(TableView):
    column_type_formatters = _FORMATTERS
    column_type_formatters_detail = _DETAIL_FORMATTERS
    column_type_formatters_export = _EXPORT_FORMATTERS

    def search_placeholder(self) -> str:
        """"Search local ID, SSID, actor" (Flask-Admin's own shows "None" for some tables)."""
        labels: dict[str, str] = dict(self.column_labels or {})
        searchable: Any = self.column_searchable_list or ()
        names = [c if isinstance(c, str) else f"student.{getattr(c, 'name', c)}" for c in searchable]
        shown = [labels.get(n, n.rpartition(".")[2].replace("_", " ")) for n in names]
        return "Search " + ", ".join(shown) if shown else "Search"


class _Record(_Table):
    """A workflow record: read and export only."""

    allow_create = False
    allow_edit = False
    allow_delete = False


class _Journaled(_Table):
    """A table holding identity fields (SSID, Old State ID, ELAS, SWD): a change made here is
    journaled with the person and "Tables page", in the same transaction as the change."""

    def _local_id(self, model: Any) -> str | None:
        if isinstance(model, StudentRow):
            return str(model.local_id)
        student = StudentRow.get_or_none(StudentRow.id == model.student_id) if model.student_id else None
        return str(student.local_id) if student is not None else None

    def _journaled(self, model: Any, change: Callable[[], Any]) -> Any:
        """Run ``change`` (Flask-Admin's create, update or delete) and journal what it changed."""
        before_id = self._local_id(model) if model is not None else None
        with database_proxy.atomic():
            before = identity_values([before_id]) if before_id else {}
            done = change()
            if done:  # Flask-Admin reports a failed save as False (the change did not happen)
                after_id = self._local_id(done if model is None else model)
                after = identity_values([i for i in (before_id, after_id) if i])
                user = current_user()
                journal_differences(before, after, "Tables page", user.name if user is not None else "unknown")
        return done

    def update_model(self, form: Any, model: Any) -> bool:
        return bool(self._journaled(model, lambda: super(_Journaled, self).update_model(form, model)))

    def delete_model(self, model: Any) -> bool:
        return bool(self._journaled(model, lambda: super(_Journaled, self).delete_model(model)))

    def create_model(self, form: Any) -> Any:
        return self._journaled(None, lambda: super(_Journaled, self).create_model(form))


class _OfStudent(_Table):
    """A table whose rows belong to a student: shows and searches the student's local id (one join)."""

    column_searchable_list: Any = (StudentRow.local_id,)
    column_labels = {"student.local_id": "Local ID"}

    def get_query(self) -> peewee.ModelSelect:
        return self.model.select(self.model, StudentRow).join(StudentRow).switch(self.model)

    def get_sortable_columns(self) -> dict[Any, Any]:
        return {**super().get_sortable_columns(), "student.local_id": StudentRow.local_id}

    def _handle_join(self, query: peewee.ModelSelect, field: Any, joins: set[str]) -> peewee.ModelSelect:
        joins.add(StudentRow.__name__)  # already joined by get_query
        return super()._handle_join(query, field, joins)


class SchoolView(_Table):
    column_list = ("code", "name", "kind", "selected")
    column_searchable_list = ("code", "name")
    column_filters = ("selected", "kind")
    column_editable_list = ("selected",)
    column_default_sort = "code"
    form_columns = ("code", "name", "kind", "selected")


class _PlainCount(peewee.ModelSelect):
    """A select that counts its rows with a plain ``COUNT(*)``.

    peewee counts by wrapping the query (``SELECT COUNT(1) FROM (SELECT 1 FROM student)``), which
    SQLite reads row by row; the plain form it answers from the smallest index: 6 ms instead of
    45 ms per page at 600,000 students. Grouped, distinct or limited selects count the usual way.
    """

    def count(self, database: Any = None, clear_limit: bool = False) -> int:
        if any(getattr(self, part, None) for part in ("_group_by", "_distinct", "_limit", "_offset")):
            return int(super().count(database, clear_limit))
        return int(self.select(fn.COUNT(SQL("*"))).order_by().scalar(database))


class StudentView(_Journaled):
    details_template = "console/student_details.html"  # with the student's identity changes

    def render(self, template: str, **kwargs: Any) -> Any:
        return super().render(template, identity_history=identity_history, **kwargs)

    column_list = (
        "local_id", "ssid", "old_state_id", "legal_last", "legal_first", "legal_middle",
        "birth_date", "gender", "birth_country", "active", "tags",
    )
    column_labels = {"local_id": "Local ID", "ssid": "SSID", "old_state_id": "Old State ID"}
    column_searchable_list = ("local_id", "ssid", "old_state_id", "legal_last", "legal_first")
    column_filters = ("active", "gender", "birth_date", "birth_country", "ssid", "tags")
    column_default_sort = "local_id"

    # The search box is answered from the indexes (console.views.student_search), not by
    # Flask-Admin's look inside every column. Flask-Admin builds the list from get_query(), so the
    # text travels there in the request's ``g``.
    def search_placeholder(self) -> str:
        return SEARCH_HINT

    def get_list(  # type: ignore[override]
        self, page: int | None, sort_column: str | None, sort_desc: bool | None, search: str | None, filters: Any,
        execute: bool = True, page_size: int | None = None,
    ) -> Any:
        g.student_search = search.strip() if search else None
        try:
            return super().get_list(page, sort_column, sort_desc, None, filters, execute, page_size)
        finally:
            g.student_search = None

    def get_query(self) -> peewee.ModelSelect:
        query = _PlainCount(StudentRow, StudentRow._meta.sorted_fields, is_default=True)
        text = g.get("student_search")
        return query.where(student_search(text)) if text else query


class EnrollmentView(_OfStudent):
    column_list = (
        "student.local_id", "school", "grade", "start_date", "status", "exit_date", "exit_reason", "completion_status",
    )
    column_filters: Any = (SchoolRow.code, "grade", "status", "start_date", "exit_reason")
    column_labels = {"student.local_id": "Local ID", "school.code": "School"}
    form_excluded_columns = ("student",)


class LanguageStatusView(_OfStudent, _Journaled):
    column_list = ("student.local_id", "elas", "elas_start", "primary_language")
    column_labels = {"student.local_id": "Local ID", "elas": "ELAS", "elas_start": "ELAS start"}
    column_filters = ("elas", "elas_start", "primary_language")
    form_excluded_columns = ("student",)


class SpecialEducationView(_OfStudent, _Journaled):
    column_list = ("student.local_id", "swd")
    column_labels = {"student.local_id": "Local ID", "swd": "SWD"}
    column_filters = ("swd",)
    form_excluded_columns = ("student",)


class GuardianView(_OfStudent):
    column_list = ("student.local_id", "position", "first", "last")
    column_searchable_list = (StudentRow.local_id, "last", "first")
    form_excluded_columns = ("student",)


class AddressView(_OfStudent):
    column_list = ("student.local_id", "position", "street", "city", "state", "zip")
    column_searchable_list = (StudentRow.local_id, "street", "city", "zip")
    column_filters = ("city", "zip")
    form_excluded_columns = ("student",)


class CodeTranslationView(_Table):
    column_list = ("field", "local_code", "calpads_code")
    column_labels = {"field": "Code set", "calpads_code": "CALPADS code"}
    column_searchable_list = ("field", "local_code", "calpads_code")
    column_filters = ("field",)
    column_default_sort = [("field", False), ("local_code", False)]


class RoleField(SelectField):
    """The role of a console user: one of :data:`console.auth.ROLES`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("choices", {role: role for role in ROLES})
        super().__init__(*args, **kwargs)


class UserView(_Table):
    """Console users. The password hash is never shown; a new password is hashed when saved."""

    column_list = ("name", "role", "active", "created_at")
    column_details_list = ["name", "role", "active", "created_at"]
    column_export_list = ["name", "role", "active", "created_at"]
    column_searchable_list = ("name",)
    column_filters = ("role", "active")
    form_columns = ("name", "role", "active", "password")
    form_overrides = {"role": RoleField}
    form_extra_fields = {"password": PasswordField("Password (leave blank to keep)")}

    def on_model_change(self, form: Any, model: Any, is_created: bool) -> None:
        password = form.password.data
        if password:
            if not 8 <= len(password) <= MAX_PASSWORD_LENGTH:
                raise ValidationError(f"A password needs 8 to {MAX_PASSWORD_LENGTH} characters.")
            model.password_hash = generate_password_hash(password)
        elif is_created:
            raise ValidationError("A new user needs a password.")
        before = None if is_created else get_user_by_id(model.id)
        after = UserAccount(model.id, model.name, model.role, bool(model.active))
        if before is not None and ends_sessions(before, after, password_changed=bool(password)):
            model.session_version = before.session_version + 1  # the user's sessions end with this save


class RunView(_Record):
    column_list = ("id", "state", "opened_at", "opened_by", "closed_at", "counts")
    column_filters = ("state", "opened_at", "opened_by")
    column_default_sort = ("id", True)
    column_formatters = {"counts": format_counts}


class RunHistoryView(_Record):
    column_list = ("run", "at", "actor", "event", "source", "dest", "accepted", "reason", "file_name", "sha256", "counts")
    column_searchable_list = ("actor", "event", "file_name", "sha256")
    column_filters = ("accepted", "event", "actor", "at")
    column_default_sort = ("at", True)
    column_formatters = {"counts": format_counts}


def _format_student(view: Any, context: Any, model: Any, name: str) -> Markup:
    """A local id with the student's name, grade and school."""
    person = people([str(getattr(model, name))])[str(getattr(model, name))]
    meta = " · ".join(p for p in (code_text('grade', person.grade) if person.grade else "", school_name(person.school)) if p)
    return Markup('<span class="person"><span class="person-name">{}</span><span class="person-meta">Local ID {}{}</span></span>').format(
        person.name or "not a local student", person.local_id, f" · {meta}" if meta else ""
    )


def _format_decision(view: Any, context: Any, model: Any, name: str) -> Markup:
    """``Select`` for ``select``: the decision as the review names it (the code on hover)."""
    kind = str(getattr(model, name))
    label = {"select": "Select", "new_ssid": "New SSID", "no_match": "No Match"}.get(kind, kind)
    return Markup('<span title="{}">{}</span>').format(kind, label)


class DecisionView(_Record):
    column_list = ("run", "local_id", "kind", "ssid", "actor", "at", "warnings", "bulk")
    column_labels = {"local_id": "Student", "ssid": "SSID", "kind": "Decision", "bulk": "In bulk"}
    column_formatters = {"local_id": _format_student, "kind": _format_decision}
    column_searchable_list = ("local_id", "ssid", "actor")
    column_filters = ("kind", "actor", "bulk")
    column_default_sort = ("at", True)


class DecisionLogView(DecisionView):
    pass


class CandidateView(_Record):
    column_list = (
        "run", "local_id", "ssid", "category", "score", "legal_last", "legal_first", "legal_middle", "gender", "birth_date",
    )
    column_labels = {"local_id": "Local ID", "ssid": "SSID"}
    column_searchable_list = ("local_id", "ssid", "legal_last")
    column_filters = ("category",)
    column_exclude_list = ("source_line",)


class GeneratedFileView(_Record):
    """Files the workbench wrote: metadata only (the bytes are downloaded from the File Download list)."""

    column_list = ("name", "kind", "run", "records", "size", "sha256", "created_at", "created_by", "retired")
    column_details_list = list(column_list)
    column_export_list = list(column_list)
    column_labels = {"sha256": "SHA-256"}
    column_searchable_list = ("name", "sha256")
    column_filters = ("kind", "retired", "created_at")
    column_default_sort = ("created_at", True)


class CalpadsHistoryView(_Record):
    column_list = ("at", "actor", "what", "file_kind", "file_name", "sha256", "records", "counts", "run", "batch")
    column_labels = {"sha256": "SHA-256"}
    column_searchable_list = ("file_name", "sha256", "actor")
    column_filters = ("what", "file_kind", "at")
    column_default_sort = ("at", True)
    column_formatters = {"counts": format_counts}


class BatchView(_Record):
    column_list = ("id", "kind", "state", "run", "file_name", "sha256", "overwrite", "counts", "loaded_at", "loaded_by", "applied_at", "undone_at")
    column_filters = ("kind", "state", "loaded_at")
    column_default_sort = ("id", True)
    column_formatters = {"counts": format_counts}


class OutboxView(_Record):
    column_list = ("created_at", "recipient", "subject", "sent_at", "attempts", "error")
    column_searchable_list = ("recipient", "subject")
    column_filters = ("sent_at",)
    column_default_sort = ("created_at", True)


class JobView(_Record):
    column_list = ("id", "kind", "state", "actor", "created_at", "started_at", "finished_at", "progress", "total", "message", "error")
    column_filters = ("kind", "state")
    column_default_sort = ("id", True)


class DuplicateAcknowledgementView(_Record):
    column_list = ("kind", "first_local_id", "second_local_id", "ssid", "acknowledged_by", "acknowledged_at", "note")
    column_filters = ("kind",)


def table_views() -> list[TableView]:
    """A fresh view per table (Flask-Admin views belong to one app)."""

    def view(cls: type[TableView], model: type[peewee.Model], name: str, category: str, endpoint: str) -> TableView:
        # flask_admin's peewee ModelView annotates ``name`` wrongly (as a database).
        return cls(model, name=name, category=category, endpoint=endpoint)  # type: ignore[arg-type]

    return [
        view(SchoolView, SchoolRow, "Schools", SIS, "school"),
        view(StudentView, StudentRow, "Students", SIS, "student"),
        view(EnrollmentView, EnrollmentRow, "Enrollments", SIS, "enrollment"),
        view(LanguageStatusView, LanguageStatusRow, "Language status", SIS, "language_status"),
        view(SpecialEducationView, SpecialEducationRow, "Special education", SIS, "special_education"),
        view(GuardianView, GuardianRow, "Guardians", SIS, "guardian"),
        view(AddressView, AddressRow, "Addresses", SIS, "address"),
        view(CodeTranslationView, CodeTranslationRow, "Code translations", SIS, "code_translation"),
        view(UserView, UserRow, "Users", SIS, "user"),
        view(RunView, RunRow, "Runs", RECORDS, "run"),
        view(RunHistoryView, RunTransitionRow, "Run history", RECORDS, "run_history"),
        view(DecisionView, MatchDecisionRow, "Decisions", RECORDS, "decision"),
        view(DecisionLogView, DecisionLogRow, "Decision log", RECORDS, "decision_log"),
        view(CandidateView, MatchCandidateRow, "Candidates", RECORDS, "candidate"),
        view(GeneratedFileView, GeneratedFileRow, "Generated files", RECORDS, "generated_file"),
        view(CalpadsHistoryView, CalpadsHistoryRow, "CALPADS history", RECORDS, "calpads_history"),
        view(BatchView, BatchRow, "Batches", RECORDS, "batch"),
        view(OutboxView, OutboxRow, "Outbox", RECORDS, "outbox"),
        view(JobView, JobRow, "Jobs", RECORDS, "job"),
        view(DuplicateAcknowledgementView, DuplicateAcknowledgementRow, "Acknowledged duplicates", RECORDS, "duplicate_ack"),
    ]
