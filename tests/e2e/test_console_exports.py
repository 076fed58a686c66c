"""The console's side of issue 17: the Download button beside an applied batch (admins only,
auditors 403) hands out what the apply changed and is journaled on the History page; the Check
page reads any uploaded CALPADS file and lists its problems (an auditor cannot upload)."""

from __future__ import annotations

import csv
import io

from console.exports import CHANGES_COLUMNS
from seed.demo import DemoDistrict
from store.tables import ExportRow
from tests.e2e.conftest import Sandbox, Signed
from tests.e2e.console_html import elements, text_of


def test_the_download_beside_an_applied_batch_is_for_admins_and_journaled(
    admin: Signed, auditor: Signed, sandbox: Sandbox, district: DemoDistrict
) -> None:
    retired = next(d for d in district.students() if d.retired_ssid and d.student.ssid == d.retired_ssid)
    extract = sandbox.replacements()
    admin.post("/admin/replacement/load", files={"file": (extract.read_bytes(), extract.name)})
    batch = int(admin.page("/admin/replacement/").split('data-batch-state="loaded"')[0].rsplit("Batch ", 1)[1].split(" ")[0])
    assert not elements(admin.page("/admin/replacement/"), "a", id="export-changes")  # nothing applied yet
    admin.post(f"/admin/replacement/{batch}/apply", {"confirm": "yes"})

    [button] = elements(admin.page("/admin/replacement/"), "a", id="export-changes")
    assert button.attrs["href"] == f"/admin/exports/batch/{batch}"
    assert not elements(auditor.page("/admin/replacement/"), "a", id="export-changes")
    assert auditor.get(f"/admin/exports/batch/{batch}").status_code == 403
    assert ExportRow.select().count() == 0

    response = admin.get(f"/admin/exports/batch/{batch}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == f'attachment; filename="ssid_changes_batch_{batch}.csv"'
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert tuple(rows[0]) == CHANGES_COLUMNS
    mine = {(r[3], r[4], r[5]) for r in rows[1:] if r[0] == retired.student.local_id}
    assert mine == {("ssid", retired.retired_ssid, retired.state_ssid), ("old_state_id", "", retired.retired_ssid)}
    [journaled] = ExportRow.select()
    assert (journaled.actor, journaled.batch_id) == ("admin", batch)
    history = auditor.page("/admin/history/")
    assert f"batch {batch}" in text_of(history, "section", id="sis-exports")
    assert admin.get("/admin/exports/batch/9999").status_code == 404


def test_the_check_page_lists_every_problem_of_an_uploaded_file(admin: Signed, auditor: Signed, sandbox: Sandbox) -> None:
    good = sandbox.replacements().read_bytes()
    page = admin.post("/admin/check/", files={"file": (good, "replacements.txt")}).get_data(as_text=True)
    assert elements(page, "p", data_outcome="clean")
    broken = good.replace(b"^", b"^X", 1)  # the school code is no longer 7 digits
    page = admin.post("/admin/check/", files={"file": (broken + broken, "broken.txt")}).get_data(as_text=True)
    assert elements(page, "p", data_outcome="problems")
    cells = [" ".join(cell.text.split()) for cell in elements(page, "td")]
    assert [cells[i:i + 4] for i in range(0, 8, 4)] == [
        ["1", "2 Last Known School of Attendance", "FRMT0004", "must be exactly 7 digits"],
        ["2", "", "DUPLICATE", "repeats line 1 exactly (was the file pasted or saved twice?)"],
    ]
    assert auditor.post("/admin/check/", files={"file": (good, "replacements.txt")}).status_code == 403
