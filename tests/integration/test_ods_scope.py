"""Issue 14, finding 5: the SENR ODS audit stays within its scope — the selected schools, the
current academic year, the ten-year download — and writes nothing while the previous year is not
closed out in CALPADS (a real database, the sandbox's ten-year download)."""

from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path

import peewee
import pytest

from domain.planning.ods import reference_ods_plan
from domain.planning.translation import CodeTranslator
from domain.readers import open_ods_senr, open_senr
from domain.values import AcademicYear
from seed.sandbox import write_ods_download
from store.settings import select_schools, set_setting
from tests.integration.workflow_builder import NOW, TODAY, RunBuilder, actor, audited_district, edited_ods
from workflows.batches import ods_audit
from workflows.errors import StepRefused

YEAR = AcademicYear.containing(TODAY).code
LAST_YEAR = AcademicYear.containing(TODAY).start_year - 1


@pytest.fixture
def district(database: peewee.Database, tmp_path: Path) -> RunBuilder:
    return audited_district(database, tmp_path)


def _download(builder: RunBuilder, folder: str = "ods") -> Path:
    return write_ods_download(builder.sandbox_url, builder.out(folder), today=TODAY, now=NOW).file


def _changed_schools(builder: RunBuilder, download: Path) -> Counter[str]:
    """Schools of the records an audit of every school would send."""
    plan = ods_audit.plan_ods_audit(builder.store, download, actor()).plan
    return Counter(r.school for kind in ("delete", "replace", "add") for r in plan.records(kind))


def test_only_the_selected_schools_are_reconciled(district: RunBuilder) -> None:
    download = _download(district)
    by_school = _changed_schools(district, download)
    third, first, second = [school for school, _ in by_school.most_common(3)]
    assert by_school[third] > 0
    current_at_third = sum(
        1 for r in open_ods_senr(download)
        if r.senr.academic_year == YEAR and r.senr.school == third and r.senr.reporting_lea == "1964212"
    )
    select_schools([first, second])  # two of the three schools with changes; the third left out

    review = ods_audit.load_ods_audit(district.store, download, actor())
    assert review.not_selected >= current_at_third > 0
    assert all(line.school != third for line in review.delete_list)
    ods_audit.evaluate_ods_audit(district.store, review.audit.id, actor(), deletes_reviewed=True)
    made = ods_audit.create_ods_files(district.store, review.audit.id, district.out("files"), actor())
    written = [r for f in made.files for r in open_senr(f.path)]
    assert written and {r.school for r in written} <= {first, second}
    assert third not in {r.school for r in written}

    # The set-based audit and the reference rules agree with a selection too.
    store = district.store
    settings = store.district_settings()
    assert settings.year is not None and settings.lea is not None
    retired = store.retired_ssids()
    students = (dataclasses.replace(s, ssid=None) if s.ssid in retired else s for s in store.iter_students())
    expected = reference_ods_plan(
        open_ods_senr(download), students, year=settings.year, lea=settings.lea, today=TODAY,
        translate=CodeTranslator(store.code_translations()), schools=frozenset(settings.schools),
    )
    assert ods_audit.plan_ods_audit(store, download, actor()).plan == expected


def test_an_audit_with_last_year_in_the_settings_is_refused(district: RunBuilder) -> None:
    set_setting("academic_year", f"{LAST_YEAR}-{LAST_YEAR + 1}")
    with pytest.raises(StepRefused) as refused:
        ods_audit.load_ods_audit(district.store, _download(district), actor())
    assert refused.value.reason == (
        f"the ODS audit reconciles the current academic year only: Settings say {LAST_YEAR}-{LAST_YEAR + 1}, "
        f"today is in {YEAR} (the year starts July 1); set the academic year to {YEAR} first"
    )


def test_a_current_year_only_download_is_refused_naming_the_right_download(district: RunBuilder) -> None:
    download = edited_ods(_download(district), YEAR, only_current=True)
    with pytest.raises(StepRefused) as refused:
        ods_audit.load_ods_audit(district.store, download, actor())
    reason = refused.value.reason
    assert reason.startswith(f"{download.name}: it holds no record of an academic year before {YEAR}")
    assert "by Date Range, from July 1 ten years back through today" in reason and '"Active Student"' in reason


def test_an_open_prior_year_enrollment_keeps_every_file_back_until_reviewed(district: RunBuilder) -> None:
    download = edited_ods(_download(district), YEAR, reopen=2)
    review = ods_audit.load_ods_audit(district.store, download, actor())
    assert len(review.prior_year_open) == 2
    assert {e.academic_year for e in review.prior_year_open} == {f"{LAST_YEAR}-{LAST_YEAR + 1}"}
    with pytest.raises(StepRefused) as refused:
        ods_audit.evaluate_ods_audit(district.store, review.audit.id, actor(), deletes_reviewed=True)
    assert refused.value.reason.startswith("previous year not closed out: CALPADS still holds 2 enrollment(s) of ")
    with pytest.raises(StepRefused):
        ods_audit.create_ods_files(district.store, review.audit.id, district.out("files"), actor())
    assert not district.out("files").exists() or not list(district.out("files").iterdir())
    shown = ods_audit.ods_audit_review(district.store, review.audit.id, actor())
    assert shown.prior_year_open == review.prior_year_open

    ods_audit.evaluate_ods_audit(district.store, review.audit.id, actor(), deletes_reviewed=True, prior_year_reviewed=True)
    made = ods_audit.create_ods_files(district.store, review.audit.id, district.out("files"), actor())
    assert made.files


def test_a_closed_out_previous_year_needs_no_review(district: RunBuilder) -> None:
    review = ods_audit.load_ods_audit(district.store, _download(district), actor())
    assert review.prior_year_open == ()
    ods_audit.evaluate_ods_audit(district.store, review.audit.id, actor(), deletes_reviewed=True)
