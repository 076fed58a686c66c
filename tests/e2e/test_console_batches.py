"""The files of no run, through the console: the Replacement SSIDs Extract (preview, apply, undo),
the SENR ODS audit (deletes listed for review before any file is written, then the files in
posting order) and the SELA EL/IFEP import, all against the CALPADS sandbox's own files."""

from __future__ import annotations

import io
from pathlib import Path

import peewee

from domain.records import SelaRecord
from domain.runs import RunState
from domain.writers import write_sela
from seed.demo import DemoDistrict
from store.settings import read_settings
from store.tables import GeneratedFileRow, LanguageStatusRow, StudentRow
from tests.e2e.conftest import Sandbox, Signed, snapshot
from tests.e2e.console_drive import drive_to
from tests.e2e.console_html import elements, forms, text_of


def _identity(local_id: str) -> tuple[str | None, str | None]:
    student = StudentRow.get(StudentRow.local_id == local_id)
    return student.ssid, student.old_state_id


def _alert(html: str, kind: str = "success") -> str:
    return text_of(html, "div", class_=f"alert-{kind}").removeprefix("×").strip()  # without the close button


def test_replacement_ssids_are_previewed_applied_and_undone(admin: Signed, sandbox: Sandbox, district: DemoDistrict) -> None:
    retired = next(d for d in district.students() if d.retired_ssid and d.student.ssid == d.retired_ssid)
    local_id = retired.student.local_id
    before = _identity(local_id)
    extract = sandbox.replacements()
    loaded = admin.post("/admin/replacement/load", files={"file": (extract.read_bytes(), extract.name)}, follow=True)
    page = loaded.get_data(as_text=True)
    assert "loaded for review" in _alert(page) and "Nothing is written yet." in _alert(page)
    line = elements(page, "tr", data_local_id=local_id)[0]
    assert line.attrs["data-kind"] == "replace"
    assert f"{retired.retired_ssid} → {retired.state_ssid}" in " ".join(line.text.split())
    assert _identity(local_id) == before

    assert text_of(page, "strong", data_batch_state="") == "loaded"
    [apply] = [f for f in forms(page) if f.action.endswith("/apply")]
    batch = int(apply.action.split("/")[-2])
    unconfirmed = admin.post(apply.action, follow=True).get_data(as_text=True)
    assert "Tick “I reviewed the preview” first: nothing was applied." in _alert(unconfirmed, "danger")
    assert _identity(local_id) == before

    applied = admin.post(f"/admin/replacement/{batch}/apply", {"confirm": "yes"}, follow=True).get_data(as_text=True)
    assert _alert(applied).startswith("Replacement SSIDs applied:")
    assert _identity(local_id) == (retired.state_ssid, retired.retired_ssid)
    assert [f.action for f in forms(applied) if f.action.endswith("/undo")] == [f"/admin/replacement/{batch}/undo"]
    undone = admin.post(f"/admin/replacement/{batch}/undo", follow=True).get_data(as_text=True)
    assert _alert(undone).startswith("Replacement SSIDs undone:")
    assert _identity(local_id) == before
    # Issue 16, finding 9: an undone batch no longer reads "Applied: yes".
    assert text_of(undone, "strong", data_batch_state="") == "applied, then undone"
    assert "Applied, then undone" in " ".join(h.text for h in elements(undone, "th"))


def test_the_ods_audit_lists_deletes_for_review_before_writing_files(admin: Signed, sandbox: Sandbox, tmp_path: Path) -> None:
    drive_to(admin, sandbox, tmp_path, RunState.EXTRACT_LOADED)
    download = sandbox.ods()
    page = admin.post("/admin/ods-audit/load", files={"file": (download.read_bytes(), download.name)}, follow=True).get_data(as_text=True)
    assert "No file is written until you review the deletes." in _alert(page)
    deletes = int(text_of(page, "strong", data_count="deletes"))
    listed = elements(page, "tr", data_local_id="")
    assert deletes > 0 and len(listed) == deletes
    assert all(("no local enrollment this year" in row.text) or ("deleted, then added" in row.text) for row in listed)
    files_before = GeneratedFileRow.select().count()

    [write] = [f for f in forms(page) if f.action.endswith("/files")]
    refused = admin.post(write.action, follow=True).get_data(as_text=True)
    assert f"the ODS audit lists {deletes} delete(s): review them first" in _alert(refused, "danger")
    assert GeneratedFileRow.select().count() == files_before

    written = admin.post(write.action, {"deletes_reviewed": "yes"}, follow=True).get_data(as_text=True)
    assert "SENR file(s) written" in _alert(written)
    names = [e.text for e in elements(written, "td", class_="file-name")]
    assert names and names[0].endswith("_SENR_ODS_1_Deletes.txt")
    order = [n.split("_SENR_ODS_")[1] for n in names]
    assert order == sorted(order)  # posting order: 1_Deletes, 2_Replaces, 3_Adds
    steps = " ".join(elements(written, "section", class_="calpads-step")[-1].text.split())
    assert "deletes, then replaces, then adds" in steps and names[0] in steps
    assert not [f for f in forms(written) if f.action.endswith("/files")]  # written once
    deleted = bytes(GeneratedFileRow.get(GeneratedFileRow.name == names[0]).content).decode().split("\r\n")
    assert len([line for line in deleted if line]) == deletes and all(line.split("^")[1] == "D" for line in deleted if line)
    for name in names:
        assert name in admin.page("/admin/files/")


def test_the_sela_import_sets_elas_for_new_english_learners(admin: Signed, district: DemoDistrict) -> None:
    missing = (
        StudentRow.select(StudentRow.local_id, StudentRow.ssid)
        .join(LanguageStatusRow, on=(LanguageStatusRow.student == StudentRow.id), join_type=peewee.JOIN.LEFT_OUTER)
        .where(LanguageStatusRow.elas.is_null() | (LanguageStatusRow.elas == "TBD"))
        .first()
    )
    assert missing is not None, "the demo has no student without ELAS"
    year = read_settings().year
    assert year is not None
    record = SelaRecord("SELA-R", "", "", district.lea, "6019715", year.code, missing.ssid or "", "A", "B", "20150101", "F",
                        missing.local_id, "EL", year.first_day.strftime("%Y%m%d"), "01", "")
    buffer = io.BytesIO()
    write_sela([record], buffer)
    before = snapshot()
    page = admin.post("/admin/sela/load", files={"file": (buffer.getvalue(), "sela.txt")}, follow=True).get_data(as_text=True)
    assert "loaded for review: 1 student(s) would change" in _alert(page)
    assert elements(page, "tr", data_local_id=missing.local_id)[0].attrs["data-kind"] == "elas_update"
    assert snapshot()["language_status"] == before["language_status"]
    [apply] = [f for f in forms(page) if f.action.endswith("/apply")]
    applied = admin.post(apply.action, {"confirm": "yes"}, follow=True).get_data(as_text=True)
    assert _alert(applied).startswith("SELA EL/IFEP import applied: 1 student(s) updated")
    status = LanguageStatusRow.get(LanguageStatusRow.student == StudentRow.get(StudentRow.local_id == missing.local_id).id)
    assert (status.elas, status.elas_start) == ("EL", year.first_day)
