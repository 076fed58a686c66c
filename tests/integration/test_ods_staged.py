"""The ODS audit's set-based comparison (store.ods_audit_sql) gives the audit the in-memory rules
(domain.planning.ods.reference_ods_plan) give, record for record and in the same order —
also for the cases the set-based way must hand to the rules: an SSID two students hold, a
student with two enrollments of the same key, translated codes, a code with no translation."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import peewee
import pytest

from domain.errors import TranslationMissing
from domain.model import Student as DomainStudent
from domain.planning.ods import OdsPlan, reference_ods_plan
from domain.planning.translation import CodeTranslator
from domain.readers import open_ods_senr
from seed.sandbox import write_ods_download
from store.codes import set_translation
from store.ods_audit_sql import LEFT_OVER, OdsSql
from store.settings import select_schools
from store.tables import EnrollmentRow, StudentRow
from store.workflow_store import DatabaseWorkflowStore
from tests.integration.workflow_builder import NOW, TODAY, RunBuilder, actor, audited_district
from workflows.batches import ods_audit
from workflows.errors import StepRefused


@pytest.fixture
def district(database: peewee.Database, tmp_path: Path) -> RunBuilder:
    """200 students after a whole run (SSIDs loaded) and the Replacement SSIDs applied; every
    school selected (a selection is compared in tests/integration/test_ods_scope.py)."""
    builder = audited_district(database, tmp_path)
    select_schools([school.code for school in builder.district.schools])
    return builder


def _download(builder: RunBuilder) -> Path:
    return write_ods_download(builder.sandbox_url, builder.out("ods"), today=TODAY, now=NOW).file


def _in_memory(store: DatabaseWorkflowStore, download: Path) -> OdsPlan:
    """The audit by the in-memory rules, students read the way the audit did before it was staged."""
    settings = store.district_settings()
    assert settings.lea is not None and settings.year is not None
    retired = store.retired_ssids()

    def students() -> Iterator[DomainStudent]:
        for student in store.iter_students():
            yield dataclasses.replace(student, ssid=None) if student.ssid in retired else student

    return reference_ods_plan(
        open_ods_senr(download), students(), year=settings.year, lea=settings.lea, today=TODAY,
        translate=CodeTranslator(store.code_translations()), schools=frozenset(settings.schools),
    )


def _same_audit(builder: RunBuilder, download: Path) -> OdsPlan:
    staged = ods_audit.plan_ods_audit(builder.store, download, actor()).plan
    expected = _in_memory(builder.store, download)
    assert staged == expected
    return staged


def _current_enrollments(builder: RunBuilder) -> list[EnrollmentRow]:
    """One current-year enrollment for each student holding an SSID, in student order."""
    year = builder.store.district_settings().year
    assert year is not None
    query = EnrollmentRow.select().join(StudentRow).where(
        (EnrollmentRow.start_date >= year.first_day) & (EnrollmentRow.start_date <= year.last_day) & StudentRow.ssid.is_null(False)
    ).order_by(EnrollmentRow.student, EnrollmentRow.id)
    return list({e.student_id: e for e in reversed(list(query))}.values())[::-1]


def test_the_staged_audit_is_the_in_memory_one(district: RunBuilder) -> None:
    plan = _same_audit(district, _download(district))
    assert plan.deletes and plan.replaces and plan.adds and plan.unchanged and plan.without_ssid


def test_the_cases_left_to_the_rules_come_out_the_same(district: RunBuilder) -> None:
    download = _download(district)
    first, second, third, fourth = _current_enrollments(district)[:4]
    # An SSID two students hold: its CALPADS records go to the first of them.
    holder = StudentRow.get_by_id(first.student_id)
    StudentRow.update(ssid=holder.ssid).where(StudentRow.id == second.student_id).execute()
    # Two enrollments of the same key (school and start date), one of another grade.
    EnrollmentRow.create(student=third.student_id, school=third.school_id, grade="12", start_date=third.start_date,
                      status=third.status)
    # A local grade code translated to the CALPADS one the download holds.
    EnrollmentRow.update(grade="G" + fourth.grade).where(EnrollmentRow.id == fourth.id).execute()
    set_translation("grade", "G" + fourth.grade, fourth.grade)
    plan = _same_audit(district, download)
    assert plan.unchanged


def test_a_code_without_translation_is_refused_as_the_rules_refuse_it(district: RunBuilder) -> None:
    download = _download(district)
    current = _current_enrollments(district)
    StudentRow.update(gender="Q").where(StudentRow.id == current[1].student_id).execute()
    EnrollmentRow.update(grade="X9").where(EnrollmentRow.id == current[3].id).execute()
    with pytest.raises(TranslationMissing) as expected:
        _in_memory(district.store, download)
    with pytest.raises(StepRefused) as refused:
        ods_audit.plan_ods_audit(district.store, download, actor())
    assert refused.value.reason == str(expected.value)


def test_on_postgresql_the_records_no_enrollment_holds_are_found_without_comparing_every_pair(
    database: peewee.Database,
) -> None:
    """A 600,000-student district's 3,000,000-line download never finished its audit on PostgreSQL: the
    SSIDs no noted enrollment holds were found by ``NOT IN (SELECT ...)``, which PostgreSQL hashes only
    while the subquery fits in work_mem, and otherwise checks record by record against every noted
    enrollment. Planned with little work_mem (what a district's size amounts to), it is an anti-join."""
    if not isinstance(database, peewee.PostgresqlDatabase):
        pytest.skip("PostgreSQL's query plan")
    ods = OdsSql(database)
    ods.stage([], TODAY, TODAY, ["0000001"])
    try:
        with database.atomic():
            database.execute_sql("SET LOCAL work_mem = '64kB'")  # type: ignore[no-untyped-call]
            plan = "\n".join(row[0] for row in database.execute_sql(f"EXPLAIN {LEFT_OVER}"))  # type: ignore[no-untyped-call]
        assert "Anti Join" in plan
        assert "NOT (SubPlan" not in plan and "NOT (hashed SubPlan" not in plan
    finally:
        ods.clear()
